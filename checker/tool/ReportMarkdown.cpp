//===- ReportMarkdown.cpp - the report as Markdown ------------------------===//
#include "ReportModel.h"

#include "llvm/ADT/StringExtras.h"

namespace vmaprep {

using namespace report;

static std::string mdCell(llvm::StringRef S) {
  std::string Out;
  for (char C : utf8Text(S)) {
    // Intraword underscores are not emphasis in CommonMark: leave
    // mmap_prepare readable in a terminal.
    if (C == '|' || C == '\\' || C == '*' || C == '`' || C == '[' || C == ']' || C == '<')
      Out += '\\';
    Out += C == '\n' ? ' ' : C;
  }
  return Out;
}

static std::string mdCode(llvm::StringRef S) {
  std::string Out = "`";
  for (char C : S)
    Out += C == '`' ? '\'' : C == '|' ? '/' : C;
  return Out + "`";
}

static std::string progressBar(unsigned Done, unsigned Total) {
  const unsigned Width = 20;
  unsigned Filled = Total ? (Done * Width + Total / 2) / Total : 0;
  return "[" + std::string(Filled, '#') + std::string(Width - Filled, '.') + "]";
}

void writeMarkdownReport(const CheckResult &R, const ReportOptions &O, llvm::raw_ostream &OS) {
  Model M = buildModel(R, O);
  const Group &All = M.Overall;
  OS << "# " << mdCell(O.Title) << "\n\n" << mdCell(header(R, M, O)) << ".\n\n";
  OS << "**Converted: " << All.Count[Already] << " of " << All.total() << " ("
     << percent(All.Count[Already], All.total()) << ")** `" << progressBar(All.Count[Already], All.total()) << "`\n\n";

  OS << "| status | handlers | share |\n|---|---:|---:|\n";
  for (unsigned C = 0; C < NumCategories; ++C)
    if (C != Invalid || All.Count[C])
      OS << "| " << mdCell(Categories[C].Label) << " | " << All.Count[C] << " | " << percent(All.Count[C], All.total())
         << " |\n";
  OS << "| **total** | **" << All.total() << "** | |\n\n";

  OS << "## By subsystem\n\n| subsystem | handlers |";
  for (unsigned C = 0; C < NumCategories; ++C)
    if (C != Invalid || All.Count[C])
      OS << " " << mdCell(Categories[C].Short) << " |";
  OS << " converted |\n|---|---:|";
  for (unsigned C = 0; C < NumCategories; ++C)
    if (C != Invalid || All.Count[C])
      OS << "---:|";
  OS << "---:|\n";
  auto Row = [&](const Group &G, bool Bold) {
    std::string B = Bold ? "**" : "";
    OS << "| " << B << mdCell(G.Name) << B << " | " << B << G.total() << B << " |";
    for (unsigned C = 0; C < NumCategories; ++C)
      if (C != Invalid || All.Count[C])
        OS << " " << G.Count[C] << " |";
    OS << " " << percent(G.Count[Already], G.total()) << " |\n";
  };
  for (const Group &G : M.Subsystems)
    Row(G, false);
  Row(All, true);
  OS << "\n";

  if (!M.Reasons.empty()) {
    OS << "## Blocked, by reason\n\nA handler blocked for several reasons counts under each.\n\n"
       << "| reason | handlers | example | subsystems |\n|---|---:|---|---|\n";
    for (const auto &[Id, B] : M.Reasons)
      OS << "| " << mdCode(Id) << " | " << B.Handlers << " | " << mdCell(B.Example) << " | "
         << mdCell(llvm::join(B.Subsystems, ", ")) << " |\n";
    OS << "\n";
  }
  if (!M.Waiting.empty()) {
    OS << "## Waiting for an API level\n\n| API level | handlers |\n|---|---|\n";
    for (const auto &[Level, Entries] : M.Waiting) {
      OS << "| " << Level << " | ";
      for (size_t I = 0; I < Entries.size(); ++I)
        OS << (I ? ", " : "") << "[" << mdCode(Entries[I]->H->Function) << "](" << href(*Entries[I], O) << ")";
      OS << " |\n";
    }
    OS << "\n";
  }

  if (!M.Hooks.empty()) {
    OS << "## Subsystem hooks\n\n" << HookSectionIntro << "\n\n| hook | implementations |";
    for (unsigned C : HookCategories)
      OS << " " << mdCell(Categories[C].Short) << " |";
    OS << " body elsewhere | tables | blocked by |\n|---|---:|";
    for (unsigned I = 0; I < std::size(HookCategories); ++I)
      OS << "---:|";
    OS << "---:|---:|---|\n";
    for (const HookMember &H : M.Hooks) {
      OS << "| " << mdCode(H.Name) << " | " << H.implementations() << " |";
      for (unsigned C : HookCategories)
        OS << " " << H.Count[C] << " |";
      OS << " " << H.BodyElsewhere << " | " << H.Registrations << " | " << mdCell(hookReasons(H)) << " |\n";
    }
    OS << "\n";
  }

  OS << "## Handlers\n";
  for (const Group &G : M.Subsystems) {
    OS << "\n### " << mdCell(G.Name) << "\n\n| handler | hook | location | status | detail |\n"
       << "|---|---|---|---|---|\n";
    for (const Entry &E : G.Entries)
      OS << "| " << mdCode(E.H->Function) << " | ." << mdCell(hookKindName(E.H->Kind)) << " | [" << mdCell(E.Path)
         << ":" << E.H->Where.Line << "](" << href(E, O) << ") | " << Categories[categoryOf(E.H->Result.Kind)].Label
         << " | " << mdCell(detailOf(*E.H)) << " |\n";
  }
  if (!R.Errors.empty()) {
    OS << "\n## Not analysed\n\n";
    for (const InputError &E : R.Errors)
      OS << "- " << mdCell(E.File) << ": " << mdCell(E.Message) << "\n";
  }
}

} // namespace vmaprep

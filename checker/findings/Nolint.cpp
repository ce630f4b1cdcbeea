//===- Nolint.cpp - clang-tidy's NOLINT comments, read as clang-tidy does -===//
//
// Mirrors clang-tidy 19's NoLintDirectiveHandler so both front doors agree:
// NOLINT anywhere on the finding's line, NOLINTNEXTLINE on the line before,
// or a NOLINTBEGIN ... NOLINTEND block around it whose check lists are
// identical. A check list is comma-separated globs ('*' matches anything,
// negative '-' globs are ignored, whitespace around each is ignored); no list
// means every check, an empty list "()" means none.
//
//===----------------------------------------------------------------------===//
#include "findings/FindingFilters.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

namespace vmaprep {

static bool globMatch(llvm::StringRef Glob, llvm::StringRef Name) {
  size_t Star = Glob.find('*');
  if (Star == llvm::StringRef::npos)
    return Glob == Name;
  if (!Name.consume_front(Glob.take_front(Star)))
    return false;
  Glob = Glob.drop_front(Star + 1);
  for (size_t I = 0; I <= Name.size(); ++I)
    if (globMatch(Glob, Name.drop_front(I)))
      return true;
  return false;
}

bool NolintIndex::covers(const std::optional<std::string> &Checks, llvm::StringRef Check) {
  if (!Checks)
    return true;
  llvm::SmallVector<llvm::StringRef, 4> Globs;
  llvm::StringRef(*Checks).split(Globs, ',');
  for (llvm::StringRef G : Globs) {
    G = G.trim(" \t\r\n");
    if (G.empty() || G.starts_with("-"))
      continue;
    if (globMatch(G, Check))
      return true;
  }
  return false;
}

std::vector<NolintIndex::Directive> NolintIndex::parse(llvm::StringRef Text) {
  std::vector<Directive> Out;
  size_t Pos = 0;
  while (Pos < Text.size()) {
    size_t At = Text.find("NOLINT", Pos);
    if (At == llvm::StringRef::npos)
      break;
    Pos = At + 6;
    while (Pos < Text.size() && llvm::isAlpha(Text[Pos]))
      ++Pos;
    llvm::StringRef Word = Text.slice(At, Pos);
    Directive D{Directive::NoLint, At, std::nullopt};
    if (Word == "NOLINT")
      D.Type = Directive::NoLint;
    else if (Word == "NOLINTNEXTLINE")
      D.Type = Directive::NextLine;
    else if (Word == "NOLINTBEGIN")
      D.Type = Directive::Begin;
    else if (Word == "NOLINTEND")
      D.Type = Directive::End;
    else
      continue;
    if (Pos < Text.size() && Text[Pos] == '(') {
      size_t Close = Text.find_first_of("\n)", Pos + 1);
      if (Close != llvm::StringRef::npos && Text[Close] == ')') {
        // Whitespace around each check is insignificant (BEGIN/END match on
        // the list without it).
        llvm::SmallVector<llvm::StringRef, 4> Parts;
        Text.slice(Pos + 1, Close).split(Parts, ',');
        std::string List;
        for (size_t I = 0; I < Parts.size(); ++I)
          List += (I ? "," : "") + Parts[I].trim().str();
        D.Checks = List;
        Pos = Close + 1;
      }
    }
    Out.push_back(std::move(D));
  }
  return Out;
}

NolintIndex::FileInfo &NolintIndex::load(const std::string &Path) {
  auto [It, Inserted] = Files.try_emplace(Path);
  FileInfo &F = It->second;
  if (!Inserted)
    return F;
  auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buffer)
    return F;
  F.Readable = true;
  F.Text = (*Buffer)->getBuffer().str();
  F.LineStarts.push_back(0);
  for (size_t I = 0; I < F.Text.size(); ++I)
    if (F.Text[I] == '\n')
      F.LineStarts.push_back(I + 1);
  // Blocks nest: an END closes the innermost BEGIN with the same check list;
  // an unmatched BEGIN or END suppresses nothing.
  std::vector<Directive> Open;
  for (Directive &D : parse(F.Text)) {
    if (D.Type == Directive::Begin) {
      Open.push_back(D);
    } else if (D.Type == Directive::End) {
      if (!Open.empty() && Open.back().Checks == D.Checks) {
        F.Blocks.push_back({Open.back().Pos, D.Pos, Open.back().Checks});
        Open.pop_back();
      }
    }
  }
  return F;
}

bool NolintIndex::suppresses(const SourceSite &Where, llvm::StringRef Check) {
  if (!Where.valid())
    return false;
  FileInfo &F = load(Where.File);
  if (!F.Readable || Where.Line > F.LineStarts.size())
    return false;
  auto LineText = [&](unsigned Line) {
    size_t Begin = F.LineStarts[Line - 1];
    size_t End = Line < F.LineStarts.size() ? F.LineStarts[Line] - 1 : F.Text.size();
    return llvm::StringRef(F.Text).slice(Begin, End);
  };
  auto Has = [&](unsigned Line, Directive::Kind Type) {
    for (const Directive &D : parse(LineText(Line)))
      if (D.Type == Type && covers(D.Checks, Check))
        return true;
    return false;
  };
  if (Has(Where.Line, Directive::NoLint))
    return true;
  if (Where.Line > 1 && Has(Where.Line - 1, Directive::NextLine))
    return true;
  size_t Pos = F.LineStarts[Where.Line - 1] + (Where.Column ? Where.Column - 1 : 0);
  for (const Block &B : F.Blocks)
    if (B.Begin < Pos && Pos < B.End && covers(B.Checks, Check))
      return true;
  return false;
}

unsigned applyNolint(CheckResult &R) {
  NolintIndex Index;
  unsigned Removed = removeFindings(R, [&](const FindingRef &F) { return Index.suppresses(F.primary(), F.rule()); });
  // A handler reported at its definition keeps the tables other TUs joined
  // to it; a NOLINT on one of those leaves that table alone, so fix does
  // not rewrite the handler either (FixCommand.cpp, dropNolint()).
  for (HandlerReport &H : R.Handlers) {
    if (H.Kind != HookKind::LegacyMmap || !H.Rewrite || !H.Rewrite->Available || H.IsStatic)
      continue;
    for (const OpsSiteReport &S : H.Sites)
      if (S.Where.File != H.Where.File && Index.suppresses(S.Where, "vmaprep-legacy-mmap")) {
        H.Rewrite->Available = false;
        H.Rewrite->Refusal = "its registration in " + S.Where.str() + " is marked NOLINT(vmaprep-legacy-mmap)";
        H.Rewrite->RefusalSite = S.Where;
        H.Rewrite->Kind = RefusalKind::Edit;
        H.Rewrite->Differences.clear();
        break;
      }
  }
  return Removed;
}

} // namespace vmaprep

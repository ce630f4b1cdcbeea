//===- TextOutput.cpp - compiler-style diagnostics ------------------------===//
#include "Outputs.h"

#include "vmaprep/Classifier.h"
#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

namespace vmaprep {

static const char *const LegacyCheck = "vmaprep-legacy-mmap";
static const char *const ContractCheck = "vmaprep-prepare-contract";
static const char *const HookCheck = "vmaprep-subsystem-hook";

void writeDiagnostic(llvm::raw_ostream &OS, llvm::StringRef Location, llvm::StringRef Level,
                     llvm::StringRef Message, llvm::StringRef Check) {
  static const bool NoColor = std::getenv("NO_COLOR") && *std::getenv("NO_COLOR");
  bool Colors = !NoColor && OS.is_displayed();
  if (!Colors) {
    OS << Location << ": " << Level << ": " << Message;
    if (!Check.empty())
      OS << " [" << Check << "]";
    OS << "\n";
    return;
  }
  // clang's: the location and message bold, the level in its colour.
  llvm::raw_ostream::Colors LevelColor = Level == "error"     ? llvm::raw_ostream::RED
                                         : Level == "warning" ? llvm::raw_ostream::MAGENTA
                                         : Level == "remark"  ? llvm::raw_ostream::BLUE
                                                              : llvm::raw_ostream::BLACK;
  OS.enable_colors(true);
  OS.changeColor(llvm::raw_ostream::SAVEDCOLOR, /*Bold=*/true) << Location << ": ";
  OS.changeColor(LevelColor, /*Bold=*/true) << Level << ": ";
  OS.changeColor(llvm::raw_ostream::SAVEDCOLOR, /*Bold=*/true) << Message;
  OS.resetColor();
  if (!Check.empty())
    OS << " [" << Check << "]";
  OS << "\n";
  OS.enable_colors(false);
}

static void diag(llvm::raw_ostream &OS, const SourceSite &Where, llvm::StringRef Level,
                 const std::string &Message, const char *Check = nullptr) {
  std::string Text = Message;
  if (Where.inMacro())
    Text += " (in expansion of macro '" + Where.Macro + "')";
  writeDiagnostic(OS, Where.str(), Level, Text, Check ? Check : "");
}

std::string describeEffect(const EffectReport &E) {
  std::string What;
  switch (E.Kind) {
  case EffectKind::FlagsChange: What = "changes flags: "; break;
  case EffectKind::FlagsTest: What = "tests flags: "; break;
  case EffectKind::FlagsRead: What = "reads flags: "; break;
  case EffectKind::FieldWrite: What = "writes vma->" + E.Name + ": "; break;
  case EffectKind::FieldRead: What = "reads vma->" + E.Name + ": "; break;
  case EffectKind::SizeQuery: What = "reads the size: "; break;
  case EffectKind::Mapping:
    What = std::string("maps memory (") + mappingRangeName(E.Range).str() + ", result " +
           resultUseName(E.Use).str() + (E.InLoop ? ", in a loop" : "") + "): ";
    break;
  case EffectKind::Delegation: What = "delegates: "; break;
  case EffectKind::Escape: What = "the VMA escapes (" + E.Detail + "): "; break;
  case EffectKind::ManualOpen: What = "calls vm_ops->" + E.Name + "() by hand: "; break;
  case EffectKind::StateChange: What = "acquires state (" + E.Detail + "): "; break;
  }
  return What + E.Text + viaSuffix(E);
}

std::string viaSuffix(const EffectReport &E) {
  if (E.Via.empty())
    return "";
  std::string S = " (via ";
  for (size_t I = 0; I < E.Via.size(); ++I)
    S += (I ? " -> " : "") + E.Via[I].Callee + "()";
  return S + ")";
}

static bool isRead(EffectKind K) {
  return K == EffectKind::FlagsTest || K == EffectKind::FlagsRead || K == EffectKind::FieldRead ||
         K == EffectKind::SizeQuery;
}

void writeText(const CheckResult &R, const TextOptions &Options, llvm::raw_ostream &OS) {
  std::vector<const HandlerReport *> Sorted;
  for (const HandlerReport &H : R.Handlers)
    if (H.Kind == HookKind::LegacyMmap)
      Sorted.push_back(&H);
  std::sort(Sorted.begin(), Sorted.end(),
            [](const HandlerReport *A, const HandlerReport *B) { return A->Where < B->Where; });

  for (const HandlerReport *H : Sorted) {
    diag(OS, H->Where, "warning", legacyHandlerMessage(H->Function, H->Result, R.Target), LegacyCheck);
    for (const OpsSiteReport &S : H->Sites)
      diag(OS, S.Where, "note", "registered as ." + S.Member + " in '" + S.Table + "'");
    // An effect that decided the verdict carries the reason; a reason with
    // no effect (body not visible, ...) is a note at the handler.
    std::map<unsigned, std::vector<const Reason *>> Cited;
    for (const Reason &Rs : H->Result.Reasons) {
      for (unsigned I : Rs.Effects)
        Cited[I].push_back(&Rs);
      bool InHeadline = (H->Result.Kind == VerdictKind::Blocked || H->Result.Kind == VerdictKind::InvalidBothHooks) &&
                        &Rs == &H->Result.Reasons.front();
      if (Rs.Effects.empty() && !InHeadline)
        diag(OS, H->Where, "note", Rs.Text);
    }
    for (unsigned I = 0; I < H->Effects.size(); ++I) {
      const EffectReport &E = H->Effects[I];
      auto It = Cited.find(I);
      if (It != Cited.end()) {
        for (const Reason *Rs : It->second)
          diag(OS, E.Where, "note", Rs->Text + ": " + E.Text);
      } else if (Options.ShowReads || !isRead(E.Kind)) {
        diag(OS, E.Where, "note", describeEffect(E));
      }
    }
    // Where the verdict says convertible, whether fix agrees; any other
    // verdict is itself the reason fix leaves the handler alone.
    if (H->Rewrite && isConvertible(H->Result.Kind)) {
      if (H->Rewrite->Available) {
        diag(OS, H->Where, "note", "vmaprep fix rewrites it as '" + H->Rewrite->NewFunction + "'");
        for (const std::string &D : H->Rewrite->Differences)
          diag(OS, H->Where, "note", "the rewrite differs on purpose: " + D);
      } else
        diag(OS, H->Rewrite->RefusalSite.valid() ? H->Rewrite->RefusalSite : H->Where, "note",
             "vmaprep fix does not rewrite it: " + H->Rewrite->Refusal);
    }
  }
  // Breaches of the mmap_prepare contract, by converted and legacy handlers.
  for (const HandlerReport &H : R.Handlers)
    for (const Reason &Breach : H.Result.Contract) {
      std::vector<const SourceSite *> At;
      for (unsigned I : Breach.Effects)
        if (I < H.Effects.size())
          At.push_back(&H.Effects[I].Where);
      diag(OS, At.empty() ? H.Where : *At.front(), "warning", contractBreachMessage(H.Function, Breach),
           ContractCheck);
      for (size_t I = 1; I < At.size(); ++I)
        diag(OS, *At[I], "note", "also here");
    }
  for (const BothHooksTable &B : R.BothHooks)
    diag(OS, B.Where, "error",
         "'" + B.Table + "' sets both .mmap (" + B.MmapFunction + ") and .mmap_prepare (" +
             B.MmapPrepareFunction + "); mmap(2) fails with -ENODEV",
         LegacyCheck);
  for (const UnresolvedReport &U : R.Unresolved)
    diag(OS, U.Site.Where, "warning",
         "." + U.Site.Member + " in '" + U.Site.Table + "' is set to '" + U.Expression +
             "', which vmaprep cannot resolve to a function",
         LegacyCheck);
  if (Options.ShowSubsystemHooks)
    for (const SubsystemHookReport &H : R.SubsystemHooks)
      diag(OS, H.Site.Where, "remark",
           "'" + H.Function + "' is a " + H.Site.Record + "." + H.Site.Member +
               " hook; it takes a VMA and moves to mmap_prepare only with its subsystem",
           HookCheck);
  OS << "vmaprep: " << summaryLine(R) << "\n";
}

std::string summaryLine(const CheckResult &R) {
  std::map<VerdictKind, unsigned> Count;
  std::set<std::string> Files;
  for (const HandlerReport &H : R.Handlers) {
    ++Count[H.Result.Kind];
    Files.insert(H.Where.File);
  }
  // After NOLINT, a baseline or --since, the counts are of what is reported,
  // and the line says so and what was left out.
  unsigned Hidden = R.Suppressed + R.Baselined + R.OutsideChangedLines;
  std::string S = std::to_string(R.Handlers.size()) + " mmap handler" +
                  (R.Handlers.size() == 1 ? "" : "s") + (Hidden ? " reported" : "") + " in " + std::to_string(Files.size()) +
                  " of " + std::to_string(R.FilesAnalysed) + " analysed files (API level " +
                  apiLevelName(R.Target).str() + "): ";
  S += std::to_string(Count[VerdictKind::AutoConvertible]) + " auto-convertible, ";
  S += std::to_string(Count[VerdictKind::ConvertibleWithMapped]) + " convertible with vm_ops->mapped, ";
  S += std::to_string(Count[VerdictKind::NeedsApiLevel]) + " need a newer API level, ";
  S += std::to_string(Count[VerdictKind::Blocked]) + " blocked, ";
  S += std::to_string(Count[VerdictKind::AlreadyMmapPrepare]) + " already mmap_prepare";
  if (Count[VerdictKind::InvalidBothHooks])
    S += ", " + std::to_string(Count[VerdictKind::InvalidBothHooks]) + " in tables with both hooks";
  S += "; " + std::to_string(R.SubsystemHooks.size()) + " subsystem hooks";
  size_t Breaches = 0;
  for (const HandlerReport &H : R.Handlers)
    Breaches += H.Result.Contract.size();
  if (Breaches)
    S += "; " + std::to_string(Breaches) + " mmap_prepare contract breach" + (Breaches == 1 ? "" : "es");
  auto Plural = [](unsigned N, const char *One, const char *Many) {
    return std::to_string(N) + " " + (N == 1 ? One : Many);
  };
  // Only what happened: a plain run's line stays as it was.
  if (R.FilesSkippedByPrefilter)
    S += "; " + Plural(R.FilesSkippedByPrefilter, "file", "files") + " skipped by the prefilter";
  if (R.FilesUnchanged)
    S += "; " + Plural(R.FilesUnchanged, "file", "files") + " not parsed: unchanged since the revision";
  if (R.FilesExcluded)
    S += "; " + Plural(R.FilesExcluded, "file", "files") + " excluded by the config";
  if (Hidden) {
    std::vector<std::string> Why;
    if (R.Suppressed)
      Why.push_back(std::to_string(R.Suppressed) + " under NOLINT");
    if (R.Baselined)
      Why.push_back(std::to_string(R.Baselined) + " in the baseline");
    if (R.OutsideChangedLines)
      Why.push_back(std::to_string(R.OutsideChangedLines) + " outside the changed lines");
    S += "; " + Plural(Hidden, "finding", "findings") + " not reported: ";
    for (size_t I = 0; I < Why.size(); ++I)
      S += (I ? ", " : "") + Why[I];
  }
  if (!R.Errors.empty())
    S += "; " + std::to_string(R.Errors.size()) + " input error" + (R.Errors.size() == 1 ? "" : "s");
  unsigned Rewritable = 0;
  bool Legacy = false;
  for (const HandlerReport &H : R.Handlers)
    if (H.Rewrite) {
      Legacy = true;
      Rewritable += H.Rewrite->Available;
    }
  if (Legacy)
    S += "; vmaprep fix would rewrite " + std::to_string(Rewritable);
  return S;
}

} // namespace vmaprep

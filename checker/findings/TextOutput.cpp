//===- TextOutput.cpp - compiler-style diagnostics ------------------------===//
#include "findings/Outputs.h"

#include "vmaprep/FindingNotes.h"
#include "vmaprep/Verdict.h"
#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

namespace vmaprep {

static const char *const LegacyCheck = "vmaprep-legacy-mmap";
static const char *const ContractCheck = "vmaprep-prepare-contract";
static const char *const HookCheck = "vmaprep-subsystem-hook";

void writeDiagnostic(llvm::raw_ostream &OS, llvm::StringRef Location, llvm::StringRef Level, llvm::StringRef Message,
                     llvm::StringRef Check) {
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

static void diag(llvm::raw_ostream &OS, const SourceSite &Where, llvm::StringRef Level, const std::string &Message,
                 const char *Check = nullptr) {
  writeDiagnostic(OS, Where.str(), Level, withMacroSuffix(Where, Message), Check ? Check : "");
}

void writeText(const CheckResult &R, const TextOptions &Options, llvm::raw_ostream &OS) {
  std::vector<const HandlerReport *> Sorted = legacyHandlersInOrder(R);

  for (const HandlerReport *H : Sorted) {
    diag(OS, H->Where, "warning", legacyHandlerMessage(H->Function, H->Result, R.Target), LegacyCheck);
    for (const FindingNote &N : legacyHandlerNotes(*H, Options.ShowReads))
      diag(OS, N.Where, "note", N.Text);
  }
  // Breaches of the mmap_prepare contract, by converted and legacy handlers.
  for (const HandlerReport &H : R.Handlers)
    for (const Reason &Breach : H.Result.Contract) {
      std::vector<const SourceSite *> At;
      for (unsigned I : Breach.Effects)
        if (I < H.Effects.size())
          At.push_back(&H.Effects[I].Where);
      diag(OS, At.empty() ? H.Where : *At.front(), "warning", contractBreachMessage(H.Function, Breach), ContractCheck);
      for (size_t I = 1; I < At.size(); ++I)
        diag(OS, *At[I], "note", "also here");
    }
  for (const BothHooksTable &B : R.BothHooks)
    diag(OS, B.Where, "error",
         "'" + B.Table + "' sets both .mmap (" + B.MmapFunction + ") and .mmap_prepare (" + B.MmapPrepareFunction +
             "); mmap(2) fails with -ENODEV",
         LegacyCheck);
  for (const UnresolvedReport &U : R.Unresolved)
    diag(OS, U.Site.Where, "warning",
         "." + U.Site.Member + " in '" + U.Site.Table + "' is set to '" + U.Expression +
             "', which vmaprep cannot resolve to a function",
         LegacyCheck);
  if (Options.ShowSubsystemHooks)
    for (const SubsystemHookReport &H : R.SubsystemHooks)
      diag(OS, H.Site.Where, "remark",
           subsystemHookMessage(H.Function, H.Site.Record, H.Site.Member, H.BodyVisible ? &H.Result : nullptr),
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
  std::string S = std::to_string(R.Handlers.size()) + " mmap handler" + (R.Handlers.size() == 1 ? "" : "s") +
                  (Hidden ? " reported" : "") + " in " + std::to_string(Files.size()) + " of " +
                  std::to_string(R.FilesAnalysed) + " analysed files (API level " + apiLevelName(R.Target).str() +
                  "): ";
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

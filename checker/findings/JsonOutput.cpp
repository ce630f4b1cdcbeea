//===- JsonOutput.cpp - the versioned JSON document -----------------------===//
//
// Schema "vmaprep-check", version 1, documented in docs/json-schema.md. Add
// fields freely; renaming or removing one needs a new version.
//
//===----------------------------------------------------------------------===//
#include "findings/Outputs.h"

#include "vmaprep/Verdict.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"
#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace vmaprep {

static const int SchemaVersion = 1;

/// A path in "file"; one that is not UTF-8 (JSON would replace its bytes
/// with U+FFFD and name a file that does not exist) also in "file_bytes", hex,
/// which readers prefer.
static void pathField(llvm::json::Object &O, const std::string &Path) {
  O["file"] = Path;
  if (!llvm::json::isUTF8(Path))
    O["file_bytes"] = llvm::toHex(Path, /*LowerCase=*/true);
}

static void siteFields(llvm::json::Object &O, const SourceSite &S) {
  pathField(O, S.File);
  O["line"] = S.Line;
  O["column"] = S.Column;
  O["end_line"] = S.EndLine;
  O["end_column"] = S.EndColumn;
  O["macro"] = S.inMacro() ? llvm::json::Value(S.Macro) : llvm::json::Value(nullptr);
}

/// Each site as an object of its location fields.
static llvm::json::Array sites(const std::vector<SourceSite> &Sites) {
  llvm::json::Array Out;
  for (const SourceSite &S : Sites) {
    llvm::json::Object Site;
    siteFields(Site, S);
    Out.push_back(std::move(Site));
  }
  return Out;
}

static llvm::json::Object opsSite(const OpsSiteReport &S) {
  llvm::json::Object O{{"record", S.Record}, {"member", S.Member}, {"table", S.Table}, {"form", S.Form}};
  siteFields(O, S.Where);
  return O;
}

/// Calls with their sites: an effect's via, a mapping's fed_by.
static llvm::json::Array callSteps(const std::vector<CallStep> &Steps) {
  llvm::json::Array Out;
  for (const CallStep &Step : Steps) {
    llvm::json::Object S{{"callee", Step.Callee}};
    siteFields(S, Step.Where);
    Out.push_back(std::move(S));
  }
  return Out;
}

static llvm::json::Object effect(const EffectReport &E) {
  llvm::json::Object O{{"kind", effectKindName(E.Kind)},
                       {"name", E.Name},
                       {"detail", E.Detail},
                       {"text", E.Text},
                       {"in_loop", E.InLoop}};
  llvm::json::Array Operands;
  for (const std::string &Op : E.Operands)
    Operands.push_back(Op);
  O["operands"] = std::move(Operands);
  if (E.Kind == EffectKind::Mapping) {
    O["range"] = mappingRangeName(E.Range);
    O["result_use"] = resultUseName(E.Use);
    if (!E.ErrorValue.empty())
      O["error_value"] = E.ErrorValue;
    O["fed_by"] = callSteps(E.FedBy);
    if (E.SizeValue)
      O["size_value"] = static_cast<int64_t>(*E.SizeValue);
  }
  if (!E.Bounds.empty()) {
    llvm::json::Array Bounds;
    for (const ExtentBound &B : E.Bounds)
      Bounds.push_back(llvm::json::Object{{"size", B.PerSize},
                                          {"pages", B.PerPage},
                                          {"pgoff", B.PerPgoff},
                                          {"constant", B.Constant},
                                          {"divisor", B.Divisor},
                                          {"op", B.Op},
                                          {"value", B.Value}});
    O["bounds"] = std::move(Bounds);
  }
  O["via"] = callSteps(E.Via);
  siteFields(O, E.Where);
  return O;
}

static llvm::json::Object handler(const HandlerReport &H) {
  llvm::json::Object O{{"function", H.Function},
                       {"hook", hookKindName(H.Kind)},
                       {"static", H.IsStatic},
                       {"body_visible", H.BodyVisible},
                       {"verdict", verdictName(H.Result.Kind)}};
  siteFields(O, H.Where);
  // A blocked handler converts at no level: a level would read as one.
  O["needed_api_level"] = H.Result.NeededLevel && H.Result.Kind != VerdictKind::Blocked
                              ? llvm::json::Value(apiLevelName(*H.Result.NeededLevel))
                              : llvm::json::Value(nullptr);
  O["declarations"] = sites(H.Declarations);
  llvm::json::Array Ops, Reasons, Contract, Effects;
  for (const OpsSiteReport &S : H.Sites)
    Ops.push_back(opsSite(S));
  auto ReasonObject = [](const Reason &R) {
    llvm::json::Array Cited;
    for (unsigned I : R.Effects)
      Cited.push_back(I);
    return llvm::json::Object{{"id", R.Id}, {"text", R.Text}, {"effects", std::move(Cited)}};
  };
  for (const Reason &R : H.Result.Reasons)
    Reasons.push_back(ReasonObject(R));
  for (const Reason &R : H.Result.Contract)
    Contract.push_back(ReasonObject(R));
  O["contract"] = std::move(Contract);
  for (const EffectReport &E : H.Effects)
    Effects.push_back(effect(E));
  O["ops"] = std::move(Ops);
  O["reasons"] = std::move(Reasons);
  O["effects"] = std::move(Effects);
  O["rewrite"] = nullptr;
  if (H.Rewrite) {
    llvm::json::Array Differences;
    for (const std::string &D : H.Rewrite->Differences)
      Differences.push_back(D);
    llvm::json::Object Rw{{"available", H.Rewrite->Available},
                          {"new_function", H.Rewrite->NewFunction},
                          {"refusal", nullptr},
                          {"differences", std::move(Differences)}};
    if (!H.Rewrite->Available) {
      llvm::json::Object Refusal{{"text", H.Rewrite->Refusal}, {"kind", refusalKindName(H.Rewrite->Kind)}};
      if (H.Rewrite->RefusalSite.valid())
        siteFields(Refusal, H.Rewrite->RefusalSite);
      Rw["refusal"] = std::move(Refusal);
    }
    // A registration of a handler defined in another TU: its part of the
    // whole-database plan; absent for every other handler.
    if (const std::optional<RegistrationOutlook> &Part = H.Rewrite->Registration) {
      llvm::json::Object Registration{{"available", Part->Available}, {"refusal", nullptr}};
      if (!Part->Available) {
        llvm::json::Object Refusal{{"text", Part->Refusal}};
        if (Part->RefusalSite.valid())
          siteFields(Refusal, Part->RefusalSite);
        Registration["refusal"] = std::move(Refusal);
      }
      Rw["registration"] = std::move(Registration);
    }
    O["rewrite"] = std::move(Rw);
  }
  return O;
}

void writeJson(const CheckResult &R, llvm::raw_ostream &OS) {
  llvm::json::Array Hooks, Both, Unresolved, Errors;
  std::map<std::string, unsigned> Verdicts;
  for (const HandlerReport &H : R.Handlers)
    ++Verdicts[verdictName(H.Result.Kind).str()];
  for (const SubsystemHookReport &H : R.SubsystemHooks) {
    llvm::json::Object O = opsSite(H.Site);
    O["function"] = H.Function;
    // As if the subsystem had a prepare hook; null where the body is elsewhere.
    O["body_visible"] = H.BodyVisible;
    O["verdict"] = H.BodyVisible ? llvm::json::Value(verdictName(H.Result.Kind)) : llvm::json::Value(nullptr);
    llvm::json::Array Reasons;
    for (const Reason &Rs : H.Result.Reasons)
      Reasons.push_back(llvm::json::Object{{"id", Rs.Id}, {"text", Rs.Text}});
    O["reasons"] = std::move(Reasons);
    Hooks.push_back(std::move(O));
  }
  for (const BothHooksTable &B : R.BothHooks) {
    llvm::json::Object O{{"table", B.Table}, {"mmap", B.MmapFunction}, {"mmap_prepare", B.MmapPrepareFunction}};
    siteFields(O, B.Where);
    Both.push_back(std::move(O));
  }
  for (const UnresolvedReport &U : R.Unresolved) {
    llvm::json::Object O = opsSite(U.Site);
    O["expression"] = U.Expression;
    Unresolved.push_back(std::move(O));
  }
  for (const InputError &E : R.Errors) {
    llvm::json::Object O{{"message", E.Message}};
    pathField(O, E.File);
    Errors.push_back(std::move(O));
  }
  llvm::json::Object VerdictCounts;
  for (auto &[Name, N] : Verdicts)
    VerdictCounts[Name] = N;
  llvm::json::Array Dropped;
  for (const std::string &F : R.DroppedFlags)
    Dropped.push_back(F);
  llvm::json::Object Doc{
      {"schema", "vmaprep-check"},
      {"version", SchemaVersion},
      {"api_level", apiLevelName(R.Target)},
      {"api_detection",
       [&] {
         llvm::json::Array A;
         for (const std::string &D : R.ApiDetections)
           A.push_back(D);
         return A;
       }()},
      {"subsystem_hooks", std::move(Hooks)},
      {"tables_with_both_hooks", std::move(Both)},
      {"unresolved", std::move(Unresolved)},
      {"errors", std::move(Errors)},
      {"dropped_flags", std::move(Dropped)},
      {"summary", llvm::json::Object{{"files_analysed", R.FilesAnalysed},
                                     {"handlers", R.Handlers.size()},
                                     {"verdicts", std::move(VerdictCounts)},
                                     {"subsystem_hooks", R.SubsystemHooks.size()},
                                     {"input_errors", R.Errors.size()},
                                     {"duplicate_database_entries", R.DuplicateEntries}}},
  };
  // Counts of what was skipped or filtered appear when they are not zero,
  // so a plain run's document is what it always was.
  llvm::json::Object &Summary = *Doc.getObject("summary");
  auto Optional = [&](llvm::StringRef Key, unsigned N) {
    if (N)
      Summary[Key] = N;
  };
  Optional("files_skipped_by_prefilter", R.FilesSkippedByPrefilter);
  Optional("files_excluded", R.FilesExcluded);
  Optional("suppressed_by_nolint", R.Suppressed);
  Optional("baselined", R.Baselined);
  Optional("outside_changed_lines", R.OutsideChangedLines);
  // Definitions no registration joined (FindingsMerger::finish): kept for a
  // later `merge` with the shard that registers them; absent when none.
  if (!R.ExternalDefinitions.empty()) {
    llvm::json::Array Definitions;
    for (const HandlerReport &H : R.ExternalDefinitions)
      Definitions.push_back(handler(H));
    Doc["external_definitions"] = std::move(Definitions);
  }
  // Uses of handlers defined elsewhere outside ops tables, for later merges;
  // absent when none.
  if (!R.ExternalUses.empty()) {
    llvm::json::Array Uses;
    for (const ExternalHandlerUse &U : R.ExternalUses) {
      llvm::json::Object Use{{"function", U.Function}};
      siteFields(Use, U.Where);
      Use["declarations"] = sites(U.Declarations);
      Uses.push_back(std::move(Use));
    }
    Doc["external_uses"] = std::move(Uses);
  }
  // The handlers are most of a tree's document: each is built and written in
  // turn rather than the whole document at once, which cost merge twelve
  // times its input. The output is what llvm::json prints for the whole
  // document: keys in sorted order, two-space indentation.
  std::vector<std::string> Keys{"handlers"};
  for (const auto &KV : Doc)
    Keys.push_back(KV.first.str());
  std::sort(Keys.begin(), Keys.end());
  llvm::json::OStream J(OS, 2);
  J.object([&] {
    for (const std::string &Key : Keys) {
      if (Key == "handlers")
        J.attributeArray(Key, [&] {
          for (const HandlerReport &H : R.Handlers)
            J.value(handler(H));
        });
      else
        J.attribute(Key, *Doc.get(Key));
    }
  });
  OS << "\n";
}

} // namespace vmaprep

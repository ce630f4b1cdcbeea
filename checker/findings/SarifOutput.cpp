//===- SarifOutput.cpp - SARIF 2.1.0 for code scanning --------------------===//
//
// Written with llvm::json rather than clang::SarifDocumentWriter, which lacks
// what code scanning needs (shortDescription, help, repo-relative URIs,
// partialFingerprints): docs/toolchain.md, section SARIF.
//
// Levels: a handler that converts now (auto-convertible, with ->mapped) is a
// warning; one that needs a newer API level or is blocked is a note (nothing
// to do in this tree yet); a table with both hooks is an error (mmap(2) fails);
// an unresolvable .mmap is a warning.
//
//===----------------------------------------------------------------------===//
#include "findings/SarifOutput.h"
#include "findings/Outputs.h"
#include "findings/Paths.h"

#include "findings/FindingFilters.h"
#include "findings/Fingerprint.h"
#include "findings/Version.h"
#include "vmaprep/Verdict.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include <algorithm>
#include <map>

namespace vmaprep {

static const char *const ToolVersion = VmaprepVersion;
static const char *const InformationUri = "https://github.com/vmaprep/vmaprep";

namespace {

class SarifBuilder {
public:
  SarifBuilder(const CheckResult &R, const SarifOptions &O) : R(R), O(O) {}

  llvm::json::Value build() {
    llvm::json::Array Results;
    for (const HandlerReport *H : legacyHandlersInOrder(R))
      Results.push_back(handlerResult(*H));
    for (const HandlerReport &H : R.Handlers)
      for (const Reason &Breach : H.Result.Contract)
        Results.push_back(contractResult(H, Breach));
    for (const BothHooksTable &B : R.BothHooks)
      Results.push_back(bothHooksResult(B));
    for (const UnresolvedReport &U : R.Unresolved)
      Results.push_back(unresolvedResult(U));
    if (O.ShowSubsystemHooks)
      for (const SubsystemHookReport &H : R.SubsystemHooks)
        Results.push_back(subsystemHookResult(H));

    llvm::json::Array Notifications;
    for (const InputError &E : R.Errors) {
      llvm::json::Object N{{"level", "error"}, {"message", text(E.File + ": " + E.Message)}};
      if (!E.File.empty())
        N["locations"] = llvm::json::Array{
            llvm::json::Object{{"physicalLocation", llvm::json::Object{{"artifactLocation", artifact(E.File)}}}}};
      Notifications.push_back(std::move(N));
    }
    llvm::json::Object Invocation{{"executionSuccessful", R.Errors.empty()}};
    if (!Notifications.empty())
      Invocation["toolExecutionNotifications"] = std::move(Notifications);

    llvm::json::Object Run{
        {"tool", llvm::json::Object{{"driver", driver()}}},
        {"originalUriBaseIds", llvm::json::Object{{"%SRCROOT%", llvm::json::Object{{"uri", rootUri()}}}}},
        {"invocations", llvm::json::Array{std::move(Invocation)}},
        // Clang reports byte columns; kernel sources are ASCII, where bytes
        // and UTF-16 code units agree.
        {"columnKind", "utf16CodeUnits"},
        {"results", std::move(Results)},
        {"properties", llvm::json::Object{{"apiLevel", apiLevelName(R.Target)},
                                          {"filesAnalysed", R.FilesAnalysed},
                                          {"filesSkippedByPrefilter", R.FilesSkippedByPrefilter},
                                          {"filesExcluded", R.FilesExcluded},
                                          {"suppressedByNolint", R.Suppressed},
                                          {"baselined", R.Baselined},
                                          {"outsideChangedLines", R.OutsideChangedLines}}},
    };
    return llvm::json::Object{
        {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
        {"version", "2.1.0"},
        {"runs", llvm::json::Array{std::move(Run)}},
    };
  }

private:
  const CheckResult &R;
  const SarifOptions &O;

  static llvm::json::Object text(const std::string &S) { return llvm::json::Object{{"text", S}}; }

  std::string rootUri() const {
    std::string U = "file://" + uriPathEncode(O.Root);
    if (U.back() != '/')
      U += '/';
    return U;
  }

  /// Repo-relative under %SRCROOT% when possible: code scanning matches
  /// results to files by that path.
  llvm::json::Object artifact(const std::string &File) const {
    std::string Rel = relativeToRoot(File, O.Root);
    if (!Rel.empty())
      return llvm::json::Object{{"uri", uriPathEncode(Rel)}, {"uriBaseId", "%SRCROOT%"}};
    return llvm::json::Object{{"uri", "file://" + uriPathEncode(File)}};
  }

  llvm::json::Object location(const SourceSite &S) const {
    if (!S.valid()) // no line known: the file alone (regions start at line 1)
      return llvm::json::Object{{"physicalLocation", llvm::json::Object{{"artifactLocation", artifact(S.File)}}}};
    llvm::json::Object Region{{"startLine", S.Line}, {"startColumn", std::max(S.Column, 1u)}};
    if (S.EndLine >= S.Line && S.EndLine != 0) {
      Region["endLine"] = S.EndLine;
      // endColumn is exclusive in SARIF, as SourceSite's is.
      Region["endColumn"] = S.EndLine == S.Line ? std::max(S.EndColumn, S.Column) : S.EndColumn;
    }
    return llvm::json::Object{{"physicalLocation", llvm::json::Object{{"artifactLocation", artifact(S.File)},
                                                                      {"region", std::move(Region)}}}};
  }

  llvm::json::Object related(unsigned Id, const SourceSite &S, const std::string &Message) const {
    llvm::json::Object L = location(S);
    L["id"] = Id;
    L["message"] = text(Message);
    return L;
  }

  /// Stable across line moves (Fingerprint.h): shared with baseline files.
  template <typename Finding> llvm::json::Object fingerprint(const Finding &F) const {
    return llvm::json::Object{{FingerprintKey, findingKey(F, O.Root).Fingerprint}};
  }

  static std::string macroSuffix(const SourceSite &S) {
    return S.inMacro() ? " (in expansion of macro '" + S.Macro + "')" : "";
  }

  static llvm::StringRef levelFor(VerdictKind K) {
    switch (K) {
    case VerdictKind::AutoConvertible:
    case VerdictKind::ConvertibleWithMapped: return "warning";
    case VerdictKind::InvalidBothHooks: return "error";
    default: return "note";
    }
  }

  static bool isRead(EffectKind K) {
    return K == EffectKind::FlagsTest || K == EffectKind::FlagsRead || K == EffectKind::FieldRead ||
           K == EffectKind::SizeQuery;
  }

  /// SARIF message markup: '[', ']' and '\\' are literal only escaped.
  static std::string escapeMarkup(llvm::StringRef S) {
    std::string Out;
    for (char C : S) {
      if (C == '[' || C == ']' || C == '\\')
        Out += '\\';
      Out += C;
    }
    return Out;
  }

  /// The message with a link to each related location ("[registered as
  /// .mmap in 'f_fops'](1)"): code scanning shows related locations only
  /// where the message links them.
  static std::string withLinks(const std::string &Message, const llvm::json::Array &Related) {
    if (Related.empty())
      return escapeMarkup(Message);
    std::string Out = escapeMarkup(Message) + ". See ";
    for (size_t I = 0; I < Related.size(); ++I) {
      const llvm::json::Object *L = Related[I].getAsObject();
      // related() gives every element an id and a message text.
      std::optional<int64_t> Id = L->getInteger("id");
      std::optional<llvm::StringRef> Label = L->getObject("message")->getString("text");
      if (!Id || !Label)
        continue;
      Out += (I ? ", " : "") + std::string("[") + escapeMarkup(Label->str()) + "](" + std::to_string(*Id) + ")";
    }
    return Out + ".";
  }

  llvm::json::Value handlerResult(const HandlerReport &H) const {
    llvm::json::Array Related;
    unsigned Id = 0;
    for (const OpsSiteReport &S : H.Sites)
      Related.push_back(
          related(++Id, S.Where, "registered as ." + S.Member + " in '" + S.Table + "'" + macroSuffix(S.Where)));
    std::map<unsigned, std::vector<const Reason *>> Cited;
    std::string Message = legacyHandlerMessage(H.Function, H.Result, R.Target) + macroSuffix(H.Where);
    llvm::json::Array ReasonIds;
    for (const Reason &Rs : H.Result.Reasons) {
      ReasonIds.push_back(Rs.Id);
      for (unsigned I : Rs.Effects)
        Cited[I].push_back(&Rs);
      bool InHeadline = (H.Result.Kind == VerdictKind::Blocked || H.Result.Kind == VerdictKind::InvalidBothHooks) &&
                        &Rs == &H.Result.Reasons.front();
      if (Rs.Effects.empty() && !InHeadline)
        Message += "; " + Rs.Text;
    }
    for (unsigned I = 0; I < H.Effects.size(); ++I) {
      const EffectReport &E = H.Effects[I];
      if (!E.Where.valid())
        continue;
      auto It = Cited.find(I);
      if (It != Cited.end())
        for (const Reason *Rs : It->second)
          Related.push_back(related(++Id, E.Where, Rs->Text + ": " + E.Text));
      else if (!isRead(E.Kind))
        Related.push_back(related(++Id, E.Where, describeEffect(E)));
    }
    llvm::json::Object Properties{{"verdict", verdictName(H.Result.Kind)},
                                  {"hook", hookKindName(H.Kind)},
                                  {"function", H.Function},
                                  {"reasons", std::move(ReasonIds)}};
    if (H.Result.NeededLevel)
      Properties["neededApiLevel"] = apiLevelName(*H.Result.NeededLevel);
    if (H.Rewrite) {
      Properties["rewriteAvailable"] = H.Rewrite->Available;
      Properties["rewriteFunction"] = H.Rewrite->NewFunction;
      if (!H.Rewrite->Available) {
        Properties["rewriteRefusal"] = H.Rewrite->Refusal;
        Properties["rewriteRefusalKind"] = refusalKindName(H.Rewrite->Kind);
      }
      // As in the text output: only a convertible verdict needs fix's word.
      if (isConvertible(H.Result.Kind)) {
        Message += H.Rewrite->Available ? "; vmaprep fix rewrites it as '" + H.Rewrite->NewFunction + "'"
                                        : "; vmaprep fix does not rewrite it: " + H.Rewrite->Refusal;
        if (!H.Rewrite->Available && H.Rewrite->RefusalSite.valid())
          Related.push_back(related(++Id, H.Rewrite->RefusalSite, "vmaprep fix stops here"));
      }
    }
    llvm::json::Object Result{
        {"ruleId", LegacyRule},
        {"ruleIndex", 0},
        {"level", levelFor(H.Result.Kind)},
        {"message", text(withLinks(Message, Related))},
        {"locations", llvm::json::Array{location(H.Where)}},
        {"partialFingerprints", fingerprint(H)},
        {"properties", std::move(Properties)},
    };
    if (!Related.empty())
      Result["relatedLocations"] = std::move(Related);
    return Result;
  }

  llvm::json::Value contractResult(const HandlerReport &H, const Reason &Breach) const {
    std::vector<const SourceSite *> At;
    for (unsigned I : Breach.Effects)
      if (I < H.Effects.size())
        At.push_back(&H.Effects[I].Where);
    llvm::json::Array Related;
    for (size_t I = 1; I < At.size(); ++I)
      Related.push_back(related(unsigned(I), *At[I], "also here"));
    llvm::json::Object Result{
        {"ruleId", ContractRule},
        {"ruleIndex", 2},
        {"level", "error"},
        {"message", text(withLinks(contractBreachMessage(H.Function, Breach), Related))},
        {"locations", llvm::json::Array{location(At.empty() ? H.Where : *At.front())}},
        {"partialFingerprints", llvm::json::Object{{FingerprintKey, findingKey(H, Breach, O.Root).Fingerprint}}},
        {"properties",
         llvm::json::Object{{"breach", Breach.Id}, {"hook", hookKindName(H.Kind)}, {"function", H.Function}}},
    };
    if (!Related.empty())
      Result["relatedLocations"] = std::move(Related);
    return Result;
  }

  llvm::json::Value bothHooksResult(const BothHooksTable &B) const {
    return llvm::json::Object{
        {"ruleId", LegacyRule},
        {"ruleIndex", 0},
        {"level", "error"},
        {"message", text("'" + B.Table + "' sets both .mmap (" + B.MmapFunction + ") and .mmap_prepare (" +
                         B.MmapPrepareFunction + "); mmap(2) fails with -ENODEV" + macroSuffix(B.Where))},
        {"locations", llvm::json::Array{location(B.Where)}},
        {"partialFingerprints", fingerprint(B)},
        {"properties", llvm::json::Object{{"verdict", verdictName(VerdictKind::InvalidBothHooks)}}},
    };
  }

  llvm::json::Value unresolvedResult(const UnresolvedReport &U) const {
    return llvm::json::Object{
        {"ruleId", LegacyRule},
        {"ruleIndex", 0},
        {"level", "warning"},
        {"message", text("." + U.Site.Member + " in '" + U.Site.Table + "' is set to '" + U.Expression +
                         "', which vmaprep cannot resolve to a function" + macroSuffix(U.Site.Where))},
        {"locations", llvm::json::Array{location(U.Site.Where)}},
        {"partialFingerprints", fingerprint(U)},
        {"properties", llvm::json::Object{{"verdict", "unresolved"}}},
    };
  }

  llvm::json::Value subsystemHookResult(const SubsystemHookReport &H) const {
    return llvm::json::Object{
        {"ruleId", HookRule},
        {"ruleIndex", 1},
        {"level", "note"},
        {"message",
         text(subsystemHookMessage(H.Function, H.Site.Record, H.Site.Member, H.BodyVisible ? &H.Result : nullptr))},
        {"locations", llvm::json::Array{location(H.Site.Where)}},
        {"partialFingerprints", fingerprint(H)},
        {"properties", subsystemHookProperties(H)},
    };
  }

  /// As in the JSON: the verdict as if the subsystem had a prepare hook, null
  /// where the body is in another file.
  static llvm::json::Object subsystemHookProperties(const SubsystemHookReport &H) {
    llvm::json::Array Reasons;
    for (const Reason &Rs : H.Result.Reasons)
      Reasons.push_back(Rs.Id);
    return llvm::json::Object{
        {"bodyVisible", H.BodyVisible},
        {"verdict", H.BodyVisible ? llvm::json::Value(verdictName(H.Result.Kind)) : llvm::json::Value(nullptr)},
        {"reasons", std::move(Reasons)},
    };
  }

  /// \p Doc: the rule's page under docs/, which helpUri and the Markdown
  /// help link to.
  static llvm::json::Object rule(llvm::StringRef Id, llvm::StringRef Name, llvm::StringRef Short, llvm::StringRef Full,
                                 llvm::StringRef Help, llvm::StringRef Level, llvm::StringRef Doc) {
    std::string Uri = std::string(InformationUri) + "/blob/main/" + Doc.str();
    std::string Markdown =
        "**" + Short.str() + "**\n\n" + Full.str() + "\n\n" + Help.str() + "\n\nSee [" + Doc.str() + "](" + Uri + ").";
    return llvm::json::Object{
        {"id", Id},
        {"name", Name},
        {"shortDescription", llvm::json::Object{{"text", Short}}},
        {"fullDescription", llvm::json::Object{{"text", Full}}},
        {"help", llvm::json::Object{{"text", Help}, {"markdown", Markdown}}},
        {"helpUri", Uri},
        {"defaultConfiguration", llvm::json::Object{{"level", Level}}},
        {"properties",
         llvm::json::Object{{"tags", llvm::json::Array{"maintainability", "linux-kernel", "mmap_prepare"}}}},
    };
  }

  static llvm::json::Object driver() {
    llvm::json::Array Rules;
    Rules.push_back(rule(LegacyRule, "LegacyMmapHook", "file_operations handler uses the deprecated .mmap hook",
                         "A file_operations table registers a .mmap handler. The kernel is replacing .mmap with "
                         ".mmap_prepare, which describes the mapping in a struct vm_area_desc before the VMA "
                         "exists. vmaprep classifies each handler: auto-convertible, convertible with a "
                         "vm_ops->mapped callback, convertible at a newer kernel API level, or blocked (with the "
                         "reasons and the effects that decided it). A table that sets both hooks is an error.",
                         "Convert the handler to .mmap_prepare. auto-convertible: `vmaprep fix` rewrites it "
                         "(flags with vma_desc_set_flags, vm_ops/vm_private_data/page_prot on the desc, "
                         "remap_pfn_range/vm_iomap_memory as mmap actions). convertible-with-mapped: move the "
                         "state the handler acquires (allocations, references, runtime-PM gets, list "
                         "insertions) to a vm_ops->mapped callback. needs-api-level: the conversion needs a "
                         "newer kernel; see the needed API level. blocked: the handler does something "
                         "mmap_prepare cannot express (page-by-page insertion, the VMA passed to code outside "
                         "the file or through a function pointer, several remaps); the related locations show "
                         "why. A table that sets both .mmap and .mmap_prepare makes mmap(2) fail with -ENODEV: "
                         "remove one. Suppress with // NOLINT(vmaprep-legacy-mmap).",
                         "warning", "docs/checks/legacy-mmap.md"));
    Rules.push_back(rule(HookRule, "SubsystemMmapHook", "subsystem mmap hook that takes a VMA",
                         "A subsystem ops table (fb_ops.fb_mmap, proc_ops.proc_mmap, ...) registers a function "
                         "that takes a VMA. It cannot move to mmap_prepare on its own: the subsystem's "
                         "file_operations handler has to convert first.",
                         "No action in the driver alone. Listed so a subsystem's migration can be planned; "
                         "convert together with the subsystem's file_operations handler.",
                         "note", "docs/checks/legacy-mmap.md"));
    Rules.push_back(
        rule(ContractRule, "PrepareContract", "mmap_prepare hook breaks the stateless-hook contract",
             "The mmap_prepare hook runs before the VMA exists; the mapping may still merge into a "
             "neighbour or fail afterwards, so the hook must not acquire per-mapping state (allocations, "
             "references, runtime-PM gets, list insertions, writes that say a mapping exists), must not "
             "write the immutable desc fields or the raw action, and must set page_prot before an action "
             "captures it. A legacy .mmap hook must not install a vm_ops with ->mapped, which only the "
             "mmap_prepare path calls. Two upstream conversions (afs, hugetlbfs) broke this rule.",
             "Move per-mapping state into a vm_ops->mapped callback (it runs once the mapping exists and "
             "only for a new VMA); set actions with the mmap_action_*() helpers; set desc->page_prot before "
             "the action. Suppress with // NOLINT(vmaprep-prepare-contract).",
             "error", "docs/checks/prepare-contract.md"));
    return llvm::json::Object{{"name", "vmaprep"},
                              {"version", ToolVersion},
                              {"semanticVersion", std::string(ToolVersion) + ".0"},
                              {"informationUri", InformationUri},
                              {"rules", std::move(Rules)}};
  }
};

} // namespace

void writeSarif(const CheckResult &R, const SarifOptions &Options, llvm::raw_ostream &OS) {
  SarifBuilder B(R, Options);
  OS << llvm::formatv("{0:2}", B.build()) << "\n";
}

void writeCodeQuality(const CheckResult &R, const SarifOptions &Options, llvm::raw_ostream &OS) {
  // GitLab's severities: what a merge request can act on now is minor (a
  // handler that converts), what waits (a newer API level, blocked) is info,
  // a contract breach major, a table with both hooks (mmap(2) fails) critical.
  llvm::json::Array Issues;
  forEachFinding(R, [&](const FindingRef &F) {
    std::string Description, Severity, Fingerprint;
    if (F.Handler && F.Contract) {
      Description = contractBreachMessage(F.Handler->Function, *F.Contract);
      Severity = "major";
      Fingerprint = findingKey(*F.Handler, *F.Contract, Options.Root).Fingerprint;
    } else if (F.Handler) {
      Description = legacyHandlerMessage(F.Handler->Function, F.Handler->Result, R.Target);
      Severity = isConvertible(F.Handler->Result.Kind) ? "minor" : "info";
      if (F.Handler->Result.Kind == VerdictKind::InvalidBothHooks)
        Severity = "critical";
      Fingerprint = findingKey(*F.Handler, Options.Root).Fingerprint;
    } else if (F.Both) {
      Description = "'" + F.Both->Table + "' sets both .mmap (" + F.Both->MmapFunction + ") and .mmap_prepare (" +
                    F.Both->MmapPrepareFunction + "); mmap(2) fails with -ENODEV";
      Severity = "critical";
      Fingerprint = findingKey(*F.Both, Options.Root).Fingerprint;
    } else if (F.Unresolved) {
      Description = "." + F.Unresolved->Site.Member + " in '" + F.Unresolved->Site.Table + "' is set to '" +
                    F.Unresolved->Expression + "', which vmaprep cannot resolve to a function";
      Severity = "minor";
      Fingerprint = findingKey(*F.Unresolved, Options.Root).Fingerprint;
    } else {
      return;
    }
    const SourceSite &At = F.primary();
    std::string Path = relativeToRoot(At.File, Options.Root);
    Issues.push_back(llvm::json::Object{
        {"type", "issue"},
        {"check_name", F.rule()},
        {"description", Description},
        {"categories", llvm::json::Array{"Compatibility"}},
        {"severity", Severity},
        {"fingerprint", Fingerprint},
        {"location", llvm::json::Object{{"path", Path.empty() ? At.File : Path},
                                        {"lines", llvm::json::Object{{"begin", std::max(At.Line, 1u)}}}}},
    });
  });
  OS << llvm::formatv("{0:2}", llvm::json::Value(std::move(Issues))) << "\n";
}

} // namespace vmaprep

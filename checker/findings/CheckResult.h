//===- CheckResult.h - what a run found, free of any AST -------------------===//
//
// The findings model every writer, filter and merge works on: plain data
// (strings, source sites, verdicts), so a result read back from JSON is the
// same as one made by the analysis, and sharded runs merge to the whole.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_FINDINGS_CHECKRESULT_H
#define VMAPREP_FINDINGS_CHECKRESULT_H

#include "vmaprep/ApiLevel.h"
#include "vmaprep/TranslationUnitFindings.h"
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace vmaprep {

struct InputError {
  std::string File; // the file the problem is about (database or source)
  std::string Message;
};

/// Whether a function named in one translation unit (\p A, its declarations
/// there; \p OwnA, that TU's file) and a definition in another (\p B, \p OwnB)
/// can be one function: when both see a prototype outside their own file (a
/// header), it is the same one (two modules may each define a foo_mmap
/// declared in their own header); a side that sees none leaves the name to
/// decide. The rule of the whole-database join, for check's merge and fix.
bool mayBeOneFunction(const std::vector<SourceSite> &A, const std::string &OwnA, const std::vector<SourceSite> &B,
                      const std::string &OwnB);

/// Everything one run found, merged over its translation units.
struct CheckResult {
  ApiLevel Target = NewestApiLevel;
  /// With --api auto: what the headers showed ("7.1: struct mmap_action has
  /// error_override"), one entry per distinct finding.
  std::vector<std::string> ApiDetections;
  /// For each detection: how many TUs with an mmap handler showed it, and
  /// the first of them. Only those TUs decide; host programs (scripts/,
  /// tools/) see no kernel headers and are not counted, unless no TU has a
  /// handler at all.
  std::map<std::string, std::pair<unsigned, std::string>> ApiDeciders;
  std::vector<HandlerReport> Handlers;
  /// Hook-shaped external definitions no registration of this result has
  /// joined yet (TranslationUnitFindings::ExternalDefinitions): not reported,
  /// but kept in JSON so that `merge` can join them with another shard's
  /// registrations.
  std::vector<HandlerReport> ExternalDefinitions;
  /// Uses of handlers with external linkage outside ops tables
  /// (TranslationUnitFindings::ExternalUses): the join refuses the rewrite of
  /// the definition each names; kept in JSON for later merges.
  std::vector<ExternalHandlerUse> ExternalUses;
  std::vector<SubsystemHookReport> SubsystemHooks;
  std::vector<BothHooksTable> BothHooks;
  std::vector<UnresolvedReport> Unresolved;
  std::vector<InputError> Errors;
  std::set<std::string> DroppedFlags;
  unsigned FilesAnalysed = 0;
  unsigned DuplicateEntries = 0;
  /// Translation units never parsed: the prefilter found no mmap handler
  /// could be in them; a config file excluded them.
  unsigned FilesSkippedByPrefilter = 0;
  unsigned FilesExcluded = 0;
  /// --since: TUs neither whose file nor whose headers changed (not parsed).
  unsigned FilesUnchanged = 0;
  /// Findings removed after the analysis (FindingFilters.h): NOLINT
  /// comments, the baseline, --since.
  unsigned Suppressed = 0;
  unsigned Baselined = 0;
  unsigned OutsideChangedLines = 0;
};

/// Does the result contain anything a CI step should fail on?
bool hasFindings(const CheckResult &R);

/// The legacy handlers of \p R, in source order (the order every writer
/// reports them in).
std::vector<const HandlerReport *> legacyHandlersInOrder(const CheckResult &R);

/// The one merge of findings: per TU in a run, per shard in `vmaprep merge`.
/// A handler is keyed by its definition's place and name and reported once,
/// with the sites of every TU or shard that registered it; hooks, tables and
/// unresolved sites are kept once per place.
///
/// finish() is the whole-database join: a registration that could not see
/// its handler's body (verdict reason body-not-visible, external linkage) is
/// joined to the one definition of that name another TU analysed, and the
/// handler is reported there, once, with every registration's site. A name
/// defined more than once (two modules) is not joined. Joining is
/// idempotent, so shards joined at `merge` give what one run gives.
class FindingsMerger {
public:
  explicit FindingsMerger(CheckResult &Result) : Result(Result) {}
  void add(TranslationUnitFindings &&F);
  void finish();

private:
  using HandlerKey = std::tuple<std::string, unsigned, unsigned, std::string>;
  CheckResult &Result;
  std::map<HandlerKey, size_t> HandlerIndex;
  std::set<HandlerKey> SeenDefinitions;
  std::set<std::string> SeenBoth, SeenUnresolved, SeenUses;
  std::map<std::string, size_t> HookIndex; // site and function -> Result.SubsystemHooks
};

} // namespace vmaprep

#endif

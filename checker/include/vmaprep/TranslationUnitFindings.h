//===- TranslationUnitFindings.h - one TU's findings, without the AST -----===//
//
// What the analysis of one translation unit found, as plain data that
// outlives the AST: for the CLI's text, JSON and SARIF output, the report,
// merge and baselines. makeFindings() builds it from the AST-level analysis
// (TranslationUnitAnalysis.h) and asks the rewriter, for each legacy handler,
// what `vmaprep fix` would do, so the analysis itself needs no rewriter.
// The types are AST-free (vmaprep_values); only makeFindings() is the AST's.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_TRANSLATIONUNITFINDINGS_H
#define VMAPREP_TRANSLATIONUNITFINDINGS_H

#include "vmaprep/ApiLevel.h"
#include "vmaprep/EffectValues.h"
#include "vmaprep/HookValues.h"
#include "vmaprep/SourceSite.h"
#include "vmaprep/Verdict.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
}

namespace vmaprep {

struct TranslationUnitAnalysis;

struct OpsSiteReport {
  std::string Record, Member, Table, Form;
  SourceSite Where;
};

struct EffectReport {
  EffectKind Kind = EffectKind::FieldRead;
  std::string Name, Detail, Text, ErrorValue;
  std::vector<std::string> Operands;
  SourceSite Where;
  std::vector<CallStep> Via;
  std::vector<CallStep> FedBy;                 // mappings: the acquisitions whose value they map
  std::vector<ExtentBound> Bounds;             // extent reads: constant comparisons deciding on them
  std::optional<unsigned long long> SizeValue; // mappings: a constant size argument, in bytes
  bool InLoop = false;
  MappingRange Range = MappingRange::Unknown;
  ResultUse Use = ResultUse::Other;
};

/// What `vmaprep fix` would do with a legacy handler at the same API level:
/// the outcome of the same planMigration() call fix makes (before fix's
/// re-parse of the rewritten file, which may still drop a plan).
struct RegistrationOutlook {
  bool Available = false;
  std::string Refusal;
  SourceSite RefusalSite;
};

struct RewriteOutlook {
  bool Available = false;
  std::string NewFunction;                  // foo_mmap_prepare
  std::string Refusal;                      // why not, when !Available
  SourceSite RefusalSite;                   // where, when the rewriter named a place
  RefusalKind Kind = RefusalKind::Semantic; // edit-level or semantic (Verdict.h)
  std::vector<std::string> Differences;     // intended behaviour differences, when Available
  /// A registration of a handler with external linkage whose body is in
  /// another translation unit: whether this TU's part of the whole-database
  /// plan (its tables and prototypes, planRegistration()) can be made. The
  /// join (FindingsMerger::finish()) carries a refusal to the definition.
  std::optional<RegistrationOutlook> Registration;
};

/// A name of a handler with external linkage, defined in another
/// translation unit, used here other than in an ops table (a call, a stored
/// pointer): the whole-database plan cannot change that handler's signature.
struct ExternalHandlerUse {
  std::string Function;
  SourceSite Where;
  /// The handler's declarations as this TU sees them, to tell same-named
  /// functions of two modules apart (as the join does).
  std::vector<SourceSite> Declarations;
};

struct HandlerReport {
  std::string Function;
  SourceSite Where; // the function's name in its definition (or declaration)
  HookKind Kind = HookKind::LegacyMmap;
  bool BodyVisible = false;
  bool IsStatic = false;
  /// The function's declarations other than its definition (prototypes in
  /// headers, a local extern), as this TU sees them: the whole-database join
  /// pairs a registration with a definition that shares one.
  std::vector<SourceSite> Declarations;
  std::vector<OpsSiteReport> Sites;
  Verdict Result;
  std::vector<EffectReport> Effects;
  /// Legacy handlers only.
  std::optional<RewriteOutlook> Rewrite;
};

struct SubsystemHookReport {
  std::string Function;
  OpsSiteReport Site;
  /// Classified as if the subsystem had a prepare hook, when this TU has the
  /// body (TranslationUnitAnalysis::SubsystemHooks).
  bool BodyVisible = false;
  Verdict Result;
};

struct UnresolvedReport {
  OpsSiteReport Site;
  std::string Expression;
};

struct TranslationUnitFindings {
  std::vector<HandlerReport> Handlers;
  /// Hook-shaped definitions with external linkage that no table of this TU
  /// names (TranslationUnitAnalysis::ExternalDefinitions): not findings by
  /// themselves; FindingsMerger joins them to other TUs' registrations.
  std::vector<HandlerReport> ExternalDefinitions;
  /// Uses of handlers defined elsewhere outside ops tables: the join refuses
  /// the rewrite of the definition they name.
  std::vector<ExternalHandlerUse> ExternalUses;
  std::vector<SubsystemHookReport> SubsystemHooks;
  std::vector<BothHooksTable> BothHooks;
  std::vector<UnresolvedReport> Unresolved;
};

/// The findings of \p Analysis, each legacy handler with its RewriteOutlook
/// at \p Target. A non-empty \p NoRewrite (the tree predates mmap_prepare)
/// is every legacy handler's refusal instead of a plan. \p AcrossFiles: the
/// run has a compile database, and fix plans handlers with external linkage
/// over it (Rewriter.h, MigrationScope::Database); else they are refused.
TranslationUnitFindings makeFindings(const TranslationUnitAnalysis &Analysis, clang::ASTContext &Ctx, ApiLevel Target,
                                     llvm::StringRef NoRewrite = "", bool AcrossFiles = false);

} // namespace vmaprep

#endif

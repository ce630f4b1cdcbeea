//===- Rewriter.h - one handler's migration to mmap_prepare, all or nothing ===//
//
// Plans every edit that turns one legacy .mmap handler into an .mmap_prepare
// handler at a kernel API level: the signature and name, every VMA access in
// the body, flag helpers, mapping calls as actions, delegation to the desc
// variants, and every ops-table entry and prototype that names the handler.
// A plan is applicable only when every use of the VMA is covered by an edit,
// no edit lands in a macro body, and the handler is not used elsewhere;
// otherwise it says why and carries no edit.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_REWRITER_H
#define VMAPREP_REWRITER_H

#include "vmaprep/ApiLevel.h"
#include "vmaprep/SourceSite.h"
#include "vmaprep/TextEdit.h"
#include "vmaprep/TranslationUnitAnalysis.h"
#include "vmaprep/TranslationUnitFindings.h"
#include "vmaprep/Verdict.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
}

namespace vmaprep {

/// Edits of one file other than the plan's own: a prototype in a header
/// (a handler with external linkage), with the text they were planned on.
struct FileEdits {
  std::string File; // absolute
  std::string Original;
  std::vector<TextEdit> Edits; // sorted, non-overlapping
};

/// A configuration the parse did not compile: the one macro whose flip
/// compiles the code under \p Condition (an `#else` stub, a !CONFIG_MMU
/// branch).
struct ConfigurationVariant {
  std::string Macro;
  bool Defined = true;   // the code is compiled with Macro defined
  std::string Condition; // `#ifdef CONFIG_X (line N)`, or `#else (line M) of ...`
};

/// "with CONFIG_X defined" / "with CONFIG_X undefined".
std::string describeVariant(const ConfigurationVariant &V);

struct MigrationPlan {
  std::string Function, NewFunction;
  std::string File; // absolute path of the file Edits are in
  bool Applicable = false;
  /// Why there is no edit (when !Applicable), where, and what kind of
  /// obstacle it is.
  std::string Refusal;
  SourceSite RefusalSite;
  RefusalKind Kind = RefusalKind::Edit;
  std::vector<TextEdit> Edits; // sorted, non-overlapping
  /// Edits outside File: the handler's prototypes in headers. Only a plan
  /// made with MigrationScope::Database has any.
  std::vector<FileEdits> OtherFiles;
  /// What changed, one line each, for patch descriptions.
  std::vector<std::string> Changes;
  /// What the rewrite does differently, on purpose, one sentence each, for
  /// the diagnostic, the JSON (`differences`) and the patch description.
  std::vector<std::string> Differences;
  /// Set when the plan was refused only because code under one macro's
  /// condition, which this parse skipped, names what the rewrite changes:
  /// fix parses that configuration too (planMigration's \p Variants).
  std::optional<ConfigurationVariant> SkippedVariant;
};

/// What the plan may assume about the rest of the program.
enum class MigrationScope {
  /// This translation unit is all there is (the clang-tidy check): a handler
  /// with external linkage is refused, since other files may name it.
  TranslationUnit,
  /// The caller sees the whole compile database and joins the plan with
  /// every other translation unit's registrations and uses of the handler
  /// (fix, and check's outlook after the merge): a handler with external
  /// linkage is planned here, its prototypes in headers edited too
  /// (MigrationPlan::OtherFiles) and an EXPORT_SYMBOL() of it renamed.
  Database,
};

/// \p Variants: macros whose skipped branches another parse (with the macro
/// flipped) plans; their code is left to that parse instead of refused.
MigrationPlan planMigration(const AnalyzedHandler &Handler, const TranslationUnitAnalysis &Analysis,
                            clang::ASTContext &Ctx, ApiLevel Target,
                            MigrationScope Scope = MigrationScope::TranslationUnit,
                            const std::set<std::string> &Variants = {});

/// The edits a translation unit needs when it registers a handler with
/// external linkage whose body is in another translation unit (ceph_mmap in
/// fs/ceph/addr.c, registered in file.c): its table entries and prototypes
/// name the new function (preparedName()). Applicable only when nothing else here names the
/// handler (a call or a stored pointer would keep the old signature alive).
/// The whole-database plan joins it with the definition's plan.
MigrationPlan planRegistration(const AnalyzedHandler &Handler, clang::ASTContext &Ctx, ApiLevel Target);

/// Every use of a handler defined elsewhere outside ops tables in the main file of \p Analysis's translation unit.
std::vector<ExternalHandlerUse> externalHandlerUses(const TranslationUnitAnalysis &Analysis, clang::ASTContext &Ctx);

/// Whether a registration's body lies in another translation unit that the
/// whole-database plan may join it to: a handler with external linkage that
/// is neither a kernel function with a desc twin nor a subsystem helper.
bool awaitsDefinitionElsewhere(const AnalyzedHandler &Handler);

/// The refusal of every handler when `--api auto` finds no mmap_prepare in
/// the tree's headers (\p Evidence: what it found instead).
std::string predatesRefusal(llvm::StringRef Evidence);

/// The conventional new name: foo_mmap -> foo_mmap_prepare.
std::string preparedName(llvm::StringRef Legacy);

} // namespace vmaprep

#endif

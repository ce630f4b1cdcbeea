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
#include "vmaprep/Verdict.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace clang {
class ASTContext;
}

namespace vmaprep {

struct MigrationPlan {
  std::string Function, NewFunction;
  std::string File; // absolute path of the file every edit is in
  bool Applicable = false;
  /// Why there is no edit (when !Applicable), where, and what kind of
  /// obstacle it is.
  std::string Refusal;
  SourceSite RefusalSite;
  RefusalKind Kind = RefusalKind::Edit;
  std::vector<TextEdit> Edits; // sorted, non-overlapping
  /// What changed, one line each, for patch descriptions.
  std::vector<std::string> Changes;
  /// What the rewrite does differently, on purpose, one sentence each, for
  /// the diagnostic, the JSON (`differences`) and the patch description.
  std::vector<std::string> Differences;
};

MigrationPlan planMigration(const AnalyzedHandler &Handler, const TranslationUnitAnalysis &Analysis,
                            clang::ASTContext &Ctx, ApiLevel Target);

/// The refusal of every handler when `--api auto` finds no mmap_prepare in
/// the tree's headers (\p Evidence: what it found instead).
std::string predatesRefusal(llvm::StringRef Evidence);

/// The conventional new name: foo_mmap -> foo_mmap_prepare.
std::string preparedName(llvm::StringRef Legacy);

} // namespace vmaprep

#endif

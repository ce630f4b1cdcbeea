//===- HandlerRewriter.h - the planner of one handler's migration ---------===//
//
// Private to the rewriter: the state one planMigration() call shares between
// its parts, each in its own file:
//   Rewriter.cpp        the plan's order, the signature, VMA fields,
//                       delegations, dead locals, and the check that every
//                       configuration is covered
//   HelperPlanner.cpp   static helpers converted with the handler, down
//                       chains, in skipped configurations, or split
//   OpsTablePlanner.cpp the ops-table entries that name the handler
//   FlagPlanner.cpp     flag tests and flag changes, per API level
//   MappingPlanner.cpp  mapping calls as remap, ioremap, simple-ioremap and
//                       map-kernel-pages actions, per API level
//   MappedCallback.cpp  per-mapping state moved into a vm_ops->mapped callback
//   CrossFilePlanner.cpp a handler with external linkage: its prototypes in
//                       headers, an EXPORT_SYMBOL() of it, and the part of
//                       the plan a registering translation unit makes
// with what they share: the facts pre-pass (HandlerFacts.h) and the edit
// buffer (EditBuffer.h).
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_REWRITER_HANDLERREWRITER_H
#define VMAPREP_REWRITER_HANDLERREWRITER_H

#include "EditBuffer.h"
#include "HandlerFacts.h"
#include "vmaprep/ApiLevel.h"
#include "vmaprep/ApiProfile.h"
#include "vmaprep/Rewriter.h"
#include "vmaprep/SourceResolution.h"
#include "vmaprep/TranslationUnitAnalysis.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringRef.h"
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace clang {
class ASTContext;
class BinaryOperator;
class CallExpr;
class Expr;
class FunctionDecl;
class IfStmt;
class LangOptions;
class MemberExpr;
class ParmVarDecl;
class SourceManager;
class Stmt;
class VarDecl;
} // namespace clang

namespace vmaprep::rewriter {

/// A query's desc twin in the call's place: a desc helper's name is called
/// with the desc, any other twin is the expression itself (KernelApi.def).
std::string queryTwinCall(llvm::StringRef Twin);

class HandlerRewriter {
public:
  HandlerRewriter(const AnalyzedHandler &H, clang::ASTContext &Ctx, ApiLevel Target,
                  MigrationScope Scope = MigrationScope::TranslationUnit);

  MigrationPlan run();
  /// planRegistration(): the table entries and prototypes of a handler
  /// whose body is in another translation unit.
  MigrationPlan runRegistration();

  /// Macros whose skipped branches another parse plans (planMigration()).
  std::set<std::string> VariantMacros;

private:
  const AnalyzedHandler &H;
  clang::ASTContext &Ctx;
  const clang::SourceManager &SM;
  const clang::LangOptions &LO;
  const ApiProfile &P;
  ApiLevel Target;
  MigrationScope Scope;
  MigrationPlan Plan;
  EditBuffer Edits;
  const clang::FileID Main;
  BodyFacts Facts;
  llvm::SmallPtrSet<const clang::Stmt *, 4> MovedToMapped;
  /// The vm_ops->open the hook called by hand, now the body of ->mapped: its
  /// effects (reached through the call) moved with it.
  const clang::FunctionDecl *MovedOpen = nullptr;
  std::set<std::string> ConvertedHelpers;
  /// Helpers split into a core that takes values and the helper that keeps
  /// the VMA for its other callers (planSplitHelper).
  std::set<std::string> SplitHelpers;
  /// Bodies the edits rewrite, each with the names of its VMA and file
  /// parameters: what coversEveryConfiguration() looks for in skipped code.
  std::vector<std::pair<const clang::Stmt *, std::vector<std::string>>> EditedBodies;
  /// Where the parse saw the converted helpers named (their declarations and
  /// the handler's calls): any other place names them in skipped code.
  std::set<unsigned> HelperNamesSeen;
  /// Edits of other files (prototypes in headers), by file.
  std::map<clang::FileID, FileEdits> Elsewhere;
  /// Offsets of the handler's name in EXPORT_SYMBOL() arguments, renamed.
  std::set<unsigned> ExportNames;

  /// The last checks of a plan (every configuration, every other file),
  /// and no edit in a plan that will not be made.
  MigrationPlan settle();
  /// One line of the patch description, once.
  void note(const std::string &Change);
  /// Records the first reason the plan cannot be made, an edit-level one
  /// (RefusalKind::Edit); always false.
  bool refuse(const std::string &Why, clang::SourceLocation Loc);
  /// The verdict's refusal: the handler does not convert at the level.
  bool refuseVerdict(const std::string &Why, clang::SourceLocation Loc);
  /// A semantic check the Classifier makes first (Classifier.cpp): if it
  /// fires here, the verdict and the rewriter disagree, which is a bug, said
  /// as "internal: ..." (test/checker/fix/outlook-agreement.test shows it
  /// never fires on the fixtures).
  bool refuseInternal(const std::string &Why, clang::SourceLocation Loc);
  /// \p E's text with the pending edits inside it applied.
  bool renderExpr(const clang::Expr *E, std::string &Out);
  bool replace(clang::SourceRange R, std::string Text, clang::SourceLocation Why);
  static bool isComposite(const VmaEffect &E);

  // Rewriter.cpp
  bool plan(const clang::FunctionDecl *FD);
  bool coversEveryConfiguration();
  void removeDeadLocals(const clang::FunctionDecl *FD);
  /// A declaration the edits changed, directly followed by a statement
  /// they changed too, gets a blank line between (kernel style; checkpatch
  /// warns on the two added lines): \p Out are the flattened edits.
  void separateDeclarations(std::vector<TextEdit> &Out) const;
  /// `if ((a > b) || (c != 0))` on a line the rewrite changes loses the
  /// parentheses around each comparison that is an operand of && or ||:
  /// checkpatch --strict reads the line as added and says "Unnecessary
  /// parentheses" (xen's xenbus_backend_mmap()).
  void dropRedundantParentheses(std::vector<TextEdit> &Out) const;

  // HelperPlanner.cpp
  bool planHelpers(const clang::FunctionDecl *FD);
  bool planSkippedDeclarations(const std::string &Name);
  bool planSplitHelper(const clang::FunctionDecl *Def, const clang::ParmVarDecl *Param,
                       const std::vector<const clang::CallExpr *> &Calls);
  bool planSignature(const clang::FunctionDecl *FD);
  /// Every reference to \p FD other than a table entry (or, with database
  /// scope, an EXPORT_SYMBOL() argument, renamed) makes the plan refuse.
  bool refuseOtherReferences(const clang::FunctionDecl *FD);
  bool planEffect(const VmaEffect &E, unsigned Index);
  bool planFieldAccess(const clang::MemberExpr *ME, bool Write);
  bool planQuery(const VmaEffect &E);
  bool fillTwin(llvm::StringRef Twin, const clang::CallExpr *CE, std::string &Out);
  bool planDelegation(const VmaEffect &E);
  void finish();

  // CrossFilePlanner.cpp
  /// \p Loc is the handler's name spelled as an argument of an
  /// EXPORT_SYMBOL*() in the main file.
  bool isExportedName(clang::SourceLocation Loc) const;
  /// Renames the EXPORT_SYMBOL() argument at \p Loc, once.
  bool renameExport(clang::SourceLocation Loc);
  /// A prototype of the handler in another file (a header) takes the new
  /// name and the desc.
  bool planPrototypeElsewhere(const clang::FunctionDecl *D);
  /// Every name of the handler in the edited headers is covered by an edit
  /// (a prototype under another #if branch of the header is not).
  bool coversOtherFiles();
  bool planRegistrationEdits(const clang::FunctionDecl *FD);

  // OpsTablePlanner.cpp
  bool planSites();
  bool refusePositional(const OpsSite &S);
  bool renameMember(clang::SourceLocation NameLoc);
  std::string newMemberLine(unsigned Brace, llvm::StringRef Member, llvm::StringRef Value);

  // FlagPlanner.cpp
  bool planFlagsTest(const VmaEffect &E);
  bool planFlagsChange(const VmaEffect &E);
  bool planMaskComparison(const clang::BinaryOperator *And, const clang::BinaryOperator *Cmp, const clang::Expr *Value,
                          const std::vector<std::string> &MaskFlags, bool InsideMask);
  std::string flagChange(bool Set, llvm::StringRef MaskText, bool &Ok);
  /// vma->vm_flags on the desc below bitmap flags: `desc->vm_flags`.
  std::string descFlags() const;

  // MappingPlanner.cpp
  bool planMapping(const VmaEffect &E, unsigned Index);
  bool bracedIfNeeded(const clang::Stmt *S, unsigned &B, unsigned &End, std::string &Text, bool ExpressionOnly);
  bool planErrorHook(const VmaEffect &E, const clang::IfStmt *If, std::string &Name);
  bool pageArrayOutlivesHook(const VmaEffect &E, const clang::CallExpr *CE);
  bool planInsertPages(const VmaEffect &E, const clang::CallExpr *CE, std::string &Action, std::string &Guard);

  // MappedCallback.cpp
  bool planMappedCallback(const clang::FunctionDecl *FD);
  bool mappedBodyFromOpen(const clang::FunctionDecl *Open, const std::string &FileName, std::string &Body);
  bool callsOnlyAccessors(const clang::Stmt *E, unsigned Depth = 0);
  bool planMappedOpsTable(const clang::FunctionDecl *FD, const clang::CompoundStmt *Body, const std::string &Callback);
  bool removeErrorPathRelease(const clang::CompoundStmt *Body, const clang::CallExpr *Release,
                              const clang::Stmt *&Removed);
  bool movableDependencies(const clang::Expr *E, const clang::FunctionDecl *FD, unsigned Before,
                           std::vector<const clang::VarDecl *> &Locals, unsigned Depth = 0);
};

} // namespace vmaprep::rewriter

#endif

//===- HandlerFacts.h - what the rewriter learns before it plans ----------===//
//
// Facts about the handler's body and its file that the effect list does not
// carry: where the VMA and the file are named, which expressions are
// statements, returned, tested or compared, which locals are written; every
// reference to a function;
// and the identifiers of the main file as the raw lexer sees them, skipped
// preprocessor branches included.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_REWRITER_HANDLERFACTS_H
#define VMAPREP_REWRITER_HANDLERFACTS_H

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceLocation.h"
#include "clang/Basic/TokenKinds.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringRef.h"
#include <map>
#include <string>
#include <vector>

namespace clang {
class LangOptions;
class SourceManager;
} // namespace clang

namespace vmaprep::rewriter {

/// An identifier of the main file as the raw lexer sees it, skipped
/// preprocessor branches included (the parse saw only the configuration it
/// was given), with the innermost conditional around it.
struct RawIdentifier {
  unsigned Offset = 0;
  llvm::StringRef Name;
  bool AfterMember = false; // `x->name`, `x.name`, `struct name`: not a variable
  bool InDirective = false; // part of a #define or #if line
  bool InCondition = false; // part of an #if, #ifdef, #ifndef or #elif line: compiled, not code
  std::string Condition;    // `#ifdef CONFIG_X` (line N), or `#else of ...`; empty outside conditionals
  /// When the innermost conditional tests one macro (`#ifdef M`, `#ifndef M`,
  /// `#if [!]defined(M)`, `#if [!]IS_ENABLED(M)`, `#if [!]M`, or the `#else`
  /// of one): the macro, and whether the branch is compiled with it defined.
  std::string Macro;
  bool CompiledWhenDefined = true;
};

std::vector<RawIdentifier> rawIdentifiers(const clang::SourceManager &SM, const clang::LangOptions &LO,
                                          clang::FileID Main);

/// A token of the main file as the raw lexer sees it (keywords are raw
/// identifiers).
struct RawToken {
  clang::tok::TokenKind Kind = clang::tok::unknown;
  unsigned Offset = 0, Length = 0;
  llvm::StringRef Text;
  bool is(llvm::StringRef Identifier) const { return Kind == clang::tok::raw_identifier && Text == Identifier; }
};

/// A function declaration or definition read by the raw lexer from its name
/// on (`NAME ( params ) ;` or `NAME ( params ) { body }`): what the rewriter
/// can know of one in code the preprocessor skipped.
struct RawFunction {
  std::vector<std::vector<RawToken>> Params;
  bool Definition = false;
  /// The tokens between the braces of a definition.
  std::vector<RawToken> Body;
};

/// The function declared at the identifier at \p Offset of the main file;
/// false when the tokens there are not one, or when its body holds a
/// preprocessor directive (another configuration inside this one).
bool rawFunctionAt(const clang::SourceManager &SM, const clang::LangOptions &LO, clang::FileID Main, unsigned Offset,
                   RawFunction &Out);

/// How many times \p Var is named under the nodes it is run on.
struct VarUseCounter : clang::RecursiveASTVisitor<VarUseCounter> {
  const clang::VarDecl *Var = nullptr;
  unsigned Count = 0;
  bool VisitDeclRefExpr(clang::DeclRefExpr *D);
};

/// Statement-level facts the effect list does not carry.
struct BodyFacts : clang::RecursiveASTVisitor<BodyFacts> {
  const clang::ParmVarDecl *Vma = nullptr, *File = nullptr;
  /// VMA parameters of static helpers converted with the handler.
  llvm::SmallPtrSet<const clang::ParmVarDecl *, 2> HelperVmas;
  bool isVma(const clang::ValueDecl *D) const;
  std::vector<const clang::DeclRefExpr *> VmaRefs, FileRefs;
  std::vector<const clang::BinaryOperator *> SizeExprs; // vma->vm_end - vma->vm_start
  std::map<const clang::Expr *, const clang::ReturnStmt *> ReturnOf;
  std::map<const clang::Expr *, const clang::IfStmt *> IfOf;
  llvm::SmallPtrSet<const clang::Expr *, 8> StatementExprs;                // expression statements
  std::map<const clang::Expr *, const clang::BinaryOperator *> ComparedTo; // x in `x == C`
  std::map<const clang::Expr *, const clang::CallExpr *> CowCallOf;        // vm_flags in is_cow_mapping()
  std::map<const clang::Expr *, const clang::ParenExpr *> ParenOf;         // (x) around x
  bool UsesDescName = false;
  llvm::SmallPtrSet<const clang::VarDecl *, 8> Written; // assigned, incremented or address taken
  llvm::SmallPtrSet<const clang::Expr *, 8> HasCall;    // initializers that call something
  llvm::DenseMap<const clang::VarDecl *, unsigned> UseCount;
  llvm::DenseMap<const clang::VarDecl *, const clang::DeclStmt *> DeclStmtOf;

  static const clang::VarDecl *localOf(const clang::Expr *E);
  /// Uses of \p VD inside the moved statements and the moved locals' initializers.
  unsigned UsesIn(const clang::VarDecl *VD, const std::vector<const clang::Stmt *> &Moved,
                  const std::vector<const clang::VarDecl *> &Locals) const;
  /// `vma->Name` (or a converted helper's `vma->Name`) when \p E is one.
  static const clang::MemberExpr *field(const clang::Expr *E, const clang::ParmVarDecl *Vma, llvm::StringRef Name,
                                        const llvm::SmallPtrSetImpl<const clang::ParmVarDecl *> *Helpers = nullptr);

  bool VisitDeclStmt(clang::DeclStmt *DS);
  bool VisitUnaryOperator(clang::UnaryOperator *UO);
  bool VisitDeclRefExpr(clang::DeclRefExpr *DRE);
  bool VisitVarDecl(clang::VarDecl *VD);
  bool VisitBinaryOperator(clang::BinaryOperator *BO);
  bool VisitParenExpr(clang::ParenExpr *PE);
  bool VisitReturnStmt(clang::ReturnStmt *RS);
  bool VisitIfStmt(clang::IfStmt *If);
  bool VisitCompoundStmt(clang::CompoundStmt *CS);
  bool VisitCallExpr(clang::CallExpr *CE);
};

/// Every reference to a function in the TU.
struct FunctionRefs : clang::RecursiveASTVisitor<FunctionRefs> {
  const clang::FunctionDecl *Fn = nullptr;
  std::vector<const clang::DeclRefExpr *> Refs;
  bool VisitDeclRefExpr(clang::DeclRefExpr *DRE);
};

} // namespace vmaprep::rewriter

#endif

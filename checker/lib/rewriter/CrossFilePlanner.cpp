//===- CrossFilePlanner.cpp -----------------------------------------------===//
//
// A handler with external linkage is named outside its definition's main
// file: by prototypes in headers (fs/ceph/super.h's ceph_mmap), by an
// EXPORT_SYMBOL() of it (nfs_file_mmap), and by the tables of other
// translation units (fs/ceph/file.c). With database scope the definition's
// plan edits the first two here, and each registering translation unit makes
// its own part (runRegistration()); fix joins the parts into one edit set,
// or refuses all of them (FixCommand.cpp, joinAcrossFiles()).
//
//===----------------------------------------------------------------------===//
#include "HandlerRewriter.h"
#include "vmaprep/Classifier.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/Path.h"
#include <algorithm>

using namespace clang;

namespace vmaprep {

bool awaitsDefinitionElsewhere(const AnalyzedHandler &A) {
  return A.Handler.Kind == HookKind::LegacyMmap && !A.Summary.BodyVisible && A.Handler.Function &&
         A.Handler.Function->isExternallyVisible() && knownHandler(A.Handler.Function->getName()) == KnownHandler::None;
}

std::vector<ExternalHandlerUse> externalHandlerUses(const TranslationUnitAnalysis &Analysis, ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  llvm::SmallPtrSet<const Expr *, 8> Registrations;
  for (const AnalyzedHandler &A : Analysis.Handlers)
    for (const OpsSite &S : A.Handler.Sites) {
      const Expr *E = S.Init->IgnoreParenCasts();
      if (const auto *UO = dyn_cast<UnaryOperator>(E))
        E = UO->getSubExpr()->IgnoreParenCasts();
      Registrations.insert(E);
    }
  struct Uses : RecursiveASTVisitor<Uses> {
    const SourceManager &SM;
    std::vector<const DeclRefExpr *> Found;
    explicit Uses(const SourceManager &SM) : SM(SM) {}
    // Only the main file's code: headers' inline functions name no driver's handler.
    bool TraverseDecl(Decl *D) {
      if (!D || isa<TranslationUnitDecl>(D) || SM.isInMainFile(SM.getExpansionLoc(D->getLocation())))
        return RecursiveASTVisitor::TraverseDecl(D);
      return true;
    }
    bool VisitDeclRefExpr(DeclRefExpr *DRE) {
      const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl());
      if (FD && !FD->isDefined() && FD->isExternallyVisible() && hasLegacyMmapSignature(FD) &&
          knownHandler(FD->getName()) == KnownHandler::None)
        Found.push_back(DRE);
      return true;
    }
  } Walk(SM);
  Walk.TraverseDecl(Ctx.getTranslationUnitDecl());
  std::vector<ExternalHandlerUse> Out;
  for (const DeclRefExpr *DRE : Walk.Found) {
    if (Registrations.count(DRE))
      continue;
    const auto *FD = cast<FunctionDecl>(DRE->getDecl());
    ExternalHandlerUse U;
    U.Function = FD->getName().str();
    U.Where = resolveSite(DRE->getSourceRange(), SM, Ctx.getLangOpts());
    for (const FunctionDecl *D : FD->redecls())
      U.Declarations.push_back(resolveSite(D->getLocation(), SM, Ctx.getLangOpts()));
    std::sort(U.Declarations.begin(), U.Declarations.end());
    Out.push_back(std::move(U));
  }
  return Out;
}

namespace rewriter {

bool HandlerRewriter::isExportedName(SourceLocation Loc) const {
  if (!Loc.isMacroID())
    return false;
  SourceLocation Spelled = SM.getSpellingLoc(Loc);
  if (SM.getFileID(Spelled) != Main || !SM.isMacroArgExpansion(Loc))
    return false;
  // The outermost macro written in the file: EXPORT_SYMBOL, _GPL, _NS, ...
  SourceLocation Invocation = SM.getExpansionLoc(Loc);
  SmallString<32> Buffer;
  llvm::StringRef Macro = Lexer::getSpelling(Invocation, Buffer, SM, LO);
  SmallString<32> NameBuffer;
  return Macro.starts_with("EXPORT_SYMBOL") && Lexer::getSpelling(Spelled, NameBuffer, SM, LO) == Plan.Function;
}

bool HandlerRewriter::renameExport(SourceLocation Loc) {
  SourceLocation Spelled = SM.getSpellingLoc(Loc);
  unsigned Offset = SM.getFileOffset(Spelled);
  if (!ExportNames.insert(Offset).second)
    return true;
  Edits.add(Offset, unsigned(Plan.Function.size()), Plan.NewFunction);
  SmallString<32> Buffer;
  note(Lexer::getSpelling(SM.getExpansionLoc(Loc), Buffer, SM, LO).str() + "() exports " + Plan.NewFunction +
       " instead of " + Plan.Function + " (a module outside this compile database that uses it must follow)");
  return true;
}

bool HandlerRewriter::planPrototypeElsewhere(const FunctionDecl *D) {
  SourceLocation NameLoc = D->getLocation();
  FileID File = SM.getFileID(NameLoc);
  if (D->getNumParams() != 2)
    return refuse("a declaration of the handler has an unexpected parameter list", NameLoc);
  SourceLocation Begin = D->getParamDecl(0)->getBeginLoc(), End = D->getParamDecl(1)->getEndLoc();
  if (Begin.isMacroID() || End.isMacroID() || SM.getFileID(Begin) != File || SM.getFileID(End) != File)
    return refuse("a prototype of the handler is spelled through a macro", NameLoc);
  FileEdits &Other = Elsewhere[File];
  if (Other.File.empty()) {
    Other.File = resolveSite(NameLoc, SM, LO).File;
    Other.Original = SM.getBufferData(File).str();
  }
  unsigned NameOffset = SM.getFileOffset(NameLoc);
  unsigned ParamsBegin = SM.getFileOffset(Begin);
  unsigned ParamsEnd = SM.getFileOffset(End) + Lexer::MeasureTokenLength(End, SM, LO);
  // The prototype keeps its style: named parameters stay named.
  bool Named = D->getParamDecl(0)->getIdentifier() && D->getParamDecl(1)->getIdentifier();
  Other.Edits.push_back({NameOffset, unsigned(Plan.Function.size()), Plan.NewFunction});
  Other.Edits.push_back(
      {ParamsBegin, ParamsEnd - ParamsBegin, Named ? "struct vm_area_desc *desc" : "struct vm_area_desc *"});
  note("the prototype in " + llvm::sys::path::filename(Other.File).str() + " follows");
  return true;
}

bool HandlerRewriter::coversOtherFiles() {
  for (const FileEdits &Other : Plan.OtherFiles) {
    FileID File;
    for (const FunctionDecl *D : H.Handler.Function->redecls())
      if (!D->getLocation().isMacroID() && resolveSite(D->getLocation(), SM, LO).File == Other.File)
        File = SM.getFileID(D->getLocation());
    if (File.isInvalid())
      continue;
    for (const RawIdentifier &R : rawIdentifiers(SM, LO, File)) {
      if (R.Name != Plan.Function || R.AfterMember)
        continue;
      bool Covered = false;
      for (const TextEdit &T : Other.Edits)
        Covered |= T.Offset <= R.Offset && R.Offset < T.Offset + T.Length;
      if (Covered)
        continue;
      SourceLocation At = SM.getLocForStartOfFile(File).getLocWithOffset(R.Offset);
      return refuse("'" + Plan.Function + "' is also named in " + llvm::sys::path::filename(Other.File).str() +
                        (R.Condition.empty() ? " where no edit reaches"
                                             : " under " + R.Condition + ", which this parse did not compile") +
                        "; the rewrite would leave it as it is",
                    At);
    }
  }
  return true;
}

bool HandlerRewriter::planRegistrationEdits(const FunctionDecl *FD) {
  Plan.File = resolveSite(SM.getLocForStartOfFile(Main), SM, LO).File;
  if (!refuseOtherReferences(FD))
    return false;
  IdentifierInfo &NewId = Ctx.Idents.get(Plan.NewFunction);
  if (!Ctx.getTranslationUnitDecl()->lookup(DeclarationName(&NewId)).empty())
    return refuse("'" + Plan.NewFunction + "' already exists", FD->getLocation());
  for (const FunctionDecl *D : FD->redecls()) {
    if (isExportedName(D->getLocation()))
      continue;
    if (D->getLocation().isMacroID())
      return refuse("a declaration of the handler is in a macro", D->getLocation());
    if (SM.getFileID(D->getLocation()) != Main) {
      if (!planPrototypeElsewhere(D))
        return false;
      continue;
    }
    // A local prototype (`extern int foo_mmap(struct file *, ...);`).
    if (D->getNumParams() != 2)
      return refuse("a declaration of the handler has an unexpected parameter list", D->getLocation());
    bool Named = D->getParamDecl(0)->getIdentifier() && D->getParamDecl(1)->getIdentifier();
    if (!replace(D->getLocation(), Plan.NewFunction, D->getLocation()) ||
        !replace(SourceRange(D->getParamDecl(0)->getBeginLoc(), D->getParamDecl(1)->getEndLoc()),
                 Named ? "struct vm_area_desc *desc" : "struct vm_area_desc *", D->getLocation()))
      return false;
  }
  return planSites();
}

MigrationPlan HandlerRewriter::runRegistration() {
  const FunctionDecl *FD = H.Handler.Function;
  Plan.Function = FD->getName().str();
  Plan.NewFunction = preparedName(Plan.Function);
  if (!awaitsDefinitionElsewhere(H))
    refuse("the handler's body is not in another translation unit of the database", FD->getLocation());
  else if (planRegistrationEdits(FD))
    finish();
  return settle();
}

} // namespace rewriter
} // namespace vmaprep

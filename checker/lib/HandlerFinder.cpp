//===- HandlerFinder.cpp --------------------------------------------------===//
#include "vmaprep/HandlerFinder.h"
#include "vmaprep/SourceResolution.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;

namespace vmaprep {

static const RecordDecl *pointeeRecord(QualType T) {
  if (const auto *PT = T->getAs<PointerType>())
    if (const auto *RT = PT->getPointeeType()->getAs<RecordType>())
      return RT->getDecl();
  return nullptr;
}

bool isVmaPointer(QualType T) {
  const RecordDecl *RD = pointeeRecord(T.getCanonicalType());
  return RD && RD->getName() == "vm_area_struct";
}

bool hasLegacyMmapSignature(const FunctionDecl *FD) {
  if (!FD || FD->getNumParams() != 2 || !FD->getReturnType()->isIntegerType())
    return false;
  const RecordDecl *First = pointeeRecord(FD->getParamDecl(0)->getType().getCanonicalType());
  return First && First->getName() == "file" && isVmaPointer(FD->getParamDecl(1)->getType());
}

bool hasMmapPrepareSignature(const FunctionDecl *FD) {
  if (!FD || FD->getNumParams() != 1 || !FD->getReturnType()->isIntegerType())
    return false;
  const RecordDecl *RD = pointeeRecord(FD->getParamDecl(0)->getType().getCanonicalType());
  return RD && RD->getName() == "vm_area_desc";
}

bool takesVmaOrDesc(const FunctionDecl *FD) {
  for (const ParmVarDecl *P : FD->parameters()) {
    const RecordDecl *RD = pointeeRecord(P->getType().getCanonicalType());
    if (RD && (RD->getName() == "vm_area_struct" || RD->getName() == "vm_area_desc"))
      return true;
  }
  return false;
}

/// The function type a member points to, if it is a function pointer.
static const FunctionProtoType *memberFunctionType(const FieldDecl *FD) {
  QualType T = FD->getType().getCanonicalType();
  if (const auto *PT = T->getAs<PointerType>())
    return PT->getPointeeType()->getAs<FunctionProtoType>();
  return nullptr;
}

/// An ops member that maps: returns int, takes a VMA, and says mmap in its
/// name (fb_mmap, proc_mmap, map_mmap, mmap). On a real tree the name is what
/// separates these from the many other callbacks that take a VMA: rmap walk
/// callbacks (bool), special-mapping fault (vm_fault_t) and mremap handlers,
/// vm_operations_struct's callbacks on a VMA that already exists.
static bool isSubsystemMmapMember(const FieldDecl *FD) {
  const RecordDecl *Owner = FD->getParent();
  if (Owner->getName() == "vm_operations_struct" || Owner->getName() == "file_operations")
    return false;
  if (!FD->getName().contains("mmap"))
    return false;
  const FunctionProtoType *FT = memberFunctionType(FD);
  if (!FT || !FT->getReturnType().getCanonicalType()->isSpecificBuiltinType(BuiltinType::Int))
    return false;
  for (QualType P : FT->getParamTypes())
    if (isVmaPointer(P))
      return true;
  return false;
}

/// `int (*mmap)(struct file *, struct vm_area_struct *)` or
/// `int (*mmap_prepare)(struct vm_area_desc *)`: a userspace struct that is
/// also called file_operations is not the kernel's.
static bool isFileOpsHook(const FieldDecl *FD) {
  const FunctionProtoType *FT = memberFunctionType(FD);
  if (!FT)
    return false;
  if (FD->getName() == "mmap")
    return FT->getNumParams() == 2 && isVmaPointer(FT->getParamType(1));
  if (FD->getName() == "mmap_prepare") {
    const RecordDecl *RD = FT->getNumParams() == 1 ? pointeeRecord(FT->getParamType(0).getCanonicalType()) : nullptr;
    return RD && RD->getName() == "vm_area_desc";
  }
  return false;
}

namespace {

/// Name of the record an ops table belongs to; anonymous records have none.
std::string recordName(const RecordDecl *RD) { return RD->getName().str(); }

class Finder : public RecursiveASTVisitor<Finder> {
public:
  Finder(ASTContext &Ctx) : Ctx(Ctx), SM(Ctx.getSourceManager()) {}

  HandlerInventory Result;

  bool shouldVisitTemplateInstantiations() const { return false; }

  // A kernel TU is mostly header declarations. From headers only variables
  // can matter (a table defined in a driver's header); functions, records
  // and typedefs there are skipped whole, which keeps the walk a small
  // fraction of the parse. Assignments to ops members inside headers' inline
  // functions do not occur in practice.
  bool TraverseDecl(Decl *D) {
    if (!D || isa<TranslationUnitDecl>(D) || isa<VarDecl>(D))
      return RecursiveASTVisitor::TraverseDecl(D);
    if (!SM.isInMainFile(SM.getExpansionLoc(D->getLocation())))
      return true;
    return RecursiveASTVisitor::TraverseDecl(D);
  }

  /// A hook-shaped definition with external linkage is a handler some other
  /// translation unit may register (kept unless a table here names it).
  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (!FD->isThisDeclarationADefinition() || !FD->isExternallyVisible() || FD->isInlined())
      return true;
    if (!SM.isInMainFile(SM.getExpansionLoc(FD->getLocation())))
      return true;
    if (hasLegacyMmapSignature(FD))
      Definitions.push_back({FD, HookKind::LegacyMmap, {}});
    else if (hasMmapPrepareSignature(FD))
      Definitions.push_back({FD, HookKind::MmapPrepare, {}});
    return true;
  }

  /// The external definitions no table of this file registers.
  void keepUnregisteredDefinitions() {
    for (const RegisteredHandler &D : Definitions)
      if (!HandlerIndex.count(D.Function))
        Result.ExternalDefinitions.push_back(D);
  }

  bool VisitVarDecl(VarDecl *VD) {
    if (const Expr *Init = VD->getInit())
      walkInitializer(Init, VD->getName().str());
    return true;
  }

  bool VisitCompoundLiteralExpr(CompoundLiteralExpr *CL) {
    walkInitializer(CL->getInitializer(), "(compound literal)");
    return true;
  }

  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->getOpcode() != BO_Assign)
      return true;
    const auto *ME = dyn_cast<MemberExpr>(BO->getLHS()->IgnoreParenImpCasts());
    if (!ME)
      return true;
    const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl());
    if (!FD)
      return true;
    OpsSite Site;
    Site.Form = OpsSiteForm::Assignment;
    Site.Table = text(ME->getBase()->getSourceRange());
    Site.Where = resolveSite(BO->getSourceRange(), SM, Ctx.getLangOpts());
    Site.MemberNameLoc = ME->getMemberLoc();
    recordMember(FD, BO->getRHS(), Site);
    return true;
  }

private:
  ASTContext &Ctx;
  const SourceManager &SM;
  llvm::SmallPtrSet<const InitListExpr *, 16> Walked;
  llvm::DenseMap<const FunctionDecl *, size_t> HandlerIndex;
  std::vector<RegisteredHandler> Definitions;

  std::string text(SourceRange R) { return sourceText(R, SM, Ctx.getLangOpts()); }

  /// Recurses through arrays and nested records, naming each table by its
  /// path from the variable ("fops[2]", "dev.fops").
  void walkInitializer(const Expr *E, const std::string &Path) {
    const auto *ILE = dyn_cast<InitListExpr>(E->IgnoreParenImpCasts());
    if (!ILE)
      return;
    if (const InitListExpr *Semantic = ILE->getSemanticForm())
      ILE = Semantic;
    if (!Walked.insert(ILE).second)
      return;
    QualType T = ILE->getType().getCanonicalType();
    if (T->isArrayType()) {
      for (unsigned I = 0; I < ILE->getNumInits(); ++I)
        walkInitializer(ILE->getInit(I), Path + "[" + std::to_string(I) + "]");
      return;
    }
    const auto *RT = T->getAs<RecordType>();
    if (!RT)
      return;
    const RecordDecl *RD = RT->getDecl();
    const InitListExpr *Syntactic = ILE->getSyntacticForm();
    const FunctionDecl *MmapFn = nullptr, *PrepareFn = nullptr;
    SourceSite MmapWhere;
    unsigned Index = 0;
    for (const FieldDecl *FD : RD->fields()) {
      const Expr *Init = nullptr;
      if (RD->isUnion()) {
        if (ILE->getInitializedFieldInUnion() == FD && ILE->getNumInits() > 0)
          Init = ILE->getInit(0);
      } else if (Index < ILE->getNumInits()) {
        Init = ILE->getInit(Index);
      }
      ++Index;
      if (!Init || isa<ImplicitValueInitExpr>(Init))
        continue;
      if (FD->getType()->isRecordType() || FD->getType()->isArrayType()) {
        walkInitializer(Init, Path + "." + FD->getName().str());
        continue;
      }
      OpsSite Site;
      Site.Table = Path;
      Site.Form = Syntactic ? OpsSiteForm::DesignatedInit : OpsSiteForm::PositionalInit;
      Site.DesignatorLoc = Syntactic ? designatorFor(Syntactic, FD, &Site.MemberNameLoc) : SourceLocation();
      if (Syntactic && Site.DesignatorLoc.isInvalid())
        Site.Form = OpsSiteForm::PositionalInit; // mixed: this member was positional
      SourceLocation Begin = Site.DesignatorLoc.isValid() ? Site.DesignatorLoc : Init->getBeginLoc();
      Site.Where = resolveSite(SourceRange(Begin, Init->getEndLoc()), SM, Ctx.getLangOpts());
      const FunctionDecl *Fn = recordMember(FD, Init, Site);
      if (Fn && recordName(RD) == "file_operations") {
        if (FD->getName() == "mmap") {
          MmapFn = Fn;
          MmapWhere = Site.Where;
        } else if (FD->getName() == "mmap_prepare") {
          PrepareFn = Fn;
        }
      }
    }
    if (MmapFn && PrepareFn)
      Result.BothHooks.push_back({Path, MmapWhere, MmapFn->getName().str(), PrepareFn->getName().str()});
  }

  /// Where `.member` is designated in a syntactic initializer list.
  static SourceLocation designatorFor(const InitListExpr *Syntactic, const FieldDecl *FD, SourceLocation *NameLoc) {
    for (const Expr *E : Syntactic->inits()) {
      const auto *DIE = dyn_cast_or_null<DesignatedInitExpr>(E);
      if (!DIE || DIE->size() != 1)
        continue;
      const DesignatedInitExpr::Designator *D = DIE->getDesignator(0);
      if (D->isFieldDesignator() && D->getFieldDecl() == FD) {
        *NameLoc = D->getFieldLoc();
        return DIE->getBeginLoc();
      }
    }
    return SourceLocation();
  }

  /// The functions an initializer names: `f`, `&f`, and both arms of a
  /// conditional (`IS_ENABLED(X) ? f : NULL`).
  static void namedFunctions(const Expr *E, llvm::SmallVectorImpl<const FunctionDecl *> &Out, bool &Unresolved) {
    E = E->IgnoreParenCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(E); UO && UO->getOpcode() == UO_AddrOf)
      E = UO->getSubExpr()->IgnoreParenCasts();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl())) {
        Out.push_back(FD);
        return;
      }
      Unresolved = true;
      return;
    }
    if (const auto *CO = dyn_cast<ConditionalOperator>(E)) {
      namedFunctions(CO->getTrueExpr(), Out, Unresolved);
      namedFunctions(CO->getFalseExpr(), Out, Unresolved);
      return;
    }
    if (isa<IntegerLiteral>(E) || isa<GNUNullExpr>(E))
      return; // NULL
    Unresolved = true;
  }

  /// Records \p Init as the value of member \p FD; returns the function when
  /// it names exactly one.
  const FunctionDecl *recordMember(const FieldDecl *FD, const Expr *Init, OpsSite Site) {
    const RecordDecl *RD = FD->getParent();
    bool IsFileOps = recordName(RD) == "file_operations" && isFileOpsHook(FD);
    if (!IsFileOps && !isSubsystemMmapMember(FD))
      return nullptr;
    Site.Record = RD->getName().empty() ? "(anonymous)" : recordName(RD);
    Site.Member = FD->getName().str();
    Site.Init = Init;
    llvm::SmallVector<const FunctionDecl *, 2> Fns;
    bool Unresolved = false;
    namedFunctions(Init, Fns, Unresolved);
    if (Unresolved && IsFileOps)
      Result.Unresolved.push_back({Site, text(Init->getSourceRange())});
    for (const FunctionDecl *Fn : Fns) {
      const FunctionDecl *Def = Fn->getDefinition();
      const FunctionDecl *Key = Def ? Def : Fn->getCanonicalDecl();
      if (!IsFileOps) {
        Result.SubsystemHooks.push_back({Key, Site});
        continue;
      }
      auto [It, Inserted] = HandlerIndex.try_emplace(Key, Result.Handlers.size());
      if (Inserted) {
        RegisteredHandler H;
        H.Function = Key;
        H.Kind = FD->getName() == "mmap" ? HookKind::LegacyMmap : HookKind::MmapPrepare;
        Result.Handlers.push_back(H);
      }
      Result.Handlers[It->second].Sites.push_back(Site);
    }
    return Fns.size() == 1 ? Fns.front() : nullptr;
  }
};

} // namespace

HandlerInventory findHandlers(ASTContext &Ctx) {
  Finder F(Ctx);
  F.TraverseDecl(Ctx.getTranslationUnitDecl());
  F.keepUnregisteredDefinitions();
  return std::move(F.Result);
}

} // namespace vmaprep

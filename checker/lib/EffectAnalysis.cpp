//===- EffectAnalysis.cpp -------------------------------------------------===//
//
// A single pre-order walk over the handler body with an explicit ancestor
// stack: every use of the VMA is classified by what encloses it, every call by
// its callee. Building a whole-TU parent map would cost more than the parse on
// kernel TUs, so the walker keeps its own.
//
//===----------------------------------------------------------------------===//
#include "vmaprep/EffectAnalysis.h"
#include "MappedStateTrace.h"
#include "vmaprep/HandlerFinder.h"
#include "vmaprep/SourceResolution.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/Stmt.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringMap.h"
#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <vector>

using namespace clang;

namespace vmaprep {

const Expr *accessedObject(const MemberExpr *ME) {
  const Expr *Base = ME->getBase()->IgnoreParenCasts();
  while (const auto *Inner = dyn_cast<MemberExpr>(Base)) {
    const auto *FD = dyn_cast<FieldDecl>(Inner->getMemberDecl());
    if (!FD || !FD->isAnonymousStructOrUnion())
      break;
    Base = Inner->getBase()->IgnoreParenCasts();
  }
  return Base;
}

std::string heldStateText(const HeldState &H, const std::string &Where) {
  std::string At = Where.empty() ? "" : ", " + Where;
  switch (H.What) {
  case HeldState::Kind::Lock: return "takes a lock (" + H.Name + "()" + At + ")";
  case HeldState::Kind::Cleanup: {
    // guard()/scoped_guard() name their variable __UNIQUE_ID_guard_N: say
    // what it is, not the name nobody wrote.
    std::string What = llvm::StringRef(H.Variable).starts_with("__UNIQUE_ID_") ? std::string("a scoped guard")
                                                                               : "'" + H.Variable + "'";
    return "declares " + What + (Where.empty() ? "" : " (" + Where + ")") + ", which " +
           (H.Name.empty() ? std::string("a cleanup") : H.Name) + "() releases when the hook returns";
  }
  case HeldState::Kind::Release: return "releases something (" + H.Name + "()" + At + ")";
  }
  return "";
}

bool VarReferences::written(const Expr *Ref) const { return llvm::is_contained(Written, Ref); }

VarReferences referencesTo(const VarDecl *Var, const Stmt *Body) {
  struct Uses : RecursiveASTVisitor<Uses> {
    const VarDecl *Var;
    VarReferences Out;
    bool VisitDeclRefExpr(DeclRefExpr *D) {
      if (D->getDecl() == Var)
        Out.Refs.push_back(D);
      return true;
    }
    bool VisitUnaryOperator(UnaryOperator *UO) {
      if (UO->isIncrementDecrementOp() || UO->getOpcode() == UO_AddrOf)
        Out.Written.push_back(UO->getSubExpr()->IgnoreParenImpCasts());
      return true;
    }
    bool VisitBinaryOperator(BinaryOperator *BO) {
      if (BO->isAssignmentOp())
        Out.Written.push_back(BO->getLHS()->IgnoreParenImpCasts());
      return true;
    }
  } U;
  U.Var = Var;
  U.TraverseStmt(const_cast<Stmt *>(Body));
  return std::move(U.Out);
}

namespace {

/// Sets an effect's tag and its printed form.
void setTag(VmaEffect &E, EffectTag Tag, llvm::StringRef Helper = "") {
  E.Tag = Tag;
  E.Detail = Tag == EffectTag::Helper ? Helper.str() : effectTagName(Tag).str();
}

/// Kernel 6.10+ allocation tagging renames the allocator functions
/// (kmalloc() is a macro over kmalloc_noprof()).
llvm::StringRef canonicalCalleeName(const FunctionDecl *FD) {
  llvm::StringRef Name = FD->getName();
  if (Name.ends_with("_noprof"))
    Name = Name.drop_back(strlen("_noprof"));
  return Name;
}

/// True for `struct vm_area_desc *` (any qualifiers).
bool isDescPointer(QualType T) {
  if (const auto *PT = T.getCanonicalType()->getAs<PointerType>())
    if (const auto *RT = PT->getPointeeType()->getAs<RecordType>())
      return RT->getDecl()->getName() == "vm_area_desc";
  return false;
}

bool isWrapper(const Stmt *S) { return isa<ImplicitCastExpr>(S) || isa<ParenExpr>(S) || isa<CStyleCastExpr>(S); }

class BodyWalker {
public:
  BodyWalker(ASTContext &Ctx, HandlerSummary &Out, std::vector<CallStep> Via,
             llvm::SmallPtrSetImpl<const FunctionDecl *> &Active, unsigned Depth)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Out(Out), Via(std::move(Via)), Active(Active), Depth(Depth) {}

  /// Walks \p FD's body with parameter \p VmaParams bound to the handler's VMA;
  /// \p HookParams are the hook's own parameters (never "driver state").
  void run(const FunctionDecl *FD, llvm::ArrayRef<unsigned> VmaParams, llvm::ArrayRef<unsigned> DescParams = {}) {
    Current = FD;
    for (unsigned I : VmaParams)
      if (I < FD->getNumParams())
        VmaVars.insert(FD->getParamDecl(I));
    for (unsigned I : DescParams)
      if (I < FD->getNumParams())
        DescVars.insert(FD->getParamDecl(I));
    for (const ParmVarDecl *P : FD->parameters())
      if (isVmaPointer(P->getType()) || isDescPointer(P->getType()))
        HookParams.insert(P);
    visit(FD->getBody());
  }

private:
  ASTContext &Ctx;
  const SourceManager &SM;
  HandlerSummary &Out;
  std::vector<CallStep> Via;
  llvm::SmallPtrSetImpl<const FunctionDecl *> &Active;
  unsigned Depth;
  llvm::SmallPtrSet<const VarDecl *, 4> VmaVars;
  /// The mmap_prepare hook's desc (and helper parameters it is passed to).
  llvm::SmallPtrSet<const VarDecl *, 2> DescVars;
  llvm::SmallPtrSet<const VarDecl *, 4> HookParams;
  /// Pointers known to point at a caller's local variable (`&notify` passed
  /// to a helper): writes through them are not driver state.
  llvm::SmallPtrSet<const VarDecl *, 4> LocalPointees;
  std::vector<const Stmt *> Ancestors;
  /// The function being walked.
  const FunctionDecl *Current = nullptr;
  unsigned LoopDepth = 0;
  VmaEffect Scratch; // where a duplicate effect goes to be forgotten
  static constexpr unsigned MaxDepth = 8;

  std::string text(const Stmt *S) { return sourceText(S->getSourceRange(), SM, Ctx.getLangOpts()); }

  VmaEffect &add(EffectKind Kind, llvm::StringRef Name, const Stmt *Node) {
    VmaEffect E;
    E.Kind = Kind;
    E.Name = Name.str();
    E.Node = Node;
    E.Text = text(Node);
    E.Where = resolveSite(Node->getSourceRange(), SM, Ctx.getLangOpts());
    E.Via = Via;
    E.InLoop = LoopDepth > 0;
    // A macro that expands its argument twice (x86's pgprot_noncached())
    // yields the same effect at the same spelling twice: keep one.
    if (Node->getBeginLoc().isMacroID())
      for (VmaEffect &Known : Out.Effects)
        if (Known.Kind == Kind && Known.Name == E.Name && Known.Where == E.Where && Known.Via.size() == E.Via.size())
          return Scratch = std::move(E);
    Out.Effects.push_back(std::move(E));
    return Out.Effects.back();
  }

  bool isVmaRef(const Expr *E) const {
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenCasts()))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        return VmaVars.count(VD);
    return false;
  }

  /// `vma->FIELD` (through anonymous unions), or null.
  const MemberExpr *vmaField(const Expr *E, llvm::StringRef Field) const {
    const auto *ME = dyn_cast<MemberExpr>(E->IgnoreParenCasts());
    if (!ME || ME->getMemberDecl()->getName() != Field)
      return nullptr;
    return isVmaRef(accessedObject(ME)) ? ME : nullptr;
  }

  /// `vma->vm_end - vma->vm_start`, `vma_pages(vma) << PAGE_SHIFT`, or a
  /// local initialised to one of them.
  bool isWholeSize(const Expr *E, unsigned Hops = 0) const {
    E = E->IgnoreParenCasts();
    if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
      if (BO->getOpcode() == BO_Sub)
        return vmaField(BO->getLHS(), "vm_end") && vmaField(BO->getRHS(), "vm_start");
      if (BO->getOpcode() == BO_Shl || BO->getOpcode() == BO_Mul)
        return isVmaPagesCall(BO->getLHS()) || isVmaPagesCall(BO->getRHS());
    }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        if (Hops < 2 && VD->hasLocalStorage() && VD->getInit())
          return isWholeSize(VD->getInit(), Hops + 1);
    return false;
  }

  bool isVmaPagesCall(const Expr *E) const {
    const auto *CE = dyn_cast<CallExpr>(E->IgnoreParenCasts());
    const FunctionDecl *FD = CE ? CE->getDirectCallee() : nullptr;
    return FD && FD->getName() == "vma_pages" && CE->getNumArgs() == 1 && isVmaRef(CE->getArg(0));
  }

  /// An integer expression as a function of the mapping's extent: (PerStart
  /// * vm_start + PerSize * the size in bytes + PerPage * vma_pages() +
  /// PerPgoff * vm_pgoff + Constant) / Divisor, with vm_end = vm_start +
  /// size. C's division is kept exact: one division, outermost but for the
  /// addition of undivided terms (floor(x / d) + y is floor((x + d * y) / d)).
  struct ExtentTerm {
    long long PerStart = 0, PerSize = 0, PerPage = 0, PerPgoff = 0, Constant = 0, Divisor = 1;
    bool constant() const { return !PerStart && !PerSize && !PerPage && !PerPgoff && Divisor == 1; }
    bool extent() const { return !PerStart && (PerSize || PerPage || PerPgoff); }
    /// False when a coefficient would overflow.
    [[nodiscard]] bool scale(long long By) {
      for (long long *C : {&PerStart, &PerSize, &PerPage, &PerPgoff, &Constant})
        if (__builtin_mul_overflow(*C, By, C))
          return false;
      return true;
    }
  };

  /// \p Depth bounds the recursion: clang accepts expressions nested
  /// 100,000 deep, and a size check is a few operators.
  std::optional<ExtentTerm> extentTerm(const Expr *E, unsigned Hops = 0, unsigned Depth = 0) const {
    E = E->IgnoreParenCasts();
    if (Depth > 32 || E->isValueDependent() || !E->getType()->isIntegerType())
      return std::nullopt;
    ExtentTerm T;
    Expr::EvalResult Value;
    if (E->EvaluateAsInt(Value, Ctx)) {
      const llvm::APSInt &V = Value.Val.getInt();
      if (V.getSignificantBits() > 48)
        return std::nullopt;
      T.Constant = V.getExtValue();
      return T;
    }
    if (vmaField(E, "vm_start")) {
      T.PerStart = 1;
      return T;
    }
    if (vmaField(E, "vm_end")) {
      T.PerStart = T.PerSize = 1;
      return T;
    }
    if (vmaField(E, "vm_pgoff")) {
      T.PerPgoff = 1;
      return T;
    }
    if (isVmaPagesCall(E)) {
      T.PerPage = 1;
      return T;
    }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      // A local initialised once and never written: its initialiser.
      const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
      if (!VD || Hops >= 2 || !VD->hasLocalStorage() || !VD->getInit() || !Current || !Current->getBody() ||
          writtenAfterInit(VD))
        return std::nullopt;
      return extentTerm(VD->getInit(), Hops + 1, Depth + 1);
    }
    const auto *BO = dyn_cast<BinaryOperator>(E);
    if (!BO)
      return std::nullopt;
    std::optional<ExtentTerm> L = extentTerm(BO->getLHS(), Hops, Depth + 1),
                              R = extentTerm(BO->getRHS(), Hops, Depth + 1);
    if (!L || !R)
      return std::nullopt;
    switch (BO->getOpcode()) {
    case BO_Add:
    case BO_Sub: {
      if (L->Divisor != 1 && R->Divisor != 1)
        return std::nullopt;
      long long Divisor = std::max(L->Divisor, R->Divisor);
      if (!(L->Divisor == 1 ? L->scale(Divisor) : R->scale(Divisor)))
        return std::nullopt;
      bool Add = BO->getOpcode() == BO_Add;
      auto Combine = [Add](long long A, long long B, long long &Out) {
        return !(Add ? __builtin_add_overflow(A, B, &Out) : __builtin_sub_overflow(A, B, &Out));
      };
      if (!Combine(L->PerStart, R->PerStart, T.PerStart) || !Combine(L->PerSize, R->PerSize, T.PerSize) ||
          !Combine(L->PerPage, R->PerPage, T.PerPage) || !Combine(L->PerPgoff, R->PerPgoff, T.PerPgoff) ||
          !Combine(L->Constant, R->Constant, T.Constant))
        return std::nullopt;
      T.Divisor = Divisor;
      return T;
    }
    case BO_Mul:
    case BO_Shl: {
      if (!R->constant() && BO->getOpcode() == BO_Mul)
        std::swap(L, R);
      if (!R->constant() || L->Divisor != 1)
        return std::nullopt;
      long long By = R->Constant;
      if (BO->getOpcode() == BO_Shl)
        By = R->Constant >= 0 && R->Constant <= 32 ? 1LL << R->Constant : 0;
      if (!By || !L->scale(By))
        return std::nullopt;
      return L;
    }
    case BO_Shr:
    case BO_Div: {
      long long By = R->Constant;
      if (BO->getOpcode() == BO_Shr)
        By = R->Constant >= 0 && R->Constant <= 32 ? 1LL << R->Constant : 0;
      if (!R->constant() || By <= 0 || L->Divisor != 1)
        return std::nullopt;
      L->Divisor = By;
      return L;
    }
    default: return std::nullopt;
    }
  }

  /// \p VD is assigned, incremented or has its address taken in the
  /// function being walked.
  bool writtenAfterInit(const VarDecl *VD) const {
    VarReferences Refs = referencesTo(VD, Current->getBody());
    return llvm::any_of(Refs.Refs, [&](const DeclRefExpr *Ref) { return Refs.written(Ref); });
  }

  /// The bound a comparison \p BO makes, when one side is the extent and the
  /// other an integer constant.
  std::optional<ExtentBound> boundOf(const BinaryOperator *BO) const {
    std::optional<ExtentTerm> L = extentTerm(BO->getLHS()), R = extentTerm(BO->getRHS());
    if (!L || !R)
      return std::nullopt;
    BinaryOperatorKind Op = BO->getOpcode();
    if (R->extent() && L->constant()) {
      std::swap(L, R);
      Op = Op == BO_LT ? BO_GT : Op == BO_GT ? BO_LT : Op == BO_LE ? BO_GE : Op == BO_GE ? BO_LE : Op;
    } else if (!L->extent() || !R->constant()) {
      return std::nullopt;
    }
    ExtentBound B;
    B.PerSize = L->PerSize;
    B.PerPage = L->PerPage;
    B.PerPgoff = L->PerPgoff;
    B.Constant = L->Constant;
    B.Divisor = L->Divisor;
    B.Op = BinaryOperator::getOpcodeStr(Op).str();
    B.Value = R->Constant;
    return B;
  }

  /// Climbs from an extent read over the arithmetic around it to the
  /// comparison that decides on it; from a local's initialiser, to the
  /// comparisons of the local. \p Index: \p Node's ancestors are
  /// Ancestors[0, Index).
  std::vector<ExtentBound> boundsAround(const Stmt *Node, size_t Index) const {
    std::vector<ExtentBound> Out;
    auto IsArithmetic = [](const Stmt *S) {
      const auto *BO = dyn_cast<BinaryOperator>(S);
      return isWrapper(S) || (BO && (BO->isAdditiveOp() || BO->isMultiplicativeOp() || BO->isShiftOp()));
    };
    const Stmt *Child = Node;
    while (Index > 0 && IsArithmetic(Ancestors[Index - 1]))
      Child = Ancestors[--Index];
    const Stmt *Parent = Index > 0 ? Ancestors[Index - 1] : nullptr;
    auto Add = [&Out](std::optional<ExtentBound> B) {
      if (B && !llvm::is_contained(Out, *B))
        Out.push_back(std::move(*B));
    };
    if (const auto *BO = dyn_cast_or_null<BinaryOperator>(Parent); BO && BO->isComparisonOp()) {
      Add(boundOf(BO));
      return Out;
    }
    const auto *DS = dyn_cast_or_null<DeclStmt>(Parent);
    if (!DS || !Current || !Current->getBody())
      return Out;
    for (const Decl *D : DS->decls()) {
      const auto *VD = dyn_cast<VarDecl>(D);
      if (!VD || !VD->getInit() || VD->getInit() != Child)
        continue;
      if (writtenAfterInit(VD))
        continue;
      VarReferences Refs = referencesTo(VD, Current->getBody());
      ParentMap Parents(const_cast<Stmt *>(Current->getBody()));
      for (const DeclRefExpr *Ref : Refs.Refs) {
        const Stmt *Up = Parents.getParent(Ref);
        while (Up && IsArithmetic(Up))
          Up = Parents.getParent(Up);
        if (const auto *BO = dyn_cast_or_null<BinaryOperator>(Up); BO && BO->isComparisonOp())
          Add(boundOf(BO));
      }
    }
    return Out;
  }

  /// One step of the walk: enter a statement (its own effects, then its
  /// children), leave it, or take one declaration of a DeclStmt. The walk
  /// keeps its own stack: an expression nested 100,000 deep (which clang
  /// accepts) must not overflow the thread's.
  struct Step {
    enum Kind { Enter, Leave, Declaration } What;
    const Stmt *S = nullptr;
    const VarDecl *Var = nullptr;
  };

  void visit(const Stmt *Root) {
    std::vector<Step> Work;
    Work.push_back({Step::Enter, Root});
    while (!Work.empty()) {
      Step Next = Work.back();
      Work.pop_back();
      if (Next.What == Step::Leave) {
        LoopDepth -= isLoop(Next.S);
        Ancestors.pop_back();
        continue;
      }
      if (Next.What == Step::Declaration) {
        declare(Next.Var, cast<DeclStmt>(Next.S), Work);
        continue;
      }
      const Stmt *S = Next.S;
      if (!S)
        continue;
      if (const auto *DS = dyn_cast<DeclStmt>(S)) {
        Ancestors.push_back(DS);
        Work.push_back({Step::Leave, DS});
        // Declarations in order: a pointer copied from the VMA in one is the
        // VMA in the initializers after it.
        llvm::SmallVector<const VarDecl *, 2> Vars;
        for (const Decl *D : DS->decls())
          if (const auto *VD = dyn_cast<VarDecl>(D); VD && VD->getInit())
            Vars.push_back(VD);
        for (const VarDecl *VD : llvm::reverse(Vars))
          Work.push_back({Step::Declaration, DS, VD});
        for (const Decl *D : DS->decls())
          if (const auto *VD = dyn_cast<VarDecl>(D))
            onCleanupVariable(VD);
        continue;
      }
      onNode(S); // sees the node's ancestors, not the node
      Ancestors.push_back(S);
      LoopDepth += isLoop(S);
      Work.push_back({Step::Leave, S});
      size_t First = Work.size();
      for (const Stmt *Child : S->children())
        if (Child)
          Work.push_back({Step::Enter, Child});
      std::reverse(Work.begin() + First, Work.end());
    }
  }

  static bool isLoop(const Stmt *S) { return isa<ForStmt>(S) || isa<WhileStmt>(S) || isa<DoStmt>(S); }

  void onNode(const Stmt *S) {
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S)) {
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()); VD && VmaVars.count(VD))
        onVmaUse(DRE);
      else if (VD && DescVars.count(VD))
        onDescUse(DRE);
    } else if (const auto *CE = dyn_cast<CallExpr>(S)) {
      onCall(CE);
    } else if (const auto *BO = dyn_cast<BinaryOperator>(S)) {
      if (BO->isAssignmentOp())
        onStore(BO->getLHS(), BO);
    } else if (const auto *UO = dyn_cast<UnaryOperator>(S)) {
      if (UO->isIncrementDecrementOp())
        onStore(UO->getSubExpr(), UO);
    } else if (const auto *RS = dyn_cast<ReturnStmt>(S); RS && Via.empty()) {
      HandlerReturn R;
      R.Where = resolveSite(RS->getSourceRange(), SM, Ctx.getLangOpts());
      Expr::EvalResult Value;
      R.Success = RS->getRetValue() && RS->getRetValue()->EvaluateAsInt(Value, Ctx) && Value.Val.getInt() == 0;
      R.Node = RS;
      Out.Returns.push_back(std::move(R));
    }
  }

  /// Releases and locks count where the rewriter converts the code with the
  /// handler: the handler's own body and the helpers it hands the VMA to.
  bool recordsHeldState() const { return Via.empty() || !VmaVars.empty(); }

  HeldState &hold(HeldState::Kind What, llvm::StringRef Name, SourceRange Range) {
    HeldState H;
    H.What = What;
    H.Name = Name.str();
    H.Where = resolveSite(Range, SM, Ctx.getLangOpts());
    H.Via = Via;
    Out.Held.push_back(std::move(H));
    return Out.Held.back();
  }

  /// A call that gives state back or takes a lock (KernelApi.def).
  void onStateOperation(const CallExpr *CE, llvm::StringRef Name) {
    if (!recordsHeldState())
      return;
    const KernelStateOperation *Op = stateOperation(Name);
    if (!Op && !isCounterRelease(Name))
      return;
    bool Lock = Op && Op->Operation == KernelApiStateOperation::Lock;
    HeldState &H = hold(Lock ? HeldState::Kind::Lock : HeldState::Kind::Release, Name, CE->getSourceRange());
    H.Api = Op;
    H.Node = CE;
  }

  /// `guard(mutex)(&m)`, `struct x *p __free(kfree) = ...`: released when the
  /// hook returns.
  void onCleanupVariable(const VarDecl *VD) {
    const auto *Cleanup = VD->getAttr<CleanupAttr>();
    if (!Cleanup || !recordsHeldState())
      return;
    const FunctionDecl *Fn = Cleanup->getFunctionDecl();
    HeldState &H = hold(HeldState::Kind::Cleanup, Fn ? Fn->getName() : "", VD->getLocation());
    H.Variable = VD->getName().str();
    H.Decl = VD;
  }

  /// One declaration of \p DS (which is on the ancestor stack).
  void declare(const VarDecl *VD, const DeclStmt *DS, std::vector<Step> &Work) {
    if (isVmaRef(VD->getInit())) {
      // A local pointer copy is the VMA under another name; anything else
      // keeps it beyond the hook.
      if (VD->hasLocalStorage() && isVmaPointer(VD->getType()))
        VmaVars.insert(VD);
      else
        setTag(add(EffectKind::Escape, "vma", DS), EffectTag::Stored);
      return;
    }
    Work.push_back({Step::Enter, VD->getInit()});
  }

  /// Climbs from \p Child over casts and parentheses; returns the first real
  /// ancestor and leaves \p Child at the node just below it.
  const Stmt *enclosing(const Stmt *&Child, size_t &Index) const {
    while (Index > 0 && isWrapper(Ancestors[Index - 1])) {
      Child = Ancestors[Index - 1];
      --Index;
    }
    return Index > 0 ? Ancestors[Index - 1] : nullptr;
  }

  void onVmaUse(const DeclRefExpr *DRE) {
    const Stmt *Child = DRE;
    size_t Index = Ancestors.size();
    const Stmt *Parent = enclosing(Child, Index);
    if (!Parent) {
      return;
    }
    if (const auto *ME = dyn_cast<MemberExpr>(Parent)) {
      onFieldAccess(ME, Index - 1);
      return;
    }
    if (isa<CallExpr>(Parent))
      return; // onCall classified the call, argument by argument
    if (const auto *UO = dyn_cast<UnaryOperator>(Parent)) {
      if (UO->getOpcode() == UO_AddrOf)
        setTag(add(EffectKind::Escape, "vma", UO), EffectTag::AddressTaken);
      else if (UO->getOpcode() == UO_Deref)
        setTag(add(EffectKind::Escape, "vma", UO), EffectTag::Copied);
      else if (UO->getOpcode() != UO_LNot)
        setTag(add(EffectKind::Escape, "vma", UO), EffectTag::Expression);
      return;
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(Parent)) {
      if (BO->isComparisonOp() || BO->isLogicalOp())
        return; // a NULL check
      if (BO->getOpcode() == BO_Assign && BO->getRHS()->IgnoreParenCasts() == DRE) {
        const auto *LHS = dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenCasts());
        const auto *VD = LHS ? dyn_cast<VarDecl>(LHS->getDecl()) : nullptr;
        if (VD && VD->hasLocalStorage() && isVmaPointer(VD->getType()))
          VmaVars.insert(VD);
        else
          setTag(add(EffectKind::Escape, "vma", BO), EffectTag::Stored);
        return;
      }
      setTag(add(EffectKind::Escape, "vma", BO), EffectTag::Expression);
      return;
    }
    if (isa<ReturnStmt>(Parent)) {
      setTag(add(EffectKind::Escape, "vma", Parent), EffectTag::Returned);
      return;
    }
    if (isa<IfStmt>(Parent) || isa<WhileStmt>(Parent) || isa<ConditionalOperator>(Parent))
      return; // tested for NULL
    if (isa<InitListExpr>(Parent)) {
      setTag(add(EffectKind::Escape, "vma", Parent), EffectTag::Stored);
      return;
    }
    setTag(add(EffectKind::Escape, "vma", Parent), EffectTag::Expression);
  }

  /// A write to a desc field, named by its path ("desc->action.type"): the
  /// mmap_prepare contract forbids some (immutable fields, raw actions).
  void onDescUse(const DeclRefExpr *DRE) {
    const Stmt *Child = DRE;
    size_t Index = Ancestors.size();
    const auto *ME = dyn_cast_or_null<MemberExpr>(enclosing(Child, Index));
    if (!ME)
      return;
    std::string Path = "desc->" + ME->getMemberDecl()->getName().str();
    size_t Up = Index - 1;
    while (Up > 0) {
      const auto *Outer = dyn_cast<MemberExpr>(Ancestors[Up - 1]);
      if (!Outer || Outer->isArrow())
        break;
      ME = Outer;
      --Up;
      if (!ME->getMemberDecl()->getName().empty())
        Path += "." + ME->getMemberDecl()->getName().str();
    }
    Child = ME;
    const Stmt *Parent = enclosing(Child, Up);
    bool Write = false;
    if (const auto *BO = dyn_cast_or_null<BinaryOperator>(Parent))
      Write = BO->isAssignmentOp() && BO->getLHS()->IgnoreParenCasts() == ME;
    else if (const auto *UO = dyn_cast_or_null<UnaryOperator>(Parent))
      Write = UO->isIncrementDecrementOp();
    if (Write)
      setTag(add(EffectKind::FieldWrite, Path, Parent), EffectTag::DescField);
  }

  /// \p Index is the position of \p ME in Ancestors.
  void onFieldAccess(const MemberExpr *ME, size_t Index) {
    // vm_flags lives in an anonymous union in 6.3+: step out to the named member.
    while (const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl())) {
      if (!FD->isAnonymousStructOrUnion() || Index == 0)
        break;
      const auto *Outer = dyn_cast<MemberExpr>(Ancestors[Index - 1]);
      if (!Outer)
        break;
      ME = Outer;
      --Index;
    }
    llvm::StringRef Field = ME->getMemberDecl()->getName();
    const Stmt *Child = ME;
    size_t Up = Index;
    const Stmt *Parent = enclosing(Child, Up);

    auto IsTarget = [&](const Expr *E) { return E->IgnoreParenCasts() == ME; };
    if (const auto *BO = dyn_cast_or_null<BinaryOperator>(Parent)) {
      if (BO->isAssignmentOp() && IsTarget(BO->getLHS())) {
        onFieldWrite(Field, BO, BO->getOpcode(), BO->getRHS());
        return;
      }
      if (Field == "vm_flags" && BO->getOpcode() == BO_And) {
        VmaEffect &E = add(EffectKind::FlagsTest, "vm_flags", BO);
        E.Operands.push_back(text(IsTarget(BO->getLHS()) ? BO->getRHS() : BO->getLHS()));
        return;
      }
    }
    if (const auto *UO = dyn_cast_or_null<UnaryOperator>(Parent)) {
      if (UO->isIncrementDecrementOp()) {
        setTag(add(EffectKind::FieldWrite, Field, UO), EffectTag::Increment);
        return;
      }
      if (UO->getOpcode() == UO_AddrOf) {
        // &vma->vm_page_prot handed to a helper (/dev/mem's
        // phys_mem_access_prot_allowed): the field may be written, the VMA
        // itself does not escape. The desc has the same field.
        setTag(add(EffectKind::FieldWrite, Field, UO), EffectTag::AddressTaken);
        return;
      }
    }
    if (Field == "vm_ops") {
      // vma->vm_ops->open(vma): the driver runs its own open callback by hand.
      if (const auto *Callback = dyn_cast_or_null<MemberExpr>(Parent)) {
        const Stmt *C = Callback;
        size_t U = Up - 1;
        if (const auto *Call = dyn_cast_or_null<CallExpr>(enclosing(C, U));
            Call && Call->getCallee()->IgnoreParenCasts() == Callback) {
          add(EffectKind::ManualOpen, Callback->getMemberDecl()->getName(), Call);
          return;
        }
      }
    }
    if (Field == "vm_mm") {
      // The address space handed to page-table code (apply_to_page_range(),
      // mmu notifiers): work on mappings that do not exist before the hook.
      if (const auto *Call = dyn_cast_or_null<CallExpr>(Parent)) {
        const FunctionDecl *FD = Call->getDirectCallee();
        VmaEffect &E = add(EffectKind::Escape, FD ? FD->getName() : "vm_mm", Call);
        setTag(E, EffectTag::MmPassed);
        return;
      }
    }
    if (Field == "vm_flags") {
      VmaEffect &E = add(EffectKind::FlagsRead, "vm_flags", ME);
      if (const auto *Call = dyn_cast_or_null<CallExpr>(Parent))
        if (const FunctionDecl *FD = Call->getDirectCallee())
          setTag(E, EffectTag::Helper, FD->getName());
      return;
    }
    VmaEffect &Read = add(EffectKind::FieldRead, Field, ME);
    if (Field == "vm_start" || Field == "vm_end" || Field == "vm_pgoff")
      Read.Bounds = boundsAround(ME, Index);
  }

  void onFieldWrite(llvm::StringRef Field, const BinaryOperator *BO, BinaryOperatorKind Op, const Expr *Value) {
    if (Field == "vm_flags") {
      // Trees before 6.3 wrote the flags directly.
      const char *Name = Op == BO_OrAssign    ? "vm_flags |="
                         : Op == BO_AndAssign ? "vm_flags &="
                         : Op == BO_Assign    ? "vm_flags ="
                                              : "vm_flags";
      add(EffectKind::FlagsChange, Name, BO).Operands.push_back(text(Value));
      return;
    }
    VmaEffect &E = add(EffectKind::FieldWrite, Field, BO);
    E.Operands.push_back(text(Value));
    if (Field == "vm_ops" && opsHaveMapped(Value)) {
      setTag(E, EffectTag::OpsWithMapped);
      return;
    }
    // The helper that computed the value: pgprot_writecombine() is a call,
    // x86's pgprot_noncached() a macro.
    SourceLocation ValueLoc = Value->IgnoreParenCasts()->getBeginLoc();
    if (ValueLoc.isMacroID())
      setTag(E, EffectTag::Helper, Lexer::getImmediateMacroName(ValueLoc, SM, Ctx.getLangOpts()));
    else if (const auto *Call = dyn_cast<CallExpr>(Value->IgnoreParenCasts()))
      if (const FunctionDecl *FD = Call->getDirectCallee())
        setTag(E, EffectTag::Helper, FD->getName());
    if (Op != BO_Assign)
      setTag(E, EffectTag::Compound);
  }

  /// `&ops` where ops initializes ->mapped: a callback the legacy path never runs.
  static bool opsHaveMapped(const Expr *Value) {
    const auto *UO = dyn_cast<UnaryOperator>(Value->IgnoreParenCasts());
    const auto *DRE =
        UO && UO->getOpcode() == UO_AddrOf ? dyn_cast<DeclRefExpr>(UO->getSubExpr()->IgnoreParenCasts()) : nullptr;
    const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    const auto *ILE = VD && VD->getInit() ? dyn_cast<InitListExpr>(VD->getInit()->IgnoreParenCasts()) : nullptr;
    if (!ILE)
      return false;
    const auto *RT = ILE->getType()->getAs<RecordType>();
    if (!RT)
      return false;
    unsigned I = 0;
    for (const FieldDecl *FD : RT->getDecl()->fields()) {
      if (I >= ILE->getNumInits())
        break;
      const Expr *Init = ILE->getInit(I++);
      if (FD->getName() == "mapped" && Init && !isa<ImplicitValueInitExpr>(Init) &&
          !Init->isNullPointerConstant(FD->getASTContext(), Expr::NPC_ValueDependentIsNotNull))
        return true;
    }
    return false;
  }

  /// What of an error path's statements before its return is not a message
  /// an error hook could print instead (see VmaEffect::ErrorPathExtra).
  std::string notAMessage(const CompoundStmt *Path) const {
    struct Message : RecursiveASTVisitor<Message> {
      const Stmt *Within = nullptr;
      const SourceManager *SM = nullptr;
      std::string Why;
      bool VisitCallExpr(CallExpr *CE) {
        const FunctionDecl *FD = CE->getDirectCallee();
        if (!FD || !isMessageCall(FD->getName()))
          Why = "it calls " + (FD ? FD->getName().str() + "()" : std::string("through a pointer"));
        return Why.empty();
      }
      bool VisitPredefinedExpr(PredefinedExpr *) {
        Why = "its message names __func__, the hook's own name";
        return false;
      }
      bool VisitDeclRefExpr(DeclRefExpr *DRE) {
        // The statement's own locals (a macro's) move with it.
        const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
        CharSourceRange Span = SM->getExpansionRange(Within->getSourceRange());
        if (VD && VD->hasLocalStorage() &&
            !SM->isPointWithin(SM->getExpansionLoc(VD->getLocation()), Span.getBegin(), Span.getEnd()))
          Why = "its message names the hook's '" + VD->getName().str() + "'";
        return Why.empty();
      }
    };
    for (const Stmt *S : Path->body()) {
      if (S == Path->body_back())
        break;
      Message M;
      M.Within = S;
      M.SM = &SM;
      M.TraverseStmt(const_cast<Stmt *>(S));
      if (!M.Why.empty())
        return M.Why;
    }
    return "";
  }

  ResultUse resultUse(const CallExpr *CE, std::string &ErrorValue, bool *DoesMore = nullptr,
                      std::string *Extra = nullptr) const {
    const Stmt *Child = CE;
    size_t Index = Ancestors.size();
    const Stmt *Parent = enclosing(Child, Index);
    if (!Parent || isa<CompoundStmt>(Parent))
      return ResultUse::Ignored;
    if (isa<ReturnStmt>(Parent))
      return ResultUse::Returned;
    if (isa<DeclStmt>(Parent))
      return ResultUse::Assigned;
    if (const auto *BO = dyn_cast<BinaryOperator>(Parent)) {
      if (BO->getOpcode() == BO_Assign && BO->getRHS()->IgnoreParenCasts() == CE)
        return ResultUse::Assigned;
      if (BO->isComparisonOp() && Index > 1) {
        Child = BO;
        --Index;
        Parent = enclosing(Child, Index);
      }
    } else if (const auto *UO = dyn_cast<UnaryOperator>(Parent); UO && UO->getOpcode() == UO_LNot) {
      return ResultUse::Other; // success tested, not failure
    }
    if (const auto *If = dyn_cast_or_null<IfStmt>(Parent); If && If->getCond()->IgnoreParenCasts() == Child) {
      // `if (remap(...)) return -EAGAIN;`, also with a message first.
      const Stmt *Then = If->getThen();
      if (const auto *CS = dyn_cast<CompoundStmt>(Then); CS && CS->size() >= 1) {
        Then = CS->body_back();
        if (DoesMore)
          *DoesMore = CS->size() > 1;
        if (Extra)
          *Extra = notAMessage(CS);
      }
      if (const auto *Ret = dyn_cast<ReturnStmt>(Then); Ret && Ret->getRetValue()) {
        const Expr *V = Ret->getRetValue()->IgnoreParenCasts();
        if (const auto *Neg = dyn_cast<UnaryOperator>(V); Neg && Neg->getOpcode() == UO_Minus)
          V = Neg->getSubExpr()->IgnoreParenCasts();
        if (isa<IntegerLiteral>(V)) {
          ErrorValue = sourceText(Ret->getRetValue()->getSourceRange(), SM, Ctx.getLangOpts());
          return ResultUse::ErrorMapped;
        }
      }
      return ResultUse::Checked;
    }
    return ResultUse::Other;
  }

  bool isDescRef(const Expr *E) const {
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenCasts()))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        return DescVars.count(VD);
    return false;
  }

  void onCall(const CallExpr *CE) {
    llvm::SmallVector<unsigned, 2> VmaArgs, DescArgs;
    for (unsigned I = 0; I < CE->getNumArgs(); ++I) {
      if (isVmaRef(CE->getArg(I)))
        VmaArgs.push_back(I);
      if (isDescRef(CE->getArg(I)))
        DescArgs.push_back(I);
    }

    const FunctionDecl *Callee = CE->getDirectCallee();
    if (!Callee) {
      if (VmaArgs.empty())
        return;
      const Expr *CalleeExpr = CE->getCallee()->IgnoreParenCasts();
      if (const auto *ME = dyn_cast<MemberExpr>(CalleeExpr)) {
        if (vmaField(ME->getBase(), "vm_ops"))
          return; // vma->vm_ops->open(vma): recorded as ManualOpen
        if (ME->getMemberDecl()->getName() == "mmap") {
          setTag(add(EffectKind::Delegation, "mmap", CE), EffectTag::FunctionPointer);
          return;
        }
      }
      setTag(add(EffectKind::Escape, text(CalleeExpr), CE), EffectTag::FunctionPointer);
      return;
    }

    llvm::StringRef Name = canonicalCalleeName(Callee);
    onStateOperation(CE, Name);
    if (!DescArgs.empty() && isActionHelper(Name)) {
      setTag(add(EffectKind::Mapping, Name, CE), EffectTag::Action);
      return;
    }
    const KernelApi *Api = kernelFunction(Name);
    if (Api && Api->takesVma() && !VmaArgs.empty()) {
      onVmaApiCall(CE, Name, *Api);
      return;
    }
    if (Api && Api->acquiresState()) {
      if (isFileHandedToCore(CE))
        return;
      VmaEffect &E = add(EffectKind::StateChange, Name, CE);
      E.Api = Api;
      setTag(E, Api->Tag);
      return;
    }
    if (isCounterAcquisition(Name)) {
      setTag(add(EffectKind::StateChange, Name, CE), EffectTag::Reference);
      return;
    }

    const FunctionDecl *Def = Callee->getDefinition();
    bool InDriver = Def && Def->hasBody() && SM.isInMainFile(SM.getExpansionLoc(Def->getLocation()));
    if (InDriver) {
      descend(CE, Def, VmaArgs, DescArgs);
      return;
    }
    if (VmaArgs.empty())
      return;
    // A header's inline the catalogue does not know is visible but not
    // convertible here: it needs a desc twin (KernelApi.def), not the file
    // that defines it.
    bool HeaderInline = Def && Def->hasBody() && Def->isInlined();
    VmaEffect &E = add(EffectKind::Escape, Callee->getName(), CE);
    setTag(E, isSubsystemHelper(Name) ? EffectTag::Subsystem
              : HeaderInline          ? EffectTag::HeaderInline
                                      : EffectTag::UnknownCallee);
  }

  /// `desc->vm_file = get_file(f)` (`desc->file` at 6.16): the reference goes to the core with the
  /// mapping (mm/vma.c does not get a file the hook put there again), so it is not the handler's state.
  bool isFileHandedToCore(const CallExpr *CE) const {
    const FunctionDecl *FD = CE->getDirectCallee();
    if (!FD || FD->getName() != "get_file")
      return false;
    const Stmt *Child = CE;
    size_t Index = Ancestors.size();
    const auto *BO = dyn_cast_or_null<BinaryOperator>(enclosing(Child, Index));
    if (!BO || BO->getOpcode() != BO_Assign || BO->getRHS()->IgnoreParenCasts() != CE)
      return false;
    const auto *ME = dyn_cast<MemberExpr>(BO->getLHS()->IgnoreParenCasts());
    if (!ME || !ME->isArrow() || !isDescPointer(ME->getBase()->getType()))
      return false;
    llvm::StringRef Field = ME->getMemberDecl()->getName();
    return Field == "vm_file" || Field == "file";
  }

  void onVmaApiCall(const CallExpr *CE, llvm::StringRef Name, const KernelApi &Api) {
    VmaEffect &E = add(Api.Effect, *Api.EffectName ? llvm::StringRef(Api.EffectName) : Name, CE);
    E.Api = &Api;
    setTag(E, Api.Tag, Name);
    if (CE->getBeginLoc().isMacroID() &&
        (Api.Effect == EffectKind::FlagsChange || Api.Effect == EffectKind::FlagsTest)) {
      // vma_set_flags(vma, VMA_A_BIT, VMA_B_BIT) expands to a _mask call: the
      // operands are the macro's arguments after the VMA.
      llvm::StringRef Spelled(E.Text);
      size_t Comma = Spelled.find(','), Close = Spelled.rfind(')');
      if (Comma != llvm::StringRef::npos && Close != llvm::StringRef::npos && Close > Comma)
        E.Operands.push_back(Spelled.slice(Comma + 1, Close).trim().str());
    } else {
      for (int I : Api.Operands)
        if (I >= 0 && unsigned(I) < CE->getNumArgs())
          E.Operands.push_back(text(CE->getArg(I)));
    }
    if (Api.Effect == EffectKind::SizeQuery)
      E.Bounds = boundsAround(CE, Ancestors.size());
    if (Api.Effect != EffectKind::Mapping)
      return;
    if (Api.SizeArg >= 0 && unsigned(Api.SizeArg) < CE->getNumArgs()) {
      Expr::EvalResult Size;
      const Expr *Arg = CE->getArg(Api.SizeArg);
      if (!Arg->isValueDependent() && Arg->EvaluateAsInt(Size, Ctx) && !Size.Val.getInt().isNegative())
        E.SizeValue = Size.Val.getInt().getZExtValue();
    }
    if (Api.WholeVma)
      E.Range = MappingRange::WholeVma;
    else if (Api.StartArg >= 0 && Api.SizeArg >= 0 && unsigned(Api.SizeArg) < CE->getNumArgs())
      E.Range = vmaField(CE->getArg(Api.StartArg), "vm_start") && isWholeSize(CE->getArg(Api.SizeArg))
                    ? MappingRange::WholeVma
                    : MappingRange::Partial;
    E.Use = resultUse(CE, E.ErrorValue, &E.ErrorPathDoesMore, &E.ErrorPathExtra);
    if (Api.TwinFrom == ApiCapability::MapKernelPagesAction)
      pageArrayOperands(CE, Api, E);
  }

  /// What the map-kernel-pages action would read after the hook returns, and
  /// what vm_insert_pages() writes back through its count.
  void pageArrayOperands(const CallExpr *CE, const KernelApi &Api, VmaEffect &E) {
    if (Api.SourceArg >= 0 && unsigned(Api.SourceArg) < CE->getNumArgs()) {
      const Expr *Base = CE->getArg(Api.SourceArg)->IgnoreParenImpCasts();
      while (true) {
        if (const auto *ME = dyn_cast<MemberExpr>(Base); ME && !ME->isArrow())
          Base = ME->getBase()->IgnoreParenImpCasts();
        else if (const auto *AS = dyn_cast<ArraySubscriptExpr>(Base))
          Base = AS->getBase()->IgnoreParenImpCasts();
        else
          break;
      }
      if (const auto *DRE = dyn_cast<DeclRefExpr>(Base))
        if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
            VD && VD->hasLocalStorage() && !VD->getType()->isPointerType())
          E.LocalSource = VD->getName().str();
    }
    if (Api.CountArg < 0 || unsigned(Api.CountArg) >= CE->getNumArgs())
      return;
    const Expr *Count = CE->getArg(Api.CountArg);
    if (!Count->getType()->isPointerType())
      return; // a count passed by value
    const auto *Addr = dyn_cast<UnaryOperator>(Count->IgnoreParenImpCasts());
    const auto *Ref = Addr && Addr->getOpcode() == UO_AddrOf
                          ? dyn_cast<DeclRefExpr>(Addr->getSubExpr()->IgnoreParenImpCasts())
                          : nullptr;
    const auto *Num = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
    if (!Num || !Num->hasLocalStorage() || isa<ParmVarDecl>(Num)) {
      E.CountNotLocal = text(Count);
      return;
    }
    if (E.Use == ResultUse::Returned || !Via.empty() || !Current)
      return; // nothing of the handler runs after a returned call
    // A read of the count after the call sees the pages it did not insert
    // (0 on success); writes are the rewriter's to refuse.
    VarReferences U = referencesTo(Num, Current->getBody());
    unsigned CallEnd = SM.getFileOffset(SM.getExpansionLoc(CE->getEndLoc()));
    for (const DeclRefExpr *R : U.Refs)
      if (!U.written(R) && SM.getFileOffset(SM.getExpansionLoc(R->getBeginLoc())) > CallEnd) {
        E.CountReadAfter = Num->getName().str();
        E.CountReadSite = resolveSite(R->getSourceRange(), SM, Ctx.getLangOpts());
        return;
      }
  }

  /// Summarises a helper defined in the driver, in place, with the VMA bound
  /// to the parameters it is passed to.
  void descend(const CallExpr *CE, const FunctionDecl *Def, llvm::ArrayRef<unsigned> VmaArgs,
               llvm::ArrayRef<unsigned> DescArgs = {}) {
    if (Active.count(Def) || Depth >= MaxDepth) {
      if (!VmaArgs.empty())
        setTag(add(EffectKind::Escape, Def->getName(), CE),
               Active.count(Def) ? EffectTag::Recursion : EffectTag::CallDepth);
      return;
    }
    std::vector<CallStep> Chain = Via;
    Chain.push_back({Def->getName().str(), resolveSite(CE->getSourceRange(), SM, Ctx.getLangOpts())});
    Active.insert(Def);
    BodyWalker Inner(Ctx, Out, std::move(Chain), Active, Depth + 1);
    Inner.LoopDepth = LoopDepth;
    for (unsigned I = 0; I < CE->getNumArgs() && I < Def->getNumParams(); ++I)
      if (pointsToLocal(CE->getArg(I)))
        Inner.LocalPointees.insert(Def->getParamDecl(I));
    size_t Before = Out.Effects.size();
    Inner.run(Def, VmaArgs, DescArgs);
    Active.erase(Def);
    // `return remap(...)` in a helper: what the caller does with the helper's
    // result is what happens to the mapping's result.
    for (size_t I = Before; I < Out.Effects.size(); ++I) {
      VmaEffect &E = Out.Effects[I];
      if (E.Kind == EffectKind::Mapping && E.Use == ResultUse::Returned && E.Via.size() == Via.size() + 1) {
        std::string ErrorValue;
        E.Use = resultUse(CE, ErrorValue, &E.ErrorPathDoesMore, &E.ErrorPathExtra);
        E.ErrorValue = ErrorValue;
      }
    }
  }

  bool pointsToLocal(const Expr *Arg) const {
    Arg = Arg->IgnoreParenCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(Arg); UO && UO->getOpcode() == UO_AddrOf) {
      const Expr *Target = UO->getSubExpr()->IgnoreParenCasts();
      while (const auto *ME = dyn_cast<MemberExpr>(Target)) {
        if (ME->isArrow())
          return false;
        Target = ME->getBase()->IgnoreParenCasts();
      }
      if (const auto *DRE = dyn_cast<DeclRefExpr>(Target))
        if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
          return VD->hasLocalStorage() && !isa<ParmVarDecl>(VD);
      return false;
    }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(Arg))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        return LocalPointees.count(VD);
    return false;
  }

  /// A write whose target outlives the hook: a global, or an object reached
  /// through a pointer that is neither the VMA nor the desc.
  void onStore(const Expr *Target, const Stmt *Store) {
    bool Indirect = false;
    const Expr *E = Target;
    while (true) {
      E = E->IgnoreParenCasts();
      if (const auto *ME = dyn_cast<MemberExpr>(E)) {
        Indirect |= ME->isArrow();
        E = ME->getBase();
        continue;
      }
      if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(E)) {
        Indirect |= ASE->getBase()->IgnoreParenCasts()->getType()->isPointerType();
        E = ASE->getBase();
        continue;
      }
      if (const auto *UO = dyn_cast<UnaryOperator>(E); UO && UO->getOpcode() == UO_Deref) {
        Indirect = true;
        E = UO->getSubExpr();
        continue;
      }
      break;
    }
    const auto *DRE = dyn_cast<DeclRefExpr>(E);
    const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    if (!VD || VmaVars.count(VD) || HookParams.count(VD) || LocalPointees.count(VD))
      return;
    bool Global = !VD->hasLocalStorage();
    if (!Global && !Indirect)
      return;
    // A static local that a macro declares is the macro's own bookkeeping:
    // the one-shot flag of pr_*_once()/WARN_ONCE() (`__already_done`,
    // include/linux/once_lite.h), not state of the mapping.
    if (VD->isStaticLocal() && VD->getLocation().isMacroID())
      return;
    setTag(add(EffectKind::StateChange, VD->getName(), Store), EffectTag::StateWrite);
  }
};

} // namespace

HandlerSummary summarizeHandler(const FunctionDecl *Handler, ASTContext &Ctx) {
  HandlerSummary Summary;
  Summary.Function = Handler;
  const FunctionDecl *Def = Handler->getDefinition();
  if (!Def || !Def->hasBody())
    return Summary;
  Summary.Function = Def;
  Summary.BodyVisible = true;
  llvm::SmallPtrSet<const FunctionDecl *, 8> Active;
  Active.insert(Def);
  llvm::SmallVector<unsigned, 1> VmaParams, DescParams;
  for (unsigned I = 0; I < Def->getNumParams(); ++I) {
    if (isVmaPointer(Def->getParamDecl(I)->getType()))
      VmaParams.push_back(I);
    if (isDescPointer(Def->getParamDecl(I)->getType()))
      DescParams.push_back(I);
  }
  BodyWalker Walker(Ctx, Summary, {}, Active, 0);
  Walker.run(Def, VmaParams, DescParams);
  for (HandlerReturn &R : Summary.Returns)
    if (const Expr *Value = R.Node->getRetValue())
      R.ReturnsMapping = llvm::any_of(Summary.Effects, [&](const VmaEffect &E) {
        return E.Kind == EffectKind::Mapping && E.Node == Value->IgnoreParenImpCasts();
      });
  classifyBookkeeping(Ctx, Summary);
  if (!VmaParams.empty()) {
    traceMappedState(Def, Ctx, Summary);
    traceStatePaths(Def, Ctx, Summary);
  }
  return Summary;
}

} // namespace vmaprep

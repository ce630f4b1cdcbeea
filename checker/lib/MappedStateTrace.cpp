//===- MappedStateTrace.cpp - what a mapping call maps, and where from ----===//
//
// The last step of EffectAnalysis: for each mapping call of a legacy handler,
// the acquisitions whose value reaches what it maps (VmaEffect::FedBy).
//
//===----------------------------------------------------------------------===//
#include "MappedStateTrace.h"
#include "vmaprep/KernelApi.h"
#include "vmaprep/SourceResolution.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SmallPtrSet.h"
#include <algorithm>
#include <cctype>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace clang;

namespace vmaprep {

namespace {

/// How a call may acquire what it returns or fills in.
enum class Acquisition {
  None,
  Allocation, // kzalloc(), alloc_page(), dma_alloc_coherent(), fw_iso_buffer_alloc(), pin_user_pages()
  Unknown,    // a body the TU does not have: an acquisition when what it gives lands in driver state
};

Acquisition acquisitionOf(const FunctionDecl *Callee) {
  llvm::StringRef N = Callee->getName();
  QualType Ret = Callee->getReturnType();
  if (Ret->isVoidType() || Ret->isBooleanType())
    return Acquisition::None; // gives nothing to map (mem_alloc_profiling_enabled() in kzalloc())
  if (N.contains("alloc") || N.contains("get_free_page") || N.contains("get_zeroed_page") ||
      N.starts_with("dma_map_") || N.starts_with("pin_user_pages") || N.starts_with("get_user_pages"))
    return Acquisition::Allocation;
  // Address conversions and driver-data lookups acquire nothing.
  if (N.contains("_to_") || N.starts_with("to_") || N.contains("drvdata") || N.contains("resource_") ||
      N.starts_with("__builtin"))
    return Acquisition::None;
  // A body check skipped (a header's inline: TranslationUnitRunner) is in the
  // TU all the same: what the function is must not depend on the parse mode
  // (list_is_head() in rio_mport_cdev.c read as an acquisition only when
  // check skipped its body).
  const FunctionDecl *Def = Callee->getDefinition();
  return !Def || !(Def->hasBody() || Def->hasSkippedBody()) ? Acquisition::Unknown : Acquisition::None;
}

/// The operands of a mapping call that carry what it maps (its source and
/// its size or page count, from the catalogue), for the calls an action can
/// replace: only there does acquired state decide the verdict.
std::vector<unsigned> mappedOperands(const KernelApi *Api) {
  if (!Api || !Api->TwinRequired || !*Api->Twin || Api->SourceArg < 0)
    return {};
  int Amount = Api->SizeArg >= 0 ? Api->SizeArg : Api->CountArg;
  if (Amount < 0)
    return {unsigned(Api->SourceArg)};
  return {unsigned(Api->SourceArg), unsigned(Amount)};
}

/// For every mapping call in the handler's own body, the acquisitions whose
/// value reaches what it maps (its FedBy): through locals (initializers and
/// assignments, flow-insensitively), fields assigned in the body
/// (`dma_map->k_vaddr = __genwqe_alloc_consistent(...)`), and objects an
/// acquiring call was handed (`fw_iso_buffer_alloc(&client->buffer, n)` fills
/// `client->buffer.pages`). Such state cannot move to ->mapped, which runs
/// after the action has mapped it, and kept in prepare it leaks when the
/// mmap fails later. An allocation always counts; a call whose body is not
/// visible counts when what it gives is stored in driver state (a field
/// reached through a pointer), not when it fills in the hook's own local
/// (dfl-afu's afu_mmio_region_get_by_offset(..., &region) is a lookup).
} // namespace

void traceMappedState(const FunctionDecl *Def, ASTContext &Ctx, HandlerSummary &Summary) {
  const SourceManager &SM = Ctx.getSourceManager();
  auto Canon = [&](const Expr *E) {
    std::string T = sourceText(E->IgnoreParenCasts()->getSourceRange(), SM, Ctx.getLangOpts());
    T.erase(std::remove_if(T.begin(), T.end(), [](char C) { return std::isspace(static_cast<unsigned char>(C)); }),
            T.end());
    return T;
  };
  struct Body : RecursiveASTVisitor<Body> {
    std::vector<const CallExpr *> Calls;
    std::vector<std::pair<const Expr *, const Expr *>> Stores; // assigned, value
    std::vector<std::pair<const VarDecl *, const Expr *>> Inits;
    bool VisitCallExpr(CallExpr *CE) {
      Calls.push_back(CE);
      return true;
    }
    bool VisitBinaryOperator(BinaryOperator *BO) {
      if (BO->isAssignmentOp())
        Stores.push_back({BO->getLHS()->IgnoreParenImpCasts(), BO->getRHS()});
      return true;
    }
    bool VisitVarDecl(VarDecl *VD) {
      if (VD->hasLocalStorage() && VD->getInit())
        Inits.push_back({VD, VD->getInit()});
      return true;
    }
  } B;
  B.TraverseStmt(Def->getBody());
  // Every value path an expression reads: locals, member chains, and calls.
  struct Reads : RecursiveASTVisitor<Reads> {
    std::vector<const Expr *> Paths;
    std::vector<const CallExpr *> Calls;
    bool VisitDeclRefExpr(DeclRefExpr *D) {
      Paths.push_back(D);
      return true;
    }
    bool VisitMemberExpr(MemberExpr *M) {
      Paths.push_back(M);
      return true;
    }
    bool VisitCallExpr(CallExpr *CE) {
      Calls.push_back(CE);
      return true;
    }
  };
  for (VmaEffect &E : Summary.Effects) {
    const auto *Map = dyn_cast_or_null<CallExpr>(E.Node);
    if (E.Kind != EffectKind::Mapping || !E.Via.empty() || !Map)
      continue;
    // Each expression with whether its value is stored in driver state.
    std::vector<std::pair<const Expr *, bool>> Work;
    for (unsigned I : mappedOperands(E.Api))
      if (I < Map->getNumArgs())
        Work.push_back({Map->getArg(I), false});
    std::set<std::string> Seen;
    std::set<const CallExpr *> Found;
    auto Acquiring = [&](const CallExpr *C, bool IntoState) {
      const FunctionDecl *Callee = C->getDirectCallee();
      if (!Callee || C == Map)
        return false;
      Acquisition A = acquisitionOf(Callee);
      return A == Acquisition::Allocation || (A == Acquisition::Unknown && IntoState);
    };
    while (!Work.empty()) {
      auto [X, IntoState] = Work.back();
      Work.pop_back();
      Reads R;
      R.TraverseStmt(const_cast<Expr *>(X));
      for (const CallExpr *C : R.Calls)
        if (Acquiring(C, IntoState))
          Found.insert(C);
      for (const Expr *P : R.Paths) {
        if (const auto *D = dyn_cast<DeclRefExpr>(P)) {
          const auto *VD = dyn_cast<VarDecl>(D->getDecl());
          if (!VD || !VD->hasLocalStorage() || isa<ParmVarDecl>(VD))
            continue; // parameters and globals are not acquired here
        }
        std::string Path = Canon(P);
        if (!Seen.insert(Path).second)
          continue;
        bool Field = llvm::StringRef(Path).contains("->");
        for (const auto &[VD, Init] : B.Inits)
          if (VD->getName() == Path)
            Work.push_back({Init, false});
        for (const auto &[Lhs, Rhs] : B.Stores) // the path, or an element of it (pages[i])
          if (std::string L = Canon(Lhs); L == Path || llvm::StringRef(L).starts_with(Path + "["))
            Work.push_back({Rhs, Field});
        // An acquiring call handed the object, or a field of it, by address
        // fills it in.
        for (const CallExpr *C : B.Calls) {
          for (const Expr *Arg : C->arguments()) {
            const auto *UO = dyn_cast<UnaryOperator>(Arg->IgnoreParenCasts());
            if (!UO || UO->getOpcode() != UO_AddrOf)
              continue;
            std::string T = Canon(UO->getSubExpr());
            if (!Acquiring(C, llvm::StringRef(T).contains("->")))
              continue;
            llvm::StringRef PathRef(Path);
            if (PathRef == T || PathRef.starts_with(T + "->") || PathRef.starts_with(T + "."))
              Found.insert(C);
          }
        }
      }
    }
    for (const CallExpr *C : Found)
      E.FedBy.push_back({C->getDirectCallee()->getName().str(), resolveSite(C->getBeginLoc(), SM, Ctx.getLangOpts())});
    std::sort(E.FedBy.begin(), E.FedBy.end(), [](const CallStep &A, const CallStep &B) {
      return A.Where.Line != B.Where.Line ? A.Where.Line < B.Where.Line : A.Callee < B.Callee;
    });
    // One macro (kzalloc() in 7.x) can expand to the same call several times.
    E.FedBy.erase(std::unique(E.FedBy.begin(), E.FedBy.end(),
                              [](const CallStep &A, const CallStep &B) {
                                return A.Callee == B.Callee && A.Where.Line == B.Where.Line;
                              }),
                  E.FedBy.end());
  }
}

} // namespace vmaprep

namespace vmaprep {

namespace {

/// What a store writes, to compare stores: the field of a member access
/// (`sfp->mmap_called`, whatever the object) or a global variable; null for
/// anything else (an array element, a local).
const ValueDecl *storedKey(const Expr *Target) {
  Target = Target->IgnoreParenCasts();
  if (const auto *ME = dyn_cast<MemberExpr>(Target))
    return dyn_cast<FieldDecl>(ME->getMemberDecl());
  if (const auto *DRE = dyn_cast<DeclRefExpr>(Target))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()); VD && !VD->hasLocalStorage())
      return VD;
  return nullptr;
}

/// Does \p S read or write \p Key (a member access of that field, a
/// reference to that global)?
bool mentions(const Stmt *S, const ValueDecl *Key) {
  struct Finder : RecursiveASTVisitor<Finder> {
    const ValueDecl *Key;
    bool Found = false;
    bool VisitMemberExpr(MemberExpr *ME) {
      Found |= ME->getMemberDecl() == Key;
      return !Found;
    }
    bool VisitDeclRefExpr(DeclRefExpr *D) {
      Found |= D->getDecl() == Key;
      return !Found;
    }
  } F;
  F.Key = Key;
  F.TraverseStmt(const_cast<Stmt *>(S));
  return F.Found;
}

/// The functions the vm_operations_struct tables of the main file name
/// (open, close, fault, ...): what runs per mapping once it exists.
std::vector<const FunctionDecl *> vmOpsCallbacks(ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  std::vector<const FunctionDecl *> Out;
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    const auto *VD = dyn_cast<VarDecl>(D);
    if (!VD || !VD->getInit() || !SM.isInMainFile(SM.getExpansionLoc(VD->getLocation())))
      continue;
    const RecordDecl *RD = VD->getType()->getAsRecordDecl();
    if (!RD || RD->getName() != "vm_operations_struct")
      continue;
    struct Refs : RecursiveASTVisitor<Refs> {
      std::vector<const FunctionDecl *> *Out;
      bool VisitDeclRefExpr(DeclRefExpr *DRE) {
        if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl()))
          Out->push_back(FD);
        return true;
      }
    } R;
    R.Out = &Out;
    R.TraverseStmt(const_cast<Expr *>(VD->getInit()));
  }
  return Out;
}

/// Does \p FD, or a function of the main file it calls (3 deep), change
/// \p Key: a store, an increment, or its address handed to a call
/// (`atomic_dec(&d->count)`)?
bool changes(const FunctionDecl *FD, const ValueDecl *Key, const SourceManager &SM, unsigned Depth = 0) {
  const FunctionDecl *Def = FD->getDefinition();
  if (!Def || !Def->hasBody() || Depth > 3 || !SM.isInMainFile(SM.getExpansionLoc(Def->getLocation())))
    return false;
  struct Finder : RecursiveASTVisitor<Finder> {
    const ValueDecl *Key;
    const SourceManager *SM;
    unsigned Depth;
    bool Found = false;
    bool VisitBinaryOperator(BinaryOperator *BO) {
      Found |= BO->isAssignmentOp() && storedKey(BO->getLHS()) == Key;
      return !Found;
    }
    bool VisitUnaryOperator(UnaryOperator *UO) {
      Found |= (UO->isIncrementDecrementOp() || UO->getOpcode() == UO_AddrOf) && storedKey(UO->getSubExpr()) == Key;
      return !Found;
    }
    bool VisitCallExpr(CallExpr *CE) {
      if (const FunctionDecl *Callee = CE->getDirectCallee())
        Found |= changes(Callee, Key, *SM, Depth + 1);
      return !Found;
    }
  } F;
  F.Key = Key;
  F.SM = &SM;
  F.Depth = Depth;
  F.TraverseStmt(Def->getBody());
  return F.Found;
}

/// Is \p Target a member of an object the hook's own local points to, that
/// local holding what an allocating call returned?
bool initializesAllocation(const MemberExpr *Target, const HandlerSummary &Summary) {
  const Expr *Base = Target->getBase()->IgnoreParenCasts();
  while (const auto *ME = dyn_cast<MemberExpr>(Base))
    Base = ME->getBase()->IgnoreParenCasts();
  const auto *DRE = dyn_cast<DeclRefExpr>(Base);
  const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  if (!VD || !VD->hasLocalStorage() || !Summary.Function || !Summary.Function->getBody())
    return false;
  struct Finder : RecursiveASTVisitor<Finder> {
    const VarDecl *VD;
    bool Found = false;
    bool allocates(const Expr *E) {
      struct Calls : RecursiveASTVisitor<Calls> {
        bool Found = false;
        bool VisitCallExpr(CallExpr *CE) {
          if (const FunctionDecl *F = CE->getDirectCallee())
            Found |= acquisitionOf(F) == Acquisition::Allocation;
          return !Found;
        }
      } C;
      C.TraverseStmt(const_cast<Expr *>(E));
      return C.Found;
    }
    bool VisitBinaryOperator(BinaryOperator *BO) {
      if (BO->isAssignmentOp())
        if (const auto *D = dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenCasts()); D && D->getDecl() == VD)
          Found |= allocates(BO->getRHS());
      return !Found;
    }
  } F;
  F.VD = VD;
  if (VD->getInit() && F.allocates(VD->getInit()))
    return true;
  // The store may be in a helper the hook called; the local is that
  // function's, so look where it is declared.
  const auto *Owner = dyn_cast<FunctionDecl>(VD->getDeclContext());
  F.TraverseStmt(Owner && Owner->getBody() ? Owner->getBody() : Summary.Function->getBody());
  return F.Found;
}

/// Can the VMA the hook sets up have a vm_ops->close: a table of the file
/// with .close, or vm_ops from anywhere else (a delegation, a helper)?
bool installsClose(const HandlerSummary &Summary) {
  for (const VmaEffect &E : Summary.Effects) {
    if (E.Kind == EffectKind::Delegation)
      return true;
    if (E.Kind != EffectKind::FieldWrite || E.Name != "vm_ops")
      continue;
    const auto *BO = dyn_cast_or_null<BinaryOperator>(E.Node);
    const auto *UO = BO ? dyn_cast<UnaryOperator>(BO->getRHS()->IgnoreParenImpCasts()) : nullptr;
    const auto *DRE =
        UO && UO->getOpcode() == UO_AddrOf ? dyn_cast<DeclRefExpr>(UO->getSubExpr()->IgnoreParenImpCasts()) : nullptr;
    const auto *Table = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    const auto *Init = Table && Table->getInit() ? dyn_cast<InitListExpr>(Table->getInit()) : nullptr;
    if (!Init)
      return true;
    if (const RecordDecl *RD = Init->getType()->getAsRecordDecl())
      for (const FieldDecl *F : RD->fields())
        if (F->getName() == "close" && F->getFieldIndex() < Init->getNumInits())
          if (const Expr *V = Init->getInit(F->getFieldIndex()); V && !isa<ImplicitValueInitExpr>(V))
            return true;
  }
  return false;
}

} // namespace

void classifyBookkeeping(ASTContext &Ctx, HandlerSummary &Summary) {
  std::optional<std::vector<const FunctionDecl *>> Callbacks;
  for (VmaEffect &E : Summary.Effects) {
    if (E.Kind != EffectKind::StateChange || E.Tag != EffectTag::StateWrite)
      continue;
    const auto *BO = dyn_cast_or_null<BinaryOperator>(E.Node);
    if (!BO || BO->getOpcode() != BO_Assign)
      continue;
    // A member of an object the hook reaches (the file's, the device's, the
    // inode's); a global or a static the hook keeps for itself stays state.
    const auto *Target = dyn_cast<MemberExpr>(BO->getLHS()->IgnoreParenCasts());
    const ValueDecl *Key = storedKey(BO->getLHS());
    if (!Target || !Key || mentions(BO->getRHS(), Key))
      continue;
    // Filling in what the hook itself allocated (`vma_priv->minor = minor`
    // after `vma_priv = kzalloc(...)`) goes with the allocation.
    if (initializesAllocation(Target, Summary))
      continue;
    // Storing the VMA itself is an escape, whatever it is stored in.
    if (llvm::any_of(Summary.Effects,
                     [&](const VmaEffect &O) { return O.Kind == EffectKind::Escape && O.Node == E.Node; }))
      continue;
    // Another write of the same target in the hook that is not a plain
    // store (a count kept beside a flag) makes it a count.
    bool Counted = llvm::any_of(Summary.Effects, [&](const VmaEffect &O) {
      if (O.Kind != EffectKind::StateChange || O.Node == E.Node)
        return false;
      const auto *OB = dyn_cast_or_null<BinaryOperator>(O.Node);
      if (OB && OB->getOpcode() == BO_Assign)
        return false;
      return O.Node && mentions(O.Node, Key);
    });
    if (Counted)
      continue;
    if (!Callbacks)
      Callbacks = vmOpsCallbacks(Ctx);
    if (llvm::any_of(*Callbacks, [&](const FunctionDecl *FD) { return changes(FD, Key, Ctx.getSourceManager()); }))
      continue;
    E.Tag = EffectTag::Bookkeeping;
    E.Detail = effectTagName(EffectTag::Bookkeeping).str();
  }
}

} // namespace vmaprep

namespace vmaprep {

namespace {

/// What a path knows of an integer local: a constant, not zero, or nothing.
struct AbstractInt {
  enum class Kind : uint8_t { Unknown, Const, NonZero };
  Kind What = Kind::Unknown;
  int64_t Value = 0;
  bool operator==(const AbstractInt &O) const { return What == O.What && Value == O.Value; }
  static AbstractInt constant(int64_t V) { return {Kind::Const, V}; }
  static AbstractInt nonZero() { return {Kind::NonZero, 0}; }
  bool mayBeZero() const { return What == Kind::Unknown || (What == Kind::Const && Value == 0); }
  bool mayBeNonZero() const { return What != Kind::Const || Value != 0; }
};

bool contains(const Stmt *Outer, const Stmt *Inner) {
  if (Outer == Inner)
    return true;
  for (const Stmt *Child : Outer->children())
    if (Child && contains(Child, Inner))
      return true;
  return false;
}

/// The text of a call's arguments, spaces dropped: what a release and an
/// acquisition must share to be one state's two ends.
std::string argumentsText(const CallExpr *CE, const SourceManager &SM, const LangOptions &LO) {
  std::string T;
  for (const Expr *A : CE->arguments()) {
    std::string S = sourceText(A->IgnoreParenCasts()->getSourceRange(), SM, LO);
    S.erase(std::remove_if(S.begin(), S.end(), [](char C) { return std::isspace(static_cast<unsigned char>(C)); }),
            S.end());
    T += S + ",";
  }
  return T;
}

/// A release \p Callee makes: a catalogue release or a counter release of
/// its own, or in a function of the main file it calls (3 deep).
bool releasesState(const FunctionDecl *Callee, const SourceManager &SM, unsigned Depth = 0) {
  llvm::StringRef Name = Callee->getName();
  if (const KernelStateOperation *Op = stateOperation(Name))
    return Op->Operation == KernelApiStateOperation::Release;
  if (isCounterRelease(Name))
    return true;
  const FunctionDecl *Def = Callee->getDefinition();
  if (!Def || !Def->hasBody() || Depth >= 3 || !SM.isInMainFile(SM.getExpansionLoc(Def->getLocation())))
    return false;
  struct Finder : RecursiveASTVisitor<Finder> {
    const SourceManager *SM;
    unsigned Depth;
    bool Found = false;
    bool VisitCallExpr(CallExpr *CE) {
      if (const FunctionDecl *F = CE->getDirectCallee())
        Found |= releasesState(F, *SM, Depth + 1);
      return !Found;
    }
  } F;
  F.SM = &SM;
  F.Depth = Depth;
  F.TraverseStmt(Def->getBody());
  return F.Found;
}

struct PathEvent {
  enum class Kind { Acquire, Release } What;
  unsigned Index; // into Acquisitions or Releases
};

} // namespace

void traceStatePaths(const FunctionDecl *Def, ASTContext &Ctx, HandlerSummary &Summary) {
  const SourceManager &SM = Ctx.getSourceManager();
  const LangOptions &LO = Ctx.getLangOpts();
  StatePaths &Paths = Summary.Paths;
  const Stmt *Body = Def->getBody();

  // The hook's own calls, by where they start: a helper's effects name the
  // call in the hook that leads to them (VmaEffect::Via).
  std::vector<const CallExpr *> OwnCalls;
  {
    struct Calls : RecursiveASTVisitor<Calls> {
      std::vector<const CallExpr *> *Out;
      bool VisitCallExpr(CallExpr *CE) {
        Out->push_back(CE);
        return true;
      }
    } C;
    C.Out = &OwnCalls;
    C.TraverseStmt(const_cast<Stmt *>(Body));
  }
  auto OwnCallAt = [&](const CallStep &Step) -> const CallExpr * {
    for (const CallExpr *CE : OwnCalls)
      if (const FunctionDecl *F = CE->getDirectCallee(); F && F->getName() == Step.Callee) {
        SourceSite S = resolveSite(CE->getSourceRange(), SM, LO);
        if (S.Line == Step.Where.Line && S.Column == Step.Where.Column)
          return CE;
      }
    return nullptr;
  };

  // What the hook takes, as the statements of its own body that take it.
  struct TakenState {
    const Stmt *Node;
    CallStep Step;
    bool Allocation;
  };
  std::vector<TakenState> Acquisitions;
  for (const VmaEffect &E : Summary.Effects) {
    if (!(E.Kind == EffectKind::StateChange && E.Tag != EffectTag::Bookkeeping) && E.Kind != EffectKind::ManualOpen)
      continue;
    const Stmt *Node = E.Via.empty() ? E.Node : OwnCallAt(E.Via.front());
    if (!Node)
      return; // a step not found: stay with the source order
    if (llvm::none_of(Acquisitions, [&](const TakenState &A) { return A.Node == Node; }))
      Acquisitions.push_back({Node, E.Via.empty() ? CallStep{E.Name, E.Where} : E.Via.front(),
                              E.Tag == EffectTag::Allocation && E.Via.empty()});
  }
  // What it gives back, in its own body.
  std::vector<const CallExpr *> ReleaseCalls;
  for (const CallExpr *CE : OwnCalls)
    if (const FunctionDecl *F = CE->getDirectCallee();
        F && releasesState(F, SM) && llvm::none_of(Acquisitions, [&](const TakenState &A) { return A.Node == CE; }))
      ReleaseCalls.push_back(CE);
  if (Acquisitions.size() > 32 || ReleaseCalls.size() > 32)
    return;
  // A release gives back an acquisition made by a call with the same
  // operands: atomic_dec(&c) for atomic_inc(&c), afs_drop_open_mmap(vnode)
  // for afs_add_open_mmap(vnode).
  std::vector<uint32_t> Gives(ReleaseCalls.size(), 0);
  for (unsigned R = 0; R < ReleaseCalls.size(); ++R)
    for (unsigned A = 0; A < Acquisitions.size(); ++A)
      if (const auto *AC = dyn_cast<CallExpr>(Acquisitions[A].Node);
          AC && argumentsText(AC, SM, LO) == argumentsText(ReleaseCalls[R], SM, LO))
        Gives[R] |= 1u << A;

  // Locals that hold what an acquisition returned (`p = kzalloc(...)`): a
  // branch on them is decided by the acquisition.
  std::vector<llvm::SmallPtrSet<const VarDecl *, 2>> ResultLocals(Acquisitions.size());
  {
    struct Holders : RecursiveASTVisitor<Holders> {
      std::vector<std::pair<const VarDecl *, const Expr *>> Found;
      bool VisitBinaryOperator(BinaryOperator *BO) {
        if (BO->getOpcode() == BO_Assign)
          if (const auto *D = dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenCasts()))
            if (const auto *VD = dyn_cast<VarDecl>(D->getDecl()))
              Found.push_back({VD, BO->getRHS()});
        return true;
      }
      bool VisitVarDecl(VarDecl *VD) {
        if (VD->hasLocalStorage() && VD->getInit())
          Found.push_back({VD, VD->getInit()});
        return true;
      }
    } H;
    H.TraverseStmt(const_cast<Stmt *>(Body));
    for (unsigned A = 0; A < Acquisitions.size(); ++A)
      for (const auto &[VD, Value] : H.Found)
        if (contains(Value, Acquisitions[A].Node))
          ResultLocals[A].insert(VD);
  }
  auto ReadsResult = [&](const Expr *Cond, unsigned A) {
    if (contains(Cond, Acquisitions[A].Node))
      return true;
    struct Refs : RecursiveASTVisitor<Refs> {
      const llvm::SmallPtrSet<const VarDecl *, 2> *Locals;
      bool Found = false;
      bool VisitDeclRefExpr(DeclRefExpr *D) {
        if (const auto *VD = dyn_cast<VarDecl>(D->getDecl()))
          Found |= Locals->count(VD) != 0;
        return !Found;
      }
    } R;
    R.Locals = &ResultLocals[A];
    R.TraverseStmt(const_cast<Expr *>(Cond));
    return R.Found;
  };

  CFG::BuildOptions Options;
  Options.setAllAlwaysAdd();
  std::unique_ptr<CFG> Graph = CFG::buildCFG(Def, const_cast<Stmt *>(Body), &Ctx, Options);
  if (!Graph)
    return;

  // The integer locals a path follows: declared in the hook, address never
  // taken.
  std::vector<const VarDecl *> Locals;
  llvm::DenseMap<const VarDecl *, unsigned> LocalIndex;
  {
    struct Vars : RecursiveASTVisitor<Vars> {
      std::vector<const VarDecl *> Decls;
      llvm::SmallPtrSet<const VarDecl *, 8> AddressTaken;
      bool VisitVarDecl(VarDecl *VD) {
        if (VD->hasLocalStorage() && !isa<ParmVarDecl>(VD) && VD->getType()->isIntegerType())
          Decls.push_back(VD);
        return true;
      }
      bool VisitUnaryOperator(UnaryOperator *UO) {
        if (UO->getOpcode() == UO_AddrOf)
          if (const auto *D = dyn_cast<DeclRefExpr>(UO->getSubExpr()->IgnoreParenCasts()))
            if (const auto *VD = dyn_cast<VarDecl>(D->getDecl()))
              AddressTaken.insert(VD);
        return true;
      }
    } V;
    V.TraverseStmt(const_cast<Stmt *>(Body));
    for (const VarDecl *VD : V.Decls)
      if (!V.AddressTaken.count(VD) && Locals.size() < 16) {
        LocalIndex[VD] = unsigned(Locals.size());
        Locals.push_back(VD);
      }
  }
  auto LocalOf = [&](const Expr *E) -> int {
    if (const auto *D = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts()))
      if (const auto *VD = dyn_cast<VarDecl>(D->getDecl()))
        if (auto It = LocalIndex.find(VD); It != LocalIndex.end())
          return int(It->second);
    return -1;
  };

  struct State {
    std::vector<AbstractInt> Values;
    uint32_t Acquired = 0, Released = 0, Decided = 0;
    uint32_t ReleasesSeen = 0;
    bool operator==(const State &O) const {
      return Values == O.Values && Acquired == O.Acquired && Released == O.Released && Decided == O.Decided &&
             ReleasesSeen == O.ReleasesSeen;
    }
  };
  auto Evaluate = [&](const Expr *E, const State &S) -> AbstractInt {
    if (!E)
      return {};
    Expr::EvalResult R;
    if (!E->isValueDependent() && E->EvaluateAsInt(R, Ctx))
      return AbstractInt::constant(R.Val.getInt().getExtValue());
    if (int L = LocalOf(E); L >= 0)
      return S.Values[unsigned(L)];
    return {};
  };
  // Narrows \p S to the branch where \p Cond is \p Taken; false when that
  // branch cannot be taken.
  std::function<bool(const Expr *, bool, State &)> Assume = [&](const Expr *Cond, bool Taken, State &S) -> bool {
    Cond = Cond->IgnoreParenImpCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(Cond); UO && UO->getOpcode() == UO_LNot)
      return Assume(UO->getSubExpr(), !Taken, S);
    AbstractInt V = Evaluate(Cond, S);
    if (int L = LocalOf(Cond); L >= 0 || V.What == AbstractInt::Kind::Const) {
      if (Taken ? !V.mayBeNonZero() : !V.mayBeZero())
        return false;
      if (L >= 0)
        S.Values[unsigned(L)] =
            Taken ? (V.What == AbstractInt::Kind::Const ? V : AbstractInt::nonZero()) : AbstractInt::constant(0);
      return true;
    }
    const auto *BO = dyn_cast<BinaryOperator>(Cond);
    if (!BO || !BO->isComparisonOp())
      return true;
    int L = LocalOf(BO->getLHS());
    const Expr *Other = BO->getRHS();
    BinaryOperatorKind Op = BO->getOpcode();
    if (L < 0) {
      L = LocalOf(BO->getRHS());
      Other = BO->getLHS();
      Op = BinaryOperator::reverseComparisonOp(Op);
    }
    Expr::EvalResult R;
    if (L < 0 || Other->isValueDependent() || !Other->EvaluateAsInt(R, Ctx))
      return true;
    int64_t C = R.Val.getInt().getExtValue();
    AbstractInt &Cur = S.Values[unsigned(L)];
    bool Known = Cur.What == AbstractInt::Kind::Const;
    if (Op == BO_NE) {
      Op = BO_EQ;
      Taken = !Taken;
    }
    if (Op == BO_EQ) {
      if (Taken) {
        if ((Known && Cur.Value != C) || (Cur.What == AbstractInt::Kind::NonZero && C == 0))
          return false;
        Cur = AbstractInt::constant(C);
      } else {
        if (Known && Cur.Value == C)
          return false;
        if (C == 0 && !Known)
          Cur = AbstractInt::nonZero();
      }
      return true;
    }
    if (!Known)
      return true; // `ret < 0` and the like narrow nothing we follow
    bool Holds = Op == BO_LT   ? Cur.Value < C
                 : Op == BO_LE ? Cur.Value <= C
                 : Op == BO_GT ? Cur.Value > C
                               : Cur.Value >= C;
    return Holds == Taken;
  };

  auto ReturnsMapping = [&](const Expr *Value) {
    return Value && llvm::any_of(Summary.Effects, [&](const VmaEffect &E) {
             return E.Kind == EffectKind::Mapping && E.Node == Value->IgnoreParenImpCasts();
           });
  };
  std::vector<bool> ReleaseOnSuccess(ReleaseCalls.size(), false), ReleaseUnmatched(ReleaseCalls.size(), false);
  std::set<std::pair<unsigned, unsigned>> FailingReturns; // line, column
  std::vector<bool> Fallible(Acquisitions.size(), false);

  struct Item {
    const CFGBlock *Block;
    State S;
  };
  std::vector<Item> Work;
  std::vector<std::vector<State>> Seen(Graph->getNumBlockIDs());
  State Start;
  Start.Values.resize(Locals.size());
  Work.push_back({&Graph->getEntry(), Start});
  unsigned Budget = 20000;
  while (!Work.empty()) {
    if (--Budget == 0)
      return; // too many paths: stay with the source order
    Item It = std::move(Work.back());
    Work.pop_back();
    std::vector<State> &Visited = Seen[It.Block->getBlockID()];
    if (llvm::is_contained(Visited, It.S))
      continue;
    Visited.push_back(It.S);
    State &S = It.S;
    bool Ended = false;
    for (const CFGElement &El : *It.Block) {
      std::optional<CFGStmt> CS = El.getAs<CFGStmt>();
      if (!CS)
        continue;
      const Stmt *St = CS->getStmt();
      for (unsigned A = 0; A < Acquisitions.size(); ++A)
        if (Acquisitions[A].Node == St)
          S.Acquired |= 1u << A;
      for (unsigned R = 0; R < ReleaseCalls.size(); ++R)
        if (ReleaseCalls[R] == St) {
          S.ReleasesSeen |= 1u << R;
          if (!(Gives[R] & S.Acquired & ~S.Released))
            ReleaseUnmatched[R] = true;
          S.Released |= Gives[R] & S.Acquired;
        }
      if (const auto *DS = dyn_cast<DeclStmt>(St)) {
        for (const Decl *D : DS->decls())
          if (const auto *VD = dyn_cast<VarDecl>(D))
            if (auto Idx = LocalIndex.find(VD); Idx != LocalIndex.end())
              S.Values[Idx->second] = VD->getInit() ? Evaluate(VD->getInit(), S) : AbstractInt{};
      } else if (const auto *BO = dyn_cast<BinaryOperator>(St); BO && BO->isAssignmentOp()) {
        if (int L = LocalOf(BO->getLHS()); L >= 0)
          S.Values[unsigned(L)] = BO->getOpcode() == BO_Assign ? Evaluate(BO->getRHS(), S) : AbstractInt{};
      } else if (const auto *UO = dyn_cast<UnaryOperator>(St); UO && UO->isIncrementDecrementOp()) {
        if (int L = LocalOf(UO->getSubExpr()); L >= 0)
          S.Values[unsigned(L)] = {};
      } else if (const auto *RS = dyn_cast<ReturnStmt>(St)) {
        const Expr *Value = RS->getRetValue();
        AbstractInt V = Evaluate(Value, S);
        bool Success = !V.mayBeNonZero() || ReturnsMapping(Value);
        if (Success) {
          for (unsigned R = 0; R < ReleaseCalls.size(); ++R)
            if (S.ReleasesSeen & (1u << R))
              ReleaseOnSuccess[R] = true;
        } else if (uint32_t Held = S.Acquired & ~S.Released) {
          if (Held & ~S.Decided) {
            SourceSite W = resolveSite(RS->getSourceRange(), SM, LO);
            if (FailingReturns.insert({W.Line, W.Column}).second)
              Paths.FailingAfterState.push_back(W);
          }
          for (unsigned A = 0; A < Acquisitions.size(); ++A)
            if (Held & S.Decided & (1u << A))
              Fallible[A] = true;
        }
        Ended = true;
      }
    }
    if (Ended)
      continue;
    const Expr *Cond = It.Block->getLastCondition();
    unsigned Index = 0;
    for (const CFGBlock::AdjacentBlock &Succ : It.Block->succs()) {
      unsigned Branch = Index++;
      const CFGBlock *Next = Succ.getReachableBlock();
      if (!Next)
        continue;
      State NS = S;
      // Two successors of a branch: the first is where the condition holds
      // (a switch's are cases, which narrow nothing here).
      if (Cond && It.Block->succ_size() == 2 && !isa_and_nonnull<SwitchStmt>(It.Block->getTerminatorStmt())) {
        for (unsigned A = 0; A < Acquisitions.size(); ++A)
          if ((S.Acquired & (1u << A)) && ReadsResult(Cond, A))
            NS.Decided |= 1u << A;
        if (!Assume(Cond, Branch == 0, NS))
          continue;
      }
      Work.push_back({Next, std::move(NS)});
    }
  }

  Paths.Walked = true;
  std::sort(Paths.FailingAfterState.begin(), Paths.FailingAfterState.end(),
            [](const SourceSite &A, const SourceSite &B) {
              return A.Line != B.Line ? A.Line < B.Line : A.Column < B.Column;
            });
  // An allocation's failure is allocation-in-mapped's (Classifier.cpp); a
  // failure in ->mapped harms only where a ->close then gives back.
  bool Closes = installsClose(Summary);
  for (unsigned A = 0; A < Acquisitions.size(); ++A)
    if (Fallible[A] && !Acquisitions[A].Allocation && Closes)
      Paths.FallibleAcquisitions.push_back(Acquisitions[A].Step);
  for (unsigned R = 0; R < ReleaseCalls.size(); ++R) {
    StatePaths::Release Rel;
    Rel.Name = ReleaseCalls[R]->getDirectCallee()->getName().str();
    Rel.Where = resolveSite(ReleaseCalls[R]->getSourceRange(), SM, LO);
    Rel.Node = ReleaseCalls[R];
    Rel.ErrorPathOnly = Gives[R] && !ReleaseOnSuccess[R] && !ReleaseUnmatched[R];
    Paths.Releases.push_back(std::move(Rel));
  }
}

} // namespace vmaprep

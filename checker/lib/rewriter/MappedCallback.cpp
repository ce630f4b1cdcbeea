//===- MappedCallback.cpp -------------------------------------------------===//
//
// Per-mapping state moves into a generated vm_ops->mapped callback (7.1+):
// the standalone calls that take it, or the body of the vm_ops->open the
// hook calls by hand, with the locals they need; or the plan refuses,
// saying why the state cannot move.
//
//===----------------------------------------------------------------------===//
#include "HandlerRewriter.h"
#include "vmaprep/SourceResolution.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"
#include <algorithm>
#include <functional>

using namespace clang;

namespace vmaprep::rewriter {

/// References of \p E that a ->mapped callback can see: the file, globals,
/// functions, enumerators, and locals declared (one per statement, from an
/// initializer without calls, never written) before offset \p Before.
bool HandlerRewriter::movableDependencies(const Expr *E, const FunctionDecl *FD, unsigned Before,
                                          std::vector<const VarDecl *> &Locals, unsigned Depth) {
  struct Refs : RecursiveASTVisitor<Refs> {
    std::vector<const DeclRefExpr *> All;
    bool Calls = false;
    bool VisitDeclRefExpr(DeclRefExpr *D) {
      All.push_back(D);
      return true;
    }
  } R;
  R.TraverseStmt(const_cast<Expr *>(E));
  for (const DeclRefExpr *D : R.All) {
    const ValueDecl *V = D->getDecl();
    if (V == Facts.Vma)
      return refuse("the state it acquires depends on the VMA: " + sourceText(E->getSourceRange(), SM, LO),
                    D->getBeginLoc());
    if (V == Facts.File || isa<FunctionDecl>(V) || isa<EnumConstantDecl>(V))
      continue;
    const auto *VD = dyn_cast<VarDecl>(V);
    if (!VD)
      return refuse("cannot move a use of " + V->getName().str() + " to ->mapped", D->getBeginLoc());
    if (!VD->hasLocalStorage())
      continue;
    if (std::find(Locals.begin(), Locals.end(), VD) != Locals.end())
      continue;
    unsigned DeclOffset = SM.getFileOffset(SM.getExpansionLoc(VD->getBeginLoc()));
    const Expr *Init = VD->getInit();
    if (isa<ParmVarDecl>(VD) || !Init || DeclOffset >= Before || Depth > 4 || Facts.Written.count(VD))
      return refuse("the state it acquires depends on '" + VD->getName().str() + "', which ->mapped cannot recompute",
                    D->getBeginLoc());
    if (Facts.HasCall.count(Init) && !callsOnlyAccessors(Init))
      return refuse("'" + VD->getName().str() + "' is computed by a call; ->mapped would call it again",
                    VD->getBeginLoc());
    if (!movableDependencies(Init, FD, DeclOffset, Locals, Depth + 1))
      return false;
    Locals.push_back(VD);
  }
  return true;
}

/// The catalogue's accessors (KernelApi.def, VMAPREP_ACCESSOR).
static bool isKernelAccessor(llvm::StringRef Name) {
  static const char *const Accessors[] = {
#define VMAPREP_ACCESSOR(Name) #Name,
#include "vmaprep/KernelApi.def"
  };
  return llvm::is_contained(Accessors, Name);
}

/// Does \p E call only accessors: functions whose body is one `return` of
/// an expression that calls only accessors and changes nothing
/// (`AFS_FS_I(file_inode(file))`: file_inode() and container_of())? Calling
/// them again in ->mapped reads what the hook read.
bool HandlerRewriter::callsOnlyAccessors(const Stmt *E, unsigned Depth) {
  struct Walk : RecursiveASTVisitor<Walk> {
    std::vector<const CallExpr *> Calls;
    bool Changes = false;
    bool VisitCallExpr(CallExpr *CE) {
      Calls.push_back(CE);
      return true;
    }
    bool VisitBinaryOperator(BinaryOperator *BO) {
      Changes |= BO->isAssignmentOp();
      return true;
    }
    bool VisitUnaryOperator(UnaryOperator *UO) {
      Changes |= UO->isIncrementDecrementOp();
      return true;
    }
  } W;
  W.TraverseStmt(const_cast<Stmt *>(E));
  if (W.Changes || Depth > 3)
    return false;
  for (const CallExpr *CE : W.Calls) {
    const FunctionDecl *Callee = CE->getDirectCallee();
    if (Callee && (Callee->getBuiltinID() || isKernelAccessor(Callee->getName())))
      continue; // __builtin_offsetof() and the like, file_inode()
    const FunctionDecl *Def = Callee ? Callee->getDefinition() : nullptr;
    const auto *Body = Def && Def->hasBody() ? dyn_cast<CompoundStmt>(Def->getBody()) : nullptr;
    const auto *Ret = Body && Body->size() == 1 ? dyn_cast<ReturnStmt>(Body->body_front()) : nullptr;
    if (!Ret || !Ret->getRetValue() || !callsOnlyAccessors(Ret->getRetValue(), Depth + 1))
      return false;
  }
  return true;
}

/// The call of the hook's own body at \p Step (a helper's effect names the
/// call that leads to it), or null.
static const CallExpr *ownCallAt(const Stmt *Body, const CallStep &Step, const SourceManager &SM,
                                 const LangOptions &LO) {
  struct Calls : RecursiveASTVisitor<Calls> {
    std::vector<const CallExpr *> Found;
    bool VisitCallExpr(CallExpr *CE) {
      Found.push_back(CE);
      return true;
    }
  } C;
  C.TraverseStmt(const_cast<Stmt *>(Body));
  for (const CallExpr *CE : C.Found)
    if (const FunctionDecl *F = CE->getDirectCallee(); F && F->getName() == Step.Callee) {
      SourceSite S = resolveSite(CE->getSourceRange(), SM, LO);
      if (S.Line == Step.Where.Line && S.Column == Step.Where.Column)
        return CE;
    }
  return nullptr;
}

/// Per-mapping state acquired by standalone calls at the top of the body
/// (a runtime-PM get, a counter or module reference; drivers/hwtracing/stm
/// upstream) moves into a new vm_ops->mapped callback, which the core runs
/// once the mapping exists, and only if it did not merge or fail.
bool HandlerRewriter::planMappedCallback(const FunctionDecl *FD) {
  const auto *Body = dyn_cast<CompoundStmt>(FD->getBody());
  if (!Body)
    return refuse("the handler has no body", FD->getLocation());
  // Releases: only the error path's give-back of what moves (Classifier.cpp,
  // releases-state), which goes (below).
  const StatePaths &Paths = H.Summary.Paths;
  auto ErrorPathRelease = [&](const Stmt *Node) {
    return Paths.Walked && llvm::any_of(Paths.Releases, [&](const StatePaths::Release &R) {
             return R.Node == Node && R.ErrorPathOnly;
           });
  };
  if (llvm::any_of(H.Summary.Held,
                   [&](const HeldState &S) {
                     return S.What == HeldState::Kind::Release && (!S.Via.empty() || !ErrorPathRelease(S.Node));
                   }) ||
      llvm::any_of(Paths.Releases, [](const StatePaths::Release &R) { return !R.ErrorPathOnly; }))
    return refuseInternal("the hook also releases state; moving only the acquisition to ->mapped would unbalance it",
                          FD->getLocation());

  // The vm_ops the handler installs: a file-local table only it uses.
  const VarDecl *Ops = nullptr;
  for (const VmaEffect &E : H.Summary.Effects)
    if (E.Kind == EffectKind::FieldWrite && E.Name == "vm_ops" && E.Via.empty())
      if (const auto *BO = dyn_cast<BinaryOperator>(E.Node))
        if (const auto *UO = dyn_cast<UnaryOperator>(BO->getRHS()->IgnoreParenImpCasts());
            UO && UO->getOpcode() == UO_AddrOf)
          if (const auto *DRE = dyn_cast<DeclRefExpr>(UO->getSubExpr()->IgnoreParenImpCasts()))
            Ops = dyn_cast<VarDecl>(DRE->getDecl());
  // Without a table of its own, the VMA keeps the core's (vma_dummy_vm_ops:
  // no callback at all) unless something else in the hook installs one: a
  // delegation (generic_file_mmap() installs generic_file_vm_ops), a helper
  // or another kind of write. Only then is a table of just .mapped the same.
  if (!Ops) {
    for (const VmaEffect &E : H.Summary.Effects)
      if (E.Kind == EffectKind::Delegation || (E.Kind == EffectKind::FieldWrite && E.Name == "vm_ops"))
        return refuse("per-mapping state needs a vm_ops->mapped callback, but the VMA gets its vm_ops from " +
                          (E.Kind == EffectKind::Delegation ? E.Name + "()" : E.Text) +
                          ", not from a table of this file that vmaprep could add it to",
                      E.Node->getBeginLoc());
  }
  const auto *OpsInit = Ops && Ops->getInit() ? dyn_cast<InitListExpr>(Ops->getInit()) : nullptr;
  if (OpsInit && OpsInit->getSyntacticForm())
    OpsInit = OpsInit->getSyntacticForm();
  if (Ops && (!OpsInit || Ops->getLocation().isMacroID() || SM.getFileID(Ops->getLocation()) != Main ||
              OpsInit->getLBraceLoc().isMacroID()))
    return refuse("'" + Ops->getName().str() + "' is not a vm_operations_struct initialized in this file",
                  Ops->getLocation());
  for (const Expr *Init : Ops ? OpsInit->inits() : llvm::ArrayRef<Expr *>())
    if (const auto *DIE = dyn_cast_or_null<DesignatedInitExpr>(Init))
      if (DIE->size() == 1 && DIE->getDesignator(0)->isFieldDesignator() &&
          DIE->getDesignator(0)->getFieldName()->getName() == "mapped")
        return refuse("'" + Ops->getName().str() + "' already has a ->mapped callback", Ops->getLocation());
  if (Ops) {
    VarUseCounter Uses;
    Uses.Var = Ops;
    Uses.TraverseDecl(Ctx.getTranslationUnitDecl());
    if (Uses.Count != 1)
      return refuse("'" + Ops->getName().str() +
                        "' is used elsewhere too; a ->mapped callback would run for those mappings",
                    Ops->getLocation());
  }

  // A vm_ops->open the hook calls by hand, once, as a statement of its own
  // (target_core_user's tcmu_mmap(), mon_bin_mmap()): open's body becomes
  // the body of ->mapped, as upstream did for target_core_user.
  const FunctionDecl *Open = nullptr;
  for (const Expr *Init : Ops ? OpsInit->inits() : llvm::ArrayRef<Expr *>())
    if (const auto *DIE = dyn_cast_or_null<DesignatedInitExpr>(Init))
      if (DIE->size() == 1 && DIE->getDesignator(0)->isFieldDesignator() &&
          DIE->getDesignator(0)->getFieldName()->getName() == "open") {
        const Expr *V = DIE->getInit()->IgnoreParenImpCasts();
        if (const auto *UO = dyn_cast<UnaryOperator>(V); UO && UO->getOpcode() == UO_AddrOf)
          V = UO->getSubExpr()->IgnoreParenImpCasts();
        if (const auto *DRE = dyn_cast<DeclRefExpr>(V))
          Open = dyn_cast<FunctionDecl>(DRE->getDecl());
      }
  const CallExpr *OpenCall = nullptr;
  unsigned OpenCalls = 0;
  {
    struct Calls : RecursiveASTVisitor<Calls> {
      const FunctionDecl *Open;
      const ParmVarDecl *Vma;
      std::vector<const CallExpr *> Found;
      bool VisitCallExpr(CallExpr *CE) {
        bool Direct =
            Open && CE->getDirectCallee() && CE->getDirectCallee()->getCanonicalDecl() == Open->getCanonicalDecl();
        const auto *Callee = dyn_cast<MemberExpr>(CE->getCallee()->IgnoreParenImpCasts());
        const auto *OpsField = Callee ? dyn_cast<MemberExpr>(Callee->getBase()->IgnoreParenImpCasts()) : nullptr;
        bool ThroughOps =
            OpsField && Callee->getMemberDecl()->getName() == "open" && BodyFacts::field(OpsField, Vma, "vm_ops");
        if (Direct || ThroughOps)
          Found.push_back(CE);
        return true;
      }
    } C;
    C.Open = Open;
    C.Vma = Facts.Vma;
    C.TraverseStmt(const_cast<CompoundStmt *>(Body));
    OpenCalls = unsigned(C.Found.size());
    for (const CallExpr *CE : C.Found)
      for (const Stmt *S : Body->body())
        if (const auto *X = dyn_cast<Expr>(S); X && X->IgnoreParenImpCasts() == CE && CE->getNumArgs() == 1)
          if (const auto *Arg = dyn_cast<DeclRefExpr>(CE->getArg(0)->IgnoreParenImpCasts());
              Arg && Arg->getDecl() == Facts.Vma)
            OpenCall = CE;
  }
  if (OpenCalls && (OpenCalls != 1 || !OpenCall || !Open))
    return refuse(!Open ? "calls vm_ops->open() by hand, but '" + (Ops ? Ops->getName().str() : std::string()) +
                              "' names no open function "
                              "in this file"
                        : "calls " + Open->getName().str() +
                              "() by hand other than once, with the VMA, as a statement of its own; only that is "
                              "moved to ->mapped",
                  OpenCalls && !OpenCall ? FD->getLocation() : FD->getLocation());

  // The statements that move, and what they need.
  std::vector<const Stmt *> Moved;
  std::vector<const VarDecl *> Locals;
  unsigned LastMoved = 0;
  if (OpenCall) {
    unsigned B, End;
    if (!Edits.range(OpenCall->getSourceRange(), B, End))
      return refuse("the open call is inside a macro", OpenCall->getBeginLoc());
    LastMoved = End;
    MovedToMapped.insert(OpenCall);
    MovedOpen = Open;
    // open reads vma->vm_private_data when the hook calls it; ->mapped gets
    // the value the hook leaves in desc->private_data.
    for (const VmaEffect &E : H.Summary.Effects)
      if (E.Kind == EffectKind::FieldWrite && E.Name == "vm_private_data" && E.Via.empty()) {
        unsigned WB, WE;
        if (Edits.range(E.Node->getSourceRange(), WB, WE) && WB > B)
          return refuse("vm_private_data changes after the hook calls " + Open->getName().str() +
                            "(); ->mapped would see the later value",
                        E.Node->getBeginLoc());
      }
  }
  for (const VmaEffect &E : H.Summary.Effects) {
    if (E.Kind != EffectKind::StateChange || E.Tag == EffectTag::Bookkeeping)
      continue; // bookkeeping stays in the hook
    if (OpenCall && !E.Via.empty() && E.Via.front().Callee == Open->getName())
      continue; // taken inside open: moves with the call
    // An allocation moved to ->mapped can fail there, and the core then
    // unmaps the new VMA, running vm_ops->close on private data ->mapped
    // never set (mm/util.c mmap_action_finish() -> do_munmap() ->
    // remove_vma() -> vma_close(), 7.3). upstream's vme_user conversion
    // has exactly that: vme_user_vm_close() dereferences the NULL it gets.
    if (E.Tag == EffectTag::Allocation && E.Via.empty())
      return refuseInternal("allocates per-mapping state (" + E.Text +
                                "); in ->mapped the allocation can fail, and the core then unmaps the VMA and runs "
                                "vm_ops->close on private data ->mapped never set, so vmaprep does not move it",
                            E.Node->getBeginLoc());
    if (OpenCall)
      return refuse("takes state both through " + Open->getName().str() + "() and by itself (" + E.Text +
                        "); vmaprep moves one or the other to ->mapped, not both",
                    E.Node->getBeginLoc());
    // The state is taken by a call of the hook's own body: the acquisition
    // itself, or a helper of the file that makes it (afs_add_open_mmap()),
    // which moves whole.
    const auto *CE = E.Via.empty() ? dyn_cast<CallExpr>(E.Node) : ownCallAt(Body, E.Via.front(), SM, LO);
    bool TopLevel = CE && std::any_of(Body->body_begin(), Body->body_end(), [&](const Stmt *S) {
                      const auto *X = dyn_cast<Expr>(S);
                      return X && X->IgnoreParenImpCasts() == CE;
                    });
    if (!CE || !TopLevel)
      return refuse("per-mapping state in a form vmaprep does not move to ->mapped yet (" + E.Detail + ": " + E.Text +
                        "); only standalone calls in the handler's own body, or of a helper of this file, are "
                        "moved",
                    E.Node->getBeginLoc());
    MovedToMapped.insert(E.Node);
    if (std::find(Moved.begin(), Moved.end(), CE) != Moved.end())
      continue; // a helper that takes several
    unsigned B, End;
    if (!Edits.range(CE->getSourceRange(), B, End))
      return refuse("the call is inside a macro", CE->getBeginLoc());
    if (!movableDependencies(CE, FD, B, Locals))
      return false;
    Moved.push_back(CE);
    MovedToMapped.insert(CE);
    LastMoved = std::max(LastMoved, End);
  }
  // ->mapped has the file as `const struct file *`: what moves must not
  // hand it to a parameter that is not const (a new warning, discarded
  // qualifiers: an error under CONFIG_WERROR).
  {
    struct FileArgs : RecursiveASTVisitor<FileArgs> {
      const ParmVarDecl *File = nullptr;
      const CallExpr *Bad = nullptr;
      bool VisitCallExpr(CallExpr *CE) {
        const FunctionDecl *F = CE->getDirectCallee();
        for (unsigned I = 0; I < CE->getNumArgs(); ++I) {
          const auto *D = dyn_cast<DeclRefExpr>(CE->getArg(I)->IgnoreParenImpCasts());
          if (!D || D->getDecl() != File)
            continue;
          QualType T = F && I < F->getNumParams() ? F->getParamDecl(I)->getType() : QualType();
          if (T.isNull() || !T->isPointerType() || !T->getPointeeType().isConstQualified())
            Bad = CE;
        }
        return !Bad;
      }
    } A;
    A.File = Facts.File;
    for (const Stmt *S : Moved)
      A.TraverseStmt(const_cast<Stmt *>(S));
    for (const VarDecl *VD : Locals)
      A.TraverseStmt(const_cast<Expr *>(VD->getInit()));
    if (A.Bad)
      return refuse("what moves to ->mapped hands the file to " +
                        (A.Bad->getDirectCallee() ? A.Bad->getDirectCallee()->getName().str() + "()" : "a call") +
                        ", which does not take a const struct file *; ->mapped has only a const one",
                    A.Bad->getBeginLoc());
  }
  for (const VmaEffect &E : H.Summary.Effects) {
    if (E.Kind == EffectKind::ManualOpen && E.Node != OpenCall)
      return refuse("calls vm_ops->" + E.Name + "() by hand; moving that to ->mapped is not automated yet",
                    E.Node->getBeginLoc());
    // When an action fails after the VMA exists, the core unmaps it, which
    // runs vm_ops->close, before ->mapped ever ran: a close that releases the
    // state would release what was never taken (found by `vmaprep validate`
    // on the stm shape; mm/util.c mmap_action_finish()).
    if (E.Kind == EffectKind::Mapping)
      return refuseInternal("the mapping action can fail after the VMA exists; the core then unmaps it and runs "
                            "vm_ops->close without ->mapped having run, so the state cannot move to ->mapped",
                            E.Node->getBeginLoc());
  }
  // After the state is taken nothing may fail, or the hook's error path and
  // ->mapped would disagree about who holds it: on the hook's paths
  // (Classifier.cpp, fails-after-state), else in the order of the source.
  if (Paths.Walked && (!Paths.FailingAfterState.empty() || !Paths.FallibleAcquisitions.empty()))
    return refuseInternal("the handler can still fail after it takes the state; ->mapped runs only on success",
                          FD->getLocation());
  for (const auto &[Value, Ret] : Paths.Walked ? decltype(Facts.ReturnOf)() : Facts.ReturnOf) {
    unsigned B, End;
    if (!Edits.range(Ret->getSourceRange(), B, End) || B < LastMoved)
      continue;
    Expr::EvalResult R;
    bool Zero = Value->EvaluateAsInt(R, Ctx) && R.Val.getInt() == 0;
    const Expr *Returned = Value; // a lambda may not capture a structured binding in C++17
    bool IsMapping = std::any_of(H.Summary.Effects.begin(), H.Summary.Effects.end(), [&](const VmaEffect &E) {
      return E.Kind == EffectKind::Mapping && E.Node == Returned;
    });
    if (!Zero && !IsMapping)
      return refuseInternal("the handler can still fail after it takes the state; ->mapped runs only on success",
                            Ret->getBeginLoc());
  }

  // The callback, before the vm_ops table that names it.
  std::string Name = Plan.Function + "_mapped";
  if (!Ctx.getTranslationUnitDecl()->lookup(DeclarationName(&Ctx.Idents.get(Name))).empty())
    return refuse("'" + Name + "' already exists", FD->getLocation());
  std::string FileName = Facts.File->getName().empty() ? "file" : Facts.File->getName().str();
  // The continuation lines up with the open parenthesis (checkpatch --strict).
  std::string Head = "static int " + Name + "(";
  std::string Text = Head + "unsigned long start, unsigned long end, pgoff_t pgoff,\n" +
                     EditBuffer::gapTo(0, unsigned(Head.size()), true) + "const struct file *" + FileName +
                     ", void **vm_private_data)\n{\n";
  std::sort(Locals.begin(), Locals.end(), [&](const VarDecl *A, const VarDecl *B) {
    return SM.getFileOffset(SM.getExpansionLoc(A->getBeginLoc())) <
           SM.getFileOffset(SM.getExpansionLoc(B->getBeginLoc()));
  });
  for (const VarDecl *VD : Locals) {
    unsigned B, End;
    if (!Edits.range(SourceRange(VD->getBeginLoc(), VD->getEndLoc()), B, End))
      return refuse("the declaration of '" + VD->getName().str() + "' is in a macro", VD->getBeginLoc());
    Text += "\t" + Edits.buffer().substr(B, End - B).str() + ";\n";
  }
  if (!Locals.empty())
    Text += "\n";
  for (const Stmt *S : Moved) {
    unsigned B, End;
    Edits.range(S->getSourceRange(), B, End);
    Text += "\t" + Edits.buffer().substr(B, End - B).str() + ";\n";
    Edits.removeStatementLine(B, End);
    const FunctionDecl *Callee = cast<CallExpr>(S)->getDirectCallee();
    note((Callee ? Callee->getName().str() : std::string("a call")) + "() moves to the new vm_ops->mapped callback " +
         Name + "()");
  }
  if (OpenCall) {
    std::string OpenBody;
    if (!mappedBodyFromOpen(Open, FileName, OpenBody))
      return false;
    Text += OpenBody;
    unsigned B, End;
    Edits.range(OpenCall->getSourceRange(), B, End);
    Edits.statementEnd(OpenCall, End);
    Edits.removeStatementLine(B, End);
    note("the call of " + Open->getName().str() + "() becomes the new vm_ops->mapped callback " + Name +
         "(), which does what it does");
  }
  Text += "\treturn 0;\n}\n\n";
  if (Ops) {
    unsigned OpsStart, OpsEnd;
    if (!Edits.range(Ops->getSourceRange(), OpsStart, OpsEnd))
      return refuse("'" + Ops->getName().str() + "' is in a macro", Ops->getLocation());
    while (OpsStart > 0 && Edits.buffer()[OpsStart - 1] != '\n')
      --OpsStart;
    Edits.add(OpsStart, 0, Text);
    unsigned Brace = SM.getFileOffset(OpsInit->getLBraceLoc()) + 1;
    Edits.add(Brace, 0, newMemberLine(Brace, "mapped", Name));
  } else if (!planMappedOpsTable(FD, Body, Text)) {
    return false;
  }
  // The error path's give-back of what moved goes: ->mapped runs only for a
  // mapping that exists, so when the hook fails nothing was taken.
  std::vector<const Stmt *> Gone = Moved;
  for (const StatePaths::Release &R : Paths.Releases)
    if (R.ErrorPathOnly) {
      const Stmt *Removed = nullptr;
      if (!removeErrorPathRelease(Body, cast<CallExpr>(R.Node), Removed))
        return false;
      Gone.push_back(Removed);
      note("the error path's " + R.Name +
           "() goes: what it gave back is taken in ->mapped, which runs only for a "
           "mapping that exists");
    }
  // Locals only the moved statements use (directly or through other such
  // locals) leave the hook too: found as a fixpoint, from the last declared.
  std::vector<const VarDecl *> Removed;
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (auto It = Locals.rbegin(); It != Locals.rend(); ++It)
      if (std::find(Removed.begin(), Removed.end(), *It) == Removed.end() &&
          Facts.UseCount.lookup(*It) <= Facts.UsesIn(*It, Gone, Removed)) {
        Removed.push_back(*It);
        Changed = true;
      }
  }
  for (const VarDecl *VD : Removed) {
    const DeclStmt *DS = Facts.DeclStmtOf.lookup(VD);
    unsigned B, End;
    if (!DS || !DS->isSingleDecl() || !Edits.range(DS->getSourceRange(), B, End))
      return refuse("cannot remove the declaration of '" + VD->getName().str() + "' from the hook", VD->getBeginLoc());
    Edits.removeStatementLine(B, End);
  }
  return true;
}

/// A handler that installs no vm_ops of its own gets a table of just
/// .mapped, before the handler, preceded by the callback (\p Callback), and
/// installs it after its declarations.
bool HandlerRewriter::planMappedOpsTable(const FunctionDecl *FD, const CompoundStmt *Body,
                                         const std::string &Callback) {
  std::string Table = Plan.Function + "_vm_ops";
  if (!Ctx.getTranslationUnitDecl()->lookup(DeclarationName(&Ctx.Idents.get(Table))).empty())
    return refuse("'" + Table + "' already exists", FD->getLocation());
  unsigned FnStart, FnEnd;
  if (!Edits.range(FD->getSourceRange(), FnStart, FnEnd))
    return refuse("the handler is in a macro", FD->getLocation());
  while (FnStart > 0 && Edits.buffer()[FnStart - 1] != '\n')
    --FnStart;
  std::string Callee = Plan.Function + "_mapped";
  Edits.add(FnStart, 0,
            Callback + "static const struct vm_operations_struct " + Table + " = {\n\t.mapped = " + Callee +
                ",\n};\n\n");
  // After the leading declarations (the kernel builds with
  // -Wdeclaration-after-statement): on every path that returns success the
  // desc then carries the table; on the others it does not matter.
  const Stmt *First = nullptr;
  for (const Stmt *S : Body->body())
    if (!isa<DeclStmt>(S)) {
      First = S;
      break;
    }
  if (!First)
    return refuse("the handler's body has no statement to install the table before", FD->getLocation());
  unsigned B, E;
  if (!Edits.range(First->getSourceRange(), B, E))
    return refuse("the handler's first statement is in a macro", First->getBeginLoc());
  unsigned LineStart = B;
  while (LineStart > 0 && Edits.buffer()[LineStart - 1] != '\n')
    --LineStart;
  // In place of the statement's indentation, so that the insertion is not
  // taken for part of an edit that ends where the line starts (a removed
  // declaration) or starts where the statement does.
  std::string Indent = Edits.indentAt(B);
  Edits.add(LineStart, B - LineStart, Indent + "desc->vm_ops = &" + Table + ";\n" + Indent);
  note("the handler gets a vm_operations_struct of its own, " + Table +
       ", with just ->mapped: it installed none, so the VMA had the core's, which has no callback");
  return true;
}

/// Removes the statement that makes the release \p Release: a statement of
/// its own, the else branch it is alone in (`else afs_drop_open_mmap(v);`),
/// or the if it is alone under (`if (ret) atomic_dec(&c);`). \p Removed is
/// what went.
bool HandlerRewriter::removeErrorPathRelease(const CompoundStmt *Body, const CallExpr *Release, const Stmt *&Removed) {
  auto Alone = [&](const Stmt *S) {
    if (const auto *CS = dyn_cast_or_null<CompoundStmt>(S); CS && CS->size() == 1)
      S = CS->body_front();
    const auto *X = dyn_cast_or_null<Expr>(S);
    return X && X->IgnoreParenImpCasts() == Release;
  };
  struct Find : RecursiveASTVisitor<Find> {
    std::function<bool(const Stmt *)> Alone;
    const CallExpr *Release;
    const IfStmt *Under = nullptr;
    const Stmt *Own = nullptr;
    bool VisitIfStmt(IfStmt *If) {
      if (Alone(If->getThen()) || Alone(If->getElse()))
        Under = If;
      return true;
    }
    bool VisitCompoundStmt(CompoundStmt *CS) {
      for (const Stmt *S : CS->body())
        if (const auto *X = dyn_cast<Expr>(S); X && X->IgnoreParenImpCasts() == Release)
          Own = S;
      return true;
    }
  } F;
  F.Alone = Alone;
  F.Release = Release;
  F.TraverseStmt(const_cast<CompoundStmt *>(Body));
  unsigned B, E;
  if (F.Under && Alone(F.Under->getElse())) {
    // From the end of the then branch to the end of the else branch.
    unsigned TB, TE, EB, EE;
    if (!Edits.range(F.Under->getThen()->getSourceRange(), TB, TE) || !Edits.statementEnd(F.Under->getThen(), TE) ||
        !Edits.range(F.Under->getElse()->getSourceRange(), EB, EE) || !Edits.statementEnd(F.Under->getElse(), EE))
      return refuse("the error path's " + Release->getDirectCallee()->getName().str() + "() is in a macro",
                    Release->getBeginLoc());
    Edits.add(TE, EE - TE, "");
    Removed = F.Under->getElse();
    return true;
  }
  if (F.Under && !F.Under->getElse() && !F.Under->getCond()->HasSideEffects(Ctx) && !F.Under->getInit() &&
      !F.Under->getConditionVariable()) {
    if (!Edits.range(F.Under->getSourceRange(), B, E) || !Edits.statementEnd(F.Under, E))
      return refuse("the error path's " + Release->getDirectCallee()->getName().str() + "() is in a macro",
                    Release->getBeginLoc());
    Edits.removeStatementLine(B, E);
    Removed = F.Under;
    return true;
  }
  if (F.Own) {
    if (!Edits.range(F.Own->getSourceRange(), B, E) || !Edits.statementEnd(F.Own, E))
      return refuse("the error path's " + Release->getDirectCallee()->getName().str() + "() is in a macro",
                    Release->getBeginLoc());
    Edits.removeStatementLine(B, E);
    Removed = F.Own;
    return true;
  }
  return refuse("the error path gives the state back in a form vmaprep does not remove (" +
                    Release->getDirectCallee()->getName().str() +
                    "()); only a statement of its own, or alone "
                    "under an if or else, goes",
                Release->getBeginLoc());
}

/// The body of vm_ops->open as the body of ->mapped: what open reads of the
/// VMA is what ->mapped receives (vm_private_data through the pointer,
/// start, end, pgoff, the file); anything else it does with the VMA, or a
/// return, stops the move.
bool HandlerRewriter::mappedBodyFromOpen(const FunctionDecl *Open, const std::string &FileName, std::string &Body) {
  const auto *OB = Open->hasBody() ? dyn_cast<CompoundStmt>(Open->getBody()) : nullptr;
  unsigned B, E;
  if (!OB || Open->getNumParams() != 1 || !Edits.range(OB->getSourceRange(), B, E))
    return refuse(Open->getName().str() + "() has no body in this file to move to ->mapped", Open->getLocation());
  const ParmVarDecl *V = Open->getParamDecl(0);
  struct Walk : RecursiveASTVisitor<Walk> {
    const ParmVarDecl *V;
    std::vector<const DeclRefExpr *> Refs;
    std::vector<std::pair<const MemberExpr *, std::string>> Fields;
    llvm::SmallPtrSet<const Expr *, 4> Assigned;
    const Stmt *Bad = nullptr;
    std::string Why;
    bool VisitDeclRefExpr(DeclRefExpr *D) {
      if (D->getDecl() == V)
        Refs.push_back(D);
      return true;
    }
    bool VisitNamedDecl(NamedDecl *ND) {
      llvm::StringRef N = ND->getName();
      if (Why.empty() && ND != V && (N == "start" || N == "end" || N == "pgoff" || N == "vm_private_data" || N == File))
        Why = "declares '" + N.str() + "', a parameter name of ->mapped";
      return true;
    }
    bool VisitReturnStmt(ReturnStmt *RS) {
      if (Why.empty())
        Bad = RS, Why = "returns early";
      return true;
    }
    bool VisitBinaryOperator(BinaryOperator *BO) {
      if (BO->isAssignmentOp())
        Assigned.insert(BO->getLHS()->IgnoreParenImpCasts());
      return true;
    }
    bool VisitMemberExpr(MemberExpr *ME) {
      // 7.x keeps vm_start/vm_end and vm_flags in anonymous members: name
      // the outermost access, look through the anonymous ones to the VMA.
      const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl());
      if (FD && FD->isAnonymousStructOrUnion())
        return true;
      if (const auto *D = dyn_cast<DeclRefExpr>(accessedObject(ME)); D && D->getDecl() == V) {
        Fields.push_back({ME, ME->getMemberDecl()->getName().str()});
        Bases[ME] = D;
      }
      return true;
    }
    llvm::DenseMap<const MemberExpr *, const DeclRefExpr *> Bases;
    std::string File;
  } W;
  W.V = V;
  W.File = FileName;
  W.TraverseStmt(const_cast<CompoundStmt *>(OB));
  if (!W.Why.empty())
    return refuse(Open->getName().str() + "() " + W.Why + "; its body cannot become ->mapped as it is",
                  W.Bad ? W.Bad->getBeginLoc() : Open->getLocation());
  std::vector<TextEdit> OpenEdits;
  for (const auto &[ME, Field] : W.Fields) {
    std::string To = Field == "vm_private_data" ? "*vm_private_data"
                     : Field == "vm_start"      ? "start"
                     : Field == "vm_end"        ? "end"
                     : Field == "vm_pgoff"      ? "pgoff"
                     : Field == "vm_file"       ? FileName
                                                : "";
    if (To.empty() || (W.Assigned.count(ME) && Field != "vm_private_data"))
      return refuse(Open->getName().str() + "() " + (To.empty() ? "uses" : "writes") + " vma->" + Field +
                        ", which ->mapped does not have",
                    ME->getBeginLoc());
    unsigned MB, MEnd;
    if (!Edits.range(ME->getSourceRange(), MB, MEnd))
      return refuse(Open->getName().str() + "() uses the VMA inside a macro", ME->getBeginLoc());
    OpenEdits.push_back({MB - (B + 1), MEnd - MB, To});
  }
  for (const DeclRefExpr *Ref : W.Refs)
    if (std::none_of(W.Fields.begin(), W.Fields.end(), [&](const auto &F) { return W.Bases.lookup(F.first) == Ref; }))
      return refuse(Open->getName().str() + "() passes the VMA on or uses it whole; ->mapped has no VMA",
                    Ref->getBeginLoc());
  std::sort(OpenEdits.begin(), OpenEdits.end(),
            [](const TextEdit &A, const TextEdit &X) { return A.Offset < X.Offset; });
  // Between the braces, without the line break after `{`.
  llvm::StringRef Inner = Edits.buffer().substr(B + 1, E - 1 - (B + 1));
  Body = applyEdits(Inner, OpenEdits);
  if (!Body.empty() && Body.front() == '\n')
    Body.erase(0, 1);
  while (!Body.empty() && (Body.back() == '\t' || Body.back() == ' '))
    Body.pop_back();
  return true;
}

} // namespace vmaprep::rewriter

//===- EffectAnalysis.cpp -------------------------------------------------===//
//
// A single pre-order walk over the handler body with an explicit ancestor
// stack: every use of the VMA is classified by what encloses it, every call by
// its callee. Building a whole-TU parent map would cost more than the parse on
// kernel TUs, so the walker keeps its own.
//
//===----------------------------------------------------------------------===//
#include "vmaprep/EffectAnalysis.h"
#include "vmaprep/HandlerFinder.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/Stmt.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringMap.h"
#include <algorithm>
#include <cctype>
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

llvm::StringRef effectKindName(EffectKind K) {
  switch (K) {
  case EffectKind::FlagsChange: return "flags-change";
  case EffectKind::FlagsTest: return "flags-test";
  case EffectKind::FlagsRead: return "flags-read";
  case EffectKind::FieldWrite: return "field-write";
  case EffectKind::FieldRead: return "field-read";
  case EffectKind::SizeQuery: return "size-query";
  case EffectKind::Mapping: return "mapping";
  case EffectKind::Delegation: return "delegation";
  case EffectKind::Escape: return "escape";
  case EffectKind::ManualOpen: return "manual-open";
  case EffectKind::StateChange: return "state-change";
  }
  return "?";
}

llvm::StringRef mappingRangeName(MappingRange R) {
  switch (R) {
  case MappingRange::WholeVma: return "whole-vma";
  case MappingRange::Partial: return "partial";
  case MappingRange::Unknown: return "unknown";
  }
  return "?";
}

llvm::StringRef resultUseName(ResultUse U) {
  switch (U) {
  case ResultUse::Returned: return "returned";
  case ResultUse::ErrorMapped: return "error-mapped";
  case ResultUse::Checked: return "checked";
  case ResultUse::Assigned: return "assigned";
  case ResultUse::Ignored: return "ignored";
  case ResultUse::Other: return "other";
  }
  return "?";
}

namespace {

/// How a known kernel function that takes the VMA is summarised.
struct VmaApi {
  EffectKind Kind;
  const char *Name;   // the effect's Name when it differs from the callee's
  const char *Detail;
  // Indices of the arguments whose text is kept as operands.
  int Operands[3];
  // For mapping calls: index of the start-address and size arguments (-1: none).
  int StartArg, SizeArg;
  bool AlwaysWhole; // maps the whole VMA by definition (vm_map_pages, dma_mmap_*)
};

const llvm::StringMap<VmaApi> &vmaApis() {
  static const llvm::StringMap<VmaApi> Table = [] {
    llvm::StringMap<VmaApi> T;
    auto Flags = [&](const char *Fn, int A, int B = -1) {
      T[Fn] = {EffectKind::FlagsChange, nullptr, "", {A, B, -1}, -1, -1, false};
    };
    // Before 7.0 and still for VMAs: mask helpers (include/linux/mm.h).
    Flags("vm_flags_set", 1);
    Flags("vm_flags_clear", 1);
    Flags("vm_flags_mod", 1, 2);
    Flags("__vm_flags_mod", 1, 2);
    Flags("vm_flags_reset", 1);
    Flags("vm_flags_reset_once", 1);
    Flags("vm_flags_init", 1);
    // 7.x bitmap helpers on a VMA (the variadic macros expand to the _mask forms).
    Flags("vma_set_flags_mask", 1);
    Flags("vma_clear_flags_mask", 1);
    Flags("vma_flags_set_mask", 1);
    Flags("vma_flags_clear_mask", 1);
    Flags("vma_flags_reset_once", 1);

    auto Test = [&](const char *Fn) {
      T[Fn] = {EffectKind::FlagsTest, nullptr, "", {1, -1, -1}, -1, -1, false};
    };
    Test("vma_test");
    Test("vma_test_flags");
    Test("vma_test_any_mask");
    Test("vma_test_all_mask");
    Test("vma_flags_test");
    Test("vma_test_single_mask");

    T["vma_pages"] = {EffectKind::SizeQuery, nullptr, "", {-1, -1, -1}, -1, -1, false};
    T["vma_set_file"] = {EffectKind::FieldWrite, "vm_file", "vma_set_file", {1, -1, -1}, -1, -1, false};
    T["vma_set_page_prot"] = {EffectKind::FieldWrite, "vm_page_prot", "vma_set_page_prot", {-1, -1, -1}, -1, -1, false};

    for (const char *Fn : {"vma_set_anonymous", "shmem_zero_setup", "generic_file_mmap",
                           "generic_file_readonly_mmap", "vfs_mmap", "call_mmap"})
      T[Fn] = {EffectKind::Delegation, nullptr, "", {-1, -1, -1}, -1, -1, false};

    auto Map = [&](const char *Fn, int Op1, int Op2, int Op3, int Start, int Size, bool Whole) {
      T[Fn] = {EffectKind::Mapping, nullptr, "", {Op1, Op2, Op3}, Start, Size, Whole};
    };
    Map("remap_pfn_range", 1, 2, 3, 1, 3, false);
    Map("io_remap_pfn_range", 1, 2, 3, 1, 3, false);
    Map("vm_iomap_memory", 1, 2, -1, -1, -1, true);
    Map("vm_insert_page", 1, 2, -1, -1, -1, false);
    Map("vm_insert_pages", 1, 2, 3, 1, -1, false);
    Map("vm_map_pages", 1, 2, -1, -1, -1, true);
    Map("vm_map_pages_zero", 1, 2, -1, -1, -1, true);
    Map("vmf_insert_pfn", 1, 2, -1, -1, -1, false);
    Map("vmf_insert_pfn_prot", 1, 2, -1, -1, -1, false);
    Map("vmf_insert_mixed", 1, 2, -1, -1, -1, false);
    Map("vm_insert_pfn", 1, 2, -1, -1, -1, false);
    Map("remap_vmalloc_range", 1, 2, -1, -1, -1, true);
    Map("remap_vmalloc_range_partial", 1, 2, 3, 1, 4, false);
    Map("dma_mmap_attrs", 2, 3, 4, -1, -1, true);
    Map("dma_mmap_coherent", 2, 3, 4, -1, -1, true);
    Map("dma_mmap_wc", 2, 3, 4, -1, -1, true);
    Map("dma_mmap_pages", 2, 3, -1, -1, -1, true);
    Map("dma_mmap_noncontiguous", 2, 3, -1, -1, -1, true);
    Map("dma_buf_mmap", 0, 2, -1, -1, -1, true);
    Map("snd_dma_buffer_mmap", 0, -1, -1, -1, -1, true);

    // Read-only queries of the VMA: safe to rewrite against the desc.
    for (const char *Fn : {"vma_is_anonymous", "vma_is_accessible", "vma_kernel_pagesize",
                           "vma_is_dax", "is_vm_hugetlb_page", "vma_is_shared_maybe",
                           "vma_is_shmem"})
      T[Fn] = {EffectKind::FieldRead, nullptr, "query", {-1, -1, -1}, -1, -1, false};
    return T;
  }();
  return Table;
}

/// Operations that would make an mmap_prepare hook stateful (kernel-api.md 1).
const llvm::StringMap<const char *> &stateApis() {
  static const llvm::StringMap<const char *> Table = [] {
    llvm::StringMap<const char *> T;
    for (const char *Fn :
         {"kmalloc", "kzalloc", "kcalloc", "kmalloc_array", "kvmalloc", "kvzalloc", "kvcalloc",
          "kvmalloc_array", "kvmalloc_node", "kmalloc_node", "kzalloc_node", "vmalloc", "vzalloc",
          "vmalloc_user", "vmalloc_32_user", "kmem_cache_alloc", "kmem_cache_zalloc",
          "devm_kmalloc", "devm_kzalloc", "devm_kcalloc", "alloc_pages", "alloc_page",
          "__get_free_pages", "__get_free_page", "get_zeroed_page", "dma_alloc_coherent",
          "dma_alloc_attrs", "kstrdup", "kmemdup", "__kmalloc"})
      T[Fn] = "allocation";
    for (const char *Fn :
         {"kref_get", "kref_get_unless_zero", "refcount_inc", "refcount_inc_not_zero",
          "refcount_add", "atomic_inc", "atomic_add", "atomic_inc_return", "atomic_add_return",
          "atomic_inc_not_zero", "atomic_long_inc", "atomic_long_add", "atomic64_inc",
          "atomic64_add", "atomic_fetch_inc", "get_page", "folio_get", "kobject_get"})
      T[Fn] = "reference";
    for (const char *Fn : {"pm_runtime_get", "pm_runtime_get_sync", "pm_runtime_resume_and_get",
                           "pm_runtime_get_noresume", "pm_runtime_get_if_in_use",
                           "pm_runtime_get_if_active", "__pm_runtime_resume"})
      T[Fn] = "runtime-pm";
    for (const char *Fn : {"try_module_get", "__module_get"})
      T[Fn] = "module-ref";
    for (const char *Fn : {"get_device"})
      T[Fn] = "device-ref";
    for (const char *Fn : {"get_file", "fget", "get_file_rcu"})
      T[Fn] = "file-ref";
    for (const char *Fn : {"list_add", "list_add_tail", "list_add_rcu", "list_add_tail_rcu",
                           "hlist_add_head", "hlist_add_head_rcu", "list_move", "list_move_tail",
                           "idr_alloc", "xa_store", "xa_insert", "xa_alloc"})
      T[Fn] = "list-insert";
    return T;
  }();
  return Table;
}

/// Subsystem helpers that take over a VMA: the handler cannot move to
/// mmap_prepare until the subsystem has a desc-based variant.
bool isSubsystemMmapHelper(llvm::StringRef Name) {
  return Name.starts_with("drm_gem_") || Name.starts_with("vb2_") ||
         Name.starts_with("videobuf_") || Name.starts_with("snd_pcm_") ||
         Name.starts_with("fb_") || Name.starts_with("uio_") ||
         Name.starts_with("dma_buf_") || Name.starts_with("v4l2_") ||
         Name.starts_with("ttm_") || Name.starts_with("vfio_");
}

/// atomic_set(), atomic_inc_unless_negative(), refcount_dec(), ...: any
/// update of a counter is state that says a mapping exists (the afs bug).
bool isCounterUpdate(llvm::StringRef Name) {
  bool Counter = Name.starts_with("atomic_") || Name.starts_with("atomic64_") ||
                 Name.starts_with("refcount_") || Name.starts_with("kref_");
  // Decrements and puts release what an error path took back; they are not
  // acquisitions.
  bool Release = Name.contains("dec") || Name.contains("sub") || Name.contains("put");
  return Counter && !Release && !Name.contains("read") && !Name.ends_with("_init");
}

/// Kernel 6.10+ allocation tagging renames the allocator functions
/// (kmalloc() is a macro over kmalloc_noprof()).
llvm::StringRef canonicalCalleeName(const FunctionDecl *FD) {
  llvm::StringRef Name = FD->getName();
  if (Name.ends_with("_noprof"))
    Name = Name.drop_back(strlen("_noprof"));
  return Name;
}

bool isWrapper(const Stmt *S) {
  return isa<ImplicitCastExpr>(S) || isa<ParenExpr>(S) || isa<CStyleCastExpr>(S);
}

class BodyWalker {
public:
  BodyWalker(ASTContext &Ctx, HandlerSummary &Out, std::vector<CallStep> Via,
             llvm::SmallPtrSetImpl<const FunctionDecl *> &Active, unsigned Depth)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Out(Out), Via(std::move(Via)), Active(Active),
        Depth(Depth) {}

  /// Walks \p FD's body with parameter \p VmaParams bound to the handler's VMA;
  /// \p HookParams are the hook's own parameters (never "driver state").
  void run(const FunctionDecl *FD, llvm::ArrayRef<unsigned> VmaParams,
           llvm::ArrayRef<unsigned> DescParams = {}) {
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
  unsigned LoopDepth = 0;
  VmaEffect Scratch; // where a duplicate effect goes to be forgotten
  static constexpr unsigned MaxDepth = 8;

  static bool isDescPointer(QualType T) {
    if (const auto *PT = T.getCanonicalType()->getAs<PointerType>())
      if (const auto *RT = PT->getPointeeType()->getAs<RecordType>())
        return RT->getDecl()->getName() == "vm_area_desc";
    return false;
  }

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
        if (Known.Kind == Kind && Known.Name == E.Name && Known.Where == E.Where &&
            Known.Via.size() == E.Via.size())
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
    }
  }

  /// One declaration of \p DS (which is on the ancestor stack).
  void declare(const VarDecl *VD, const DeclStmt *DS, std::vector<Step> &Work) {
    if (isVmaRef(VD->getInit())) {
      // A local pointer copy is the VMA under another name; anything else
      // keeps it beyond the hook.
      if (VD->hasLocalStorage() && isVmaPointer(VD->getType()))
        VmaVars.insert(VD);
      else
        add(EffectKind::Escape, "vma", DS).Detail = "stored";
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
        add(EffectKind::Escape, "vma", UO).Detail = "address-taken";
      else if (UO->getOpcode() == UO_Deref)
        add(EffectKind::Escape, "vma", UO).Detail = "copied";
      else if (UO->getOpcode() != UO_LNot)
        add(EffectKind::Escape, "vma", UO).Detail = "expression";
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
          add(EffectKind::Escape, "vma", BO).Detail = "stored";
        return;
      }
      add(EffectKind::Escape, "vma", BO).Detail = "expression";
      return;
    }
    if (isa<ReturnStmt>(Parent)) {
      add(EffectKind::Escape, "vma", Parent).Detail = "returned";
      return;
    }
    if (isa<IfStmt>(Parent) || isa<WhileStmt>(Parent) || isa<ConditionalOperator>(Parent))
      return; // tested for NULL
    if (isa<InitListExpr>(Parent)) {
      add(EffectKind::Escape, "vma", Parent).Detail = "stored";
      return;
    }
    add(EffectKind::Escape, "vma", Parent).Detail = "expression";
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
      add(EffectKind::FieldWrite, Path, Parent).Detail = "desc";
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
        add(EffectKind::FieldWrite, Field, UO).Detail = "increment";
        return;
      }
      if (UO->getOpcode() == UO_AddrOf) {
        // &vma->vm_page_prot handed to a helper (/dev/mem's
        // phys_mem_access_prot_allowed): the field may be written, the VMA
        // itself does not escape. The desc has the same field.
        add(EffectKind::FieldWrite, Field, UO).Detail = "address-taken";
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
        E.Detail = "mm-passed";
        return;
      }
    }
    if (Field == "vm_flags") {
      VmaEffect &E = add(EffectKind::FlagsRead, "vm_flags", ME);
      if (const auto *Call = dyn_cast_or_null<CallExpr>(Parent))
        if (const FunctionDecl *FD = Call->getDirectCallee())
          E.Detail = FD->getName().str();
      return;
    }
    add(EffectKind::FieldRead, Field, ME);
  }

  void onFieldWrite(llvm::StringRef Field, const BinaryOperator *BO, BinaryOperatorKind Op,
                    const Expr *Value) {
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
      E.Detail = "ops-with-mapped";
      return;
    }
    // The helper that computed the value: pgprot_writecombine() is a call,
    // x86's pgprot_noncached() a macro.
    SourceLocation ValueLoc = Value->IgnoreParenCasts()->getBeginLoc();
    if (ValueLoc.isMacroID())
      E.Detail = Lexer::getImmediateMacroName(ValueLoc, SM, Ctx.getLangOpts()).str();
    else if (const auto *Call = dyn_cast<CallExpr>(Value->IgnoreParenCasts()))
      if (const FunctionDecl *FD = Call->getDirectCallee())
        E.Detail = FD->getName().str();
    if (Op != BO_Assign)
      E.Detail = "compound";
  }

  /// `&ops` where ops initializes ->mapped: a callback the legacy path never runs.
  static bool opsHaveMapped(const Expr *Value) {
    const auto *UO = dyn_cast<UnaryOperator>(Value->IgnoreParenCasts());
    const auto *DRE = UO && UO->getOpcode() == UO_AddrOf
                          ? dyn_cast<DeclRefExpr>(UO->getSubExpr()->IgnoreParenCasts())
                          : nullptr;
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

  ResultUse resultUse(const CallExpr *CE, std::string &ErrorValue) const {
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
    if (const auto *If = dyn_cast_or_null<IfStmt>(Parent);
        If && If->getCond()->IgnoreParenCasts() == Child) {
      // `if (remap(...)) return -EAGAIN;`, also with a message first.
      const Stmt *Then = If->getThen();
      if (const auto *CS = dyn_cast<CompoundStmt>(Then); CS && CS->size() >= 1)
        Then = CS->body_back();
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
          add(EffectKind::Delegation, "mmap", CE).Detail = "function-pointer";
          return;
        }
      }
      add(EffectKind::Escape, text(CalleeExpr), CE).Detail = "function-pointer";
      return;
    }

    llvm::StringRef Name = canonicalCalleeName(Callee);
    if (!DescArgs.empty() && Name.starts_with("mmap_action_")) {
      add(EffectKind::Mapping, Name, CE).Detail = "action";
      return;
    }
    if (!VmaArgs.empty()) {
      auto It = vmaApis().find(Name);
      if (It != vmaApis().end()) {
        onVmaApiCall(CE, Name, It->second);
        return;
      }
    }
    auto State = stateApis().find(Name);
    if (State != stateApis().end()) {
      if (isFileHandedToCore(CE))
        return;
      add(EffectKind::StateChange, Name, CE).Detail = State->second;
      return;
    }
    if (isCounterUpdate(Name)) {
      add(EffectKind::StateChange, Name, CE).Detail = "reference";
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
    VmaEffect &E = add(EffectKind::Escape, Callee->getName(), CE);
    E.Detail = isSubsystemMmapHelper(Name) ? "subsystem" : "unknown-callee";
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

  void onVmaApiCall(const CallExpr *CE, llvm::StringRef Name, const VmaApi &Api) {
    VmaEffect &E = add(Api.Kind, Api.Name ? llvm::StringRef(Api.Name) : Name, CE);
    E.Detail = Api.Detail;
    if (Api.Kind == EffectKind::FieldWrite || Api.Kind == EffectKind::Delegation ||
        Api.Kind == EffectKind::FieldRead)
      if (E.Detail.empty() || E.Detail == "query")
        E.Detail = Name.str();
    if (CE->getBeginLoc().isMacroID() && (Api.Kind == EffectKind::FlagsChange || Api.Kind == EffectKind::FlagsTest)) {
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
    if (Api.Kind != EffectKind::Mapping)
      return;
    if (Api.AlwaysWhole)
      E.Range = MappingRange::WholeVma;
    else if (Api.StartArg >= 0 && Api.SizeArg >= 0 && unsigned(Api.SizeArg) < CE->getNumArgs())
      E.Range = vmaField(CE->getArg(Api.StartArg), "vm_start") && isWholeSize(CE->getArg(Api.SizeArg))
                    ? MappingRange::WholeVma
                    : MappingRange::Partial;
    E.Use = resultUse(CE, E.ErrorValue);
  }

  /// Summarises a helper defined in the driver, in place, with the VMA bound
  /// to the parameters it is passed to.
  void descend(const CallExpr *CE, const FunctionDecl *Def, llvm::ArrayRef<unsigned> VmaArgs,
               llvm::ArrayRef<unsigned> DescArgs = {}) {
    if (Active.count(Def) || Depth >= MaxDepth) {
      if (!VmaArgs.empty())
        add(EffectKind::Escape, Def->getName(), CE).Detail =
            Active.count(Def) ? "recursion" : "call-depth";
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
        E.Use = resultUse(CE, ErrorValue);
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
    add(EffectKind::StateChange, VD->getName(), Store).Detail = "state-write";
  }
};

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
  const FunctionDecl *Def = Callee->getDefinition();
  return !Def || !Def->hasBody() ? Acquisition::Unknown : Acquisition::None;
}

/// The operands of a mapping call that carry what it maps: the pfn and size
/// of a remap, the address and length of vm_iomap_memory(), the page array
/// and count of the page-array calls.
std::vector<unsigned> mappedOperands(llvm::StringRef Name) {
  if (Name == "remap_pfn_range" || Name == "io_remap_pfn_range" || Name == "vm_insert_pages")
    return {2, 3};
  if (Name == "vm_iomap_memory" || Name == "vm_map_pages" || Name == "vm_map_pages_zero")
    return {1, 2};
  return {};
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
    for (unsigned I : mappedOperands(E.Name))
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
      E.FedBy.push_back({C->getDirectCallee()->getName().str(),
                         resolveSite(C->getBeginLoc(), SM, Ctx.getLangOpts())});
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

} // namespace

static bool isDescPointerType(QualType T) {
  if (const auto *PT = T.getCanonicalType()->getAs<PointerType>())
    if (const auto *RT = PT->getPointeeType()->getAs<RecordType>())
      return RT->getDecl()->getName() == "vm_area_desc";
  return false;
}

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
    if (isDescPointerType(Def->getParamDecl(I)->getType()))
      DescParams.push_back(I);
  }
  BodyWalker Walker(Ctx, Summary, {}, Active, 0);
  Walker.run(Def, VmaParams, DescParams);
  if (!VmaParams.empty())
    traceMappedState(Def, Ctx, Summary);
  return Summary;
}

} // namespace vmaprep

//===- Classifier.cpp -----------------------------------------------------===//
#include "vmaprep/Classifier.h"
#include "vmaprep/ApiDetection.h"
#include "vmaprep/ApiProfile.h"
#include "vmaprep/KernelApi.h"
#include "vmaprep/SourceResolution.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/STLExtras.h"
#include <algorithm>
#include <set>

namespace vmaprep {

KnownHandler knownHandler(llvm::StringRef Name) {
  // A kernel mmap handler whose twin is a whole mmap_prepare handler.
  if (const KernelApi *Api = kernelFunction(Name);
      Api && Api->Effect == EffectKind::Delegation && *Api->Twin && Api->TwinFrom == ApiCapability::MmapPrepareHook)
    return KnownHandler::HasPrepareTwin;
  if (isSubsystemHelper(Name))
    return KnownHandler::SubsystemHelper;
  return KnownHandler::None;
}

namespace {

/// Collects reasons by id, so one reason cites every effect that supports it.
class ReasonSet {
public:
  void add(llvm::StringRef Id, const std::string &Text, int Effect = -1) {
    auto It =
        std::find_if(Reasons.begin(), Reasons.end(), [&](const Reason &R) { return R.Id == Id && R.Text == Text; });
    if (It == Reasons.end()) {
      Reasons.push_back({Id.str(), Text, {}});
      It = std::prev(Reasons.end());
    }
    if (Effect >= 0)
      It->Effects.push_back(unsigned(Effect));
  }
  bool empty() const { return Reasons.empty(); }
  std::vector<Reason> take() { return std::move(Reasons); }

private:
  std::vector<Reason> Reasons;
};

KernelApiBlocker blockerOf(const VmaEffect &E) { return E.Api ? E.Api->Blocker : KernelApiBlocker::None; }

/// `vm_flags_reset()`, `vm_flags_init()`, and `vma->vm_flags = ...` in trees
/// before 6.3.
bool replacesAllFlags(const VmaEffect &E) {
  return E.Api ? E.Api->Blocker == KernelApiBlocker::FlagsReplaced : E.Name == "vm_flags =";
}

std::string viaText(const VmaEffect &E) {
  if (E.Via.empty())
    return "";
  return " (in " + E.Via.back().Callee + "())";
}

/// The mmap_prepare contract: what the core cannot undo when the mapping
/// merges or fails after the hook, and what it ignores or forbids.
std::vector<Reason> contractBreaches(const RegisteredHandler &Handler, const HandlerSummary &Summary, ApiLevel Target) {
  ReasonSet Out;
  bool ActionSet = false;
  for (unsigned I = 0; I < Summary.Effects.size(); ++I) {
    const VmaEffect &E = Summary.Effects[I];
    const int Idx = int(I);
    llvm::StringRef Name(E.Name);
    if (Handler.Kind == HookKind::LegacyMmap) {
      if (E.Kind == EffectKind::FieldWrite && E.Tag == EffectTag::OpsWithMapped)
        Out.add("mapped-from-legacy",
                "installs a vm_ops with ->mapped from a legacy .mmap hook; the core calls ->mapped only "
                "for mmap_prepare",
                Idx);
      continue;
    }
    if (E.Kind == EffectKind::StateChange && E.Tag != EffectTag::Bookkeeping)
      Out.add("stateful-hook",
              "acquires state in the hook (" + E.Detail + ": " + E.Name + ")" + viaText(E) +
                  "; the mapping may still merge or fail: move it to vm_ops->mapped",
              Idx);
    if (E.Kind == EffectKind::Mapping && E.Tag == EffectTag::Action)
      ActionSet = true;
    if (E.Kind != EffectKind::FieldWrite || E.Tag != EffectTag::DescField)
      continue;
    // E.Name is `desc->FIELD` (KernelApi.def: the VMA fields' twins, the
    // action members a hook may write).
    llvm::StringRef Field = Name;
    Field.consume_front("desc->");
    llvm::StringRef Member = Field;
    bool ActionWrite = Member.consume_front("action") && !(Member.consume_front(".") && actionFieldApi(Member));
    if (isImmutableDescField(Field, Target))
      Out.add("immutable-desc-field", "writes " + E.Name + ", which the core ignores or forbids" + viaText(E), Idx);
    else if (ActionWrite)
      Out.add("action-write",
              "writes " + E.Name + " directly; set actions with the mmap_action_*() helpers" + viaText(E), Idx);
    else if (Name == "desc->page_prot" && ActionSet)
      Out.add("page-prot-after-action",
              "changes desc->page_prot after an action captured it; the action maps with the old protection" +
                  viaText(E),
              Idx);
  }
  return Out.take();
}

/// Is \p A before \p B in the file (both in the handler's file)?
bool before(const SourceSite &A, const SourceSite &B) {
  return A.Line < B.Line || (A.Line == B.Line && A.Column < B.Column);
}

/// Where the handler's own body does \p E: the call of the helper that does
/// it, or the effect itself.
const SourceSite &handlerSite(const VmaEffect &E) { return E.Via.empty() ? E.Where : E.Via.front().Where; }

std::string lineOf(const SourceSite &S) { return "line " + std::to_string(S.Line); }

/// A mapping call that an action replaces (not an mmap_action_*() call of an
/// mmap_prepare hook, not a blocked one).
bool becomesAction(const VmaEffect &E) {
  return E.Kind == EffectKind::Mapping && E.Tag != EffectTag::Action && E.Api &&
         E.Api->Blocker == KernelApiBlocker::None;
}

/// A flag change an action cannot replay over: anything but setting bits
/// other than VM_MAYWRITE (which makes the mapping CoW).
bool undoneByAction(const VmaEffect &E) {
  if (E.Kind != EffectKind::FlagsChange)
    return false;
  bool Sets = E.Name == "vm_flags_set" || E.Name == "vma_set_flags_mask" || E.Name == "vma_flags_set_mask" ||
              E.Name == "vm_flags |=";
  return !Sets ||
         llvm::any_of(E.Operands, [](const std::string &O) { return llvm::StringRef(O).contains("MAYWRITE"); });
}

/// Where the tree's desc holds `const struct mm_struct *mm` (7.3) and the
/// callee handed vma->vm_mm takes a `struct mm_struct *`: desc->mm in its
/// place would discard the qualifier (a warning, an error under
/// CONFIG_WERROR), whatever the callee does with it (sgx_encl_mm_add()).
std::string constMmNote(const VmaEffect &E) {
  const auto *Call = llvm::dyn_cast_or_null<clang::CallExpr>(E.Node);
  const clang::FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
  if (!Callee)
    return "";
  const clang::RecordDecl *Desc = nullptr;
  clang::ASTContext &Ctx = Callee->getASTContext();
  for (const clang::NamedDecl *D : Ctx.getTranslationUnitDecl()->lookup(&Ctx.Idents.get("vm_area_desc")))
    if (const auto *RD = llvm::dyn_cast<clang::RecordDecl>(D); RD && RD->getDefinition())
      Desc = RD->getDefinition();
  bool ConstMm = false;
  if (Desc)
    for (const clang::FieldDecl *F : Desc->fields())
      if (F->getName() == "mm" && F->getType()->isPointerType())
        ConstMm = F->getType()->getPointeeType().isConstQualified();
  for (unsigned I = 0; ConstMm && I < Call->getNumArgs() && I < Callee->getNumParams(); ++I) {
    const auto *ME = llvm::dyn_cast<clang::MemberExpr>(Call->getArg(I)->IgnoreParenImpCasts());
    clang::QualType P = Callee->getParamDecl(I)->getType();
    if (ME && ME->getMemberDecl()->getName() == "vm_mm" && P->isPointerType() &&
        !P->getPointeeType().isConstQualified())
      return "; and this tree's desc->mm points to a const mm_struct, which " + E.Name + "() takes as non-const";
  }
  return "";
}

/// "6.19 to 7.0": the levels whose actions have an error hook.
std::string errorHookLevels() {
  std::vector<ApiLevel> With;
  for (ApiLevel L : allApiLevels())
    if (profileFor(L).ErrorHook)
      With.push_back(L);
  if (With.empty())
    return "no level";
  std::string First = apiLevelName(With.front()).str(), Last = apiLevelName(With.back()).str();
  return First == Last ? First : First + " to " + Last;
}

/// The action replaces the mapping call but runs after the hook returns
/// (mm/util.c mmap_action_complete(), 7.3): what the hook does after the
/// call, and what the action reads after the hook, must still hold then.
void actionOrderHazards(const HandlerSummary &Summary, ApiLevel Target, ReasonSet &Blockers) {
  for (unsigned I = 0; I < Summary.Effects.size(); ++I) {
    const VmaEffect &M = Summary.Effects[I];
    if (!becomesAction(M))
      continue;
    for (unsigned J = I + 1; J < Summary.Effects.size(); ++J) {
      const VmaEffect &Later = Summary.Effects[J];
      if (Later.Kind == EffectKind::FieldWrite && Later.Name == "vm_page_prot")
        Blockers.add("prot-after-mapping",
                     "vm_page_prot changes after " + M.Name + "(); the action would use the old protection", int(J));
      // The action sets what the call set (VM_IO, VM_PFNMAP, VM_DONTEXPAND,
      // VM_DONTDUMP or VM_MIXEDMAP, and for a private writable mapping the
      // pfn in vm_pgoff) after the hook: a later clear, a later VM_MAYWRITE
      // or a later vm_pgoff write would be replayed over. Found by
      // validation (test/checker/fix/validation.test).
      if (undoneByAction(Later))
        Blockers.add("flags-after-mapping",
                     "the flags change after " + M.Name + "() (" + Later.Text +
                         "); the action applies the call's flags after the hook and would undo it",
                     int(J));
      if (Later.Kind == EffectKind::FieldWrite && Later.Name == "vm_pgoff")
        Blockers.add("pgoff-after-mapping",
                     "vm_pgoff changes after " + M.Name +
                         "(); the action, which runs after the hook, stores the pfn there for a private writable "
                         "mapping",
                     int(J));
    }
    // The error path's statements before its return: only an error hook
    // (6.19, 7.0), a function of its own that the core calls with the
    // action's error after the hook has returned, can keep them, and only
    // messages that name nothing of the hook's.
    if (M.Use == ResultUse::ErrorMapped && M.ErrorPathDoesMore) {
      if (!M.ErrorPathExtra.empty())
        Blockers.add("error-path-does-more",
                     "the error path of " + M.Name + "() does more than print a message and return " + M.ErrorValue +
                         ": " + M.ErrorPathExtra +
                         "; an error hook, which runs after the hook has returned, cannot do that in its place",
                     int(I));
      else if (levelHas(Target, ApiCapability::ErrorOverride))
        Blockers.add("error-path-does-more",
                     "the error path of " + M.Name + "() prints a message before it returns " + M.ErrorValue +
                         "; from API level " + apiLevelName(firstLevelWith(ApiCapability::ErrorOverride)).str() +
                         " desc->action.error_override keeps the errno but not the message (" + errorHookLevels() +
                         " had desc->action.error_hook, which can)",
                     int(I));
    }
    if (!M.Api || M.Api->TwinFrom != ApiCapability::MapKernelPagesAction)
      continue;
    // The map-kernel-pages action keeps the page array and reads it after
    // the hook returns (mm/memory.c map_kernel_pages_complete(), 7.3).
    const std::string Reads = "the action reads the page array of " + M.Name + "() after the hook returns";
    if (!M.LocalSource.empty())
      Blockers.add("page-array-local",
                   "the page array of " + M.Name + "() is the hook's local '" + M.LocalSource +
                       "'; the action reads it after the hook returns",
                   int(I));
    // One lock per place: 7.3's guard(mutex) declares two cleanup variables
    // (the guard and its lock context) that end together.
    std::set<std::pair<std::string, unsigned>> LockSites;
    for (const HeldState &H : Summary.Held)
      if (H.What != HeldState::Kind::Release && LockSites.insert({H.Where.File, H.Where.Line}).second)
        Blockers.add("page-array-unguarded",
                     "the hook " + heldStateText(H, lineOf(H.Where)) + "; " + Reads + ", without it", int(I));
    for (const HeldState &H : Summary.Held)
      if (H.What == HeldState::Kind::Release)
        Blockers.add("page-array-released",
                     "the hook also " + heldStateText(H, lineOf(H.Where)) + "; " + Reads +
                         ", so nothing may be freed or put before that",
                     int(I));
    // vm_insert_pages() writes the pages it did not insert back to its count
    // and keeps what it inserted; the action does neither.
    bool WritesBack = M.Api->CountArg >= 0 && M.Api->StartArg >= 0;
    if (WritesBack && M.Use == ResultUse::Ignored)
      Blockers.add("insert-pages-ignored",
                   "the result of " + M.Name +
                       "() is ignored: the hook keeps the mapping with what it could insert, while the action "
                       "would fail the mmap",
                   int(I));
    else if (M.Use == ResultUse::Ignored)
      Blockers.add("map-pages-ignored", "the result of " + M.Name + "() is ignored; its bound check has no place to go",
                   int(I));
    if (!M.CountNotLocal.empty())
      Blockers.add("insert-pages-count",
                   "the count of " + M.Name + "() is " + M.CountNotLocal +
                       ", not the address of a local variable; the call writes back the pages it did not insert, "
                       "which the action does not",
                   int(I));
    if (!M.CountReadAfter.empty())
      Blockers.add("insert-pages-count-read",
                   "'" + M.CountReadAfter + "' is read after " + M.Name + "() (" + lineOf(M.CountReadSite) +
                       "), which leaves there the number of pages it did not insert (0 on success); the action "
                       "gives no count back",
                   int(I));
  }
}

/// Per-mapping state moves to vm_ops->mapped, which the core runs once the
/// mapping exists and only if the mmap succeeded (mm/util.c
/// mmap_action_finish(), 7.3): what breaks that move.
void mappedStateHazards(const HandlerSummary &Summary, ReasonSet &Blockers) {
  const SourceSite *LastState = nullptr;
  for (unsigned I = 0; I < Summary.Effects.size(); ++I) {
    const VmaEffect &E = Summary.Effects[I];
    if ((E.Kind == EffectKind::StateChange && E.Tag != EffectTag::Bookkeeping) || E.Kind == EffectKind::ManualOpen)
      if (!LastState || before(*LastState, handlerSite(E)))
        LastState = &handlerSite(E);
    // When an action fails after the VMA exists, the core unmaps it, which
    // runs vm_ops->close, before ->mapped ever ran: a close that releases the
    // state would release what was never taken (found by `vmaprep validate`
    // on the stm shape).
    if (E.Kind == EffectKind::Mapping)
      Blockers.add("mapped-state-with-action",
                   "the mapping action can fail after the VMA exists; the core then unmaps it and runs "
                   "vm_ops->close without ->mapped having run, so the state cannot move to ->mapped",
                   int(I));
    // An allocation moved to ->mapped can fail there, and the core then
    // unmaps the new VMA, running vm_ops->close on private data ->mapped
    // never set (mm/util.c mmap_action_finish() -> do_munmap() ->
    // remove_vma() -> vma_close(), 7.3); upstream's vme_user conversion has
    // exactly that.
    if (E.Kind == EffectKind::StateChange && E.Tag == EffectTag::Allocation && E.Via.empty())
      Blockers.add("allocation-in-mapped",
                   "allocates per-mapping state (" + E.Text +
                       "); in ->mapped the allocation can fail, and the core then unmaps the VMA and runs "
                       "vm_ops->close on private data ->mapped never set, so vmaprep does not move it",
                   int(I));
  }
  // A release moves with the acquisition only when it is the error path's
  // give-back of it (afs_drop_open_mmap() when generic_file_mmap() failed):
  // in ->mapped, which runs only for a mapping that exists, there is nothing
  // to give back on an error. Any other release would unbalance the move.
  const StatePaths &Paths = Summary.Paths;
  auto ReleasesState = [&](const std::string &Name, const SourceSite &Where) {
    Blockers.add("releases-state", "the hook also releases state (" + Name + "(), " + lineOf(Where) +
                                       "); moving only the acquisition to ->mapped would unbalance it");
  };
  if (Paths.Walked) {
    for (const HeldState &H : Summary.Held)
      if (H.What == HeldState::Kind::Release && !H.Via.empty()) {
        ReleasesState(H.Name, H.Where);
        break;
      }
    for (const StatePaths::Release &R : Paths.Releases)
      if (!R.ErrorPathOnly) {
        ReleasesState(R.Name, R.Where);
        break;
      }
  } else {
    for (const HeldState &H : Summary.Held)
      if (H.What == HeldState::Kind::Release) {
        ReleasesState(H.Name, H.Where);
        break;
      }
  }
  // An acquisition that can fail (its result decides an error return) would
  // fail in ->mapped after the VMA exists: the core then unmaps it and runs
  // vm_ops->close, which gives back what ->mapped did not take.
  for (const CallStep &A : Paths.FallibleAcquisitions)
    Blockers.add("acquisition-can-fail",
                 "whether " + A.Callee + "() (" + lineOf(A.Where) +
                     ") takes the state decides whether the hook fails; in ->mapped it would fail after the VMA "
                     "exists, and the core would then unmap it and run vm_ops->close, which gives back what "
                     "->mapped did not take");
  // After the state is taken nothing may fail, or the hook's error path and
  // ->mapped would disagree about who holds it. On the hook's paths (a
  // `return ret` where ret is 0 is a success), else in source order.
  if (Paths.Walked) {
    if (!Paths.FailingAfterState.empty())
      Blockers.add("fails-after-state", "the handler can still fail after it takes the state (" +
                                            lineOf(Paths.FailingAfterState.front()) +
                                            "); ->mapped runs only on success");
  } else if (LastState) {
    for (const HandlerReturn &R : Summary.Returns)
      if (before(*LastState, R.Where) && !R.Success && !R.ReturnsMapping) {
        Blockers.add("fails-after-state", "the handler can still fail after it takes the state (" + lineOf(R.Where) +
                                              "); ->mapped runs only on success");
        break;
      }
  }
}

} // namespace

Verdict classify(const RegisteredHandler &Handler, const HandlerSummary &Summary, ApiLevel Target) {
  Verdict V;
  V.Contract = contractBreaches(Handler, Summary, Target);
  if (Handler.Kind == HookKind::MmapPrepare) {
    V.Kind = VerdictKind::AlreadyMmapPrepare;
    return V;
  }
  ReasonSet Blockers, Needs, Mapped;
  ApiLevel Required = firstLevelWith(ApiCapability::MmapPrepareHook);
  auto Require = [&](ApiCapability Cap, llvm::StringRef Id, const std::string &What, int Effect) {
    ApiLevel L = firstLevelWith(Cap);
    Required = std::max(Required, L);
    std::string Where = Effect >= 0 ? viaText(Summary.Effects[unsigned(Effect)]) : "";
    Needs.add(Id, What + Where + " needs " + capabilityName(Cap).str() + " (API level " + apiLevelName(L).str() + ")",
              Effect);
  };
  // A call whose desc twin exists only from some level on (an action, the
  // desc's anonymous setup): the handler needs that level.
  auto RequireTwin = [&](const VmaEffect &E, int Effect) {
    if (E.Api && E.Api->TwinRequired && *E.Api->Twin && !capabilityReasonId(E.Api->TwinFrom).empty())
      Require(E.Api->TwinFrom, capabilityReasonId(E.Api->TwinFrom), E.Name + "()", Effect);
  };

  // A twin the tree's headers decide (a call template, KernelApi.def): the
  // rewrite would call what the tree does not declare, or not as the twin
  // calls it (ApiDetection.h).
  auto RequireDeclaredTwin = [&](const VmaEffect &E, const std::string &What, const KernelApi *Api, int Effect) {
    llvm::StringRef Twin = Api ? Api->twinAt(Target) : "";
    if (!Handler.Function || Twin.empty())
      return;
    clang::ASTContext &Ctx = Handler.Function->getASTContext();
    std::string Missing = missingTwin(Ctx, Twin);
    if (Missing.empty())
      return;
    // The twin as the rewrite would spell it: `$N` is the call's argument N.
    std::string Spelled;
    const auto *Call = llvm::dyn_cast_or_null<clang::CallExpr>(E.Node);
    for (size_t I = 0; I < Twin.size(); ++I) {
      unsigned N = I + 1 < Twin.size() ? unsigned(Twin[I + 1] - '0') : 10;
      if (Twin[I] == '$' && N < 10 && Call && N < Call->getNumArgs()) {
        Spelled += sourceText(Call->getArg(N)->getSourceRange(), Ctx.getSourceManager(), Ctx.getLangOpts());
        ++I;
      } else {
        Spelled += Twin[I];
      }
    }
    Blockers.add("twin-missing",
                 What + viaText(E) + ", which becomes " + Spelled + " at API level " + apiLevelName(Target).str() +
                     ", but in this tree " + Missing,
                 Effect);
  };

  llvm::StringRef Name = Handler.Function ? Handler.Function->getName() : "";
  if (!Summary.BodyVisible) {
    switch (knownHandler(Name)) {
    case KnownHandler::HasPrepareTwin:
      V.Kind = VerdictKind::AutoConvertible;
      V.NeededLevel = Required;
      V.Reasons.push_back({"generic-mmap", "the table names " + Name.str() + ", which has a _prepare variant", {}});
      return V;
    case KnownHandler::SubsystemHelper:
      V.Kind = VerdictKind::Blocked;
      V.Reasons.push_back({"subsystem-delegation",
                           "the table names the subsystem helper " + Name.str() + "(), which still takes a VMA",
                           {}});
      return V;
    case KnownHandler::None:
      V.Kind = VerdictKind::Blocked;
      V.Reasons.push_back(
          {"body-not-visible",
           "the body of " + Name.str() + "() is not in this translation unit; check the file that defines it",
           {}});
      return V;
    }
  }

  unsigned MappingCalls = 0;
  for (const VmaEffect &E : Summary.Effects)
    if (E.Kind == EffectKind::Mapping)
      ++MappingCalls;

  for (unsigned I = 0; I < Summary.Effects.size(); ++I) {
    const VmaEffect &E = Summary.Effects[I];
    const int Idx = int(I);
    switch (E.Kind) {
    case EffectKind::FlagsChange:
      if (replacesAllFlags(E))
        Blockers.add("flags-replaced", "replaces every VMA flag (" + E.Name + "); the desc can only set and clear bits",
                     Idx);
      break;
    case EffectKind::FieldWrite: {
      const KernelApi *Field = vmaFieldApi(E.Name);
      KernelApiBlocker Blocker = Field ? Field->Blocker : KernelApiBlocker::NoDescField;
      if (Blocker == KernelApiBlocker::ImmutableField)
        Blockers.add("immutable-field", "writes " + E.Name + ", which a desc cannot change" + viaText(E), Idx);
      else if (Blocker == KernelApiBlocker::NoDescField)
        Blockers.add("unknown-field", "writes vma->" + E.Name + ", which has no desc field", Idx);
      break; // a compound write or an increment is still a plain field of the desc
    }
    case EffectKind::Mapping:
      if (blockerOf(E) == KernelApiBlocker::PageInsertion) {
        Blockers.add("page-insertion", "inserts pages one by one (" + E.Name + "); no action does that", Idx);
      } else if (blockerOf(E) == KernelApiBlocker::DmaMmap) {
        Blockers.add("dma-mmap", "maps through " + E.Name + "(), which takes a VMA", Idx);
      } else if (blockerOf(E) == KernelApiBlocker::VmallocRemap) {
        Blockers.add("vmalloc-remap", "maps vmalloc memory (" + E.Name + "); no action does that yet", Idx);
      } else {
        if (E.InLoop)
          Blockers.add("mapping-in-loop", "calls " + E.Name + "() in a loop; an action maps one range", Idx);
        if (MappingCalls > 1)
          Blockers.add("several-mappings",
                       "makes " + std::to_string(MappingCalls) + " mapping calls; a desc holds one action", Idx);
        if (E.Use == ResultUse::Other)
          Blockers.add("mapping-result", "uses the result of " + E.Name + "() in a way an action cannot express", Idx);
        if (E.Use == ResultUse::Ignored)
          Needs.add("error-ignored",
                    "ignores the result of " + E.Name +
                        "(); as an action, its failure will fail the mmap "
                        "(upstream accepted this, e.g. for stm)",
                    Idx);
        RequireTwin(E, Idx);
        if (E.Use == ResultUse::ErrorMapped) {
          // 7.1+ keeps the errno in error_override; 6.19 and 7.0 hand the
          // action's error to an error hook, which returns the errno.
          ApiCapability Keeps =
              levelHas(Target, ApiCapability::ErrorOverride) ? ApiCapability::ErrorOverride : ApiCapability::ErrorHook;
          Require(Keeps, capabilityReasonId(Keeps), "turning a mapping error into " + E.ErrorValue, Idx);
        }
        if (!E.FedBy.empty()) {
          // The action maps after the hook returns, from what the hook
          // acquired: ->mapped runs too late to acquire it, and acquired in
          // prepare it leaks when the mmap fails after the hook.
          std::string Chain;
          for (const CallStep &S : E.FedBy)
            Chain += (Chain.empty() ? "" : ", ") + S.Callee + "() (line " + std::to_string(S.Where.Line) + ")";
          Blockers.add("state-feeds-mapping",
                       "what " + E.Name + "() maps comes from state the hook acquires: " + Chain +
                           "; ->mapped runs after the action has mapped it, and acquired in mmap_prepare it "
                           "leaks when the mmap fails later",
                       Idx);
        }
      }
      break;
    case EffectKind::Delegation:
      if (E.Tag == EffectTag::FunctionPointer || blockerOf(E) == KernelApiBlocker::MmapHook)
        Blockers.add("mmap-delegation", "hands the VMA to another mmap hook (" + E.Text + ")", Idx);
      else
        RequireTwin(E, Idx);
      break;
    case EffectKind::Escape:
      if (E.Tag == EffectTag::Subsystem)
        Blockers.add("subsystem-delegation",
                     "hands the VMA to the subsystem helper " + E.Name + "(), which has no desc-based variant" +
                         viaText(E),
                     Idx);
      else if (E.Tag == EffectTag::UnknownCallee)
        Blockers.add("escape", "passes the VMA to " + E.Name + "(), whose body is not in this file" + viaText(E), Idx);
      else if (E.Tag == EffectTag::HeaderInline)
        Blockers.add("escape",
                     "passes the VMA to " + E.Name +
                         "(), an inline function of a header that has no desc twin in vmaprep's kernel-API "
                         "catalogue" +
                         viaText(E),
                     Idx);
      else if (E.Tag == EffectTag::MmPassed)
        Blockers.add("escape",
                     "passes vma->vm_mm to " + E.Name + "(); page-table work on the address space needs the VMA" +
                         constMmNote(E) + viaText(E),
                     Idx);
      else if (E.Tag == EffectTag::FunctionPointer)
        Blockers.add("escape", "passes the VMA through a function pointer (" + E.Name + ")" + viaText(E), Idx);
      else
        Blockers.add("escape", "the VMA escapes: " + E.Detail + " (" + E.Text + ")" + viaText(E), Idx);
      break;
    case EffectKind::ManualOpen:
      Mapped.add("manual-open", "calls vm_ops->" + E.Name + "() by hand; that belongs in vm_ops->mapped", Idx);
      break;
    case EffectKind::StateChange:
      if (E.Tag == EffectTag::Bookkeeping) {
        Needs.add("bookkeeping",
                  "stores bookkeeping of the file or device (" + E.Name +
                      "), which no vm_ops callback changes; it stays in mmap_prepare" + viaText(E),
                  Idx);
        break;
      }
      Mapped.add("stateful",
                 "acquires per-mapping state (" + E.Detail + ": " + E.Name + "); mmap_prepare must be stateless" +
                     viaText(E),
                 Idx);
      break;
    case EffectKind::FlagsRead: {
      // The flags as a value: a query with a desc twin takes the desc
      // (is_cow_mapping()), anything else reads the level's value twin.
      const KernelApi *Query = E.Tag == EffectTag::Helper ? kernelFunction(E.Detail) : nullptr;
      if (!(Query && !Query->twinAt(Target).empty()))
        RequireDeclaredTwin(E, "reads vma->vm_flags as a value", fieldValueApi("vm_flags"), Idx);
      break;
    }
    case EffectKind::FieldRead:
    case EffectKind::SizeQuery:
      if (E.Api && E.Api->isFunction())
        RequireDeclaredTwin(E, "calls " + E.Name + "()", E.Api, Idx);
      break;
    case EffectKind::FlagsTest: break;
    }
  }

  if (!Mapped.empty())
    Required = std::max(Required, firstLevelWith(ApiCapability::MappedCallback));
  // What the conversion would do differently matters only for a handler
  // nothing else blocks: a blocked verdict keeps the reasons that decided it.
  if (Blockers.empty()) {
    actionOrderHazards(Summary, Target, Blockers);
    if (!Mapped.empty())
      mappedStateHazards(Summary, Blockers);
  }
  V.NeededLevel = Required;
  if (!Blockers.empty()) {
    V.Kind = VerdictKind::Blocked;
    V.Reasons = Blockers.take();
    return V;
  }
  std::vector<Reason> Info = Needs.take();
  std::vector<Reason> MappedReasons = Mapped.take();
  Info.insert(Info.end(), MappedReasons.begin(), MappedReasons.end());
  V.Reasons = std::move(Info);
  if (Required > Target)
    V.Kind = VerdictKind::NeedsApiLevel;
  else if (!MappedReasons.empty())
    V.Kind = VerdictKind::ConvertibleWithMapped;
  else
    V.Kind = VerdictKind::AutoConvertible;
  return V;
}

} // namespace vmaprep

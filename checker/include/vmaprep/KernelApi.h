//===- KernelApi.h - the catalogue of kernel API the analysis knows -------===//
//
// One entry per kernel function, macro or VMA field (KernelApi.def): the
// effect it has on the VMA, its argument roles, what blocks a conversion or
// which capability it needs, its desc twin per level, and the state it
// acquires. Every stage asks the catalogue instead of keeping a name list.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_KERNELAPI_H
#define VMAPREP_KERNELAPI_H

#include "vmaprep/ApiLevel.h"
#include "llvm/ADT/StringRef.h"

namespace vmaprep {

enum class EffectKind {
  FlagsChange, // vm_flags_set/clear/mod/reset/init, `vm_flags |=` in old trees
  FlagsTest,   // vma->vm_flags & VM_X
  FlagsRead,   // any other read of vm_flags
  FieldWrite,  // vm_ops, vm_private_data, vm_page_prot, vm_pgoff, vm_start, ...
  FieldRead,
  SizeQuery,   // vma_pages()
  Mapping,     // remap_pfn_range, vm_iomap_memory, vm_insert_page, dma_mmap_*, ...
  Delegation,  // generic_file_mmap, vma_set_anonymous, shmem_zero_setup, an mmap via a pointer
  Escape,      // the VMA stored, its address taken, or passed where the analysis cannot see
  ManualOpen,  // vma->vm_ops->open(vma) called by the handler itself
  StateChange, // allocation, reference, runtime-PM get, list insertion, driver-state write
};

/// The finer class of an effect, per kind. VmaEffect::Detail is its printed
/// name (effectTagName()), or for Helper the helper's name.
enum class EffectTag {
  None,
  Helper, // Detail names the kernel function or macro involved (pgprot_noncached, vma_set_file, ...)
  // Escape
  Stored,          // "stored"
  AddressTaken,    // "address-taken" (also a FieldWrite through &vma->field)
  Copied,          // "copied"
  Expression,      // "expression"
  Returned,        // "returned"
  UnknownCallee,   // "unknown-callee"
  HeaderInline,    // "header-inline": an inline function of a header the catalogue does not know
  Subsystem,       // "subsystem"
  FunctionPointer, // "function-pointer" (also a Delegation through ->mmap)
  MmPassed,        // "mm-passed"
  Recursion,       // "recursion"
  CallDepth,       // "call-depth"
  // StateChange
  Allocation,  // "allocation"
  Reference,   // "reference"
  RuntimePm,   // "runtime-pm"
  ModuleRef,   // "module-ref"
  DeviceRef,   // "device-ref"
  FileRef,     // "file-ref"
  ListInsert,  // "list-insert"
  StateWrite,  // "state-write"
  Bookkeeping, // "bookkeeping": a plain store no vm_ops callback undoes (MappedStateTrace.cpp)
  // FieldWrite
  DescField,     // "desc": a write to a desc field in an mmap_prepare hook
  OpsWithMapped, // "ops-with-mapped"
  Compound,      // "compound"
  Increment,     // "increment"
  // Mapping
  Action, // "action": an mmap_action_*() call on the desc
};
llvm::StringRef effectTagName(EffectTag T);

enum class KernelApiForm {
  Function,
  VmaField,    // a member of struct vm_area_struct
  ActionField, // a member of desc->action a hook may write itself
  FieldValue,  // a VMA field read as a value the desc holds in another type (vm_flags)
};

/// What stops a handler that uses an entry from converting.
enum class KernelApiBlocker {
  None,
  PageInsertion,  // page by page: no action does that
  DmaMmap,        // a DMA or subsystem helper that takes the VMA
  VmallocRemap,   // vmalloc memory: no action does that yet
  FlagsReplaced,  // replaces every flag: the desc only sets and clears
  MmapHook,       // hands the VMA to another mmap hook
  ImmutableField, // a VMA field the desc cannot change
  NoDescField,    // a VMA field no desc field takes a plain write for
  WriteOnlyField, // a desc field that starts empty (vm_ops, private_data): a read has no twin
};

struct KernelApi {
  const char *Name;
  KernelApiForm Form;
  EffectKind Effect;
  const char *EffectName; // "" when the effect is named after the call
  EffectTag Tag;
  int Operands[3];
  /// Argument roles (-1: none): user address, size in bytes, what is mapped
  /// (pfn, physical address, page array, kernel address), number of pages.
  int StartArg, SizeArg, SourceArg, CountArg;
  bool WholeVma;
  KernelApiBlocker Blocker;
  /// The handler converts only at levels that have TwinFrom.
  bool TwinRequired;
  const char *Twin;
  ApiCapability TwinFrom;
  const char *Twin2;
  ApiCapability Twin2From;
  const char *Release;

  bool isFunction() const { return Form == KernelApiForm::Function; }
  /// A flag change's mask arguments: the bits it sets, the bits it clears
  /// (-1: none). A flag test's bit or mask is its setMaskArg().
  int setMaskArg() const { return Operands[0]; }
  int clearMaskArg() const { return Operands[1]; }
  /// The desc-side spelling at \p Level ("" when the level has none).
  llvm::StringRef twinAt(ApiLevel Level) const;
  /// For a VMA field: the desc field a read (or a write, \p Write) of it
  /// becomes at \p Level, "" when the desc provides none for that use.
  llvm::StringRef descFieldFor(ApiLevel Level, bool Write) const;
  /// A call the analysis classifies when the VMA is among its arguments.
  bool takesVma() const { return isFunction() && Effect != EffectKind::StateChange; }
  bool acquiresState() const { return isFunction() && Effect == EffectKind::StateChange; }
};

/// What a call does to state the hook holds (KernelApi.def's
/// VMAPREP_STATE_OPERATION rows): gives it back, or guards it until the
/// counterpart runs.
enum class KernelApiStateOperation { Release, Lock };

struct KernelStateOperation {
  const char *Name;
  KernelApiStateOperation Operation;
  /// For a release: the state kind it gives back (Allocation, Reference, ...).
  EffectTag Kind;
  /// For a lock: the call that drops it.
  const char *Counterpart;
};

/// The release or lock \p Name, or null. Counter releases (atomic_dec(),
/// refcount_sub(), ...) are isCounterRelease()'s.
const KernelStateOperation *stateOperation(llvm::StringRef Name);

/// The function or macro \p Name (after _noprof is stripped), or null.
const KernelApi *kernelFunction(llvm::StringRef Name);
/// The struct vm_area_struct field \p Name, or null.
const KernelApi *vmaFieldApi(llvm::StringRef Name);
/// The expression that reads the VMA field \p Name's value from the desc
/// (vm_flags as a vm_flags_t), or null.
const KernelApi *fieldValueApi(llvm::StringRef Name);
/// Whether \p Twin is a call template `name(args)` (a twin whose presence
/// the tree's headers decide), and its callee.
bool isCallTwin(llvm::StringRef Twin, llvm::StringRef *Callee = nullptr);
/// The member \p Name of desc->action that a hook may write, or null.
const KernelApi *actionFieldApi(llvm::StringRef Name);
/// A desc field an mmap_prepare hook cannot change at \p Level: the twin of
/// an immutable VMA field (start, end, mm), or the old spelling a renamed
/// twin left behind (desc->file once desc->vm_file exists).
bool isImmutableDescField(llvm::StringRef Field, ApiLevel Level);

/// printk(), _dev_err(), ...: a call that only prints a message
/// (KernelApi.def's VMAPREP_MESSAGE rows).
bool isMessageCall(llvm::StringRef Name);
/// A subsystem helper that takes over a VMA (drm_gem_*, vb2_*, ...).
bool isSubsystemHelper(llvm::StringRef Name);
/// atomic_set(), atomic_inc_unless_negative(), refcount_dec()...: an update
/// of a counter that is not a release, a read or an initialisation.
bool isCounterAcquisition(llvm::StringRef Name);
/// atomic_dec(), refcount_sub_and_test(), kref_put()...: a counter update
/// that gives back what an acquisition took.
bool isCounterRelease(llvm::StringRef Name);
/// mmap_action_remap(), mmap_action_ioremap_full(), ...
bool isActionHelper(llvm::StringRef Name);

} // namespace vmaprep

#endif

//===- KernelBindings.cpp - the kernel functions the interpreter runs -----===//
//
// One table, looked up by function name: each kernel function the model
// implements, bound to the code that calls it on the model's objects through
// the shim (flag helpers, mapping calls, desc helpers and actions) or counts
// it on the model's ledger (allocations, references, runtime PM, modules,
// devices, files). A function that is not in the table is a call the model
// does not implement: the evaluator gives its result the world's value.
//
//===----------------------------------------------------------------------===//
#include "validation/Interpreter.h"

extern "C" {
#include <linux/dax.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
}

#include <algorithm>
#include <memory>

namespace vmaprep::interpreter {

using namespace vmaprep::model;

namespace {

bool isAtomicCounterOp(const std::string &N) { return N.rfind("atomic_", 0) == 0 || N.rfind("atomic64_", 0) == 0; }

uint64_t errnoValue(int R) { return uint64_t(int64_t(R)); }

} // namespace

struct vm_area_struct *KernelCall::vma(size_t K) const {
  if (K >= Args.size() || Args[K].K != Value::Vma)
    cannotRun("'" + Name + "' without the VMA", "");
  return static_cast<struct vm_area_struct *>(Args[K].Obj);
}

struct vm_area_desc *KernelCall::desc(size_t K) const {
  if (K >= Args.size() || Args[K].K != Value::Desc)
    cannotRun("'" + Name + "' without the desc", "");
  return static_cast<struct vm_area_desc *>(Args[K].Obj);
}

bool KernelCall::ledger(Resource R, bool Acquire, uint64_t Result) {
  if (Acquire) {
    Interp.AcquisitionSite = Interp.Frames.empty() ? Where : Interp.FrameNames.back() + "() at " + Where;
    Kernel::current().ledger.acquire(R);
    Interp.AcquisitionSite.clear();
  } else {
    Kernel::current().ledger.release(R);
  }
  Out = Value::number(Result);
  return true;
}

/// The allocator a profiled name stands for: since allocation profiling
/// (6.10) kmalloc() and friends are macros over kmalloc_noprof() (7.3:
/// kzalloc() over _kzalloc_noprof()), which the bindings know by the
/// unprofiled name.
static std::string unprofiledName(const std::string &Name) {
  const std::string Suffix = "_noprof";
  if (Name.size() <= Suffix.size() || Name.compare(Name.size() - Suffix.size(), Suffix.size(), Suffix) != 0)
    return Name;
  std::string Base = Name.substr(0, Name.size() - Suffix.size());
  if (Base.size() > 1 && Base[0] == '_' && Base[1] != '_')
    Base.erase(0, 1);
  return Base;
}

bool Interpreter::kernelCall(const std::string &CalledName, std::vector<Value> &A, const ProgramExpr &Call,
                             Value &Out) {
  std::string Name = unprofiledName(CalledName);
  KernelBinding Run = findKernelBinding(Name);
  if (!Run)
    return false;
  KernelCall C{*this, Name, A, Call.Where, Out};
  return Run(C);
}

KernelBinding Interpreter::findKernelBinding(const std::string &Name) {
  // --- VMA (legacy hook) ---
  const KernelBinding VmFlags = [](KernelCall &C) {
    struct vm_area_struct *V = C.vma(0);
    if (C.Name == "vm_flags_set")
      vm_flags_set(V, C.num(1));
    else if (C.Name == "vm_flags_clear")
      vm_flags_clear(V, C.num(1));
    else
      vm_flags_reset(V, C.num(1));
    return true;
  };
  const KernelBinding VmaSetFlagsMask = [](KernelCall &C) {
    vm_flags_set(C.vma(0), C.num(1)); // bit n of the mask is VM flag 1 << n
    return true;
  };
  const KernelBinding VmaClearFlagsMask = [](KernelCall &C) {
    vm_flags_clear(C.vma(0), C.num(1));
    return true;
  };
  const KernelBinding RemapPfnRange = [](KernelCall &C) {
    struct vm_area_struct *V = C.vma(0);
    C.Out = Value::number(errnoValue(C.Name == "remap_pfn_range"
                                         ? remap_pfn_range(V, C.num(1), C.num(2), C.num(3), prot(C.num(4)))
                                         : io_remap_pfn_range(V, C.num(1), C.num(2), C.num(3), prot(C.num(4)))));
    return true;
  };
  const KernelBinding VmMapPages = [](KernelCall &C) {
    // vm_map_pages() maps pages[vm_pgoff ..) of a num-page array: build the part it can read, with
    // its count capped at the end of that part (the bound checks come out the same).
    struct vm_area_struct *V = C.vma(0);
    const uint64_t Offset = C.Name == "vm_map_pages" ? V->vm_pgoff : 0;
    const uint64_t Count = std::min<uint64_t>(C.num(2), Offset + vma_pages(V));
    const uint64_t From = std::min(Offset, Count);
    if (Count - From > 4096)
      cannotRun("a page array of more than 4096 pages", C.Where);
    Value Window = C.Args.at(1);
    Window.Offset += From * sizeof(void *);
    std::vector<struct page *> Pages = C.Interp.pageArray(Window, Count - From);
    // vm_map_pages(V, array, Count) reads array[Offset + i]; on the window
    // that starts at Offset that is vm_map_pages_zero(V, window, Count -
    // From), with the same bound checks for a VMA of one page or more. A base
    // pointer From entries before the window (as passed before) made the
    // model's indexing overflow a pointer (UBSan, the sanitizer tier).
    int R = vm_map_pages_zero(V, Pages.data(), Count - From);
    C.Out = Value::number(errnoValue(R));
    return true;
  };
  const KernelBinding VmInsertPages = [](KernelCall &C) {
    if (C.Args.size() < 4 || C.Args[3].K != Value::LocalRef)
      cannotRun("vm_insert_pages with a count that is not a local", C.Where);
    Local &Count = C.Interp.localOf(C.Args[3]);
    unsigned long Num = Count.V.I;
    struct vm_area_struct *V = C.vma(0);
    if (Num > ~0UL / PAGE_SIZE) {
      // addr + num pages wraps: out of the VMA, and nothing is read.
      C.Out = Value::number(errnoValue(-EFAULT));
      return true;
    }
    // Only pages inside the VMA are ever read (the range is checked first).
    std::vector<struct page *> Pages = C.Interp.pageArray(C.Args[2], std::min<uint64_t>(Num, vma_pages(V)));
    int R = vm_insert_pages(V, C.num(1), Pages.data(), &Num);
    Count.V = Value::number(Num);
    C.Out = Value::number(errnoValue(R));
    return true;
  };
  const KernelBinding GenericFileMmap = [](KernelCall &C) {
    if (C.Args.empty() || C.Args[0].K != Value::File)
      cannotRun("'" + C.Name + "' on a file other than the mapped one", C.Where);
    struct file *F = static_cast<struct file *>(C.Args[0].Obj);
    C.Out = Value::number(errnoValue(C.Name == "generic_file_mmap" ? generic_file_mmap(F, C.vma(1))
                                                                   : generic_file_readonly_mmap(F, C.vma(1))));
    return true;
  };

  // --- desc (mmap_prepare) ---
  const KernelBinding DescSize = [](KernelCall &C) {
    struct vm_area_desc *D = C.desc(0);
    C.Out = Value::number(C.Name == "vma_desc_size" ? vma_desc_size(D) : vma_desc_pages(D));
    return true;
  };
  const KernelBinding DescFlagsMask = [](KernelCall &C) {
    struct vm_area_desc *D = C.desc(0);
    if (C.Name == "vma_desc_set_flags_mask")
      vma_desc_set_flags_mask(D, C.Interp.flagsOf(C.Args.at(1)));
    else
      vma_desc_clear_flags_mask(D, C.Interp.flagsOf(C.Args.at(1)));
    return true;
  };
  const KernelBinding DescTestMask = [](KernelCall &C) {
    struct vm_area_desc *D = C.desc(0);
    C.Out =
        Value::number(C.Name == "vma_desc_test_any_mask" ? vma_desc_test_any_mask(D, C.Interp.flagsOf(C.Args.at(1)))
                                                         : vma_desc_test_all_mask(D, C.Interp.flagsOf(C.Args.at(1))));
    return true;
  };
  const KernelBinding DescTest = [](KernelCall &C) {
    struct vm_area_desc *D = C.desc(0);
    C.Out = Value::number(C.num(1) < 64 ? (D->vma_flags.__vma_flags[0] >> C.num(1)) & 1 : 0);
    return true;
  };
  const KernelBinding GenericFileMmapPrepare = [](KernelCall &C) {
    struct vm_area_desc *D = C.desc(0);
    C.Out = Value::number(errnoValue(C.Name == "generic_file_mmap_prepare" ? generic_file_mmap_prepare(D)
                                                                           : generic_file_readonly_mmap_prepare(D)));
    return true;
  };
  const KernelBinding MapKernelPages = [](KernelCall &C) {
    // The action keeps the array until it completes: it must outlive this call.
    struct vm_area_desc *D = C.desc(0);
    const bool Full = C.Name == "mmap_action_map_kernel_pages_full";
    const Value &Array = C.Args.at(Full ? 1 : 2);
    const uint64_t Count = Full ? vma_desc_pages(D) : C.num(3);
    // The action checks its range before it reads: pages past the desc are never read.
    auto Pages = std::make_unique<std::vector<struct page *>>(
        C.Interp.pageArray(Array, std::min<uint64_t>(Count, vma_desc_pages(D))));
    struct page **Data = Pages->data();
    C.Interp.PageArrays.push_back(std::move(Pages));
    if (Full)
      mmap_action_map_kernel_pages_full(D, Data);
    else
      mmap_action_map_kernel_pages(D, C.num(1), Data, Count);
    return true;
  };

  // --- what a handler acquires and releases: counted on the model's ledger ---
  const KernelBinding Allocate = [](KernelCall &C) {
    const bool TwoSizes = C.Name == "kcalloc" || C.Name == "kmalloc_array" || C.Name == "kvcalloc";
    const uint64_t Size = TwoSizes ? C.num(0) * C.num(1) : C.num(0);
    C.Interp.AcquisitionSite = C.Interp.FrameNames.empty() ? C.Where : C.Interp.FrameNames.back() + "() at " + C.Where;
    void *P = kzalloc(Size ? Size : 1, 0);
    C.Interp.AcquisitionSite.clear();
    if (!P) {
      C.Out = Value::number(0);
      return true;
    }
    C.Out = Value::object(Value::Heap, P, Kernel::current().describe_heap_pointer(P));
    C.Interp.Named[P] = C.Out.Key;
    return true;
  };
  const KernelBinding Free = [](KernelCall &C) {
    if (!C.Args.empty() && C.Args[0].K == Value::Heap)
      kfree(C.Args[0].Obj);
    else if (!C.Args.empty() && C.Args[0].truth() && C.Args[0].K != Value::Opaque)
      cannotRun("'" + C.Name + "' of memory the handler did not allocate", C.Where);
    return true;
  };
  const KernelBinding KrefGet = [](KernelCall &C) { return C.ledger(Resource::Kref, true, 0); };
  const KernelBinding RefcountGet = [](KernelCall &C) { return C.ledger(Resource::Refcount, true, 0); };
  const KernelBinding RefcountPut = [](KernelCall &C) { return C.ledger(Resource::Refcount, false, 0); };
  const KernelBinding PmGet = [](KernelCall &C) { return C.ledger(Resource::PmRuntime, true, 0); };
  const KernelBinding PmPut = [](KernelCall &C) { return C.ledger(Resource::PmRuntime, false, 0); };
  const KernelBinding ModuleGet = [](KernelCall &C) { return C.ledger(Resource::Module, true, 1); };

  static const std::unordered_map<std::string, KernelBinding> Table = {
      // VMA (legacy hook)
      {"vm_flags_set", VmFlags},
      {"vm_flags_clear", VmFlags},
      {"vm_flags_reset", VmFlags},
      {"vm_flags_init", VmFlags},
      {"vma_set_flags_mask", VmaSetFlagsMask},
      {"__vmaprep_vma_set_flags_mask", VmaSetFlagsMask},
      {"vma_clear_flags_mask", VmaClearFlagsMask},
      {"__vmaprep_vma_clear_flags_mask", VmaClearFlagsMask},
      {"vm_flags_mod",
       [](KernelCall &C) {
         vm_flags_mod(C.vma(0), C.num(1), C.num(2));
         return true;
       }},
      {"vma_pages",
       [](KernelCall &C) {
         C.Out = Value::number(vma_pages(C.vma(0)));
         return true;
       }},
      {"vma_start_pgoff",
       [](KernelCall &C) {
         C.Out = Value::number(vma_start_pgoff(C.vma(0)));
         return true;
       }},
      {"vma_is_dax",
       [](KernelCall &C) {
         C.Out = Value::number(vma_is_dax(C.vma(0)));
         return true;
       }},
      {"file_is_dax",
       [](KernelCall &C) {
         C.Out = Value::number(C.Args.at(0).truth() && file_is_dax(C.Interp.fileOf(C.Args[0], C.Where)));
         return true;
       }},
      // Every spelling of include/linux/dax.h: the VMA (6.12), the flags
      // value (6.17) or the desc (7.0) first; the model's files are never
      // DAX files, so only MAP_SYNC decides.
      {"daxdev_mapping_supported",
       [](KernelCall &C) {
         const Value &First = C.Args.at(0);
         vm_flags_t Flags = First.K == Value::Vma    ? C.vma(0)->vm_flags
                            : First.K == Value::Desc ? vma_flags_to_legacy(C.desc(0)->vma_flags)
                                                     : vm_flags_t(C.num(0));
         C.Out = Value::number(!(Flags & VM_SYNC));
         return true;
       }},
      {"remap_pfn_range", RemapPfnRange},
      {"io_remap_pfn_range", RemapPfnRange},
      {"vm_iomap_memory",
       [](KernelCall &C) {
         C.Out = Value::number(errnoValue(vm_iomap_memory(C.vma(0), C.num(1), C.num(2))));
         return true;
       }},
      {"vm_map_pages", VmMapPages},
      {"vm_map_pages_zero", VmMapPages},
      {"vm_insert_page",
       [](KernelCall &C) {
         C.Out = Value::number(errnoValue(vm_insert_page(C.vma(0), C.num(1), C.Interp.pageOf(C.Args.at(2)))));
         return true;
       }},
      {"vm_insert_pages", VmInsertPages},
      {"vma_set_file",
       [](KernelCall &C) {
         vma_set_file(C.vma(0), C.Interp.fileOf(C.Args.at(1), C.Where));
         return true;
       }},
      {"vma_set_anonymous",
       [](KernelCall &C) {
         vma_set_anonymous(C.vma(0));
         return true;
       }},
      {"generic_file_mmap", GenericFileMmap},
      {"generic_file_readonly_mmap", GenericFileMmap},
      {"shmem_zero_setup",
       [](KernelCall &C) {
         C.Out = Value::number(errnoValue(shmem_zero_setup(C.vma(0))));
         return true;
       }},
      {"is_cow_mapping",
       [](KernelCall &C) {
         C.Out = Value::number(is_cow_mapping(C.num(0)));
         return true;
       }},
      {"vma_test",
       [](KernelCall &C) {
         C.Out = Value::number(C.num(1) < 64 ? (C.vma(0)->vm_flags >> C.num(1)) & 1 : 0);
         return true;
       }},
      // desc (mmap_prepare)
      {"vma_desc_size", DescSize},
      {"vma_desc_pages", DescSize},
      {"vma_desc_set_flags_mask", DescFlagsMask},
      {"vma_desc_clear_flags_mask", DescFlagsMask},
      {"vma_desc_test_any_mask", DescTestMask},
      {"vma_desc_test_all_mask", DescTestMask},
      {"vma_desc_test", DescTest},
      {"vma_desc_test_flags", DescTest},
      {"vma_flags_to_legacy",
       [](KernelCall &C) {
         C.Out = Value::number(C.num(0));
         return true;
       }},
      {"vma_desc_is_cow_mapping",
       [](KernelCall &C) {
         C.Out = Value::number(vma_desc_is_cow_mapping(C.desc(0)));
         return true;
       }},
      {"vma_desc_set_anonymous",
       [](KernelCall &C) {
         vma_desc_set_anonymous(C.desc(0));
         return true;
       }},
      {"generic_file_mmap_prepare", GenericFileMmapPrepare},
      {"generic_file_readonly_mmap_prepare", GenericFileMmapPrepare},
      {"shmem_zero_setup_desc",
       [](KernelCall &C) {
         C.Out = Value::number(errnoValue(shmem_zero_setup_desc(C.desc(0))));
         return true;
       }},
      {"mmap_action_remap",
       [](KernelCall &C) {
         mmap_action_remap(C.desc(0), C.num(1), C.num(2), C.num(3));
         return true;
       }},
      {"mmap_action_remap_full",
       [](KernelCall &C) {
         mmap_action_remap_full(C.desc(0), C.num(1));
         return true;
       }},
      {"mmap_action_ioremap",
       [](KernelCall &C) {
         mmap_action_ioremap(C.desc(0), C.num(1), C.num(2), C.num(3));
         return true;
       }},
      {"mmap_action_ioremap_full",
       [](KernelCall &C) {
         mmap_action_ioremap_full(C.desc(0), C.num(1));
         return true;
       }},
      {"mmap_action_simple_ioremap",
       [](KernelCall &C) {
         mmap_action_simple_ioremap(C.desc(0), C.num(1), C.num(2));
         return true;
       }},
      {"mmap_action_map_kernel_pages", MapKernelPages},
      {"mmap_action_map_kernel_pages_full", MapKernelPages},
      // What a handler acquires and releases: counted on the model's ledger.
      {"kmalloc", Allocate},
      {"kzalloc", Allocate},
      {"kcalloc", Allocate},
      {"kmalloc_array", Allocate},
      {"vmalloc", Allocate},
      {"vzalloc", Allocate},
      {"kvmalloc", Allocate},
      {"kvzalloc", Allocate},
      {"vmalloc_user", Allocate},
      {"kvcalloc", Allocate},
      {"kfree", Free},
      {"vfree", Free},
      {"kvfree", Free},
      {"kfree_sensitive", Free},
      {"kref_get", KrefGet},
      {"kref_get_unless_zero", [](KernelCall &C) { return C.ledger(Resource::Kref, true, 1); }},
      {"kref_put", [](KernelCall &C) { return C.ledger(Resource::Kref, false, 0); }},
      {"refcount_inc", RefcountGet},
      {"refcount_inc_not_zero", [](KernelCall &C) { return C.ledger(Resource::Refcount, true, 1); }},
      {"refcount_dec", RefcountPut},
      {"refcount_dec_and_test", RefcountPut},
      {"pm_runtime_get", PmGet},
      {"pm_runtime_get_sync", PmGet},
      {"pm_runtime_resume_and_get", PmGet},
      {"pm_runtime_get_noresume", PmGet},
      {"pm_runtime_put", PmPut},
      {"pm_runtime_put_sync", PmPut},
      {"pm_runtime_put_autosuspend", PmPut},
      {"pm_runtime_put_noidle", PmPut},
      {"try_module_get", ModuleGet},
      {"__module_get", ModuleGet},
      {"module_put", [](KernelCall &C) { return C.ledger(Resource::Module, false, 0); }},
      {"get_device",
       [](KernelCall &C) {
         C.ledger(Resource::Device, true, 0);
         C.Out = C.Args.empty() ? Value::number(0) : C.Args[0];
         return true;
       }},
      {"put_device", [](KernelCall &C) { return C.ledger(Resource::Device, false, 0); }},
      {"get_file",
       [](KernelCall &C) {
         if (C.Args.empty())
           return false;
         struct file *F = C.Interp.fileOf(C.Args[0], C.Where);
         get_file(F);
         C.Out = C.Args[0].K == Value::File ? C.Args[0] : Value::object(Value::File, F);
         return true;
       }},
      {"fput",
       [](KernelCall &C) {
         if (C.Args.empty())
           return false;
         fput(C.Interp.fileOf(C.Args[0], C.Where));
         return true;
       }},
  };

  // atomic_t counters (what afs really used): plain driver state the model's ledger does not count,
  // compared as driver state after the mmap and after teardown. One binding for the whole family.
  const KernelBinding AtomicCounter = [](KernelCall &C) {
    const std::string &N = C.Name;
    std::string Op = N.substr(N.find('_') + 1);
    if (N.rfind("atomic64_", 0) == 0 || N.rfind("atomic_long_", 0) == 0)
      Op = N.substr(N.find('_', N.find('_') + 1) + 1);
    const bool CountFirst = Op == "add" || Op == "sub" || Op == "add_return" || Op == "sub_return";
    const Value &Ptr = C.Args.at(CountFirst ? 1 : 0);
    const uint64_t Old = C.Interp.load(Ptr, ValueClass::Integer).I;
    uint64_t New = Old;
    if (Op == "read") {
      C.Out = Value::number(Old);
      return true;
    }
    if (Op == "set")
      New = C.num(1);
    else if (Op == "inc" || Op == "inc_return")
      New = Old + 1;
    else if (Op == "dec" || Op == "dec_return" || Op == "dec_and_test")
      New = Old - 1;
    else if (Op == "add" || Op == "add_return")
      New = Old + C.num(0);
    else if (Op == "sub" || Op == "sub_return")
      New = Old - C.num(0);
    else if (Op == "inc_not_zero")
      New = Old ? Old + 1 : Old;
    else
      return false;
    const unsigned Bits = N.rfind("atomic_", 0) == 0 && N.rfind("atomic_long_", 0) != 0 ? 32 : 64;
    if (Bits == 32)
      New = uint64_t(int64_t(int32_t(uint32_t(New))));
    C.Interp.Memory[pointee(Ptr)] = Value::number(New);
    if (Op == "dec_and_test")
      C.Out = Value::number(New == 0);
    else if (Op == "inc_not_zero")
      C.Out = Value::number(Old != 0);
    else
      C.Out = Value::number(New);
    return true;
  };

  auto It = Table.find(Name);
  if (It != Table.end())
    return It->second;
  return isAtomicCounterOp(Name) ? AtomicCounter : nullptr;
}

} // namespace vmaprep::interpreter

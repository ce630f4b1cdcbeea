// Creating the mapping, after mm/vma.c __mmap_region() (mmap_region() in mm/mmap.c hands over to it):
// __mmap_setup() (gathering what MAP_FIXED replaces, may_expand_vm(), vms_clean_up_area(),
// accountable_mapping()), the merge with a neighbour, __mmap_new_vma() / __mmap_new_file_vma(), and
// __mmap_complete(). The two driver hook paths are here: the legacy file_operations->mmap (mmap_file(),
// called on the new VMA) and ->mmap_prepare (mm/vma.c call_mmap_prepare(), on a struct vm_area_desc,
// before any VMA exists). The mmap_action a prepare hook sets is run by MmapAction.cpp.
#include "AddressSpaceInternal.h"
#include "vmaprep/model/AddressSpace.h"
#include "vmaprep/model/Shim.h"

extern "C" {
#include <linux/shmem_fs.h>
}

namespace vmaprep::model {

namespace {

// mm/mmap.c accountable_mapping(): private writable memory is charged to the commit limit and marked
// VM_ACCOUNT, which keeps it from merging with uncharged neighbours. The model has no hugetlbfs files.
bool accountable_mapping(vm_flags_t flags) { return (flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE; }

unsigned long desc_flags_word(const vm_area_desc& desc) { return desc.vma_flags.__vma_flags[0]; }

}  // namespace

long AddressSpace::mmap_region(MmapRequest& req) {
  // __mmap_setup(): gather what a MAP_FIXED mapping replaces, check limits, clean up the old area.
  Gathered gathered;
  int err = gather_range(req.addr, req.end, gathered);
  if (err) return err;
  const unsigned long pglen = req.len >> PAGE_SHIFT;
  // may_expand_vm(): the kernel adds pglen - nr_pages to a total_vm that still counts the detached VMAs;
  // here they are unlinked already, so the same sum is mapped_pages_ + pglen.
  if (mapped_pages_ + pglen > (config_.rlimit_as >> PAGE_SHIFT)) {
    reattach(gathered);
    return -ENOMEM;
  }
  // vms_clean_up_area(): from here the old mappings cannot be restored; a later failure leaves a gap.
  const bool cleaned = !gathered.detached.empty();
  for (VmaPtr& old : gathered.detached) zap_range(old->vm_start, old->vm_end);
  for (VmaPtr& old : gathered.detached)
    if (old->vm_ops && old->vm_ops->close) old->vm_ops->close(old.get());
  // __mmap_setup(): accountable_mapping() charges private writable memory and marks it VM_ACCOUNT
  // before the hook runs.
  if (accountable_mapping(req.flags)) req.flags |= VM_ACCOUNT;

  auto abort_munmap = [&](int error) -> long {
    if (req.vm_file_owned && req.vm_file) file_ref_put(req.vm_file);
    if (cleaned)
      complete_munmap(gathered, /*cleaned_up=*/true);
    else
      reattach(gathered);
    return error;
  };

  mmap_action initial_action{};
  initial_action.type = MMAP_NOTHING;
  vm_area_desc desc{&mm_,        req.file,      req.addr,          req.end, req.pgoff,     req.file,
                    {req.flags}, req.page_prot, &vma_dummy_vm_ops, nullptr, initial_action};
  if (req.hugetlb) return abort_munmap(-ENOMEM);  // hugetlb_reserve_pages() with an empty pool
  if (req.prepare) {
    err = mmap_prepare_hook(req, desc);
    if (err) return abort_munmap(err);
  }

  vm_area_struct* vma = merge_new_range(req.addr, req.end, req.pgoff, req.flags, req.vm_file);
  bool allocated_new = false;
  if (vma && req.vm_file_owned && req.vm_file) {
    // Merged into a VMA that already holds this file.
    file_ref_put(req.vm_file);
  }
  if (!vma) {
    // __mmap_new_vma()
    VmaPtr fresh = vma_alloc("vm_area_alloc");
    if (!fresh) return abort_munmap(-ENOMEM);
    fresh->vm_start = req.addr;
    fresh->vm_end = req.end;
    fresh->vm_pgoff = req.pgoff;
    fresh->__vm_flags = req.flags;
    fresh->vm_page_prot = req.page_prot;
    if (req.file) {
      // __mmap_new_file_vma()
      fresh->vm_file = req.vm_file;
      if (!req.vm_file_owned) file_ref_get(req.vm_file);
      req.vm_file_owned = false;
      if (!req.prepare) {
        err = mmap_legacy_hook(req, fresh.get());
        if (err) {
          if (fresh->vm_file) file_ref_put(fresh->vm_file);
          fresh->vm_file = nullptr;
          zap_range(fresh->vm_start, fresh->vm_end);  // unmap_region(): undo a partial mapping
          fresh.reset();
          return abort_munmap(err);
        }
      }
    } else if (req.flags & VM_SHARED) {
      err = shmem_zero_setup(fresh.get());
      if (err) {
        fresh.reset();
        return abort_munmap(err);
      }
    } else {
      vma_set_anonymous(fresh.get());
    }
    vma = link(std::move(fresh));
    allocated_new = true;
  }
  if (req.prepare) {
    // set_vma_user_defined_fields(): also applied to a VMA the mapping merged into. The desc started with
    // the dummy operations, so NULL here is the hook asking for an anonymous VMA (/dev/zero).
    vma->vm_ops = req.vm_ops;
    vma->vm_private_data = req.private_data;
  }

  // __mmap_complete()
  if (cleaned) complete_munmap(gathered, /*cleaned_up=*/true);
  vma_set_page_prot(vma);

  if (req.prepare && allocated_new && req.kapi >= VMAPREP_KAPI_6_19) {
    err = mmap_action_complete(req, vma, desc.action);
    if (err) return err;
  }
  return static_cast<long>(req.addr);
}

int AddressSpace::mmap_legacy_hook(MmapRequest& req, vm_area_struct* vma) {
  Kernel& kernel = Kernel::current();
  const int err = req.file->f_op->mmap(req.file, vma);
  if (err) return err;
  if (vma->vm_start != req.addr || vma->vm_end != req.end) {
    // The kernel only WARNs and then corrupts its tree; the model refuses the mapping instead.
    kernel.warn("->mmap moved the VMA");
    vma->vm_start = req.addr;
    vma->vm_end = req.end;
    return -EINVAL;
  }
  if (req.kapi >= VMAPREP_KAPI_7_1 && vma->vm_ops && vma->vm_ops->mapped) {
    kernel.warn("vm_ops->mapped set from ->mmap (only valid from ->mmap_prepare)");
    return -EINVAL;
  }
  if (!(req.flags & VM_MAYWRITE) && (vma->vm_flags & VM_MAYWRITE))
    kernel.warn("->mmap made a mapping writable that was not allowed to be");
  req.vm_file = vma->vm_file;
  req.flags = vma->vm_flags;
  return 0;
}

// call_mmap_prepare(): hook, action prepare, copy back the whitelisted fields.
int AddressSpace::mmap_prepare_hook(MmapRequest& req, vm_area_desc& desc) {
  int err = req.file->f_op->mmap_prepare(&desc);
  if (err) return err;
  if (req.kapi >= VMAPREP_KAPI_6_19) {
    err = mmap_action_prepare(req, desc);
    if (err) return err;
  }
  req.pgoff = desc.pgoff;
  struct file* vm_file = req.kapi >= VMAPREP_KAPI_6_18 ? desc.vm_file : desc.file;
  if (vm_file != req.file) {
    // The core owns the reference the hook took (file_doesnt_need_get): it moves out of the handler's
    // ledger. Without one, the kernel would later drop a reference nobody took.
    if (vm_file && !Kernel::current().take_handler_file_ref(vm_file)) {
      Kernel::current().warn("->mmap_prepare stored a file in the desc without taking a reference (get_file)");
      file_ref_get(vm_file);
    }
    req.vm_file = vm_file;
    req.vm_file_owned = true;
  }
  req.flags = desc_flags_word(desc);
  req.page_prot = desc.page_prot;
  req.vm_ops = desc.vm_ops;
  req.private_data = desc.private_data;
  return 0;
}

}  // namespace vmaprep::model

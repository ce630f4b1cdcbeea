// The mmap_action an ->mmap_prepare hook leaves in its vm_area_desc, after mm/util.c
// mmap_action_prepare() (with the per-type prepare steps of mm/memory.c, remap_pfn_range_prepare() and
// the simple I/O remap) and mmap_action_complete() / mmap_action_finish(), including the 7.1+
// error_override and vm_operations_struct->mapped call, and the 6.19/7.0 success and error hooks.
// MmapRegion.cpp calls both steps; the page-table work is Memory.cpp's. compat_vma_mmap() runs a
// ->mmap_prepare hook on an existing VMA, for vfs_mmap() from a stacked ->mmap.
#include "AddressSpaceInternal.h"
#include "vmaprep/model/AddressSpace.h"

namespace vmaprep::model {

// mm/util.c mmap_action_prepare() and the per-type prepare steps in mm/memory.c.
int AddressSpace::mmap_action_prepare(MmapRequest& req, vm_area_desc& desc) {
  Kernel& kernel = Kernel::current();
  mmap_action& action = desc.action;
  unsigned long& flags = desc.vma_flags.__vma_flags[0];
  if (req.kapi >= VMAPREP_KAPI_7_1) {
    const long override_value = action.error_override;
    if (override_value && !(override_value < 0 && override_value >= -MAX_ERRNO)) {
      kernel.warn("mmap_action.error_override is not a valid -errno");
      return -EINVAL;
    }
  }
  auto remap_prepare = [&]() -> int {
    const unsigned long start = action.remap.start;
    const unsigned long end = start + action.remap.size;
    if (!(desc.start <= start && end <= desc.end && start <= end)) return -EFAULT;
    if (is_cow_mapping(flags)) {
      // get_remap_pgoff(): a CoW remap must cover the whole VMA, and pgoff records the pfn.
      if (start != desc.start || end != desc.end) return -EINVAL;
      desc.pgoff = action.remap.start_pfn;
    }
    flags |= VM_REMAP_FLAGS;
    return 0;
  };
  switch (action.type) {
    case MMAP_NOTHING: return 0;
    case MMAP_REMAP_PFN:
    case MMAP_IO_REMAP_PFN: return remap_prepare();
    case MMAP_SIMPLE_IO_REMAP: {
      if (req.kapi < VMAPREP_KAPI_7_1) break;
      // __simple_ioremap_prep(): vm_iomap_memory()'s arithmetic, then an I/O remap of the whole VMA.
      phys_addr_t start_phys = action.simple_ioremap.start_phys_addr;
      unsigned long size = action.simple_ioremap.size;
      const unsigned long vm_len = desc.end - desc.start;
      if (start_phys + size < start_phys) return -EINVAL;
      size += start_phys & ~PAGE_MASK;
      unsigned long pfn = start_phys >> PAGE_SHIFT;
      unsigned long pages = (size + ~PAGE_MASK) >> PAGE_SHIFT;
      if (pfn + pages < pfn) return -EINVAL;
      if (desc.pgoff > pages) return -EINVAL;
      pfn += desc.pgoff;
      pages -= desc.pgoff;
      if ((vm_len >> PAGE_SHIFT) > pages) return -EINVAL;
      action.remap.start = desc.start;
      action.remap.start_pfn = pfn;
      action.remap.size = vm_len;
      action.remap.pgprot = desc.page_prot;
      action.type = MMAP_IO_REMAP_PFN;
      return remap_prepare();
    }
    case MMAP_MAP_KERNEL_PAGES: {
      if (req.kapi < VMAPREP_KAPI_7_1) break;
      if (!(flags & VM_MIXEDMAP)) {
        if (flags & VM_PFNMAP) kernel.warn("map_kernel_pages on a PFNMAP mapping");
        flags |= VM_MIXEDMAP;
      }
      const unsigned long start = action.map_kernel.start;
      const unsigned long end = start + PAGE_SIZE * action.map_kernel.nr_pages;
      if (!(desc.start <= start && end <= desc.end && start <= end)) return -EFAULT;
      return 0;
    }
  }
  kernel.warn("unknown mmap_action type");
  return -EINVAL;
}

// mm/util.c mmap_action_complete() / mmap_action_finish() (7.1+) and the 6.19/7.0 hook variant. From the
// compatibility layer (is_compat) a failure is returned as it is: the ->mmap that called vfs_mmap() fails,
// and the core unmaps the VMA it made.
int AddressSpace::mmap_action_complete(MmapRequest& req, vm_area_struct* vma, mmap_action& action, bool is_compat) {
  int err = 0;
  switch (action.type) {
    case MMAP_NOTHING: break;
    case MMAP_REMAP_PFN:
    case MMAP_IO_REMAP_PFN:
      err = install_pfn_range(vma, action.remap.start, action.remap.start_pfn, action.remap.size, action.remap.pgprot,
                              action.type == MMAP_IO_REMAP_PFN ? PteKind::IoPfn : PteKind::Pfn);
      break;
    case MMAP_MAP_KERNEL_PAGES: {
      unsigned long addr = action.map_kernel.start;
      for (unsigned long i = 0; i < action.map_kernel.nr_pages && !err; ++i, addr += PAGE_SIZE)
        err = install_page(vma, addr, action.map_kernel.pages[i], vma->vm_page_prot);
      break;
    }
    case MMAP_SIMPLE_IO_REMAP:
      Kernel::current().warn("simple_ioremap action reached the complete step");
      err = -EINVAL;
      break;
  }
  const unsigned long start = vma->vm_start;
  const unsigned long len = vma->vm_end - vma->vm_start;
  if (req.kapi >= VMAPREP_KAPI_7_1) {
    if (!err && vma->vm_ops && vma->vm_ops->mapped)
      err = vma->vm_ops->mapped(vma->vm_start, vma->vm_end, vma->vm_pgoff, vma->vm_file, &vma->vm_private_data);
    if (!err || is_compat) return err;
    do_munmap(start, len);
    return action.error_override ? action.error_override : err;
  }
  if (err && is_compat) return err;  // as 7.3's compatibility layer does; the model applies it at 6.19/7.0 too
  if (err) {
    do_munmap(start, len);
    if (action.__vmaprep_hidden_error_hook) {
      err = action.__vmaprep_hidden_error_hook(err);
      if (!err) Kernel::current().warn("mmap_action error_hook cleared the error");
    }
    return err;
  }
  // 6.19/7.0: a failing success_hook fails mmap() but leaves the VMA mapped.
  if (action.__vmaprep_hidden_success_hook) return action.__vmaprep_hidden_success_hook(vma);
  return 0;
}

// mm/util.c compat_vma_mmap(): compat_set_desc_from_vma(), the file's ->mmap_prepare, the action's prepare
// step, compat_set_vma_from_desc() (mm/vma.h) and the action's complete step, on a VMA that exists already.
int AddressSpace::compat_vma_mmap(struct file* file, vm_area_struct* vma) {
  mmap_action nothing{};
  nothing.type = MMAP_NOTHING;
  vm_area_desc desc{&mm_,          file,         vma->vm_start,   vma->vm_end,
                    vma->vm_pgoff, vma->vm_file, {vma->vm_flags}, vma->vm_page_prot,
                    vma->vm_ops,   nullptr,      nothing};
  int err = file->f_op->mmap_prepare(&desc);
  if (err) return err;
  MmapRequest req{};
  req.file = file;
  req.kapi = file->__vmaprep_kapi;
  if (req.kapi >= VMAPREP_KAPI_6_19) {
    err = mmap_action_prepare(req, desc);
    if (err) return err;
  }
  // compat_set_vma_from_desc(): a file the hook put in the desc gets its own reference (vma_set_file()).
  vma->vm_pgoff = desc.pgoff;
  struct file* vm_file = req.kapi >= VMAPREP_KAPI_6_18 ? desc.vm_file : desc.file;
  if (vm_file != vma->vm_file) vma_set_file(vma, vm_file);
  __vmaprep_vma_flags_write(vma, desc.vma_flags.__vma_flags[0]);
  vma->vm_page_prot = desc.page_prot;
  vma->vm_ops = desc.vm_ops;
  vma->vm_private_data = desc.private_data;
  if (req.kapi < VMAPREP_KAPI_6_19) return 0;
  return mmap_action_complete(req, vma, desc.action, /*is_compat=*/true);
}

}  // namespace vmaprep::model

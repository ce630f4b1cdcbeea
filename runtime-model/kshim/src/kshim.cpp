// The kernel API shim's out-of-line functions, implemented on the runtime model. Every function here is
// called from driver C code, so none may let a C++ exception escape: they are noexcept (an escaping
// exception terminates instead of unwinding through C frames) and report failure as -errno or NULL.
#include "vmaprep/model/AddressSpace.h"
#include "vmaprep/model/Kernel.h"
#include "vmaprep/model/Shim.h"

extern "C" {
#include <linux/anon_inodes.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pm_runtime.h>
#include <linux/refcount.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
}

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

using vmaprep::model::AddressSpace;
using vmaprep::model::FileKind;
using vmaprep::model::FileSpec;
using vmaprep::model::Kernel;
using vmaprep::model::PteKind;
using vmaprep::model::Resource;

namespace {

Kernel& kernel() { return Kernel::current(); }

AddressSpace* model_of(const vm_area_struct* vma) {
  AddressSpace* as = vma ? AddressSpace::from_mm(vma->vm_mm) : nullptr;
  if (!as) kernel().warn("VMA is not part of a model address space");
  return as;
}

// Where tracked memory comes from: the slab (kmalloc), a vmalloc area (vmalloc_user()'s is VM_USERMAP), or
// an ioremap mapping. All but the slab's are page aligned, as the kernel's are.
enum class Area { Slab, Vmalloc, VmallocUser, Ioremap };

void* tracked_alloc(std::size_t size, bool zero, Area area, const char* site) noexcept {
  if (kernel().faults.should_fail(site)) return nullptr;
  const bool page_aligned = area != Area::Slab;
  const std::size_t bytes = size ? size : 1;
  void* p = page_aligned ? std::aligned_alloc(PAGE_SIZE, PAGE_ALIGN(bytes)) : std::malloc(bytes);
  if (!p) return nullptr;
  if (zero) std::memset(p, 0, page_aligned ? PAGE_ALIGN(bytes) : bytes);
  vmaprep::model::Ledger::Block block{bytes, kernel().ledger.next_sequence++};
  block.kind = area == Area::Ioremap ? Resource::Ioremap : Resource::Kmalloc;
  block.vmalloc = area == Area::Vmalloc || area == Area::VmallocUser;
  block.usermap = area == Area::VmallocUser;
  kernel().ledger.live_blocks[p] = block;
  kernel().ledger.acquire(block.kind);
  return p;
}

void tracked_free(const void* p, const char* what, Resource kind = Resource::Kmalloc) noexcept {
  if (!p) return;
  auto& blocks = kernel().ledger.live_blocks;
  auto it = blocks.find(p);
  if (it == blocks.end() || it->second.kind != kind) {
    kernel().warn(std::string(what) + " of memory that is not a live " +
                  (kind == Resource::Ioremap ? "ioremap mapping" : "allocation (double free?)"));
    return;
  }
  blocks.erase(it);
  kernel().ledger.release(kind);
  std::free(const_cast<void*>(p));
}

// find_vm_area(): the vmalloc area that contains addr (its start in *start), or null.
const vmaprep::model::Ledger::Block* find_vm_area(const void* addr, std::uintptr_t* start) noexcept {
  const auto a = reinterpret_cast<std::uintptr_t>(addr);
  for (const auto& [memory, block] : kernel().ledger.live_blocks) {
    const auto m = reinterpret_cast<std::uintptr_t>(memory);
    if (block.vmalloc && a >= m && a < m + PAGE_ALIGN(block.size)) {
      *start = m;
      return &block;
    }
  }
  return nullptr;
}

// The ->fault callbacks of the tables the shim provides, for AddressSpace::read_fault(), which asks what a
// read would get and maps nothing: they answer whether the kernel's would fail, and allocate no page.

// mm/shmem.c shmem_fault() -> shmem_get_folio_gfp(SGP_CACHE): an index past MAX_LFS_FILESIZE is -EFBIG,
// one at or past i_size is -EINVAL, and vmf_error() makes either VM_FAULT_SIGBUS. Below i_size the kernel
// allocates a zeroed folio (the model's read_fault() says "zero"). A /dev/zero mapping's shmem file is the
// size of the mapping (shmem_zero_setup() below), so a mapping at a non-zero offset reaches past its end.
vm_fault_t shmem_fault(struct vm_fault* vmf) noexcept {
  constexpr unsigned long kMaxLfsFileSize = 0x7fffffffffffffffUL;  // MAX_LFS_FILESIZE on 64-bit
  if (vmf->pgoff > (kMaxLfsFileSize >> PAGE_SHIFT)) return VM_FAULT_SIGBUS;
  if (static_cast<loff_t>(vmf->pgoff << PAGE_SHIFT) >= vmf->vma->vm_file->f_inode->i_size) return VM_FAULT_SIGBUS;
  return 0;
}

// mm/filemap.c filemap_fault(): the file's own page from the page cache. The model has neither the page cache
// nor the file's size (its files are empty), so the page is never refused here: read_fault() says "file".
vm_fault_t filemap_fault(struct vm_fault*) noexcept { return 0; }

vm_operations_struct with_fault(vm_fault_t (*fault)(struct vm_fault*)) {
  vm_operations_struct ops{};
  ops.fault = fault;
  return ops;
}

const file_operations shmem_anon_file_operations = {};
const vm_operations_struct shmem_anon_vm_ops = with_fault(shmem_fault);
const vm_operations_struct generic_file_vm_ops = with_fault(filemap_fault);

// shmem_kernel_file_setup(name, size, flags): a shmem file of size bytes (its i_size).
struct file* shmem_file_setup(loff_t size) noexcept {
  if (kernel().faults.should_fail("shmem_file_setup")) return nullptr;
  FileSpec spec;
  spec.fops = &shmem_anon_file_operations;
  spec.kind = vmaprep::model::FileKind::Regular;
  struct file* file = vmaprep::model::open_file(spec);
  if (file) file->f_inode->i_size = size;
  return file;
}

}  // namespace

extern "C" {

const struct vm_operations_struct vma_dummy_vm_ops = {};
struct module __this_module = {};

int __vmaprep_warn(const char* file, int line, const char* cond) noexcept {
  kernel().warn(std::string("WARN_ON(") + cond + ") at " + file + ":" + std::to_string(line));
  return 1;
}

int printk(const char* fmt, ...) noexcept {
  if (!std::getenv("VMAPREP_PRINTK")) return 0;
  va_list args;
  va_start(args, fmt);
  const int n = std::vfprintf(stderr, fmt, args);
  va_end(args);
  return n;
}

// --- VMA flags ---

void __vmaprep_vma_flags_write(struct vm_area_struct* vma, vm_flags_t flags) noexcept {
  if (AddressSpace* as = AddressSpace::from_mm(vma->vm_mm)) as->assert_write_locked("vm_flags_*()");
  vma->__vm_flags = flags;
}

void vma_set_flags_mask(struct vm_area_struct* vma, vma_flags_t flags) noexcept {
  __vmaprep_vma_flags_write(vma, vma->vm_flags | flags.__vma_flags[0]);
}

void vma_clear_flags_mask(struct vm_area_struct* vma, vma_flags_t flags) noexcept {
  __vmaprep_vma_flags_write(vma, vma->vm_flags & ~flags.__vma_flags[0]);
}

// The boot CPU's family, which x86's pgprot_noncached() tests (every CPU since the 486 has UC-).
int boot_cpu_x86 = 6;

pgprot_t pgprot_writecombine(pgprot_t prot) noexcept {
  return __pgprot((pgprot_val(prot) & ~_PAGE_CACHE_MASK) | _PAGE_PWT);
}

// protection_map[] of x86-64: private writable mappings are read-only until CoW.
pgprot_t vm_get_page_prot(vm_flags_t vm_flags) noexcept {
  if (!(vm_flags & (VM_READ | VM_WRITE | VM_EXEC))) return __pgprot(0);
  unsigned long prot = _PAGE_PRESENT | _PAGE_USER;
  if ((vm_flags & VM_WRITE) && (vm_flags & VM_SHARED)) prot |= _PAGE_RW;
  if (!(vm_flags & VM_EXEC)) prot |= _PAGE_NX;
  return __pgprot(prot);
}

void vma_set_file(struct vm_area_struct* vma, struct file* file) noexcept {
  vmaprep::model::file_ref_get(file);
  struct file* old = vma->vm_file;
  vma->vm_file = file;
  if (old) vmaprep::model::file_ref_put(old);
}

// --- page-table population (mm/memory.c) ---

static int remap_common(struct vm_area_struct* vma, unsigned long addr, unsigned long pfn, unsigned long size,
                        pgprot_t prot, PteKind kind) noexcept {
  AddressSpace* as = model_of(vma);
  if (!as) return -EINVAL;
  const unsigned long end = addr + PAGE_ALIGN(size);
  if (!PAGE_ALIGNED(addr)) {
    kernel().warn("remap_pfn_range: address not page aligned");
    return -EINVAL;
  }
  // remap_pfn_range_notrack(): a CoW mapping must be remapped whole, and then records the pfn in pgoff.
  if (is_cow_mapping(vma->vm_flags)) {
    if (addr != vma->vm_start || end != vma->vm_end) return -EINVAL;
    vma->vm_pgoff = pfn;
  }
  __vmaprep_vma_flags_write(vma, vma->vm_flags | VM_REMAP_FLAGS);
  return as->install_pfn_range(vma, addr, pfn, size, prot, kind);
}

int remap_pfn_range(struct vm_area_struct* vma, unsigned long addr, unsigned long pfn, unsigned long size,
                    pgprot_t prot) noexcept {
  return remap_common(vma, addr, pfn, size, prot, PteKind::Pfn);
}

int io_remap_pfn_range(struct vm_area_struct* vma, unsigned long addr, unsigned long pfn, unsigned long size,
                       pgprot_t prot) noexcept {
  return remap_common(vma, addr, pfn, size, pgprot_decrypted(prot), PteKind::IoPfn);
}

int vm_iomap_memory(struct vm_area_struct* vma, phys_addr_t start, unsigned long len) noexcept {
  if (start + len < start) return -EINVAL;
  // Historically allowed: I/O memory that is not page aligned.
  len += start & ~PAGE_MASK;
  unsigned long pfn = start >> PAGE_SHIFT;
  unsigned long pages = (len + ~PAGE_MASK) >> PAGE_SHIFT;
  if (pfn + pages < pfn) return -EINVAL;
  if (vma->vm_pgoff > pages) return -EINVAL;
  pfn += vma->vm_pgoff;
  pages -= vma->vm_pgoff;
  const unsigned long vm_len = vma->vm_end - vma->vm_start;
  if ((vm_len >> PAGE_SHIFT) > pages) return -EINVAL;
  return io_remap_pfn_range(vma, vma->vm_start, pfn, vm_len, vma->vm_page_prot);
}

static void make_mixedmap(struct vm_area_struct* vma) noexcept {
  if (vma->vm_flags & VM_MIXEDMAP) return;
  if (vma->vm_flags & VM_PFNMAP) kernel().warn("vm_insert_page on a PFNMAP mapping");
  __vmaprep_vma_flags_write(vma, vma->vm_flags | VM_MIXEDMAP);
}

int vm_insert_page(struct vm_area_struct* vma, unsigned long addr, struct page* page) noexcept {
  AddressSpace* as = model_of(vma);
  if (!as) return -EINVAL;
  if (addr < vma->vm_start || addr >= vma->vm_end) return -EFAULT;
  if (!page || !page_count(page)) return -EINVAL;
  make_mixedmap(vma);
  return as->install_page(vma, addr, page, vma->vm_page_prot);
}

int vm_insert_pages(struct vm_area_struct* vma, unsigned long addr, struct page** pages, unsigned long* num) noexcept {
  AddressSpace* as = model_of(vma);
  if (!as) return -EINVAL;
  const unsigned long end = addr + PAGE_SIZE * *num;
  if (!range_in_vma(vma, addr, end)) return -EFAULT;
  make_mixedmap(vma);
  const unsigned long total = *num;
  for (unsigned long i = 0; i < total; ++i) {
    const int err = as->install_page(vma, addr + i * PAGE_SIZE, pages[i], vma->vm_page_prot);
    if (err) {
      *num = total - i;  // pages left unmapped
      return err;
    }
  }
  *num = 0;
  return 0;
}

static int map_pages_from(struct vm_area_struct* vma, struct page** pages, unsigned long num,
                          unsigned long offset) noexcept {
  const unsigned long count = vma_pages(vma);
  if (offset >= num) return -ENXIO;
  if (count > num - offset) return -ENXIO;
  for (unsigned long i = 0; i < count; ++i) {
    const int err = vm_insert_page(vma, vma->vm_start + i * PAGE_SIZE, pages[offset + i]);
    if (err < 0) return err;
  }
  return 0;
}

int vm_map_pages(struct vm_area_struct* vma, struct page** pages, unsigned long num) noexcept {
  return map_pages_from(vma, pages, num, vma->vm_pgoff);
}

int vm_map_pages_zero(struct vm_area_struct* vma, struct page** pages, unsigned long num) noexcept {
  return map_pages_from(vma, pages, num, 0);
}

void zap_vma_ptes(struct vm_area_struct* vma, unsigned long address, unsigned long size) noexcept {
  if (!range_in_vma(vma, address, address + size) || !(vma->vm_flags & VM_PFNMAP)) return;
  if (AddressSpace* as = model_of(vma)) as->zap_range(address, address + size);
}

// Single pages inserted by pfn (mm/memory.c), as fault handlers do and some ->mmap handlers do up front.
// insert_pfn(): an entry already there is left as it is (another fault got there first); a new one is
// special, as remap's are. x86 has special PTEs, so vmf_insert_mixed() takes the same path.
static vm_fault_t insert_pfn(struct vm_area_struct* vma, unsigned long addr, unsigned long pfn,
                             pgprot_t prot) noexcept {
  AddressSpace* as = model_of(vma);
  if (!as) return VM_FAULT_SIGBUS;
  const unsigned long page = addr & PAGE_MASK;
  if (as->pte_present(page)) return VM_FAULT_NOPAGE;
  if (as->install_pfn_range(vma, page, pfn, PAGE_SIZE, prot, PteKind::Pfn) == -ENOMEM) return VM_FAULT_OOM;
  return VM_FAULT_NOPAGE;
}

vm_fault_t vmf_insert_pfn_prot(struct vm_area_struct* vma, unsigned long addr, unsigned long pfn,
                               pgprot_t pgprot) noexcept {
  // The kernel BUG()s on these misuses; the model warns and fails the insertion.
  const vm_flags_t special = vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP);
  if (!special || special == (VM_PFNMAP | VM_MIXEDMAP)) {
    kernel().warn("vmf_insert_pfn on a mapping that is not exactly one of VM_PFNMAP and VM_MIXEDMAP");
    return VM_FAULT_SIGBUS;
  }
  if ((vma->vm_flags & VM_PFNMAP) && is_cow_mapping(vma->vm_flags)) {
    kernel().warn("vmf_insert_pfn on a copy-on-write VM_PFNMAP mapping");
    return VM_FAULT_SIGBUS;
  }
  if (addr < vma->vm_start || addr >= vma->vm_end) return VM_FAULT_SIGBUS;
  return insert_pfn(vma, addr, pfn, pgprot);
}

vm_fault_t vmf_insert_pfn(struct vm_area_struct* vma, unsigned long addr, unsigned long pfn) noexcept {
  return vmf_insert_pfn_prot(vma, addr, pfn, vma->vm_page_prot);
}

// __vm_insert_mixed(): vm_mixed_ok() (the model has no zero page, so VM_MIXEDMAP is required).
vm_fault_t vmf_insert_mixed(struct vm_area_struct* vma, unsigned long addr, unsigned long pfn) noexcept {
  if (!(vma->vm_flags & VM_MIXEDMAP)) return VM_FAULT_SIGBUS;
  if (addr < vma->vm_start || addr >= vma->vm_end) return VM_FAULT_SIGBUS;
  return insert_pfn(vma, addr, pfn, vma->vm_page_prot);
}

// mm/vmalloc.c: the pages of a VM_USERMAP vmalloc area (vmalloc_user()) inserted one by one. As in the
// kernel, the size check compares pgoff + size with the whole area, wherever in it kaddr points.
int remap_vmalloc_range_partial(struct vm_area_struct* vma, unsigned long uaddr, void* kaddr, unsigned long pgoff,
                                unsigned long size) noexcept {
  if (pgoff > (~0UL >> PAGE_SHIFT)) return -EINVAL;  // check_shl_overflow()
  const unsigned long off = pgoff << PAGE_SHIFT;
  size = PAGE_ALIGN(size);
  if (!PAGE_ALIGNED(uaddr) || !PAGE_ALIGNED(kaddr)) return -EINVAL;
  std::uintptr_t area_start = 0;
  const vmaprep::model::Ledger::Block* area = find_vm_area(kaddr, &area_start);
  if (!area || !area->usermap) return -EINVAL;
  if (size + off < size || size + off > PAGE_ALIGN(area->size)) return -EINVAL;
  char* from = static_cast<char*>(kaddr) + off;
  do {
    const int err = vm_insert_page(vma, uaddr, vmalloc_to_page(from));
    if (err) return err;
    uaddr += PAGE_SIZE;
    from += PAGE_SIZE;
    size -= PAGE_SIZE;
  } while (size > 0);
  vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
  return 0;
}

int remap_vmalloc_range(struct vm_area_struct* vma, void* addr, unsigned long pgoff) noexcept {
  return remap_vmalloc_range_partial(vma, vma->vm_start, addr, pgoff, vma->vm_end - vma->vm_start);
}

// The model keeps no page-table pages for a pte_fn_t to edit: the call is reported, and fails.
int apply_to_page_range(struct mm_struct*, unsigned long, unsigned long, pte_fn_t, void*) noexcept {
  kernel().call_not_modelled("apply_to_page_range");
  return -EINVAL;
}

// --- pages ---

struct page* pfn_to_page(unsigned long pfn) noexcept { return kernel().page_for_pfn(pfn); }
struct page* virt_to_page(const void* addr) noexcept {
  return kernel().page_for_pfn(reinterpret_cast<std::uintptr_t>(addr) >> PAGE_SHIFT);
}
struct page* vmalloc_to_page(const void* addr) noexcept { return virt_to_page(addr); }
void get_page(struct page* page) noexcept { kernel().get_page(page); }
void put_page(struct page* page) noexcept { kernel().put_page(page); }

struct page* alloc_pages(gfp_t gfp, unsigned int order) noexcept {
  if (kernel().faults.should_fail("alloc_pages")) return nullptr;
  struct page* page = kernel().alloc_pages(order, gfp & __GFP_ZERO);
  if (page) kernel().ledger.acquire(Resource::Page);
  return page;
}

void __free_pages(struct page* page, unsigned int order) noexcept {
  if (!page) return;
  kernel().ledger.release(Resource::Page);
  kernel().free_pages(page, order);
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order) noexcept {
  struct page* page = alloc_pages(gfp, order);
  return page ? reinterpret_cast<unsigned long>(page_address(page)) : 0;
}

void free_pages(unsigned long addr, unsigned int order) noexcept {
  if (addr) __free_pages(virt_to_page(reinterpret_cast<void*>(addr)), order);
}

// --- slab / vmalloc ---

void* kmalloc_noprof(size_t size, gfp_t flags) noexcept {
  return tracked_alloc(size, flags & __GFP_ZERO, Area::Slab, "kmalloc");
}
void* kzalloc_noprof(size_t size, gfp_t) noexcept { return tracked_alloc(size, true, Area::Slab, "kmalloc"); }
void* kmalloc_array_noprof(size_t n, size_t size, gfp_t flags) noexcept {
  if (size && n > SIZE_MAX / size) return nullptr;
  return kmalloc_noprof(n * size, flags);
}
void* kcalloc_noprof(size_t n, size_t size, gfp_t flags) noexcept {
  return kmalloc_array_noprof(n, size, flags | __GFP_ZERO);
}
void kfree(const void* ptr) noexcept { tracked_free(ptr, "kfree"); }
void kvfree(const void* ptr) noexcept { tracked_free(ptr, "kvfree"); }
void* vmalloc(unsigned long size) noexcept { return tracked_alloc(size, false, Area::Vmalloc, "vmalloc"); }
void* vzalloc(unsigned long size) noexcept { return tracked_alloc(size, true, Area::Vmalloc, "vmalloc"); }
void* vmalloc_user(unsigned long size) noexcept { return tracked_alloc(size, true, Area::VmallocUser, "vmalloc"); }
void vfree(const void* addr) noexcept { tracked_free(addr, "vfree"); }

// --- I/O mappings (arch/x86/mm/ioremap.c) ---

// A kernel mapping of the physical range: zeroed host memory here, so a driver can read and write through
// it. Each mapping is held (ledger kind "ioremap") until iounmap().
void __iomem* ioremap(phys_addr_t offset, size_t size) noexcept {
  const phys_addr_t last = offset + size - 1;
  if (!size || last < offset) return nullptr;
  const unsigned long in_page = offset & ~PAGE_MASK;
  auto* base = static_cast<char*>(tracked_alloc(in_page + size, true, Area::Ioremap, "ioremap"));
  return base ? base + in_page : nullptr;
}

void iounmap(void __iomem* addr) noexcept {
  // The mapping starts at the page the address is in.
  if (addr)
    tracked_free(reinterpret_cast<void*>(reinterpret_cast<std::uintptr_t>(addr) & PAGE_MASK), "iounmap",
                 Resource::Ioremap);
}

// --- reference counts ---

void refcount_set(refcount_t* r, int n) noexcept {
  for (int i = r->refs.counter; i < n; ++i) kernel().ledger.acquire(Resource::Refcount);
  for (int i = n; i < r->refs.counter; ++i) kernel().ledger.release(Resource::Refcount);
  r->refs.counter = n;
}

void refcount_inc(refcount_t* r) noexcept {
  if (r->refs.counter == 0) kernel().warn("refcount_t: increment on 0; use-after-free");
  ++r->refs.counter;
  kernel().ledger.acquire(Resource::Refcount);
}
bool refcount_inc_not_zero(refcount_t* r) noexcept {
  if (r->refs.counter == 0) return false;
  ++r->refs.counter;
  kernel().ledger.acquire(Resource::Refcount);
  return true;
}
void refcount_dec(refcount_t* r) noexcept {
  if (--r->refs.counter <= 0) kernel().warn("refcount_t: decrement hit 0; leaking memory");
  kernel().ledger.release(Resource::Refcount);
}
bool refcount_dec_and_test(refcount_t* r) noexcept {
  kernel().ledger.release(Resource::Refcount);
  return --r->refs.counter == 0;
}

void kref_init(struct kref* kref) noexcept {
  kref->refcount.refs.counter = 1;
  kernel().ledger.acquire(Resource::Kref);
}

void kref_get(struct kref* kref) noexcept {
  ++kref->refcount.refs.counter;
  kernel().ledger.acquire(Resource::Kref);
}
int kref_get_unless_zero(struct kref* kref) noexcept {
  if (kref->refcount.refs.counter == 0) return 0;
  kref_get(kref);
  return 1;
}
int kref_put(struct kref* kref, void (*release)(struct kref* kref)) noexcept {
  kernel().ledger.release(Resource::Kref);
  if (--kref->refcount.refs.counter == 0) {
    release(kref);
    return 1;
  }
  return 0;
}

bool try_module_get(struct module* module) noexcept {
  if (module) ++module->__vmaprep_refs;
  kernel().ledger.acquire(Resource::Module);
  return true;
}
void __module_get(struct module* module) noexcept { (void)try_module_get(module); }
void module_put(struct module* module) noexcept {
  if (module) --module->__vmaprep_refs;
  kernel().ledger.release(Resource::Module);
}

struct device* get_device(struct device* dev) noexcept {
  if (dev) {
    ++dev->__vmaprep_refs;
    kernel().ledger.acquire(Resource::Device);
  }
  return dev;
}
void put_device(struct device* dev) noexcept {
  if (!dev) return;
  --dev->__vmaprep_refs;
  kernel().ledger.release(Resource::Device);
}

static void pm_get(struct device* dev) noexcept {
  ++dev->__vmaprep_pm_usage;
  kernel().ledger.acquire(Resource::PmRuntime);
}
static int pm_put(struct device* dev) noexcept {
  if (--dev->__vmaprep_pm_usage < 0) kernel().warn("runtime PM usage count went negative");
  kernel().ledger.release(Resource::PmRuntime);
  return 0;
}
int pm_runtime_get(struct device* dev) noexcept {
  pm_get(dev);  // the asynchronous resume is not modelled; the count is what matters
  return 0;
}
int pm_runtime_get_sync(struct device* dev) noexcept {
  pm_get(dev);
  return 0;
}
int pm_runtime_resume_and_get(struct device* dev) noexcept {
  pm_get(dev);
  return 0;
}
void pm_runtime_get_noresume(struct device* dev) noexcept { pm_get(dev); }
int pm_runtime_put(struct device* dev) noexcept { return pm_put(dev); }
int pm_runtime_put_sync(struct device* dev) noexcept { return pm_put(dev); }
int pm_runtime_put_autosuspend(struct device* dev) noexcept { return pm_put(dev); }
void pm_runtime_put_noidle(struct device* dev) noexcept { (void)pm_put(dev); }

// --- files ---

struct file* get_file(struct file* f) noexcept {
  vmaprep::model::file_ref_get(f);
  kernel().ledger.acquire(Resource::FileRef);
  ++kernel().handler_file_refs[f].counted;
  return f;
}

void fput(struct file* file) noexcept {
  kernel().ledger.release(Resource::FileRef);
  auto it = kernel().handler_file_refs.find(file);
  if (it != kernel().handler_file_refs.end() && it->second.counted > 0) --it->second.counted;
  vmaprep::model::file_ref_put(file);
}

struct file* anon_inode_getfile(const char* name, const struct file_operations* fops, void* priv, int flags) noexcept {
  (void)name;
  static const file_operations no_operations = {};
  FileSpec spec;
  spec.fops = fops ? fops : &no_operations;
  spec.mode = (flags & 3) == 0 ? FMODE_READ : (flags & 3) == 1 ? FMODE_WRITE : FMODE_READ | FMODE_WRITE;
  spec.kind = FileKind::Char;  // an anonymous inode has no file type: the ULONG_MAX offset limit
  struct file* file = vmaprep::model::open_file(spec);
  if (file) file->private_data = priv;
  return file;
}

loff_t noop_llseek(struct file* file, loff_t, int) noexcept { return file->f_pos; }

int nonseekable_open(struct inode*, struct file* filp) noexcept {
  filp->f_mode &= ~(FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE);
  return 0;
}

// include/linux/fs.h: the lower file's ->mmap, or its ->mmap_prepare through compat_vma_mmap().
int vfs_mmap(struct file* file, struct vm_area_struct* vma) noexcept {
  if (file->f_op->mmap_prepare) {
    AddressSpace* as = model_of(vma);
    return as ? as->compat_vma_mmap(file, vma) : -EINVAL;
  }
  if (!file->f_op->mmap) {
    kernel().warn("vfs_mmap on a file without ->mmap");  // the kernel calls through NULL
    return -ENODEV;
  }
  return file->f_op->mmap(file, vma);
}

int generic_file_mmap(struct file* file, struct vm_area_struct* vma) noexcept {
  file_accessed(file);
  vma->vm_ops = &generic_file_vm_ops;
  return 0;
}

int generic_file_readonly_mmap(struct file* file, struct vm_area_struct* vma) noexcept {
  if ((vma->vm_flags & (VM_SHARED | VM_MAYWRITE)) == (VM_SHARED | VM_MAYWRITE)) return -EINVAL;
  return generic_file_mmap(file, vma);
}

int generic_file_mmap_prepare(struct vm_area_desc* desc) noexcept {
  file_accessed(desc->file);
  desc->vm_ops = &generic_file_vm_ops;
  return 0;
}

int generic_file_readonly_mmap_prepare(struct vm_area_desc* desc) noexcept {
  const unsigned long flags = desc->vma_flags.__vma_flags[0];
  if ((flags & (VM_SHARED | VM_MAYWRITE)) == (VM_SHARED | VM_MAYWRITE)) return -EINVAL;
  return generic_file_mmap_prepare(desc);
}

// mm/shmem.c shmem_zero_setup() (6.12; __shmem_zero_setup() in 7.3): the shmem file is the size of the
// mapping, vm_end - vm_start, whatever vm_pgoff is; the offset stays the caller's, so shmem_fault() gives
// SIGBUS at every page of a mapping at offset N whose index (vm_pgoff + page) reaches that size.
int shmem_zero_setup(struct vm_area_struct* vma) noexcept {
  struct file* file = shmem_file_setup(static_cast<loff_t>(vma->vm_end - vma->vm_start));
  if (!file) return -ENOMEM;
  if (vma->vm_file) vmaprep::model::file_ref_put(vma->vm_file);
  vma->vm_file = file;
  vma->vm_ops = &shmem_anon_vm_ops;
  return 0;
}

// mm/shmem.c shmem_zero_setup_desc(): the same file, sized desc->end - desc->start.
int shmem_zero_setup_desc(struct vm_area_desc* desc) noexcept {
  struct file* file = shmem_file_setup(static_cast<loff_t>(desc->end - desc->start));
  if (!file) return -ENOMEM;
  desc->vm_file = file;  // its one reference is the caller's, for the core to take over
  ++kernel().handler_file_refs[file].uncounted;
  desc->vm_ops = &shmem_anon_vm_ops;
  return 0;
}

}  // extern "C"

namespace vmaprep::model {

const char* shim_vm_ops_name(const vm_operations_struct* ops) {
  if (ops == &vma_dummy_vm_ops) return "dummy";
  if (ops == &shmem_anon_vm_ops) return "shmem_anon";
  if (ops == &generic_file_vm_ops) return "generic_file";
  return nullptr;
}

bool is_shmem_file(const struct file* file) { return file && file->f_op == &shmem_anon_file_operations; }

const char* file_kind_name(FileKind kind) {
  switch (kind) {
    case FileKind::Regular: return "regular";
    case FileKind::Block: return "blk";
    case FileKind::Char: return "chr";
    case FileKind::Socket: return "sock";
    case FileKind::UnsignedOffset: return "unsigned-offset";
  }
  return "?";
}

struct file* open_file(const FileSpec& spec, int* error) {
  auto* inode = new struct inode();
  switch (spec.kind) {
    case FileKind::Regular: inode->i_mode = S_IFREG; break;
    case FileKind::Block: inode->i_mode = S_IFBLK; break;
    case FileKind::Socket: inode->i_mode = S_IFSOCK; break;
    case FileKind::Char:
    case FileKind::UnsignedOffset: inode->i_mode = S_IFCHR; break;
  }
  inode->i_rdev = spec.rdev;
  inode->i_private = spec.inode_private;
  auto* file = new struct file();
  file->f_mode = spec.mode | FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;  // do_dentry_open()
  file->f_op = spec.fops;
  file->f_inode = inode;
  file->__vmaprep_count = 1;
  file->__vmaprep_kapi = spec.kapi;
  if (spec.kind == FileKind::UnsignedOffset) file->__vmaprep_fop_flags = FOP_UNSIGNED_OFFSET;
  if (spec.fops && spec.fops->open) {
    const int err = spec.fops->open(inode, file);
    if (err) {
      delete file;
      delete inode;
      if (error) *error = err;
      return nullptr;
    }
  }
  if (error) *error = 0;
  return file;
}

void file_ref_get(struct file* file) { ++file->__vmaprep_count; }

void file_ref_put(struct file* file) {
  if (file->__vmaprep_count <= 0) {
    Kernel::current().warn("fput on a file with no references");
    return;
  }
  if (--file->__vmaprep_count > 0) return;
  if (file->f_op && file->f_op->release) file->f_op->release(file->f_inode, file);
  delete file->f_inode;
  delete file;
}

}  // namespace vmaprep::model

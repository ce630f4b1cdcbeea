/// Finds file_operations mmap handlers (.mmap and .mmap_prepare) and the VMA
/// mutations in their bodies: vm_flags_set/clear/mod/reset/init and
/// vma_set_flags, writes to vm_ops, vm_private_data, vm_page_prot, vm_pgoff,
/// vm_start, vm_end, vm_flags, and the calls that map memory (remap_pfn_range,
/// vm_iomap_memory, vm_insert_page(s), vm_map_pages, dma_mmap_*,
/// remap_vmalloc_range*, vmf_insert_*) or delegate (generic_file_mmap,
/// vma_set_anonymous, shmem_zero_setup).
///
/// Report mode only. Output, one line per finding, tab separated:
///   HANDLER  file  function  line  hook  table
///   EFFECT   file  function  line  kind  name
///
/// Confidence: moderate. Matching is syntactic and per file: a table built by
/// a macro (DEFINE_DRM_GEM_FOPS) or assigned at run time is not seen, nor is
/// an effect inside a static helper the handler calls, nor a handler defined
/// in another file (reported with its table, without effects). Run with
/// --no-includes: types come from the handler's own parameter list.
//
// Options: --no-includes --very-quiet
// Used by bench/coccinelle/compare.sh; see docs/benchmarks.md.

virtual report

// ---- tables -----------------------------------------------------------------

@ops@
identifier fops, handler;
identifier hook = {mmap, mmap_prepare};
position p;
@@
struct file_operations fops = { ..., .hook = handler@p, ... };

@ops_array@
identifier fops, handler;
identifier hook = {mmap, mmap_prepare};
position p;
@@
struct file_operations fops[...] = { ..., { ..., .hook = handler@p, ... }, ... };

@script:python@
fops << ops.fops; handler << ops.handler; hook << ops.hook; p << ops.p;
@@
print("HANDLER\t%s\t%s\t%s\t%s\t%s" % (p[0].file, handler, p[0].line, hook, fops))

@script:python@
fops << ops_array.fops; handler << ops_array.handler; hook << ops_array.hook; p << ops_array.p;
@@
print("HANDLER\t%s\t%s\t%s\t%s\t%s[]" % (p[0].file, handler, p[0].line, hook, fops))

// ---- effects in the handlers' bodies ----------------------------------------

@calls@
identifier h = {ops.handler, ops_array.handler};
identifier fn =~ "^(vm_flags_set|vm_flags_clear|vm_flags_mod|vm_flags_reset|vm_flags_init|vma_set_flags|remap_pfn_range|io_remap_pfn_range|vm_iomap_memory|vm_insert_page|vm_insert_pages|vm_map_pages|vm_map_pages_zero|vmf_insert_pfn|vmf_insert_mixed|dma_mmap_coherent|dma_mmap_attrs|dma_mmap_wc|dma_mmap_pages|remap_vmalloc_range|remap_vmalloc_range_partial|vma_set_anonymous|shmem_zero_setup|generic_file_mmap|generic_file_readonly_mmap|vma_set_page_prot)$";
position p;
@@
h(...) { <... fn@p(...) ...> }

@script:python@
h << calls.h; fn << calls.fn; p << calls.p;
@@
print("EFFECT\t%s\t%s\t%s\tcall\t%s" % (p[0].file, h, p[0].line, fn))

@fields@
identifier h = {ops.handler, ops_array.handler};
identifier fp, vma;
identifier fld = {vm_ops, vm_private_data, vm_page_prot, vm_pgoff, vm_start, vm_end, vm_flags};
assignment operator aop;
expression E;
position p;
@@
h(struct file *fp, struct vm_area_struct *vma) { <... vma->fld@p aop E ...> }

@script:python@
h << fields.h; fld << fields.fld; p << fields.p;
@@
print("EFFECT\t%s\t%s\t%s\twrite\t%s" % (p[0].file, h, p[0].line, fld))

/*
 * vmaprep kernel API shim: API level selection.
 *
 * Models: nothing in the kernel; this header picks which kernel API level the shim headers spell. It is
 * the one level gate of the project's kernel header tree (this directory and the parse-only overlay):
 * compare VMAPREP_KAPI with the VMAPREP_KAPI_<major>_<minor> names below, never with a number.
 * Define VMAPREP_KAPI on the compiler command line (e.g. -DVMAPREP_KAPI=70100 for 7.1) before any shim
 * header is included. The default is the newest level the shim knows.
 *
 *   61200  6.12: legacy ->mmap only, no ->mmap_prepare, no struct vm_area_desc
 *   61600  6.16: ->mmap_prepare with vm_area_desc {mm, start, end, pgoff, file (mutable), vm_flags, ...}
 *   61800  6.18: desc->file immutable, new mutable desc->vm_file
 *   61900  6.19: desc->action (success_hook/error_hook), desc->vm_flags unioned with desc->vma_flags
 *   70000  7.0:  desc keeps only vma_flags; vma_desc_set_flags()/vma_desc_test_flags()
 *   70100  7.1+: vm_ops->mapped, action->error_override, simple_ioremap, map_kernel_pages, vma_desc_test()
 *
 * Every level has the same structure layout: a field that a level does not have is present under a
 * reserved name (__vmaprep_hidden_<name>), so code using it does not compile at that level, while the
 * model (always built at the newest level) can still read it. (A whole struct that nothing embeds at a
 * level, such as vm_area_desc at 6.12, is absent instead.) The level a handler was compiled at is
 * passed to the model when its file is opened (see vmaprep/model/Shim.h).
 */
#ifndef VMAPREP_KSHIM_KAPI_H
#define VMAPREP_KSHIM_KAPI_H

/* One line a level of checker/include/vmaprep/ApiLevels.def (its shim levels, then its API levels), as
 * M*10000 + N*100; test/checker/validate/kapi-levels.test fails when the two lists disagree. */
#define VMAPREP_KAPI_6_12 61200
#define VMAPREP_KAPI_6_16 61600
#define VMAPREP_KAPI_6_18 61800
#define VMAPREP_KAPI_6_19 61900
#define VMAPREP_KAPI_7_0 70000
#define VMAPREP_KAPI_7_1 70100
#define VMAPREP_KAPI_LATEST VMAPREP_KAPI_7_1

#ifndef VMAPREP_KAPI
#define VMAPREP_KAPI VMAPREP_KAPI_LATEST
#endif

#if VMAPREP_KAPI < VMAPREP_KAPI_6_12 || VMAPREP_KAPI > VMAPREP_KAPI_LATEST
#error "VMAPREP_KAPI must be between 61200 (6.12) and 70100 (7.1+)"
#endif

#define __VMAPREP_HIDDEN(name) __vmaprep_hidden_##name

/* Lets a fixture translation unit tell the model which level it was compiled at. */
#define VMAPREP_EXPORT_KAPI(symbol) const int symbol = VMAPREP_KAPI

/* Shim functions never throw into driver code; C++ sees them as noexcept. */
#ifdef __cplusplus
#define __VMAPREP_NOEXCEPT noexcept
#else
#define __VMAPREP_NOEXCEPT
#endif

#ifdef __cplusplus
#define __VMAPREP_BEGIN_DECLS extern "C" {
#define __VMAPREP_END_DECLS }
#else
#define __VMAPREP_BEGIN_DECLS
#define __VMAPREP_END_DECLS
#endif

#endif

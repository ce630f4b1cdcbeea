// Mirrors every DRM driver using DEFINE_DRM_GEM_FOPS (include/drm/drm_gem.h),
// e.g. drivers/gpu/drm/tiny/*.c: the table and its `.mmap = drm_gem_mmap`
// come from a macro body, so the registration is reported at the expansion
// site. drm_gem_mmap() is the subsystem's own handler (not in this file) and
// still takes a VMA: blocked until DRM GEM moves as a whole.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: FileCheck %s --input-file %t --implicit-check-not=warning: --implicit-check-not=note:
// RUN: not %vmaprep check --format json %s -- %kflags | FileCheck %s --check-prefix=JSON
#include <linux/fs.h>
#include <drm/drm_gem.h>

// The handler's body is elsewhere: the finding is where this file registers
// it, so every DRM driver is its own finding.
// CHECK: drm-gem-fops.c:[[@LINE+2]]:1: warning: 'drm_gem_mmap' uses the deprecated file_operations->mmap hook; blocked: the table names the subsystem helper drm_gem_mmap(), which still takes a VMA (in expansion of macro 'DEFINE_DRM_GEM_FOPS') [vmaprep-legacy-mmap]
// CHECK-NEXT: drm-gem-fops.c:[[@LINE+1]]:1: note: registered as .mmap in 'tiny_fops' (in expansion of macro 'DEFINE_DRM_GEM_FOPS')
DEFINE_DRM_GEM_FOPS(tiny_fops);
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 1 blocked, 0 already mmap_prepare; 0 subsystem hooks

// JSON: "body_visible": false
// JSON: "function": "drm_gem_mmap"
// JSON: "form": "designated-initializer"
// JSON: "line": 16
// JSON-NEXT: "macro": "DEFINE_DRM_GEM_FOPS"
// JSON: "table": "tiny_fops"
// JSON: "id": "subsystem-delegation"
// JSON: "verdict": "blocked"

// A table a macro writes (as vgem's DEFINE_DRM_GEM_FOPS) for a handler
// defined elsewhere: the warning sits at the macro's expansion and says so,
// in the plugin as in check (found on the 7.3 tree by
// test/e2e/tidy-parity-e2e.sh: the plugin's warning lacked the suffix).
// RUN: not %vmaprep check %s -- %kflags 2>/dev/null | grep ': \(warning\|note\):' > %t.cli
// RUN: %clang_tidy --checks='-*,vmaprep-*' %s -- %kflags 2>/dev/null | grep ': \(warning\|note\):' > %t.tidy
// RUN: diff %t.cli %t.tidy
// RUN: FileCheck %s --input-file=%t.tidy
// CHECK: macro-table.c:[[@LINE+6]]:1: warning: 'ext_mmap' uses the deprecated file_operations->mmap hook; blocked: {{.*}} (in expansion of macro 'DEFINE_EXT_FOPS') [vmaprep-legacy-mmap]
// CHECK-NEXT: macro-table.c:[[@LINE+5]]:1: note: registered as .mmap in 'ext_fops' (in expansion of macro 'DEFINE_EXT_FOPS')
#include <linux/fs.h>
#include <linux/mm.h>
int ext_mmap(struct file *file, struct vm_area_struct *vma);
#define DEFINE_EXT_FOPS(name) static const struct file_operations name = { .mmap = ext_mmap }
DEFINE_EXT_FOPS(ext_fops);

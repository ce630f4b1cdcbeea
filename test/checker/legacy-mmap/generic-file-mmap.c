// Mirrors the many filesystems whose table names the VFS helper directly:
// fs/ramfs/file-mmu.c-era and fs/9p, fs/hfsplus, fs/minix (.mmap =
// generic_file_mmap) and fs/cramfs, fs/romfs-style read-only ones (.mmap =
// generic_file_readonly_mmap). The bodies are in mm/filemap.c; both have a
// _prepare variant, so both are auto-convertible by renaming the member.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: FileCheck %s --input-file %t --implicit-check-not=warning: --implicit-check-not=note:
#include <linux/fs.h>
#include <linux/mm.h>

// The bodies are elsewhere, so each finding is where this file registers it.
// CHECK: generic-file-mmap.c:[[@LINE+6]]:2: warning: 'generic_file_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
// CHECK-NEXT: generic-file-mmap.c:[[@LINE+5]]:2: note: registered as .mmap in 'minix_file_operations'
// CHECK-NEXT: generic-file-mmap.c:[[@LINE+4]]:2: note: the table names generic_file_mmap, which has a _prepare variant
// CHECK-NEXT: generic-file-mmap.c:[[@LINE+3]]:2: note: vmaprep fix rewrites it as 'generic_file_mmap_prepare'
const struct file_operations minix_file_operations = {
	.llseek = noop_llseek,
	.mmap = generic_file_mmap,
};

// CHECK: generic-file-mmap.c:[[@LINE+5]]:2: warning: 'generic_file_readonly_mmap' uses the deprecated file_operations->mmap hook; auto-convertible to mmap_prepare [vmaprep-legacy-mmap]
// CHECK-NEXT: generic-file-mmap.c:[[@LINE+4]]:2: note: registered as .mmap in 'cramfs_file_operations'
// CHECK-NEXT: generic-file-mmap.c:[[@LINE+3]]:2: note: the table names generic_file_readonly_mmap, which has a _prepare variant
// CHECK-NEXT: generic-file-mmap.c:[[@LINE+2]]:2: note: vmaprep fix rewrites it as 'generic_file_readonly_mmap_prepare'
const struct file_operations cramfs_file_operations = {
	.mmap = generic_file_readonly_mmap,
};
// CHECK: vmaprep: 2 mmap handlers in 1 of 1 analysed files (API level 7.1): 2 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 0 blocked, 0 already mmap_prepare; 0 subsystem hooks; vmaprep fix would rewrite 2

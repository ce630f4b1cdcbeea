// NOLINT comments: `vmaprep check` reads them as clang-tidy does, so both
// front doors report the same handlers. The CLI's list is checked, then
// compared with clang-tidy's on this very file.
// RUN: not %vmaprep check --no-config %s -- %kflags > %t.cli
// RUN: FileCheck %s --input-file %t.cli --implicit-check-not=warning: --implicit-check-not=error:
// RUN: grep -o "'[a-z0-9_]*' uses the deprecated" %t.cli | sort > %t.cli.names
// clang-tidy fails on the unmatched NOLINTBEGIN below (an error of its own);
// the CLI ignores an unmatched block, as clang-tidy's suppression does.
// RUN: not %clang_tidy --checks='-*,vmaprep-*' %s -- %kflags > %t.tidy 2>/dev/null
// RUN: grep -o "'[a-z0-9_]*' uses the deprecated" %t.tidy | sort > %t.tidy.names
// RUN: diff %t.cli.names %t.tidy.names
// RUN: FileCheck %s --input-file %t.cli.names --check-prefix=NAMES
// NAMES:      'empty_list_mmap' uses
// NAMES-NEXT: 'mismatched_mmap' uses
// NAMES-NEXT: 'negative_mmap' uses
// NAMES-NEXT: 'other_check_mmap' uses
// NAMES-NEXT: 'plain_mmap' uses
// NAMES-NEXT: 'too_far_mmap' uses
#include <linux/fs.h>
#include <linux/mm.h>

// CHECK-DAG: nolint.c:[[@LINE+1]]:12: warning: 'plain_mmap' uses the deprecated
static int plain_mmap(struct file *f, struct vm_area_struct *vma) { return 0; }

static int bare_mmap(struct file *f, struct vm_area_struct *vma) { return 0; } // NOLINT
static int named_mmap(struct file *f, struct vm_area_struct *vma) { return 0; } // NOLINT(vmaprep-legacy-mmap)
static int glob_mmap(struct file *f, struct vm_area_struct *vma) { return 0; } /* NOLINT(vmaprep-*) */
static int spaced_mmap(struct file *f, struct vm_area_struct *vma) { return 0; } // NOLINT( bugprone-x , vmaprep-legacy-mmap )
// CHECK-DAG: nolint.c:[[@LINE+1]]:12: warning: 'other_check_mmap'
static int other_check_mmap(struct file *f, struct vm_area_struct *vma) { return 0; } // NOLINT(bugprone-*)
// CHECK-DAG: nolint.c:[[@LINE+1]]:12: warning: 'empty_list_mmap'
static int empty_list_mmap(struct file *f, struct vm_area_struct *vma) { return 0; } // NOLINT()
// Negative globs are ignored, so this suppresses nothing.
// CHECK-DAG: nolint.c:[[@LINE+1]]:12: warning: 'negative_mmap'
static int negative_mmap(struct file *f, struct vm_area_struct *vma) { return 0; } // NOLINT(-vmaprep-legacy-mmap)

// NOLINTNEXTLINE(vmaprep-legacy-mmap)
static int next_line_mmap(struct file *f, struct vm_area_struct *vma) { return 0; }
// NOLINTNEXTLINE(vmaprep-legacy-mmap)

// CHECK-DAG: nolint.c:[[@LINE+1]]:12: warning: 'too_far_mmap'
static int too_far_mmap(struct file *f, struct vm_area_struct *vma) { return 0; }

/* NOLINTBEGIN(vmaprep-*) */
static int block_one_mmap(struct file *f, struct vm_area_struct *vma) { return 0; }
static int block_two_mmap(struct file *f, struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_DONTEXPAND);
	return 0;
}
/* NOLINTEND(vmaprep-*) */

// An END with a different check list closes nothing.
// NOLINTBEGIN(vmaprep-legacy-mmap)
// CHECK-DAG: nolint.c:[[@LINE+1]]:12: warning: 'mismatched_mmap'
static int mismatched_mmap(struct file *f, struct vm_area_struct *vma) { return 0; }
// NOLINTEND(vmaprep-*)

static const struct file_operations fops[] = {
	{ .mmap = plain_mmap }, { .mmap = bare_mmap }, { .mmap = named_mmap }, { .mmap = glob_mmap },
	{ .mmap = spaced_mmap }, { .mmap = other_check_mmap }, { .mmap = empty_list_mmap },
	{ .mmap = negative_mmap }, { .mmap = next_line_mmap }, { .mmap = too_far_mmap },
	{ .mmap = block_one_mmap }, { .mmap = block_two_mmap }, { .mmap = mismatched_mmap },
};

// Table findings (clang-tidy does not report them) are suppressed at the
// table: this table sets both hooks.
static int t_mmap(struct file *f, struct vm_area_struct *vma) { return 0; } // NOLINT
static int t_prepare(struct vm_area_desc *desc) { return 0; }
static const struct file_operations both_fops = { .mmap = t_mmap, .mmap_prepare = t_prepare }; // NOLINT(vmaprep-legacy-mmap)

// CHECK: vmaprep: 7 mmap handlers {{.*}}: 6 auto-convertible, {{.*}}, 1 already mmap_prepare; 0 subsystem hooks; 9 findings not reported: 9 under NOLINT

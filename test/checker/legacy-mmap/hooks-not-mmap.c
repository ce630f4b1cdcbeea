// Callbacks that take a VMA but are not mmap hooks, as a real 7.3 tree has
// them (mm/rmap.c's rmap_walk_control, kernel/events/uprobes.c's
// vm_special_mapping): no subsystem-hook remark. A real one next to them
// (bpf_map_ops.map_mmap, kernel/bpf/arraymap.c) is still listed.
// RUN: %vmaprep check --show-hooks %s -- %kflags | FileCheck %s --implicit-check-not=remark:
#include <linux/fs.h>
#include <linux/mm.h>

struct folio;
struct rmap_walk_control {
	void *arg;
	bool (*rmap_one)(struct folio *folio, struct vm_area_struct *vma, unsigned long addr, void *arg);
	bool (*invalid_vma)(struct vm_area_struct *vma, void *arg);
};
struct vm_special_mapping {
	const char *name;
	vm_fault_t (*fault)(const struct vm_special_mapping *sm, struct vm_area_struct *vma,
			    struct vm_fault *vmf);
	int (*mremap)(const struct vm_special_mapping *sm, struct vm_area_struct *new_vma);
};
struct bpf_map;
struct bpf_map_ops {
	int (*map_mmap)(struct bpf_map *map, struct vm_area_struct *vma);
};

static bool walk_one(struct folio *folio, struct vm_area_struct *vma, unsigned long addr, void *arg) { return true; }
static bool walk_invalid(struct vm_area_struct *vma, void *arg) { return false; }
static vm_fault_t xol_fault(const struct vm_special_mapping *sm, struct vm_area_struct *vma,
			    struct vm_fault *vmf) { return 0; }
static int xol_mremap(const struct vm_special_mapping *sm, struct vm_area_struct *new_vma) { return 0; }
static int array_map_mmap(struct bpf_map *map, struct vm_area_struct *vma) { return 0; }

static struct rmap_walk_control rwc = { .rmap_one = walk_one, .invalid_vma = walk_invalid };
static const struct vm_special_mapping xol_mapping = { .fault = xol_fault, .mremap = xol_mremap };
// CHECK: :[[@LINE+1]]:51: remark: 'array_map_mmap' is a bpf_map_ops.map_mmap hook; it takes a VMA and moves to mmap_prepare only with its subsystem; with a prepare hook there it would be auto-convertible [vmaprep-subsystem-hook]
static const struct bpf_map_ops array_map_ops = { .map_mmap = array_map_mmap };
// CHECK: vmaprep: 0 mmap handlers in 0 of 1 analysed files (API level 7.1): {{.*}}; 1 subsystem hooks

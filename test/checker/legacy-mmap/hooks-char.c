// Subsystem hooks of character-ish subsystems, each modelled on a real user:
// fb_ops.fb_mmap (drivers/video/fbdev/controlfb.c, vm_iomap_memory of the
// frame buffer), proc_ops.proc_mmap (drivers/pci/proc.c proc_bus_pci_mmap),
// bin_attribute.mmap (drivers/pci/pci-sysfs.c pci_mmap_resource_uc,
// assigned at runtime), and uio_info.mmap (drivers/target/target_core_user.c,
// `info->mmap = tcmu_mmap`). None is a file_operations handler: no warning,
// exit code 0, and with --show-hooks one remark each.
// RUN: %vmaprep check --show-hooks %s -- %kflags | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note: --implicit-check-not=remark:
// RUN: %vmaprep check %s -- %kflags | FileCheck %s --check-prefix=QUIET --implicit-check-not=remark:
// RUN: %vmaprep check --format json %s -- %kflags | FileCheck %s --check-prefix=JSON
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/fb.h>
#include <linux/proc_fs.h>
#include <linux/sysfs.h>
#include <linux/uio_driver.h>

static int controlfb_mmap(struct fb_info *info, struct vm_area_struct *vma)
{
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	return vm_iomap_memory(vma, info->fix.smem_start, info->fix.smem_len);
}

static const struct fb_ops controlfb_ops = {
	.owner = THIS_MODULE,
	// CHECK: :[[@LINE+1]]:2: remark: 'controlfb_mmap' is a fb_ops.fb_mmap hook; it takes a VMA and moves to mmap_prepare only with its subsystem; with a prepare hook there it would be auto-convertible [vmaprep-subsystem-hook]
	.fb_mmap = controlfb_mmap,
};

static int proc_bus_pci_mmap(struct file *file, struct vm_area_struct *vma)
{
	return remap_pfn_range(vma, vma->vm_start, vma->vm_pgoff,
			       vma->vm_end - vma->vm_start, vma->vm_page_prot);
}

static const struct proc_ops proc_bus_pci_ops = {
	// CHECK: :[[@LINE+1]]:2: remark: 'proc_bus_pci_mmap' is a proc_ops.proc_mmap hook; it takes a VMA and moves to mmap_prepare only with its subsystem; with a prepare hook there it would be auto-convertible [vmaprep-subsystem-hook]
	.proc_mmap = proc_bus_pci_mmap,
};

static int pci_mmap_resource_uc(struct file *filp, struct kobject *kobj,
				const struct bin_attribute *attr, struct vm_area_struct *vma)
{
	return io_remap_pfn_range(vma, vma->vm_start, vma->vm_pgoff,
				  vma->vm_end - vma->vm_start, vma->vm_page_prot);
}

static int tcmu_mmap(struct uio_info *info, struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_private_data = info;
	return 0;
}

void pci_create_attr(struct bin_attribute *res_attr, struct uio_info *info)
{
	// CHECK: :[[@LINE+1]]:2: remark: 'pci_mmap_resource_uc' is a bin_attribute.mmap hook; it takes a VMA and moves to mmap_prepare only with its subsystem; with a prepare hook there it would be auto-convertible [vmaprep-subsystem-hook]
	res_attr->mmap = pci_mmap_resource_uc;
	// CHECK: :[[@LINE+1]]:2: remark: 'tcmu_mmap' is a uio_info.mmap hook; it takes a VMA and moves to mmap_prepare only with its subsystem; with a prepare hook there it would be auto-convertible [vmaprep-subsystem-hook]
	info->mmap = tcmu_mmap;
}
// CHECK: vmaprep: 0 mmap handlers in 0 of 1 analysed files (API level 7.1): 0 auto-convertible, 0 convertible with vm_ops->mapped, 0 need a newer API level, 0 blocked, 0 already mmap_prepare; 4 subsystem hooks
// QUIET: vmaprep: 0 mmap handlers in 0 of 1 analysed files {{.*}}; 4 subsystem hooks

// JSON: "subsystem_hooks": [
// JSON: "body_visible": true
// JSON: "function": "controlfb_mmap"
// JSON: "member": "fb_mmap"
// JSON-NEXT: "reasons": [
// JSON: "id": "simple-ioremap-action"
// JSON: "record": "fb_ops"
// JSON-NEXT: "table": "controlfb_ops"
// JSON-NEXT: "verdict": "auto-convertible"
// JSON: "function": "proc_bus_pci_mmap"
// JSON: "form": "assignment"
// JSON-NEXT: "function": "pci_mmap_resource_uc"
// JSON: "member": "mmap"
// JSON: "record": "bin_attribute"
// JSON-NEXT: "table": "res_attr"
// JSON: "function": "tcmu_mmap"
// JSON: "record": "uio_info"

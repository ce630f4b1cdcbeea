// Reference-taking idioms seen in mmap hooks, each from a real driver:
// try_module_get() (drivers/comedi/comedi_fops.c takes a module ref around
// buffer access), get_device() (drivers/cxl/..., drivers/vfio/... keep the
// device alive for the mapping), get_file() (drivers/gpu/drm/... dma-buf
// import keeps the file), kref_get()/refcount_inc()/atomic_inc()
// (drivers/infiniband/sw/rdmavt/mmap.c rvt_mmap, drivers/xen/gntdev.c,
// kernel/bpf/arena.c), a `priv->mapped = true` flag
// (drivers/android/binder_alloc.c's alloc->mapped) and a global counter.
// None may stay in mmap_prepare: convertible with vm_ops->mapped.
// RUN: not %vmaprep check %s -- %kflags > %t
// RUN: grep -v -e 'note: registered as' -e 'note: vmaprep fix' %t | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note:
// RUN: FileCheck %s --input-file %t --check-prefix=SITE
// RUN: FileCheck %s --input-file %t --check-prefix=FIX
// RUN: not %vmaprep check --format json %s -- %kflags | FileCheck %s --check-prefix=JSON
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/device.h>
#include <linux/kref.h>

struct mydev {
	struct device *dev;
	struct module *owner;
	struct kref kref;
	refcount_t users;
	atomic_t mmap_count;
	bool mapped;
	struct file *backing;
};
static unsigned long nr_mappings;
static const struct vm_operations_struct mydev_vm_ops = {
};

// CHECK: :[[@LINE+1]]:12: warning: 'mydev_mmap' uses the deprecated file_operations->mmap hook; convertible to mmap_prepare with a vm_ops->mapped callback [vmaprep-legacy-mmap]
static int mydev_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct mydev *priv = file->private_data;

	// CHECK: :[[@LINE+1]]:7: note: acquires per-mapping state (module-ref: try_module_get); mmap_prepare must be stateless: try_module_get(priv->owner)
	if (!try_module_get(priv->owner))
		return -ENODEV;
	// CHECK: :[[@LINE+1]]:2: note: acquires per-mapping state (device-ref: get_device); mmap_prepare must be stateless: get_device(priv->dev)
	get_device(priv->dev);
	// CHECK: :[[@LINE+1]]:2: note: acquires per-mapping state (file-ref: get_file); mmap_prepare must be stateless: get_file(priv->backing)
	get_file(priv->backing);
	// CHECK: :[[@LINE+1]]:2: note: acquires per-mapping state (reference: kref_get); mmap_prepare must be stateless: kref_get(&priv->kref)
	kref_get(&priv->kref);
	// CHECK: :[[@LINE+1]]:2: note: acquires per-mapping state (reference: refcount_inc); mmap_prepare must be stateless: refcount_inc(&priv->users)
	refcount_inc(&priv->users);
	// CHECK: :[[@LINE+1]]:2: note: acquires per-mapping state (reference: atomic_inc); mmap_prepare must be stateless: atomic_inc(&priv->mmap_count)
	atomic_inc(&priv->mmap_count);
	// A flag no vm_ops callback clears: bookkeeping of the device, which
	// stays in mmap_prepare (docs/checks/legacy-mmap.md).
	// CHECK: :[[@LINE+1]]:2: note: stores bookkeeping of the file or device (priv), which no vm_ops callback changes; it stays in mmap_prepare: priv->mapped = true
	priv->mapped = true;
	// CHECK: :[[@LINE+1]]:2: note: acquires per-mapping state (state-write: nr_mappings); mmap_prepare must be stateless: nr_mappings++
	nr_mappings++;
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_ops: vma->vm_ops = &mydev_vm_ops
	vma->vm_ops = &mydev_vm_ops;
	// CHECK: :[[@LINE+1]]:2: note: writes vma->vm_private_data: vma->vm_private_data = priv
	vma->vm_private_data = priv;
	return 0;
}

// SITE: :[[@LINE+1]]:52: note: registered as .mmap in 'mydev_fops'
static const struct file_operations mydev_fops = { .mmap = mydev_mmap };
// JSON: "detail": "module-ref"
// JSON: "name": "try_module_get"
// JSON: "detail": "device-ref"
// JSON: "name": "get_device"
// JSON: "detail": "file-ref"
// JSON: "name": "get_file"
// JSON: "detail": "reference"
// JSON: "name": "kref_get"
// JSON: "detail": "reference"
// JSON: "name": "refcount_inc"
// JSON: "detail": "reference"
// JSON: "name": "atomic_inc"
// JSON: "detail": "bookkeeping"
// JSON: "name": "priv"
// JSON: "detail": "state-write"
// JSON: "name": "nr_mappings"
// JSON: "id": "stateful"
// JSON-NEXT: "text": "acquires per-mapping state
// JSON: "verdict": "convertible-with-mapped"
// CHECK: vmaprep: 1 mmap handler in 1 of 1 analysed files (API level 7.1): 0 auto-convertible, 1 convertible with vm_ops->mapped, 0 need a newer API level, 0 blocked, 0 already mmap_prepare; 0 subsystem hooks

// What `vmaprep fix` does with each convertible handler (check asks the rewriter):
// FIX: misc-refs.c:40:7: note: vmaprep fix does not rewrite it: per-mapping state in a form vmaprep does not move to ->mapped yet (module-ref: try_module_get(priv->owner)); only standalone calls in the handler's own body, or of a helper of this file, are moved

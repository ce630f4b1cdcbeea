// Subsystem hooks found by name or only by type: proto_ops.mmap
// (net/packet/af_packet.c packet_mmap), vfio_device_ops.mmap
// (drivers/vfio/pci/vfio_pci.c via vfio_pci_core_mmap), and
// snd_hwdep_ops.mmap (sound/core/hwdep.c users such as
// sound/usb/usx2y/us122l.c), which is in no list: an int-returning member
// that takes a VMA is a hook. vm_operations_struct members that take a VMA
// (->access, ->may_split) act on an existing VMA and are not hooks.
// RUN: %vmaprep check --show-hooks %s -- %kflags | FileCheck %s --implicit-check-not=warning: --implicit-check-not=note: --implicit-check-not=remark:
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/net.h>
#include <linux/vfio.h>
#include <sound/hwdep.h>

static int packet_mmap(struct file *file, struct socket *sock, struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_DONTEXPAND);
	return 0;
}

static const struct proto_ops packet_ops = {
	.family = 17,
	// CHECK: :[[@LINE+1]]:2: remark: 'packet_mmap' is a proto_ops.mmap hook; it takes a VMA and moves to mmap_prepare only with its subsystem; with a prepare hook there it would be auto-convertible [vmaprep-subsystem-hook]
	.mmap = packet_mmap,
};

static int vfio_pci_mmap(struct vfio_device *core_vdev, struct vm_area_struct *vma)
{
	return 0;
}

static const struct vfio_device_ops vfio_pci_ops = {
	.name = "vfio-pci",
	// CHECK: :[[@LINE+1]]:2: remark: 'vfio_pci_mmap' is a vfio_device_ops.mmap hook; it takes a VMA and moves to mmap_prepare only with its subsystem; with a prepare hook there it would be auto-convertible [vmaprep-subsystem-hook]
	.mmap = vfio_pci_mmap,
};

static int usb_stream_hwdep_mmap(struct snd_hwdep *hw, struct file *filp, struct vm_area_struct *area)
{
	return 0;
}

void us122l_create_card(struct snd_hwdep *hw)
{
	// CHECK: :[[@LINE+1]]:2: remark: 'usb_stream_hwdep_mmap' is a snd_hwdep_ops.mmap hook; it takes a VMA and moves to mmap_prepare only with its subsystem; with a prepare hook there it would be auto-convertible [vmaprep-subsystem-hook]
	hw->ops.mmap = usb_stream_hwdep_mmap;
}

static int packet_vm_access(struct vm_area_struct *vma, unsigned long addr, void *buf, int len, int write)
{
	return 0;
}

static const struct vm_operations_struct packet_mmap_ops = {
	.access = packet_vm_access,
};
// CHECK: vmaprep: 0 mmap handlers in 0 of 1 analysed files {{.*}}; 3 subsystem hooks

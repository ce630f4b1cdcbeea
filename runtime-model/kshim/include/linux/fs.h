/*
 * vmaprep kernel API shim: linux/fs.h.
 * Models struct file (f_mode, f_op, private_data, a reference count), struct inode, and
 * struct file_operations with .mmap (legacy) and .mmap_prepare (6.16+), plus get_file/fput (ledger kind
 * "file"), file_accessed, generic_file_mmap and generic_file_mmap_prepare.
 */
#ifndef VMAPREP_KSHIM_LINUX_FS_H
#define VMAPREP_KSHIM_LINUX_FS_H

#include <linux/mm_types.h>
#include <linux/types.h>

__VMAPREP_BEGIN_DECLS

struct module;
struct vm_area_desc;
struct poll_table_struct;

#define FMODE_READ ((fmode_t)0x1)
#define FMODE_WRITE ((fmode_t)0x2)
#define FMODE_EXEC ((fmode_t)0x20)

struct inode {
	dev_t i_rdev;
	loff_t i_size;
	void *i_private;
};

struct file {
	fmode_t f_mode;
	unsigned int f_flags;
	const struct file_operations *f_op;
	struct inode *f_inode;
	void *private_data;
	long __vmaprep_count;
	int __vmaprep_kapi;
};

struct file_operations {
	struct module *owner;
	loff_t (*llseek)(struct file *, loff_t, int);
	long (*read)(struct file *, char *, size_t, loff_t *);
	long (*write)(struct file *, const char *, size_t, loff_t *);
	long (*unlocked_ioctl)(struct file *, unsigned int, unsigned long);
	int (*mmap)(struct file *, struct vm_area_struct *);
#if VMAPREP_KAPI >= VMAPREP_KAPI_6_16
	int (*mmap_prepare)(struct vm_area_desc *);
#else
	int (*__VMAPREP_HIDDEN(mmap_prepare))(struct vm_area_desc *);
#endif
	int (*open)(struct inode *, struct file *);
	int (*flush)(struct file *, void *id);
	int (*release)(struct inode *, struct file *);
	unsigned long (*get_unmapped_area)(struct file *, unsigned long, unsigned long, unsigned long,
					   unsigned long);
};

static inline struct inode *file_inode(const struct file *f) { return f->f_inode; }
struct file *get_file(struct file *f) __VMAPREP_NOEXCEPT;
void fput(struct file *file) __VMAPREP_NOEXCEPT;
static inline void file_accessed(struct file *file) { (void)file; }
int generic_file_mmap(struct file *file, struct vm_area_struct *vma) __VMAPREP_NOEXCEPT;
int generic_file_readonly_mmap(struct file *file, struct vm_area_struct *vma) __VMAPREP_NOEXCEPT;
#if VMAPREP_KAPI >= VMAPREP_KAPI_6_16
int generic_file_mmap_prepare(struct vm_area_desc *desc) __VMAPREP_NOEXCEPT;
int generic_file_readonly_mmap_prepare(struct vm_area_desc *desc) __VMAPREP_NOEXCEPT;
#endif
static inline unsigned iminor(const struct inode *inode) { return inode->i_rdev & 0xfffff; }

__VMAPREP_END_DECLS

#endif

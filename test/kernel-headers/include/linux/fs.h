/* Parse-only: struct file and struct file_operations with both mmap hooks. */
#ifndef _LINUX_FS_H
#define _LINUX_FS_H
#include <linux/kernel.h>
#include <linux/mm_types.h>

struct inode { unsigned long i_ino; void *i_private; loff_t i_size; };
struct poll_table_struct;

struct file {
	fmode_t f_mode;
	struct inode *f_inode;
	const struct file_operations *f_op;
	void *private_data;
	struct address_space *f_mapping;
};
#define FMODE_READ 0x1
#define FMODE_WRITE 0x2

struct file_operations {
	struct module *owner;
	loff_t (*llseek)(struct file *, loff_t, int);
	ssize_t (*read)(struct file *, char __user *, size_t, loff_t *);
	ssize_t (*write)(struct file *, const char __user *, size_t, loff_t *);
	unsigned int (*poll)(struct file *, struct poll_table_struct *);
	long (*unlocked_ioctl)(struct file *, unsigned int, unsigned long);
	int (*mmap)(struct file *, struct vm_area_struct *);
	int (*open)(struct inode *, struct file *);
	int (*release)(struct inode *, struct file *);
	int (*fsync)(struct file *, loff_t, loff_t, int datasync);
#if VMAPREP_KAPI >= 61600
	int (*mmap_prepare)(struct vm_area_desc *);
#endif
};

static inline struct inode *file_inode(const struct file *f) { return f->f_inode; }
void file_accessed(struct file *file);
struct file *get_file(struct file *f);
void fput(struct file *f);
int generic_file_mmap(struct file *, struct vm_area_struct *);
int generic_file_readonly_mmap(struct file *, struct vm_area_struct *);
#if VMAPREP_KAPI >= 61600
int generic_file_mmap_prepare(struct vm_area_desc *desc);
int generic_file_readonly_mmap_prepare(struct vm_area_desc *desc);
#endif
int vfs_mmap(struct file *file, struct vm_area_struct *vma);
/* 6.12 spelling: the stacked-filesystem call down to the lower file's hook. */
static inline int call_mmap(struct file *file, struct vm_area_struct *vma)
{
	return file->f_op->mmap(file, vma);
}
static inline unsigned iminor(const struct inode *inode) { return inode->i_ino & 0xff; }
loff_t noop_llseek(struct file *file, loff_t offset, int whence);
int nonseekable_open(struct inode *inode, struct file *filp);
#endif

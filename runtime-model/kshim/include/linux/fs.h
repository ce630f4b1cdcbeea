/*
 * vmaprep kernel API shim: linux/fs.h.
 * Models struct file (f_mode, f_op, private_data, a reference count), struct inode, and
 * struct file_operations with .mmap (legacy), .mmap_prepare (6.16+) and fop_flags, the inode's file type
 * (i_mode, which decides mmap's offset limit), plus get_file/fput (ledger kind
 * "file"), file_accessed, generic_file_mmap and generic_file_mmap_prepare, vfs_mmap (a stacked ->mmap
 * calling down, through compat_vma_mmap() to a ->mmap_prepare), noop_llseek and nonseekable_open.
 */
#ifndef VMAPREP_KSHIM_LINUX_FS_H
#define VMAPREP_KSHIM_LINUX_FS_H

#include <linux/kernel.h>
#include <linux/mm_types.h>
#include <linux/types.h>

__VMAPREP_BEGIN_DECLS

struct module;
struct vm_area_desc;
struct poll_table_struct;
struct address_space;

#define FMODE_READ ((fmode_t)0x1)
#define FMODE_WRITE ((fmode_t)0x2)
#define FMODE_LSEEK ((fmode_t)0x4)
#define FMODE_PREAD ((fmode_t)0x8)
#define FMODE_PWRITE ((fmode_t)0x10)
#define FMODE_EXEC ((fmode_t)0x20)

/* include/linux/fs.h fop_flags: FOP_UNSIGNED_OFFSET lifts mmap's offset limit (mm/mmap.c file_mmap_size_max()). */
typedef unsigned int fop_flags_t;
#define FOP_MMAP_SYNC ((fop_flags_t)(1 << 2))
#define FOP_UNSIGNED_OFFSET ((fop_flags_t)(1 << 5))

/* The file type bits of i_mode (uapi linux/stat.h); the C library may have defined them already. */
#ifndef S_IFMT
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFCHR 0020000
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISBLK(m) (((m) & S_IFMT) == S_IFBLK)
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)
#endif

struct inode {
	unsigned long i_ino;
	unsigned int i_mode;
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
	struct address_space *f_mapping;
	loff_t f_pos;
	long __vmaprep_count;
	int __vmaprep_kapi;
	fop_flags_t __vmaprep_fop_flags; /* OR'd with f_op->fop_flags: a kind the validator gives the file */
};

struct file_operations {
	struct module *owner;
	loff_t (*llseek)(struct file *, loff_t, int);
	ssize_t (*read)(struct file *, char __user *, size_t, loff_t *);
	ssize_t (*write)(struct file *, const char __user *, size_t, loff_t *);
	unsigned int (*poll)(struct file *, struct poll_table_struct *);
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
	int (*fsync)(struct file *, loff_t, loff_t, int datasync);
	unsigned long (*get_unmapped_area)(struct file *, unsigned long, unsigned long, unsigned long,
					   unsigned long);
	fop_flags_t fop_flags;
};

static inline struct inode *file_inode(const struct file *f) { return f->f_inode; }
/* IS_DAX() is 0 without CONFIG_FS_DAX, the shim's configuration: no file is a DAX file. */
#define IS_DAX(inode) ((void)(inode), 0)
#if VMAPREP_KAPI >= VMAPREP_KAPI_6_19
/* 7.3's; the release that added it (with dax's mmap_prepare conversion) is inferred. */
static inline bool file_is_dax(const struct file *file)
{
	return file && IS_DAX(file_inode(file));
}
#endif
static inline bool vma_is_dax(const struct vm_area_struct *vma)
{
	return vma->vm_file && IS_DAX(file_inode(vma->vm_file));
}
struct file *get_file(struct file *f) __VMAPREP_NOEXCEPT;
void fput(struct file *file) __VMAPREP_NOEXCEPT;
static inline void file_accessed(struct file *file) { (void)file; }
int generic_file_mmap(struct file *file, struct vm_area_struct *vma) __VMAPREP_NOEXCEPT;
int generic_file_readonly_mmap(struct file *file, struct vm_area_struct *vma) __VMAPREP_NOEXCEPT;
#if VMAPREP_KAPI >= VMAPREP_KAPI_6_16
int generic_file_mmap_prepare(struct vm_area_desc *desc) __VMAPREP_NOEXCEPT;
int generic_file_readonly_mmap_prepare(struct vm_area_desc *desc) __VMAPREP_NOEXCEPT;
#endif
int vfs_mmap(struct file *file, struct vm_area_struct *vma) __VMAPREP_NOEXCEPT;
/* 6.12 spelling: the stacked-filesystem call down to the lower file's hook. */
static inline int call_mmap(struct file *file, struct vm_area_struct *vma)
{
	return file->f_op->mmap(file, vma);
}
static inline unsigned iminor(const struct inode *inode) { return inode->i_rdev & 0xfffff; }
loff_t noop_llseek(struct file *file, loff_t offset, int whence) __VMAPREP_NOEXCEPT;
int nonseekable_open(struct inode *inode, struct file *filp) __VMAPREP_NOEXCEPT;

__VMAPREP_END_DECLS

#endif

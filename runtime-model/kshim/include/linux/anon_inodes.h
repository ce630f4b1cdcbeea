/*
 * vmaprep kernel API shim: linux/anon_inodes.h.
 * Models anon_inode_getfile(): a new file (one reference, the caller's) on the given file_operations,
 * what drivers hand out as a second file (a backing object, an event fd).
 */
#ifndef VMAPREP_KSHIM_LINUX_ANON_INODES_H
#define VMAPREP_KSHIM_LINUX_ANON_INODES_H

#include <linux/fs.h>

__VMAPREP_BEGIN_DECLS

struct file *anon_inode_getfile(const char *name, const struct file_operations *fops, void *priv,
				int flags) __VMAPREP_NOEXCEPT;

__VMAPREP_END_DECLS

#endif

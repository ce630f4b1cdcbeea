/*
 * vmaprep kernel API shim: linux/uaccess.h.
 * Models copy_to_user/copy_from_user as plain copies (the model has no user/kernel split); they return
 * the number of bytes not copied, always 0 here.
 */
#ifndef VMAPREP_KSHIM_LINUX_UACCESS_H
#define VMAPREP_KSHIM_LINUX_UACCESS_H
#include <linux/kernel.h>
#include <linux/string.h>
static inline unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	memcpy(to, from, n);
	return 0;
}
static inline unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	memcpy(to, from, n);
	return 0;
}
#endif

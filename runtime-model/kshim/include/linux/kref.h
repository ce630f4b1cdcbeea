/*
 * vmaprep kernel API shim: linux/kref.h.
 * Models struct kref. The ledger (kind "kref") counts references: kref_init creates one, kref_get adds one,
 * kref_put drops one, so an object whose references all went away is balanced.
 */
#ifndef VMAPREP_KSHIM_LINUX_KREF_H
#define VMAPREP_KSHIM_LINUX_KREF_H

#include <linux/refcount.h>

__VMAPREP_BEGIN_DECLS

struct kref {
	refcount_t refcount;
};

#define KREF_INIT(n) { .refcount = REFCOUNT_INIT(n) }
void kref_init(struct kref *kref) __VMAPREP_NOEXCEPT;
static inline unsigned int kref_read(const struct kref *kref) { return refcount_read(&kref->refcount); }
void kref_get(struct kref *kref) __VMAPREP_NOEXCEPT;
int kref_put(struct kref *kref, void (*release)(struct kref *kref)) __VMAPREP_NOEXCEPT;
int kref_get_unless_zero(struct kref *kref) __VMAPREP_NOEXCEPT;

__VMAPREP_END_DECLS

#endif

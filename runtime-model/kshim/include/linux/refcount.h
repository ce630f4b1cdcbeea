/*
 * vmaprep kernel API shim: linux/refcount.h.
 * Models refcount_t. The ledger (kind "refcount") counts references: refcount_set moves the count by the
 * difference, refcount_inc adds one, refcount_dec* drop one. REFCOUNT_INIT (static data) is not seen.
 */
#ifndef VMAPREP_KSHIM_LINUX_REFCOUNT_H
#define VMAPREP_KSHIM_LINUX_REFCOUNT_H

#include <linux/atomic.h>

__VMAPREP_BEGIN_DECLS

typedef struct refcount_struct {
	atomic_t refs;
} refcount_t;

#define REFCOUNT_INIT(n) { .refs = ATOMIC_INIT(n) }
void refcount_set(refcount_t *r, int n) __VMAPREP_NOEXCEPT;
static inline unsigned int refcount_read(const refcount_t *r) { return (unsigned int)r->refs.counter; }
void refcount_inc(refcount_t *r) __VMAPREP_NOEXCEPT;
bool refcount_inc_not_zero(refcount_t *r) __VMAPREP_NOEXCEPT;
void refcount_dec(refcount_t *r) __VMAPREP_NOEXCEPT;
bool refcount_dec_and_test(refcount_t *r) __VMAPREP_NOEXCEPT;

__VMAPREP_END_DECLS

#endif

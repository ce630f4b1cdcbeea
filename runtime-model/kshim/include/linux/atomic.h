/*
 * vmaprep kernel API shim: linux/atomic.h.
 * Models atomic_t counters (the types are in linux/types.h, as in the kernel) (single-threaded model: plain ints). Not ledger-counted: drivers use them
 * for many things; the ledger counts kref/refcount instead.
 */
#ifndef VMAPREP_KSHIM_LINUX_ATOMIC_H
#define VMAPREP_KSHIM_LINUX_ATOMIC_H

#include <linux/types.h>

#define ATOMIC_INIT(i) { (i) }
static inline int atomic_read(const atomic_t *v) { return v->counter; }
static inline void atomic_set(atomic_t *v, int i) { v->counter = i; }
static inline void atomic_inc(atomic_t *v) { v->counter++; }
static inline void atomic_dec(atomic_t *v) { v->counter--; }
static inline int atomic_inc_return(atomic_t *v) { return ++v->counter; }
static inline int atomic_dec_return(atomic_t *v) { return --v->counter; }
static inline bool atomic_dec_and_test(atomic_t *v) { return --v->counter == 0; }
static inline void atomic_add(int i, atomic_t *v) { v->counter += i; }
static inline void atomic_sub(int i, atomic_t *v) { v->counter -= i; }
static inline bool atomic_inc_unless_negative(atomic_t *v) { return v->counter >= 0 ? (v->counter++, true) : false; }
static inline bool atomic_add_unless(atomic_t *v, int a, int u) { return v->counter != u ? (v->counter += a, true) : false; }
static inline long atomic_long_read(const atomic_long_t *v) { return v->counter; }
static inline void atomic_long_inc(atomic_long_t *v) { v->counter++; }
static inline void atomic_long_dec(atomic_long_t *v) { v->counter--; }

#endif

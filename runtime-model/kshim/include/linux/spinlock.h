/* vmaprep kernel API shim: linux/spinlock.h. Models spinlocks as no-ops (the model is single-threaded). */
#ifndef VMAPREP_KSHIM_LINUX_SPINLOCK_H
#define VMAPREP_KSHIM_LINUX_SPINLOCK_H
typedef struct {
	int __vmaprep_locked;
} spinlock_t;
#define DEFINE_SPINLOCK(name) spinlock_t name = { 0 }
static inline void spin_lock_init(spinlock_t *l) { l->__vmaprep_locked = 0; }
static inline void spin_lock(spinlock_t *l) { l->__vmaprep_locked = 1; }
static inline void spin_unlock(spinlock_t *l) { l->__vmaprep_locked = 0; }
#define spin_lock_irqsave(l, flags) ((void)(flags), spin_lock(l))
#define spin_unlock_irqrestore(l, flags) ((void)(flags), spin_unlock(l))
#endif

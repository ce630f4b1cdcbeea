/* vmaprep kernel API shim: linux/mutex.h. Models mutexes as no-ops (the model is single-threaded). */
#ifndef VMAPREP_KSHIM_LINUX_MUTEX_H
#define VMAPREP_KSHIM_LINUX_MUTEX_H
struct mutex {
	int __vmaprep_locked;
};
#define DEFINE_MUTEX(name) struct mutex name = { 0 }
static inline void mutex_init(struct mutex *m) { m->__vmaprep_locked = 0; }
static inline void mutex_lock(struct mutex *m) { m->__vmaprep_locked = 1; }
static inline int mutex_lock_interruptible(struct mutex *m) { m->__vmaprep_locked = 1; return 0; }
static inline void mutex_unlock(struct mutex *m) { m->__vmaprep_locked = 0; }
#endif

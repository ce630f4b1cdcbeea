/* Parse-only: locking, counters, lists, allocation, device and module
 * references: what a handler may acquire (the stateless-hook rule). */
#ifndef _LINUX_KERNEL_H
#define _LINUX_KERNEL_H
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/kconfig.h>

struct mutex { int owner; };
void mutex_lock(struct mutex *lock);
void mutex_unlock(struct mutex *lock);
typedef struct { int lock; } spinlock_t;
void spin_lock(spinlock_t *lock);
void spin_unlock(spinlock_t *lock);

static inline int atomic_read(const atomic_t *v) { return v->counter; }
void atomic_set(atomic_t *v, int i);
void atomic_inc(atomic_t *v);
void atomic_dec(atomic_t *v);
int atomic_inc_return(atomic_t *v);
int atomic_dec_and_test(atomic_t *v);
bool atomic_inc_unless_negative(atomic_t *v);
int atomic_add_unless(atomic_t *v, int a, int u);

struct kref { refcount_t refcount; };
void kref_init(struct kref *kref);
void kref_get(struct kref *kref);
int kref_put(struct kref *kref, void (*release)(struct kref *kref));
void refcount_inc(refcount_t *r);
void refcount_set(refcount_t *r, int n);
int kref_get_unless_zero(struct kref *kref);
bool refcount_dec_and_test(refcount_t *r);

void list_add(struct list_head *new, struct list_head *head);
void list_add_tail(struct list_head *new, struct list_head *head);
void list_del(struct list_head *entry);

/* kmalloc() is a macro over kmalloc_noprof() since allocation tagging. */
void *kmalloc_noprof(size_t size, gfp_t flags);
void *kzalloc_noprof(size_t size, gfp_t flags);
#define kmalloc(...) kmalloc_noprof(__VA_ARGS__)
#define kzalloc(...) kzalloc_noprof(__VA_ARGS__)
void kfree(const void *p);
void *vmalloc_user(unsigned long size);
void vfree(const void *addr);

struct module;
extern struct module __this_module;
#define THIS_MODULE (&__this_module)
bool try_module_get(struct module *m);
void module_put(struct module *m);
#define MODULE_LICENSE(x)

struct device { void *driver_data; };
struct device *get_device(struct device *dev);
void put_device(struct device *dev);
int pm_runtime_get(struct device *dev);
int pm_runtime_get_sync(struct device *dev);
int pm_runtime_resume_and_get(struct device *dev);
int pm_runtime_put(struct device *dev);

int printk(const char *fmt, ...);
#define pr_err(fmt, ...) printk(fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) printk(fmt, ##__VA_ARGS__)
#define dev_err(dev, fmt, ...) printk(fmt, ##__VA_ARGS__)
#endif

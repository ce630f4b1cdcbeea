/* Parse-only kernel headers for vmaprep's checker fixtures.
 * Declarations mirror the kernel's spelling (names, types, which helpers are
 * functions and which are macros) so the checker sees what it sees in a real
 * tree. Nothing here is meant to run: the runtime model has its own shim.
 * API level: VMAPREP_KAPI (61200 = before mmap_prepare, 61600, 61800, 61900, 70000,
 * 70100; default 70100). */
#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H

#ifndef VMAPREP_KAPI
#define VMAPREP_KAPI 70100
#endif

#define NULL ((void *)0)
typedef _Bool bool;
#define true 1
#define false 0
typedef unsigned long size_t;
typedef long ssize_t;
typedef long long loff_t;
typedef unsigned int gfp_t;
typedef unsigned int fmode_t;
typedef unsigned long pgoff_t;
typedef unsigned long long phys_addr_t;
typedef unsigned long long dma_addr_t;
typedef unsigned long long resource_size_t;
typedef unsigned int vm_fault_t;
typedef unsigned long vm_flags_t;
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef struct { unsigned long pgprot; } pgprot_t;
typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;
typedef struct { atomic_t refs; } refcount_t;
struct list_head { struct list_head *next, *prev; };

#define __user
#define __iomem
#define __init
#define __exit
#define __always_inline inline
#define unlikely(x) (x)
#define likely(x) (x)
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(n) (1UL << (n))
#define GFP_KERNEL 0x0cc0u

#endif

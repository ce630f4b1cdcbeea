/*
 * vmaprep kernel API shim: linux/types.h.
 * Models the basic kernel scalar types used by mmap code (x86-64 sizes), plus the argument-counting
 * helper from linux/args.h that the variadic VMA flag macros need.
 */
#ifndef VMAPREP_KSHIM_LINUX_TYPES_H
#define VMAPREP_KSHIM_LINUX_TYPES_H

#include <vmaprep/kapi.h>

/*
 * Hosted (the model, vmaprep validate): the C library's definitions, which model code includes too.
 * -nostdinc (fixtures, examples, as the kernel builds): the kernel's own, from the compiler's
 * predefined types (include/linux/stddef.h, include/linux/types.h).
 */
#if __has_include(<stddef.h>)
#include <stddef.h>
#include <stdint.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif
#else
#define NULL ((void *)0)
#define offsetof(TYPE, MEMBER) __builtin_offsetof(TYPE, MEMBER)
typedef _Bool bool;
enum { false = 0, true = 1 };
typedef __SIZE_TYPE__ size_t;
typedef __PTRDIFF_TYPE__ ptrdiff_t;
typedef __UINTPTR_TYPE__ uintptr_t;
typedef __UINT8_TYPE__ uint8_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __UINT64_TYPE__ uint64_t;
typedef __INT8_TYPE__ int8_t;
typedef __INT16_TYPE__ int16_t;
typedef __INT32_TYPE__ int32_t;
typedef __INT64_TYPE__ int64_t;
#endif
#include <linux/compiler_types.h>

/* The uapi spellings, also needed by system headers that include <linux/types.h> (e.g. <linux/stat.h>). */
#ifndef __ASM_GENERIC_INT_LL64_H
#define __ASM_GENERIC_INT_LL64_H
typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef signed short __s16;
typedef unsigned int __u32;
typedef signed int __s32;
__extension__ typedef unsigned long long __u64;
__extension__ typedef signed long long __s64;
#endif
typedef __u16 __le16;
typedef __u16 __be16;
typedef __u32 __le32;
typedef __u32 __be32;
typedef __u64 __le64;
typedef __u64 __be64;
typedef __u16 __sum16;
typedef __u32 __wsum;
#define __aligned_u64 __u64 __attribute__((aligned(8)))
#define __aligned_be64 __be64 __attribute__((aligned(8)))
#define __aligned_le64 __le64 __attribute__((aligned(8)))

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef unsigned long pgoff_t;
typedef u64 phys_addr_t;
typedef u64 resource_size_t;
typedef unsigned long vm_flags_t;
typedef unsigned int gfp_t;
typedef unsigned int fmode_t;
/* glibc's <sys/types.h> also defines these: same types, so C++ model code can include both. */
typedef long loff_t;
typedef unsigned int vm_fault_t;
typedef unsigned long dev_t;
typedef u64 dma_addr_t;
typedef long ssize_t;

typedef struct {
	int counter;
} atomic_t;
typedef struct {
	long counter;
} atomic_long_t;

struct list_head {
	struct list_head *next, *prev;
};

#define BITS_PER_LONG 64
#define BIT(nr) (1UL << (nr))

/* linux/args.h */
#define __COUNT_ARGS(_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _n, ...) _n
#define COUNT_ARGS(...) \
	__COUNT_ARGS(, ##__VA_ARGS__, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)

#endif

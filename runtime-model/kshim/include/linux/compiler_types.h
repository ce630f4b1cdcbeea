/*
 * vmaprep kernel API shim: linux/compiler_types.h.
 * The annotations the kernel's build puts before every file (sparse address spaces, section markers,
 * inlining), as no-ops or plain attributes. Only the address spaces reach C++ (the model includes the
 * shim headers, and the C++ library uses names such as __init), and the C library's __always_inline
 * is kept.
 */
#ifndef VMAPREP_KSHIM_LINUX_COMPILER_TYPES_H
#define VMAPREP_KSHIM_LINUX_COMPILER_TYPES_H

#define __user
#define __iomem

#ifndef __cplusplus
#define __force
#define __rcu
#define __init
#define __exit
#define __maybe_unused __attribute__((unused))
#define __always_unused __attribute__((unused))
#define __must_check __attribute__((warn_unused_result))
#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif
#endif

#endif

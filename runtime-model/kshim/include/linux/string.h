/* vmaprep kernel API shim: linux/string.h. Models the kernel's string/memory helpers with the C library's. */
#ifndef VMAPREP_KSHIM_LINUX_STRING_H
#define VMAPREP_KSHIM_LINUX_STRING_H
#include <string.h>
#endif

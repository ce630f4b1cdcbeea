/*
 * vmaprep kernel API shim: linux/module.h.
 * Models module references: try_module_get/module_put are counted in the resource ledger (kind "module").
 */
#ifndef VMAPREP_KSHIM_LINUX_MODULE_H
#define VMAPREP_KSHIM_LINUX_MODULE_H

#include <linux/types.h>

__VMAPREP_BEGIN_DECLS

struct module {
	int __vmaprep_refs;
};

extern struct module __this_module;
#define THIS_MODULE (&__this_module)
bool try_module_get(struct module *module) __VMAPREP_NOEXCEPT;
void module_put(struct module *module) __VMAPREP_NOEXCEPT;
void __module_get(struct module *module) __VMAPREP_NOEXCEPT;

#define MODULE_LICENSE(x)
#define MODULE_AUTHOR(x)
#define MODULE_DESCRIPTION(x)
/* As the kernel's (include/linux/export.h): a redeclaration of the symbol and
 * a reference to it, so that a handler renamed without its export does not
 * compile, as in the kernel. */
#ifdef __cplusplus
#define EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_GPL(x)
#else
#define __VMAPREP_EXPORT_SYMBOL(sym)                                                                                 \
	extern __typeof__(sym) sym;                                                                                  \
	static void *const __attribute__((unused)) __vmaprep_export_##sym = (void *)&sym
#define EXPORT_SYMBOL(x) __VMAPREP_EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_GPL(x) __VMAPREP_EXPORT_SYMBOL(x)
#endif
#define module_init(x)
#define module_exit(x)

__VMAPREP_END_DECLS

#endif

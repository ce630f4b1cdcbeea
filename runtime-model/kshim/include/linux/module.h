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
#define EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_GPL(x)
#define module_init(x)
#define module_exit(x)

__VMAPREP_END_DECLS

#endif

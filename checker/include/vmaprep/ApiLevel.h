//===- ApiLevel.h - kernel API levels of the mmap_prepare migration -------===//
//
// The kernel's mmap_prepare interface grew over several releases. What a
// handler may be converted to depends on the level of the tree it lives in, so
// every verdict is made against one ApiLevel. What each level can express is
// data (ApiProfile), not code paths: see kernel-api.md sections 2-4.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_APILEVEL_H
#define VMAPREP_APILEVEL_H

#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>

namespace vmaprep {

enum class ApiLevel { V6_16, V6_18, V6_19, V7_0, V7_1 };

constexpr ApiLevel NewestApiLevel = ApiLevel::V7_1;

/// "6.16", "6.18", "6.19", "7.0", "7.1" (also "7.1+", "7.2", "7.3", "latest").
std::optional<ApiLevel> parseApiLevel(llvm::StringRef Text);
/// The canonical spelling: "6.16" ... "7.1".
llvm::StringRef apiLevelName(ApiLevel Level);

/// Something a converted handler may need that not every level provides.
enum class ApiCapability {
  MmapPrepareHook,      // ->mmap_prepare and struct vm_area_desc
  DescVmFile,           // desc->vm_file separate from the immutable desc->file
  RemapAction,          // mmap_action_remap / _ioremap (with _full variants)
  DescSizeHelpers,      // vma_desc_size / vma_desc_pages
  DescAnonymous,        // vma_desc_set_anonymous / shmem_zero_setup_desc
  BitmapFlags,          // desc->vma_flags, vma_desc_set_flags(desc, VMA_X_BIT, ...)
  SimpleIoremapAction,  // mmap_action_simple_ioremap (replaces vm_iomap_memory)
  MapKernelPagesAction, // mmap_action_map_kernel_pages (replaces vm_insert_pages / vm_map_pages)
  MappedCallback,       // vm_ops->mapped: per-mapping state outside the stateless hook
  ErrorOverride,        // desc->action.error_override
};

/// The first level that provides \p Cap.
ApiLevel firstLevelWith(ApiCapability Cap);
inline bool levelHas(ApiLevel Level, ApiCapability Cap) {
  return Level >= firstLevelWith(Cap);
}
llvm::StringRef capabilityName(ApiCapability Cap);

} // namespace vmaprep

#endif

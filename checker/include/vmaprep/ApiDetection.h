//===- ApiDetection.h - which API level a tree's headers provide ----------===//
//
// `--api auto`: the level is read off the tree's own declarations, as a
// kernel developer would check them: does struct vm_area_desc exist, does it
// have vm_file, an action, the bitmap vma_flags; does struct mmap_action have
// error_override.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_APIDETECTION_H
#define VMAPREP_APIDETECTION_H

#include "vmaprep/ApiLevel.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>

namespace clang {
class ASTContext;
}

namespace vmaprep {

struct DetectedApi {
  /// Empty when the tree predates mmap_prepare (no struct vm_area_desc).
  std::optional<ApiLevel> Level;
  /// What was found, for the user: "struct vm_area_desc has vma_flags; ...".
  std::string Evidence;
};

DetectedApi detectApiLevel(clang::ASTContext &Ctx);

/// Whether the tree's headers provide a call-shaped desc twin of the
/// catalogue (`file_is_dax(desc->file)`, KernelApi.def) as the twin calls
/// it: the callee declared with one parameter per argument, a desc pointer
/// where the twin passes `desc`, no VMA pointer elsewhere. Empty when they
/// do, or when the tree predates mmap_prepare (no struct vm_area_desc: the
/// level is then the user's assumption, not the tree's); otherwise what the
/// headers lack, for a reason: "file_is_dax() is not declared", "...
/// is declared as bool (struct vm_area_struct *, struct dax_device *) at
/// include/linux/dax.h:70".
std::string missingTwin(clang::ASTContext &Ctx, llvm::StringRef Twin);

} // namespace vmaprep

#endif

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

} // namespace vmaprep

#endif

//===- ApiProfile.h - how each kernel API level spells mmap_prepare -------===//
//
// The rewriter asks the profile, never the level, how a level spells a flag
// test, a flag change and the size; what a call, a delegation or a VMA field
// becomes it asks the call's catalogue entry (KernelApi.def). Nothing here is a
// fact of its own: every field is derived from the capability table
// (ApiLevels.def) and the catalogue's desc twins (KernelApi.def), so a new
// level is a row there, not a new code path (docs/adding-an-api-level.md).
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_APIPROFILE_H
#define VMAPREP_APIPROFILE_H

#include "vmaprep/ApiLevel.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace vmaprep {

struct ApiProfile {
  ApiLevel Level;
  /// Flags are a bitmap set through helpers taking VMA_*_BIT names (7.0+);
  /// before, desc->vm_flags takes VM_* masks.
  bool BitmapFlags;
  /// Single-bit test helper: "vma_desc_test" (7.1+), "vma_desc_test_flags" (7.0).
  llvm::StringRef TestOneBit;
  /// Several-bit tests ("vma_desc_test_any"/"_all"), empty when the level has none.
  llvm::StringRef TestAnyBits, TestAllBits;
  bool SizeHelpers;   // vma_desc_size(), vma_desc_pages()
  bool ErrorOverride; // desc->action.error_override
  /// desc->action.error_hook (6.19, 7.0): a function that gets the action's
  /// error and returns the one mmap() reports; gone with error_override.
  bool ErrorHook;
};

const ApiProfile &profileFor(ApiLevel Level);

/// "VM_IO" -> "VMA_IO_BIT"; empty when the flag has no bit name.
std::string flagBitName(llvm::StringRef VmFlag);

/// Splits "VM_IO | VM_DONTEXPAND" into its VM_* names; false when the text
/// is anything else (a variable, arithmetic, a macro of several flags).
bool splitFlagMask(llvm::StringRef Text, std::vector<std::string> &Flags);

} // namespace vmaprep

#endif

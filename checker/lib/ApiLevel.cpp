//===- ApiLevel.cpp - kernel API levels as data ---------------------------===//
#include "vmaprep/ApiLevel.h"

#include "llvm/ADT/StringSwitch.h"

namespace vmaprep {

std::optional<ApiLevel> parseApiLevel(llvm::StringRef Text) {
  Text = Text.trim();
  // "7.1+" and the releases after 7.1 share 7.1's spelling (kernel-api.md).
  return llvm::StringSwitch<std::optional<ApiLevel>>(Text)
      .Case("6.16", ApiLevel::V6_16)
      .Cases("6.17", "6.18", ApiLevel::V6_18)
      .Case("6.19", ApiLevel::V6_19)
      .Case("7.0", ApiLevel::V7_0)
      .Cases("7.1", "7.1+", "7.2", "7.3", "latest", ApiLevel::V7_1)
      .Default(std::nullopt);
}

llvm::StringRef apiLevelName(ApiLevel Level) {
  switch (Level) {
  case ApiLevel::V6_16: return "6.16";
  case ApiLevel::V6_18: return "6.18";
  case ApiLevel::V6_19: return "6.19";
  case ApiLevel::V7_0: return "7.0";
  case ApiLevel::V7_1: return "7.1";
  }
  return "?";
}

namespace {
struct CapabilityRow {
  ApiCapability Cap;
  ApiLevel First;
  const char *Name;
};
// Where a level is inferred rather than read off a release, kernel-api.md says so.
constexpr CapabilityRow CapabilityTable[] = {
    {ApiCapability::MmapPrepareHook, ApiLevel::V6_16, "the mmap_prepare hook"},
    {ApiCapability::DescVmFile, ApiLevel::V6_18, "desc->vm_file"},
    {ApiCapability::RemapAction, ApiLevel::V6_19, "remap actions (mmap_action_remap)"},
    {ApiCapability::DescSizeHelpers, ApiLevel::V6_19, "vma_desc_size()/vma_desc_pages()"},
    {ApiCapability::DescAnonymous, ApiLevel::V6_19, "vma_desc_set_anonymous()/shmem_zero_setup_desc()"},
    {ApiCapability::BitmapFlags, ApiLevel::V7_0, "bitmap flags (vma_desc_set_flags)"},
    {ApiCapability::SimpleIoremapAction, ApiLevel::V7_1, "mmap_action_simple_ioremap()"},
    {ApiCapability::MapKernelPagesAction, ApiLevel::V7_1, "mmap_action_map_kernel_pages()"},
    {ApiCapability::MappedCallback, ApiLevel::V7_1, "the vm_ops->mapped callback"},
    {ApiCapability::ErrorOverride, ApiLevel::V7_1, "desc->action.error_override"},
};

const CapabilityRow &rowFor(ApiCapability Cap) {
  for (const CapabilityRow &Row : CapabilityTable)
    if (Row.Cap == Cap)
      return Row;
  return CapabilityTable[0];
}
} // namespace

ApiLevel firstLevelWith(ApiCapability Cap) { return rowFor(Cap).First; }
llvm::StringRef capabilityName(ApiCapability Cap) { return rowFor(Cap).Name; }

} // namespace vmaprep

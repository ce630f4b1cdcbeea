//===- ApiProfile.cpp -----------------------------------------------------===//
#include "vmaprep/ApiProfile.h"
#include "vmaprep/KernelApi.h"

#include "llvm/ADT/StringSet.h"
#include <vector>

namespace vmaprep {

namespace {
/// The desc twin of the catalogue entry \p Name at \p Level.
llvm::StringRef twinOf(const KernelApi *Entry, ApiLevel Level) { return Entry ? Entry->twinAt(Level) : ""; }

ApiProfile derive(ApiLevel L) {
  ApiProfile P{};
  P.Level = L;
  P.BitmapFlags = levelHas(L, ApiCapability::BitmapFlags);
  P.TestOneBit = twinOf(kernelFunction("vma_test"), L);
  P.TestAnyBits = twinOf(kernelFunction("vma_test_any_mask"), L);
  P.TestAllBits = twinOf(kernelFunction("vma_test_all_mask"), L);
  P.SizeHelpers = levelHas(L, ApiCapability::DescSizeHelpers);
  P.ErrorOverride = levelHas(L, ApiCapability::ErrorOverride);
  P.ErrorHook = levelHas(L, ApiCapability::ErrorHook) && !P.ErrorOverride;
  return P;
}
} // namespace

const ApiProfile &profileFor(ApiLevel Level) {
  static const std::vector<ApiProfile> Profiles = [] {
    std::vector<ApiProfile> All;
    for (ApiLevel L : allApiLevels())
      All.push_back(derive(L));
    return All;
  }();
  return Profiles[unsigned(Level)];
}

std::string flagBitName(llvm::StringRef VmFlag) {
  // The VM_* masks that have a VMA_*_BIT twin (include/linux/mm.h, 7.x).
  static const llvm::StringSet<> Known = {
      "VM_READ",      "VM_WRITE",     "VM_EXEC",       "VM_SHARED",     "VM_MAYREAD",     "VM_MAYWRITE",
      "VM_MAYEXEC",   "VM_MAYSHARE",  "VM_GROWSDOWN",  "VM_PFNMAP",     "VM_LOCKED",      "VM_IO",
      "VM_SEQ_READ",  "VM_RAND_READ", "VM_DONTCOPY",   "VM_DONTEXPAND", "VM_LOCKONFAULT", "VM_ACCOUNT",
      "VM_NORESERVE", "VM_HUGETLB",   "VM_SYNC",       "VM_WIPEONFORK", "VM_DONTDUMP",    "VM_SOFTDIRTY",
      "VM_MIXEDMAP",  "VM_HUGEPAGE",  "VM_NOHUGEPAGE", "VM_MERGEABLE"};
  if (!Known.count(VmFlag))
    return "";
  return "VMA_" + VmFlag.drop_front(3).str() + "_BIT";
}

bool splitFlagMask(llvm::StringRef Text, std::vector<std::string> &Flags) {
  Text = Text.trim();
  while (Text.starts_with("(") && Text.ends_with(")"))
    Text = Text.drop_front().drop_back().trim();
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  Text.split(Parts, '|');
  for (llvm::StringRef P : Parts) {
    P = P.trim();
    while (P.starts_with("(") && P.ends_with(")"))
      P = P.drop_front().drop_back().trim();
    if (!P.starts_with("VM_") || P.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != llvm::StringRef::npos)
      return false;
    Flags.push_back(P.str());
  }
  return !Flags.empty();
}

} // namespace vmaprep

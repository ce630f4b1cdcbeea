//===- ApiProfile.cpp -----------------------------------------------------===//
#include "vmaprep/ApiProfile.h"

#include "llvm/ADT/StringSet.h"

namespace vmaprep {

// kernel-api.md section 2-4; the 6.19 and 7.0 rows are inferred where that
// document says so.
static const ApiProfile Profiles[] = {
    //  level            vm_file    bitmap  test-one               any                  all                 size   remap  simple  kpages override anon  cow
    {ApiLevel::V6_16, "file",    false, "",                    "",                  "",                 false, false, false, false, false, false, false},
    {ApiLevel::V6_18, "vm_file", false, "",                    "",                  "",                 false, false, false, false, false, false, false},
    {ApiLevel::V6_19, "vm_file", false, "",                    "",                  "",                 true,  true,  false, false, false, true,  false},
    {ApiLevel::V7_0,  "vm_file", true,  "vma_desc_test_flags", "",                  "",                 true,  true,  false, false, false, true,  true},
    {ApiLevel::V7_1,  "vm_file", true,  "vma_desc_test",       "vma_desc_test_any", "vma_desc_test_all", true, true,  true,  true,  true,  true,  true},
};

const ApiProfile &profileFor(ApiLevel Level) {
  for (const ApiProfile &P : Profiles)
    if (P.Level == Level)
      return P;
  return Profiles[std::size(Profiles) - 1];
}

std::string flagBitName(llvm::StringRef VmFlag) {
  // The VM_* masks that have a VMA_*_BIT twin (include/linux/mm.h, 7.x).
  static const llvm::StringSet<> Known = {
      "VM_READ",     "VM_WRITE",    "VM_EXEC",       "VM_SHARED",   "VM_MAYREAD",  "VM_MAYWRITE",
      "VM_MAYEXEC",  "VM_MAYSHARE", "VM_GROWSDOWN",  "VM_PFNMAP",   "VM_LOCKED",   "VM_IO",
      "VM_SEQ_READ", "VM_RAND_READ", "VM_DONTCOPY",  "VM_DONTEXPAND", "VM_LOCKONFAULT",
      "VM_ACCOUNT",  "VM_NORESERVE", "VM_HUGETLB",   "VM_SYNC",     "VM_WIPEONFORK",
      "VM_DONTDUMP", "VM_SOFTDIRTY", "VM_MIXEDMAP",  "VM_HUGEPAGE", "VM_NOHUGEPAGE",
      "VM_MERGEABLE"};
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

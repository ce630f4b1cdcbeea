//===- FuzzConfigReader.cpp - the .vmaprep.yaml reader --------------------===//
//
// parseConfig() is loadConfig() without the file: whatever the text, an
// error or a validated configuration, whose baseline is absolute and whose
// excludes are non-empty relative globs that isExcluded() can apply.
//
//===----------------------------------------------------------------------===//
#include "driver/Config.h"

#include "llvm/Support/Path.h"
#include <cstdint>
#include <cstdlib>

using namespace vmaprep;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  const llvm::StringRef Text(reinterpret_cast<const char *>(Data), Size);
  Config C;
  if (!parseConfig(Text, "/fuzz/tree/.vmaprep.yaml", C).empty())
    return 0;
  if (C.Dir != "/fuzz/tree")
    abort();
  if (C.Baseline && !llvm::sys::path::is_absolute(*C.Baseline))
    abort();
  for (const std::string &G : C.Exclude)
    if (G.empty() || llvm::sys::path::is_absolute(G))
      abort();
  (void)isExcluded("/fuzz/tree/drivers/gpu/drm/drm_gem.c", C.Exclude, C.Dir);
  (void)isExcluded("/elsewhere/x.c", C.Exclude, C.Dir);
  return 0;
}

//===- FuzzBaselineReader.cpp - the --baseline reader ---------------------===//
//
// parseBaseline() is readBaseline() without the file: whatever the text, an
// error or a set of fingerprints, each of them 64 lowercase hex digits (what
// Fingerprint.cpp writes; anything else could never match a finding).
//
//===----------------------------------------------------------------------===//
#include "findings/FindingFilters.h"

#include "llvm/ADT/StringExtras.h"
#include <cstdint>
#include <cstdlib>

using namespace vmaprep;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  const llvm::StringRef Text(reinterpret_cast<const char *>(Data), Size);
  Baseline B;
  if (!parseBaseline(Text, B).empty())
    return 0;
  for (const std::string &Fp : B.Fingerprints)
    if (Fp.size() != 64 || llvm::any_of(Fp, [](char C) { return !llvm::isDigit(C) && !(C >= 'a' && C <= 'f'); }))
      abort();
  return 0;
}

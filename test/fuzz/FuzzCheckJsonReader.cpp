//===- FuzzCheckJsonReader.cpp - the reader of merge and report -----------===//
//
// readCheckJson() is what `vmaprep merge` and `vmaprep report` run on every
// input document, split per handler when the layout allows. Whatever the
// text, it returns a result or an error; a document it accepts merges with
// itself (the handlers are deduplicated, so twice is as many as once).
//
//===----------------------------------------------------------------------===//
#include "JsonInput.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using namespace vmaprep;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  const llvm::StringRef Text(reinterpret_cast<const char *>(Data), Size);
  CheckResult R;
  if (!readCheckJson(Text, R).empty())
    return 0;
  CheckResult Once, Twice;
  if (!mergeResults({R}, Once).empty() || !mergeResults({R, R}, Twice).empty())
    abort(); // one API level throughout
  if (Once.Handlers.size() != Twice.Handlers.size())
    abort();
  return 0;
}

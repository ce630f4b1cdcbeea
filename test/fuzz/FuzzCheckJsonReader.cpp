//===- FuzzCheckJsonReader.cpp - the reader of merge and report -----------===//
//
// readCheckJson() is what `vmaprep merge` and `vmaprep report` run on every
// input document, split per handler when the layout allows. Whatever the
// text, it returns a result or an error; a document it accepts merges with
// itself (the handlers are deduplicated, so twice is as many as once).
// The reader splits the top-level "handlers" array out of the text by hand
// and parses one handler at a time; with the key spelled with an escape it
// parses the document whole: both ways must accept the same documents and
// read the same result.
//
//===----------------------------------------------------------------------===//
#include "findings/JsonInput.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using namespace vmaprep;

namespace {

/// What JsonInput.cpp reads, as text (the parts that tell a split read from
/// a whole one).
std::string summarise(const CheckResult &R) {
  std::string S = std::to_string(int(R.Target)) + "|";
  for (const HandlerReport &H : R.Handlers)
    S += H.Function + "@" + H.Where.str() + ":" + std::to_string(H.Sites.size()) + "|";
  for (const InputError &E : R.Errors)
    S += E.File + ":" + E.Message + "|";
  for (unsigned N :
       {unsigned(R.SubsystemHooks.size()), unsigned(R.BothHooks.size()), unsigned(R.Unresolved.size()),
        unsigned(R.ApiDetections.size()), unsigned(R.DroppedFlags.size()), R.FilesAnalysed, R.DuplicateEntries,
        R.FilesSkippedByPrefilter, R.FilesExcluded, R.Suppressed, R.Baselined, R.OutsideChangedLines})
    S += std::to_string(N) + ",";
  return S;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  const llvm::StringRef Text(reinterpret_cast<const char *>(Data), Size);
  CheckResult R;
  const bool Read = readCheckJson(Text, R).empty();
  // The same JSON value: \u0065 is 'e', inside a string whatever its place.
  std::string Escaped;
  for (llvm::StringRef T = Text; !T.empty();) {
    auto [Before, After] = T.split("\"handlers\"");
    Escaped += Before.str();
    if (Before.size() == T.size())
      break;
    Escaped += "\"handl\\u0065rs\"";
    T = After;
  }
  CheckResult Whole;
  const bool ReadWhole = readCheckJson(Escaped, Whole).empty();
  if (Read != ReadWhole || (Read && summarise(R) != summarise(Whole)))
    abort();
  if (!Read)
    return 0;
  CheckResult Once, Twice;
  if (!mergeResults({R}, Once).empty() || !mergeResults({R, R}, Twice).empty())
    abort(); // one API level throughout
  if (Once.Handlers.size() != Twice.Handlers.size())
    abort();
  return 0;
}

//===- JsonInput.h - read back `vmaprep check --format json` --------------===//
//
// Rebuilds a CheckResult from the versioned JSON document JsonOutput.cpp
// writes (schema "vmaprep-check", version 1), so shards can be merged and
// reports made without parsing the tree again.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_FINDINGS_JSONINPUT_H
#define VMAPREP_FINDINGS_JSONINPUT_H

#include "findings/CheckResult.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace vmaprep {

/// Parses \p Text into \p Out. Returns an error message (one line, without
/// the file name), or empty on success.
std::string readCheckJson(llvm::StringRef Text, CheckResult &Out);

/// Reads and parses \p Path; the error names the file.
std::string readCheckJsonFile(const std::string &Path, CheckResult &Out);

/// Combines shard results: handlers deduplicated by file, line, column and
/// function (their ops sites merged), the other findings by location, errors
/// concatenated, counts summed. Returns an error if the inputs were checked at
/// different API levels.
std::string mergeResults(std::vector<CheckResult> &&Parts, CheckResult &Out);

} // namespace vmaprep

#endif

//===- Config.h - .vmaprep.yaml: a tree's defaults for vmaprep check -------===//
//
// Found by walking up from the compile database's directory (or the current
// directory when there is none), like .clang-tidy. Keys (all optional):
//
//   api: auto                 # or 6.16, 6.18, 6.19, 7.0, 7.1
//   fail-on: convertible      # error, convertible, needs-api, blocked, any
//   baseline: vmaprep-baseline.json   # relative to this file's directory
//   exclude:                  # globs relative to this file's directory
//     - drivers/staging/*
//     - samples
//
// The command line overrides every key. A malformed file is an error.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_DRIVER_CONFIG_H
#define VMAPREP_DRIVER_CONFIG_H

#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>
#include <vector>

namespace vmaprep {

extern const char *const ConfigFileName; // ".vmaprep.yaml"

struct Config {
  std::string Path;                    // the file read
  std::string Dir;                     // its directory, absolute
  std::optional<std::string> Api;      // "auto" or a level, validated
  std::optional<std::string> FailOn;   // a level name, validated
  std::optional<std::string> Baseline; // absolute
  std::vector<std::string> Exclude;    // validated globs, relative to Dir
};

/// The nearest .vmaprep.yaml in \p StartDir or a parent, or "".
std::string findConfig(const std::string &StartDir);

/// Reads and validates \p Path. Returns one line ("FILE:LINE:COL: what"), or
/// "" on success.
std::string loadConfig(const std::string &Path, Config &Out);

/// Validates \p Text as the contents of the file \p Path (which is not read:
/// it names the file in errors and anchors the relative paths); loadConfig()
/// reads the file and calls this.
std::string parseConfig(llvm::StringRef Text, const std::string &Path, Config &Out);

/// Is \p File (absolute) matched by one of \p Globs, taken relative to
/// \p Base? A glob matches the path relative to Base ('*' also matches '/'),
/// or a directory above it ("drivers/staging" excludes everything below).
bool isExcluded(const std::string &File, const std::vector<std::string> &Globs, const std::string &Base);

} // namespace vmaprep

#endif

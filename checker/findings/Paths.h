//===- Paths.h - the paths a run reports, relative to the source root ------===//
#ifndef VMAPREP_FINDINGS_PATHS_H
#define VMAPREP_FINDINGS_PATHS_H

#include <string>

namespace vmaprep {

/// \p Path made absolute against the current directory, without "." and ".."
/// components.
std::string absolutePath(const std::string &Path);

/// The directory a run's paths are relative to: \p Explicit if given, else the
/// directory of the compile database \p BuildPath names (a directory or the
/// file itself), else the current directory. Always absolute, no dots.
std::string resolveSourceRoot(const std::string &Explicit, const std::string &BuildPath);

/// \p File relative to \p Root ("drivers/char/mem.c"), or empty if it is not
/// under it.
std::string relativeToRoot(const std::string &File, const std::string &Root);

/// \p Path as the path of a URI: every byte but RFC 3986's unreserved
/// characters and '/' percent-encoded, so the URI names the file's exact
/// bytes (a name that is not UTF-8, a space, a '#').
std::string uriPathEncode(const std::string &Path);

} // namespace vmaprep

#endif

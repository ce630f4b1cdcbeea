//===- SafeFileWriter.h - every output file whole or not at all -*- C++ -*-===//
//
// The one writer behind every file vmaprep produces: sources fixed in place,
// baselines, YAML for clang-apply-replacements, patches, reports, merge
// output. A target holds its old content or all of the new one, never a
// prefix: a full disk or a kill leaves the old file and, at worst, a
// temporary that the next run recognises and removes.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_FINDINGS_SAFEFILEWRITER_H
#define VMAPREP_FINDINGS_SAFEFILEWRITER_H

#include "llvm/ADT/StringRef.h"
#include <string>

namespace vmaprep {

/// Replaces the file at \p Path with \p Content:
///  - a symbolic link is written through: its final target is replaced and
///    the link stays a link;
///  - an existing target must be a regular file with a write bit set (a
///    read-only file is refused even for root) and keeps its mode, owner and
///    group (when the owner cannot be kept, the file is not written);
///  - the content goes to a temporary file in the target's directory; every
///    write and the close are checked, the file and then its directory are
///    fsynced, and only then is the temporary renamed over the target; on any
///    failure the temporary is removed and the target is untouched.
/// Temporaries that a killed earlier run left beside the target are removed
/// first. Returns "" on success, else a message that starts with the path.
/// \p Note, when given, receives a remark the user should see (the symlink
/// that was written through).
std::string writeFileSafely(llvm::StringRef Path, llvm::StringRef Content, std::string *Note = nullptr);

/// True when \p Name (a file name without directory) is one of vmaprep's own
/// temporaries: `.<target>.vmaprep-<pid>-<random>`.
bool isVmaprepTemporary(llvm::StringRef Name);

} // namespace vmaprep

#endif

//===- FormatEdits.h - the tree's .clang-format on the changed lines only -===//
//
// A rewrite must read like the code around it. The tree's own .clang-format
// (the kernel ships one) is applied to the lines the edits touch, never to
// the rest of the file, and the result is expressed again as edits of the
// original, so in-place writes, diffs, patches and YAML all carry it.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_TOOL_FORMATEDITS_H
#define VMAPREP_TOOL_FORMATEDITS_H

#include "vmaprep/Rewriter.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace vmaprep {

/// \p Edits of \p Original (sorted, non-overlapping), with the .clang-format
/// found above \p Path applied to the lines they touch. Returns \p Edits
/// unchanged, and says why in \p Note, when there is no .clang-format or the
/// formatter would reach outside the changed lines.
std::vector<TextEdit> formatChangedLines(llvm::StringRef Path, llvm::StringRef Original,
                                         const std::vector<TextEdit> &Edits, std::string &Note);

} // namespace vmaprep

#endif

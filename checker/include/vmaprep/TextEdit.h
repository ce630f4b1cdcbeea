//===- TextEdit.h - a planned replacement, AST-free -----------------------===//
//
// The edits a MigrationPlan (Rewriter.h) carries, and applying them, for the
// diffs and writers that need no AST (vmaprep_values).
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_TEXTEDIT_H
#define VMAPREP_TEXTEDIT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <string>

namespace vmaprep {

/// A replacement of [Offset, Offset + Length) in one file.
struct TextEdit {
  unsigned Offset = 0, Length = 0;
  std::string Text;
};

/// \p Content with \p Edits (sorted, non-overlapping) applied.
std::string applyEdits(llvm::StringRef Content, llvm::ArrayRef<TextEdit> Edits);

} // namespace vmaprep

#endif

//===- UnifiedDiff.h - unified diffs of planned edits ---------------------===//
#ifndef VMAPREP_FINDINGS_UNIFIEDDIFF_H
#define VMAPREP_FINDINGS_UNIFIEDDIFF_H

#include "vmaprep/TextEdit.h"
#include "llvm/ADT/StringRef.h"
#include <string>

namespace vmaprep {

struct DiffStat {
  unsigned Insertions = 0, Deletions = 0;
};

/// A unified diff (3 lines of context) of \p Content with \p Edits applied,
/// labelled a/\p Path and b/\p Path. The hunks come straight from the edits,
/// so unchanged regions are never re-diffed.
std::string unifiedDiff(llvm::StringRef Path, llvm::StringRef Content, llvm::ArrayRef<TextEdit> Edits,
                        DiffStat *Stat = nullptr);

} // namespace vmaprep

#endif

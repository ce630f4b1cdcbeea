//===- HookValues.h - mmap hooks and ops sites, AST-free ------------------===//
//
// The kinds of hook and of ops-table site HandlerFinder.h finds, a table that
// sets both hooks, and their stable names, for the findings that outlive the
// AST (vmaprep_values).
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_HOOKVALUES_H
#define VMAPREP_HOOKVALUES_H

#include "vmaprep/SourceSite.h"
#include "llvm/ADT/StringRef.h"
#include <string>

namespace vmaprep {

enum class HookKind { LegacyMmap, MmapPrepare };

enum class OpsSiteForm { DesignatedInit, PositionalInit, Assignment };

/// An initializer that sets both .mmap and .mmap_prepare.
struct BothHooksTable {
  std::string Table;
  SourceSite Where;
  std::string MmapFunction, MmapPrepareFunction;
};

llvm::StringRef opsSiteFormName(OpsSiteForm F);
llvm::StringRef hookKindName(HookKind K);

} // namespace vmaprep

#endif

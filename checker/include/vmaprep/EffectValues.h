//===- EffectValues.h - an effect's AST-free parts ------------------------===//
//
// The values an effect (EffectAnalysis.h) is described by, and their stable
// names, for the findings that outlive the AST (vmaprep_values).
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_EFFECTVALUES_H
#define VMAPREP_EFFECTVALUES_H

#include "vmaprep/KernelApi.h"
#include "vmaprep/SourceSite.h"
#include "llvm/ADT/StringRef.h"
#include <string>

namespace vmaprep {

/// Which part of the VMA a mapping call covers.
enum class MappingRange { WholeVma, Partial, Unknown };

/// What the handler does with a mapping call's result.
enum class ResultUse {
  Returned,    // return remap_pfn_range(...);
  ErrorMapped, // if (remap_pfn_range(...)) return -EAGAIN;
  Checked,     // tested, the error itself propagated or handled
  Assigned,    // ret = remap_pfn_range(...);
  Ignored,     // remap_pfn_range(...);
  Other,       // used inside a larger expression
};

/// A call through which an effect was reached (helper summarised in place).
struct CallStep {
  std::string Callee;
  SourceSite Where;
};

/// A comparison of the mapping's extent with an integer constant, as the
/// handler's code makes it (`vma->vm_end - vma->vm_start > 2 * PAGE_SIZE`,
/// `vma_pages(vma) != 4`, `vma->vm_pgoff > 65535`, through a local initialised
/// to such a value): (PerSize * the size in bytes + PerPage * vma_pages() +
/// PerPgoff * vm_pgoff + Constant) / Divisor (C's integer division), Op,
/// Value. The page size stays the tree's: a shift by PAGE_SHIFT is a
/// Divisor. What the cases that try each side of a handler's checks are made
/// from (test/kernel-vm/gen-cases.py).
struct ExtentBound {
  long long PerSize = 0;
  long long PerPage = 0;
  long long PerPgoff = 0;
  long long Constant = 0;
  long long Divisor = 1;
  std::string Op; // "<", "<=", ">", ">=", "==", "!="
  long long Value = 0;
  bool operator==(const ExtentBound &O) const {
    return PerSize == O.PerSize && PerPage == O.PerPage && PerPgoff == O.PerPgoff && Constant == O.Constant &&
           Divisor == O.Divisor && Op == O.Op && Value == O.Value;
  }
};

llvm::StringRef effectKindName(EffectKind K);
llvm::StringRef mappingRangeName(MappingRange R);
llvm::StringRef resultUseName(ResultUse U);

} // namespace vmaprep

#endif

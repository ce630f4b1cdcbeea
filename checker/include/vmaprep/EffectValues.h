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

llvm::StringRef effectKindName(EffectKind K);
llvm::StringRef mappingRangeName(MappingRange R);
llvm::StringRef resultUseName(ResultUse U);

} // namespace vmaprep

#endif

//===- MappedStateTrace.h - EffectAnalysis's trace of mapped state --------===//
//
// Private to EffectAnalysis (checker/lib): fills VmaEffect::FedBy.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_LIB_MAPPEDSTATETRACE_H
#define VMAPREP_LIB_MAPPEDSTATETRACE_H

#include "vmaprep/EffectAnalysis.h"

namespace clang {
class ASTContext;
class FunctionDecl;
} // namespace clang

namespace vmaprep {

/// For every mapping call in \p Def's own body, the acquisitions whose value
/// reaches what it maps (Summary's effects get their FedBy).
void traceMappedState(const clang::FunctionDecl *Def, clang::ASTContext &Ctx, HandlerSummary &Summary);

} // namespace vmaprep

#endif

//===- MappedStateTrace.h - EffectAnalysis's trace of mapped state --------===//
//
// Private to EffectAnalysis (checker/lib): fills VmaEffect::FedBy, the
// bookkeeping tag of driver-state stores, and HandlerSummary::Paths.
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

/// Driver-state stores that are bookkeeping of the file, inode or device,
/// not of one mapping: a plain store to a member (`sfp->mmap_called = true`,
/// `ub->mm = current->mm`) whose value does not read its own target, that
/// the hook keeps no count of, that does not fill in what the hook allocated
/// or store the VMA, and that no callback of the file's
/// vm_operations_struct tables changes. Their tag becomes Bookkeeping: they
/// stay in mmap_prepare (docs/checks/legacy-mmap.md, "State that stays in
/// mmap_prepare").
void classifyBookkeeping(clang::ASTContext &Ctx, HandlerSummary &Summary);

/// Summary.Paths: the hook's paths from the state it takes to its returns
/// and releases, on its control-flow graph.
void traceStatePaths(const clang::FunctionDecl *Def, clang::ASTContext &Ctx, HandlerSummary &Summary);

} // namespace vmaprep

#endif

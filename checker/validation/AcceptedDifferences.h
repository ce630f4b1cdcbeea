//===- AcceptedDifferences.h - what a rewrite may do differently ----------===//
//
// The differences between an original handler and its mmap_prepare rewrite
// that are the conversion's intended ones, not a change of behaviour. `vmaprep
// validate --accept-merge` (compiled or interpreted) and `vmaprep fix` accept
// the same ones: the rules live here, beside the runs that find the
// differences, so no front door decides them.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_VALIDATION_ACCEPTEDDIFFERENCES_H
#define VMAPREP_VALIDATION_ACCEPTEDDIFFERENCES_H

#include "validation/ValidateRunner.h"

#include <string>

namespace vmaprep {

/// The one intended difference of an mmap_prepare rewrite: the rewrite's
/// mapped VMA covers the original's and more, because the new VMA merged
/// with its neighbour (mmap_prepare runs before the merge decision).
bool isIntendedMerge(const ValidateDivergence &D);

/// The rewrite's mmap (or the scenario's setup) fails where the original's
/// went on. Intended only when the original dropped a mapping call's error in
/// that scenario (`vm_iomap_memory(...);`, the difference upstream accepted
/// for stm): the action the rewrite uses reports it. Only the interpreter can
/// tell whether it did (isMappingCall()).
bool failsWhereOriginalMapped(const ValidateDivergence &D);

/// The kernel calls whose error an mmap action reports once a rewrite has
/// turned the call into one.
bool isMappingCall(const std::string &Name);

} // namespace vmaprep

#endif

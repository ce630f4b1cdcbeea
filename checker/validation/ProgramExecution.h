//===- ProgramExecution.h - run lowered handlers on the model -------------===//
//
// The half of `vmaprep fix`'s validation that runs: the original handler and
// its rewrite, lowered to HandlerPrograms, are interpreted on the runtime
// model over the validation matrix (the same scenarios `vmaprep validate`
// uses), once per "world": an assignment of values to everything the handler
// reads from outside the VMA (driver state, the results of calls the model
// does not implement). A value is a function of the world and of the
// canonical name of what was read, so the two sides see the same values
// wherever they read the same thing. Like the rest of checker/validation/,
// its implementation (Interpreter.h) sees the kernel shim and not Clang.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_VALIDATION_PROGRAMEXECUTION_H
#define VMAPREP_VALIDATION_PROGRAMEXECUTION_H

#include "validation/ValidateRunner.h"
#include "vmaprep/HandlerProgram.h"

namespace vmaprep {

/// How many worlds `vmaprep fix` runs: world 0 reads every unknown integer as
/// 0 and every unknown pointer as valid; the others draw them from values
/// that steer handlers down their error paths as well (0, 1, page multiples,
/// -EINVAL, NULL pointers, large numbers).
constexpr unsigned DefaultWorlds = 16;

/// At most this many worlds with learned driver state (SuccessSearch.cpp) run after the drawn ones.
constexpr size_t MaxLearnedWorlds = 4;

/// Runs both programs over the validation matrix in \p Worlds worlds.
/// Error says why the programs could not be run (something the interpreter
/// does not model, with where); otherwise Divergences and Problems are as for
/// `vmaprep validate`, with the world in each scenario's name. With
/// \p AcceptMerge, a divergence that is only the rewrite's mapping merging
/// with its neighbour (the intended mmap_prepare difference) is counted in
/// AcceptedMerges instead, and a scenario whose mmap fails for the rewrite
/// where the original dropped a mapping call's error (`vm_iomap_memory(...);`,
/// the difference upstream accepted for stm) in AcceptedIgnoredFailures.
/// SucceededRuns counts the runs in which the
/// original handler returned 0: how much of the matrix got past its checks.
/// Before the comparison, the original is searched for driver state under
/// which it reaches its success return where world 0 does not (flipping the
/// branches on opaque reads that led to an error return); up to
/// MaxLearnedWorlds such states run as worlds of their own after the \p
/// Worlds drawn ones (LearnedWorlds, LearnedStates).
ValidateRun runProgramValidation(const HandlerProgram &Original, const HandlerProgram &Rewrite,
                                 unsigned Worlds = DefaultWorlds, bool AcceptMerge = true);

/// Whether \p P's handler has a `return` that can give success (anything but a negative constant,
/// or a call of a function of the program that can) on a path that no constant condition closes.
bool mayReturnSuccess(const HandlerProgram &P);

} // namespace vmaprep

#endif

//===- CrashIsolation.h - survive a crash in one unit of work -------------===//
//
// One translation unit, one handler's interpretation: if it crashes (a signal,
// a stack overflow, an LLVM fatal error), the run reports it against that unit
// and goes on with the others. The work runs on a thread of its own with a
// large stack (deep expressions that clang accepts recurse deeply in clang's
// own Sema) under llvm::CrashRecoveryContext; a stack overflow is caught
// because the thread gets an alternate signal stack.
//
// A crash leaks what the crashed work had allocated, and a lock it held stays
// held: recovery is for reporting and going on, not for retrying.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_DRIVER_CRASHISOLATION_H
#define VMAPREP_DRIVER_CRASHISOLATION_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include <string>

namespace vmaprep {

/// Stack of the isolated thread: clang's Sema recurses per nesting level of an
/// expression (about 130 bytes a level), so 100,000-deep needs about 13 MB.
/// Pages are committed only when touched.
constexpr unsigned IsolatedStackSize = 64u << 20;

/// Runs \p Work isolated; "" when it returned, else the crash
/// ("signal 4 (Illegal instruction)").
std::string runIsolated(llvm::function_ref<void()> Work);

/// Whether any work crashed in this process (main() then skips the static
/// destructors: the crashed work's objects are still registered in LLVM's
/// globals).
bool crashesRecovered();

} // namespace vmaprep

#endif

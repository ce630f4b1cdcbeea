//===- Classifier.h - the verdict on one handler --------------------------===//
//
// Decides, from a handler's effect summary and a target API level, whether it
// converts to mmap_prepare as is, needs a vm_ops->mapped callback for its
// per-mapping state, needs a newer API level, or is blocked. Every reason
// names the effects that decided it, so a user can check the verdict.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_CLASSIFIER_H
#define VMAPREP_CLASSIFIER_H

#include "vmaprep/ApiLevel.h"
#include "vmaprep/EffectAnalysis.h"
#include "vmaprep/HandlerFinder.h"
#include "vmaprep/Verdict.h"
#include <optional>
#include <string>
#include <vector>

namespace vmaprep {

/// Handlers whose body is outside the TU but whose name says what they do:
/// a kernel mmap handler whose catalogue twin is a whole mmap_prepare handler
/// (generic_file_mmap(): KernelApi.def's delegations), or a subsystem helper.
enum class KnownHandler { None, HasPrepareTwin, SubsystemHelper };
KnownHandler knownHandler(llvm::StringRef FunctionName);

Verdict classify(const RegisteredHandler &Handler, const HandlerSummary &Summary, ApiLevel Target);

} // namespace vmaprep

#endif

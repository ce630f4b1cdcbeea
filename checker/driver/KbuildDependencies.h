//===- KbuildDependencies.h - which TUs a change can affect ----------------===//
//
// --since parses only the translation units a change can reach: their own
// file, or a header kbuild recorded as a dependency.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_DRIVER_KBUILDDEPENDENCIES_H
#define VMAPREP_DRIVER_KBUILDDEPENDENCIES_H

#include "findings/FindingFilters.h"
#include "clang/Tooling/CompilationDatabase.h"

namespace vmaprep {

/// Can the TU compiled by \p Command have a finding on a changed line? Only
/// if its own file changed or a header it includes did: the includes are
/// read from kbuild's dependency file beside the object (.OBJ.cmd,
/// deps_OBJ); a TU without one is parsed (true).
bool sinceMayAffect(const ChangedLines &Changed, const clang::tooling::CompileCommand &Command);

} // namespace vmaprep

#endif

//===- CandidatesCommand.h - vmaprep candidates ---------------------------===//
//
// Lists the C files under the given paths that `vmaprep check` would parse:
// those its lexical prefilter (fileMayHoldMmapHandler) keeps. A build script
// (scripts/kernel-db.sh) builds exactly these objects, so what it builds and
// what check parses are decided by one rule.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_TOOL_CANDIDATESCOMMAND_H
#define VMAPREP_TOOL_CANDIDATESCOMMAND_H

namespace vmaprep {

int runCandidatesCommand(int Argc, const char **Argv);

} // namespace vmaprep

#endif

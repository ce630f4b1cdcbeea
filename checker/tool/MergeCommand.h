//===- MergeCommand.h - `vmaprep merge` -----------------------------------===//
//
//   vmaprep merge SHARD.json... [--format json|sarif|text] [--root DIR]
//
// Combines the JSON documents of `vmaprep check --shard K/N --format json`
// runs into one result, written in any of check's formats, with check's exit
// codes.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_TOOL_MERGECOMMAND_H
#define VMAPREP_TOOL_MERGECOMMAND_H

namespace vmaprep {

extern const char *const MergeUsage;

/// \p Argv holds the arguments after `merge`; returns the exit code.
int runMergeCommand(int Argc, const char **Argv);

} // namespace vmaprep

#endif

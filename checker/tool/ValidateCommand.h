//===- ValidateCommand.h - `vmaprep validate` -----------------------------===//
#ifndef VMAPREP_TOOL_VALIDATECOMMAND_H
#define VMAPREP_TOOL_VALIDATECOMMAND_H

namespace vmaprep {

/// vmaprep validate ORIGINAL.c REWRITTEN.c -- COMPILER_FLAGS
int runValidateCommand(int Argc, const char **Argv);

} // namespace vmaprep

#endif

//===- FixCommand.h - `vmaprep fix` ---------------------------------------===//
#ifndef VMAPREP_TOOL_FIXCOMMAND_H
#define VMAPREP_TOOL_FIXCOMMAND_H

namespace vmaprep {

/// vmaprep fix [-p BUILD_DIR] [FILES...] [--api LEVEL] [--dry-run]
///             [--export-fixes FILE] [--patches DIR] [--root DIR]
int runFixCommand(int Argc, const char **Argv);

} // namespace vmaprep

#endif

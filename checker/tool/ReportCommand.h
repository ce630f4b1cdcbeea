//===- ReportCommand.h - `vmaprep report` ---------------------------------===//
//
//   vmaprep report -p BUILD_DIR [FILES...] [--api LEVEL] [-j N] [options]
//   vmaprep report --from-json CHECK.json... [options]
//
// Where a tree stands in the mmap_prepare migration, per subsystem (the first
// --depth directories of a handler's path) and overall, as Markdown or as one
// self-contained HTML page (docs/report.md).
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_TOOL_REPORTCOMMAND_H
#define VMAPREP_TOOL_REPORTCOMMAND_H

#include "findings/CheckResult.h"
#include "llvm/Support/raw_ostream.h"
#include <string>

namespace vmaprep {

extern const char *const ReportUsage;

struct ReportOptions {
  std::string Root;     // absolute; handler paths are shown relative to it
  unsigned Depth = 2;   // directories that name a subsystem
  std::string LinkBase; // prefix of handler links ("" = relative paths)
  std::string Title = "mmap_prepare migration report";
};

void writeMarkdownReport(const CheckResult &R, const ReportOptions &Options, llvm::raw_ostream &OS);
void writeHtmlReport(const CheckResult &R, const ReportOptions &Options, llvm::raw_ostream &OS);

/// \p Argv holds the arguments after `report`; returns the exit code.
int runReportCommand(int Argc, const char **Argv);

} // namespace vmaprep

#endif

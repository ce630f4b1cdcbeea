//===- Progress.cpp -------------------------------------------------------===//
#include "driver/Progress.h"

#include "findings/Paths.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

namespace vmaprep {

ProgressReporter::Mode ProgressReporter::choose(bool Requested, bool Disabled) {
  if (Disabled)
    return Mode::Off;
  if (llvm::sys::Process::StandardErrIsDisplayed())
    return Mode::Bar;
  return Requested ? Mode::Lines : Mode::Off;
}

void ProgressReporter::update(size_t Done, size_t Total, const std::string &File) {
  if (M == Mode::Off)
    return;
  std::string Rel = relativeToRoot(File, Root);
  std::string Count = std::to_string(Total);
  std::string N = std::to_string(Done);
  std::string Line = "[" + std::string(Count.size() - std::min(Count.size(), N.size()), ' ') + N + "/" + Count + "] " +
                     (Rel.empty() ? File : Rel);
  if (M == Mode::Lines) {
    llvm::errs() << "vmaprep: " << Line << "\n";
    return;
  }
  // Keep the bar on one screen line: a wrapped line cannot be redrawn with \r.
  unsigned Columns = llvm::sys::Process::StandardErrColumns();
  if (Columns > 1 && Line.size() >= Columns)
    Line = Line.substr(0, Columns - 1);
  llvm::errs() << "\r" << Line << "\x1b[K";
  llvm::errs().flush();
  Drawn = true;
}

void ProgressReporter::finish() {
  if (M == Mode::Bar && Drawn) {
    llvm::errs() << "\r\x1b[K";
    llvm::errs().flush();
    Drawn = false;
  }
}

} // namespace vmaprep

//===- Progress.h - where a long check run is, on stderr ------------------===//
//
// On a terminal: one line, rewritten in place ("[ 12/340] drivers/char/mem.c")
// and cleared at the end. Elsewhere (CI logs, tests) nothing unless asked
// for with --progress, and then one plain line per translation unit. Never
// on stdout, which carries the report.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_DRIVER_PROGRESS_H
#define VMAPREP_DRIVER_PROGRESS_H

#include <cstddef>
#include <string>

namespace vmaprep {

class ProgressReporter {
public:
  enum class Mode { Off, Lines, Bar };
  /// Bar when stderr is a terminal (unless \p Disabled), Lines with
  /// \p Requested elsewhere, else Off.
  static Mode choose(bool Requested, bool Disabled);

  ProgressReporter(Mode M, std::string Root) : M(M), Root(std::move(Root)) {}
  ~ProgressReporter() { finish(); }
  bool enabled() const { return M != Mode::Off; }
  void update(size_t Done, size_t Total, const std::string &File);
  /// Clears the bar (a no-op for lines).
  void finish();

private:
  Mode M;
  std::string Root;
  bool Drawn = false;
};

} // namespace vmaprep

#endif

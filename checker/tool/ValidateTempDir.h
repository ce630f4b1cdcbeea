//===- ValidateTempDir.h - validate's temporary directory -----*- C++ -*-===//
//
// Compiled validation writes its wrappers, objects and compiler logs into a
// directory of its own. It goes whatever ends the run: the scope's end, or a
// signal that ends the process (SIGINT, SIGTERM, SIGHUP, SIGPIPE), after the
// compilers and the validation child working in it are killed; one that
// SIGKILL left behind is removed by a later run. docs/robustness.md.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_TOOL_VALIDATETEMPDIR_H
#define VMAPREP_TOOL_VALIDATETEMPDIR_H

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <sys/types.h>
#include <system_error>

namespace vmaprep {

/// One at a time: the signal handlers know a single directory.
class ValidateTempDir {
public:
  ValidateTempDir() = default;
  ValidateTempDir(const ValidateTempDir &) = delete;
  ValidateTempDir &operator=(const ValidateTempDir &) = delete;
  ~ValidateTempDir();

  /// Creates `vmaprep-validate-<pid>-XXXXXX` in the system's temporary
  /// directory (TMPDIR) and arms the signal handlers; first removes the
  /// directories of earlier runs whose process is gone.
  std::error_code create();
  std::string file(llvm::StringRef Name) const;
  std::string path() const { return std::string(Path); }

  /// A process working in the directory: on a signal it is killed and reaped
  /// before the directory is removed. Forget it once it has been waited for.
  static void watchProcess(pid_t Pid);
  /// Held from before a process is started until it is watched: an ending
  /// signal in between is handled when the guard goes.
  struct SpawnGuard {
    SpawnGuard();
    ~SpawnGuard();
    SpawnGuard(const SpawnGuard &) = delete;
    SpawnGuard &operator=(const SpawnGuard &) = delete;
  };
  static void forgetProcess(pid_t Pid);
  /// fork(), with the child watched in the parent and, in the child, the
  /// replaced signal actions back: the child's own end (Ctrl-C reaches the
  /// whole process group) leaves the directory to the parent.
  static pid_t forkWatched();

private:
  llvm::SmallString<256> Path;
};

} // namespace vmaprep

#endif

//===- ValidateTempDir.cpp ------------------------------------------------===//
//
// The signal handler may only make async-signal-safe calls: it kills and
// reaps the watched processes, then empties and removes the directory with
// getdents64/unlinkat/rmdir, and ends the process as the action it replaced
// would have (LLVM's, or the default).
//
//===----------------------------------------------------------------------===//
#include "ValidateTempDir.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cassert>
#include <cerrno>
#include <chrono>
#include <climits>
#include <ctime>

namespace vmaprep {

namespace {

const char *const Prefix = "vmaprep-validate";
constexpr int EndingSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
constexpr int NumSignals = sizeof(EndingSignals) / sizeof(EndingSignals[0]);
struct sigaction Replaced[NumSignals];
bool Installed[NumSignals];
char DirPath[PATH_MAX]; // what the handler removes; set before it is armed
bool Armed = false;
// The compilers (two) and the validation child.
constexpr int MaxWatched = 4;
std::atomic<pid_t> Watched[MaxWatched];
// While a process is being started and not yet watched, an ending signal
// waits (SpawnGuard), or the process would outlive the run.
volatile sig_atomic_t Spawning = 0;
volatile sig_atomic_t Deferred = 0;

/// Empties and removes DirPath. A compiler's linker killed with its driver
/// may still create a file: empty it again until rmdir succeeds (at most
/// half a second).
void removeDirectoryFromHandler() {
  for (int Attempt = 0; Attempt < 50; ++Attempt) {
    int Fd = open(DirPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (Fd < 0)
      return;
    alignas(struct dirent64) char Buffer[4096];
    ssize_t N;
    while ((N = getdents64(Fd, Buffer, sizeof(Buffer))) > 0)
      for (ssize_t Offset = 0; Offset < N;) {
        const auto *Entry = reinterpret_cast<const struct dirent64 *>(Buffer + Offset);
        Offset += Entry->d_reclen;
        const char *Name = Entry->d_name;
        if (!(Name[0] == '.' && (Name[1] == 0 || (Name[1] == '.' && Name[2] == 0))))
          unlinkat(Fd, Name, 0);
      }
    close(Fd);
    if (rmdir(DirPath) == 0 || errno == ENOENT)
      return;
    struct timespec Pause = {0, 10 * 1000 * 1000};
    nanosleep(&Pause, nullptr);
  }
}

void restoreReplacedActions() {
  for (int I = 0; I < NumSignals; ++I)
    if (Installed[I]) {
      sigaction(EndingSignals[I], &Replaced[I], nullptr);
      Installed[I] = false;
    }
}

void onEndingSignal(int Signal) {
  if (Spawning) {
    Deferred = Signal;
    return;
  }
  const int SavedErrno = errno;
  for (std::atomic<pid_t> &W : Watched)
    if (pid_t Pid = W.exchange(0); Pid > 0) {
      kill(Pid, SIGKILL);
      while (waitpid(Pid, nullptr, 0) < 0 && errno == EINTR)
        ;
    }
  removeDirectoryFromHandler();
  // Pending until this handler returns (the signal is blocked in it), then
  // handled by the replaced action: the process ends as it would have.
  restoreReplacedActions();
  raise(Signal);
  errno = SavedErrno;
}

void arm() {
  struct sigaction Action = {};
  Action.sa_handler = onEndingSignal;
  sigemptyset(&Action.sa_mask);
  for (int Signal : EndingSignals)
    sigaddset(&Action.sa_mask, Signal);
  for (int I = 0; I < NumSignals; ++I) {
    if (sigaction(EndingSignals[I], nullptr, &Replaced[I]) != 0)
      continue;
    // An ignored signal (nohup, a background job of a script) stays ignored.
    if (!(Replaced[I].sa_flags & SA_SIGINFO) && Replaced[I].sa_handler == SIG_IGN)
      continue;
    Installed[I] = sigaction(EndingSignals[I], &Action, nullptr) == 0;
  }
  Armed = true;
}

void disarm() {
  restoreReplacedActions();
  Armed = false;
}

/// `vmaprep-validate-<pid>-XXXXXX` of a process that is gone, or a
/// `vmaprep-validate-XXXXXX` of a release that did not name its pid; both
/// untouched for an hour, so that a run in another pid namespace sharing the
/// directory is never taken for a dead one.
bool isStale(llvm::StringRef Name, const struct stat &St) {
  if (!S_ISDIR(St.st_mode) || St.st_uid != geteuid() || !Name.consume_front(Prefix) || !Name.consume_front("-"))
    return false;
  if (std::time(nullptr) - St.st_mtime < 3600)
    return false;
  if (Name.size() == 6 && !Name.contains('-'))
    return true; // no pid in the name
  llvm::StringRef Pid = Name.take_while(llvm::isDigit);
  unsigned long long Number = 0;
  if (Pid.empty() || !Name.drop_front(Pid.size()).starts_with("-") || Pid.getAsInteger(10, Number) || Number > INT_MAX)
    return false;
  return kill(pid_t(Number), 0) != 0 && errno == ESRCH;
}

void removeStaleDirectories(llvm::StringRef TempRoot) {
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It(TempRoot, EC), End; It != End && !EC; It.increment(EC)) {
    llvm::StringRef Name = llvm::sys::path::filename(It->path());
    struct stat St;
    if (Name.starts_with(Prefix) && lstat(It->path().c_str(), &St) == 0 && isStale(Name, St))
      llvm::sys::fs::remove_directories(It->path(), /*IgnoreErrors=*/true);
  }
}

} // namespace

ValidateTempDir::~ValidateTempDir() {
  if (Path.empty())
    return;
  disarm();
  llvm::sys::fs::remove_directories(Path);
}

std::error_code ValidateTempDir::create() {
  assert(!Armed && "one validate temporary directory at a time");
  llvm::SmallString<256> TempRoot;
  llvm::sys::path::system_temp_directory(/*ErasedOnReboot=*/true, TempRoot);
  removeStaleDirectories(TempRoot);
  std::string Name = std::string(Prefix) + "-" + std::to_string(getpid());
  if (std::error_code EC = llvm::sys::fs::createUniqueDirectory(Name, Path)) {
    Path.clear();
    return EC;
  }
  if (Path.size() >= sizeof(DirPath))
    return std::make_error_code(std::errc::filename_too_long);
  memcpy(DirPath, Path.c_str(), Path.size() + 1);
  arm();
  return {};
}

std::string ValidateTempDir::file(llvm::StringRef Name) const {
  llvm::SmallString<256> P(Path);
  llvm::sys::path::append(P, Name);
  return std::string(P);
}

void ValidateTempDir::watchProcess(pid_t Pid) {
  for (std::atomic<pid_t> &W : Watched) {
    pid_t Free = 0;
    if (W.compare_exchange_strong(Free, Pid))
      return;
  }
  assert(false && "more processes than validate starts");
}

void ValidateTempDir::forgetProcess(pid_t Pid) {
  for (std::atomic<pid_t> &W : Watched) {
    pid_t Expected = Pid;
    W.compare_exchange_strong(Expected, 0);
  }
}

ValidateTempDir::SpawnGuard::SpawnGuard() { Spawning = 1; }

ValidateTempDir::SpawnGuard::~SpawnGuard() {
  Spawning = 0;
  if (const int Signal = Deferred) {
    Deferred = 0;
    raise(Signal);
  }
}

pid_t ValidateTempDir::forkWatched() {
  // No ending signal between the fork and the child's disarming, nor before
  // the parent watches the child.
  sigset_t Ending, Before;
  sigemptyset(&Ending);
  for (int Signal : EndingSignals)
    sigaddset(&Ending, Signal);
  sigprocmask(SIG_BLOCK, &Ending, &Before);
  const pid_t Child = fork();
  if (Child == 0) {
    disarm();
    for (std::atomic<pid_t> &W : Watched)
      W = 0;
  } else if (Child > 0) {
    watchProcess(Child);
  }
  sigprocmask(SIG_SETMASK, &Before, nullptr);
  return Child;
}

} // namespace vmaprep

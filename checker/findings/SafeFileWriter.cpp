//===- SafeFileWriter.cpp - every output file whole or not at all ---------===//
//
// POSIX calls rather than llvm::writeToOutput: that helper renames its
// temporary over the target without checking that the writes succeeded, so on
// a full disk it replaced a driver with a 0-byte file and then died in the
// stream's destructor ("IO failure on output stream").
//
//===----------------------------------------------------------------------===//
#include "findings/SafeFileWriter.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace vmaprep {

namespace {

constexpr llvm::StringLiteral TempMarker = ".vmaprep-";
// llvm::writeToOutput's temporaries, left beside their targets by releases
// before this writer when they were killed mid-write.
constexpr llvm::StringLiteral LegacyTempMarker = ".temp-stream-";
// A legacy temporary younger than this may belong to a run still going.
constexpr time_t LegacyTempMinAgeSeconds = 600;

std::string errnoText(int Errno) { return std::strerror(Errno); }

/// The process's umask, read once: new files get 0666 less it, as open() would.
mode_t processUmask() {
  static const mode_t Mask = [] {
    mode_t M = umask(022);
    umask(M);
    return M;
  }();
  return Mask;
}

/// Parses the pid out of `.<target>.vmaprep-<pid>-<random>`; 0 if absent.
pid_t temporaryOwner(llvm::StringRef Name) {
  size_t At = Name.rfind(TempMarker);
  if (!Name.starts_with(".") || At == llvm::StringRef::npos || At == 0)
    return 0;
  llvm::StringRef Rest = Name.drop_front(At + TempMarker.size());
  auto [PidText, Random] = Rest.split('-');
  unsigned long long Pid = 0;
  if (Random.size() != 6 || PidText.getAsInteger(10, Pid) || Pid == 0 || Pid > INT_MAX)
    return 0;
  return pid_t(Pid);
}

bool isLegacyTemporary(llvm::StringRef Name) {
  size_t At = Name.rfind(LegacyTempMarker);
  if (At == llvm::StringRef::npos || At == 0)
    return false;
  llvm::StringRef Random = Name.drop_front(At + LegacyTempMarker.size());
  return Random.size() == 6 && llvm::all_of(Random, [](char C) { return llvm::isAlnum(C); });
}

/// Removes what killed runs left in \p Dir: vmaprep temporaries whose process
/// is gone, and old llvm::writeToOutput temporaries.
void removeStaleTemporaries(const std::string &Dir) {
  DIR *D = opendir(Dir.c_str());
  if (!D)
    return;
  time_t Now = time(nullptr);
  while (dirent *E = readdir(D)) {
    llvm::StringRef Name(E->d_name);
    std::string Full = Dir + "/" + Name.str();
    struct stat St;
    if (lstat(Full.c_str(), &St) != 0 || !S_ISREG(St.st_mode))
      continue;
    bool Stale = false;
    if (pid_t Owner = temporaryOwner(Name))
      Stale = Owner != getpid() && kill(Owner, 0) != 0 && errno == ESRCH;
    else if (isLegacyTemporary(Name))
      Stale = Now - St.st_mtime >= LegacyTempMinAgeSeconds;
    if (Stale)
      unlink(Full.c_str());
  }
  closedir(D);
}

bool writeAll(int FD, llvm::StringRef Content, int &Errno) {
  const char *P = Content.data();
  size_t Left = Content.size();
  while (Left > 0) {
    ssize_t N = ::write(FD, P, Left);
    if (N < 0) {
      if (errno == EINTR)
        continue;
      Errno = errno;
      return false;
    }
    P += N;
    Left -= size_t(N);
  }
  return true;
}

} // namespace

bool isVmaprepTemporary(llvm::StringRef Name) { return temporaryOwner(Name) != 0; }

std::string writeFileSafely(llvm::StringRef PathRef, llvm::StringRef Content, std::string *Note) {
  std::string Path = PathRef.str();
  std::string Target = Path;
  struct stat St;
  bool Exists = false;
  if (lstat(Path.c_str(), &St) == 0) {
    if (S_ISLNK(St.st_mode)) {
      // Written through: replacing the link by a regular file would leave
      // its target, the file the build compiles, unconverted.
      char Resolved[PATH_MAX];
      if (!realpath(Path.c_str(), Resolved))
        return Path + ": a symbolic link whose target cannot be resolved (" + errnoText(errno) + "); not written";
      Target = Resolved;
      if (Note)
        *Note = Path + " is a symbolic link: wrote its target " + Target;
      if (stat(Target.c_str(), &St) != 0)
        return Path + ": cannot read its target " + Target + ": " + errnoText(errno) + "; not written";
    }
    if (!S_ISREG(St.st_mode))
      return Path + ": not a regular file; not written";
    // Root may write anything, so ask the mode bits, not access(2): a file
    // someone made read-only is not overwritten behind their back.
    if ((St.st_mode & 0222) == 0)
      return Path + ": the file is read-only; not written";
    Exists = true;
  } else if (errno != ENOENT) {
    return Path + ": " + errnoText(errno) + "; not written";
  }

  llvm::SmallString<256> Dir(llvm::sys::path::parent_path(Target));
  if (Dir.empty())
    Dir = ".";
  removeStaleTemporaries(std::string(Dir));

  std::string Base = llvm::sys::path::filename(Target).str();
  if (Base.size() > 200) // keep the temporary's name under NAME_MAX
    Base.resize(200);
  std::string Template = std::string(Dir) + "/." + Base + TempMarker.str() + std::to_string(getpid()) + "-XXXXXX";
  std::vector<char> Buf(Template.begin(), Template.end());
  Buf.push_back('\0');
  int FD = mkostemp(Buf.data(), O_CLOEXEC);
  if (FD < 0)
    return Path + ": cannot create a temporary file in " + std::string(Dir) + ": " + errnoText(errno) + "; not written";
  std::string Temp(Buf.data());

  auto Fail = [&](const std::string &What, int Errno) {
    if (FD >= 0)
      ::close(FD);
    unlink(Temp.c_str());
    return Path + ": " + What + ": " + errnoText(Errno) + "; the file is unchanged";
  };

  int Errno = 0;
  if (!writeAll(FD, Content, Errno))
    return Fail("cannot write", Errno);
  mode_t Mode = Exists ? (St.st_mode & 07777) : (0666 & ~processUmask());
  if (fchmod(FD, Mode) != 0)
    return Fail("cannot set its mode", errno);
  if (Exists) {
    struct stat Mine;
    if (fstat(FD, &Mine) != 0)
      return Fail("cannot stat the temporary file", errno);
    if ((Mine.st_uid != St.st_uid || Mine.st_gid != St.st_gid) &&
        fchown(FD, Mine.st_uid != St.st_uid ? St.st_uid : uid_t(-1),
               Mine.st_gid != St.st_gid ? St.st_gid : gid_t(-1)) != 0)
      return Fail("cannot keep its owner " + std::to_string(St.st_uid) + ":" + std::to_string(St.st_gid), errno);
    // chown clears set-id bits; put the mode back once ownership is right.
    if (fchmod(FD, Mode) != 0)
      return Fail("cannot set its mode", errno);
  }
  if (fsync(FD) != 0)
    return Fail("cannot write", errno);
  int Closed = ::close(FD);
  FD = -1;
  if (Closed != 0)
    return Fail("cannot write", errno);
  if (rename(Temp.c_str(), Target.c_str()) != 0)
    return Fail("cannot replace it", errno);
  // The rename is durable only once the directory is; file systems that
  // cannot sync a directory say EINVAL, and the rename stands anyway.
  int DirFD = open(std::string(Dir).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (DirFD >= 0) {
    int Synced = fsync(DirFD);
    int SyncErrno = errno;
    ::close(DirFD);
    if (Synced != 0 && SyncErrno != EINVAL && SyncErrno != ENOTSUP)
      return Path + ": written, but its directory could not be synced: " + errnoText(SyncErrno);
  }
  return "";
}

} // namespace vmaprep

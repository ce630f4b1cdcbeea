//===- KbuildDependencies.cpp ---------------------------------------------===//
#include "driver/KbuildDependencies.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

namespace vmaprep {

bool sinceMayAffect(const ChangedLines &Changed, const clang::tooling::CompileCommand &Command) {
  auto Touched = [&](llvm::StringRef Path) {
    llvm::SmallString<256> Abs(Path);
    if (!llvm::sys::path::is_absolute(Abs)) {
      Abs = Command.Directory;
      llvm::sys::path::append(Abs, Path);
    }
    return Changed.Ranges.count(Changed.keyFor(std::string(Abs))) != 0;
  };
  if (Touched(Command.Filename))
    return true;
  std::string Object;
  for (size_t I = 0; I < Command.CommandLine.size(); ++I) {
    llvm::StringRef A = Command.CommandLine[I];
    if (A == "-o" && I + 1 < Command.CommandLine.size())
      Object = Command.CommandLine[I + 1];
    else if (A.starts_with("-o") && A.size() > 2)
      Object = A.drop_front(2).str();
  }
  if (Object.empty())
    return true;
  llvm::SmallString<256> Cmd;
  if (!llvm::sys::path::is_absolute(Object))
    Cmd = Command.Directory;
  llvm::sys::path::append(Cmd, llvm::sys::path::parent_path(Object),
                          "." + llvm::sys::path::filename(Object).str() + ".cmd");
  auto Buffer = llvm::MemoryBuffer::getFile(Cmd, /*IsText=*/true);
  if (!Buffer)
    return true;
  // "deps_OBJ := \", then one header a line ("include/linux/kconfig.h \"),
  // with "$(wildcard include/config/X)" lines between, until a line without
  // the continuation.
  bool InDeps = false, SawDeps = false;
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  (*Buffer)->getBuffer().split(Lines, '\n');
  for (llvm::StringRef Line : Lines) {
    if (!InDeps) {
      if (!Line.starts_with("deps_"))
        continue;
      InDeps = SawDeps = true;
      Line = Line.split(":=").second;
    }
    bool More = Line.rtrim().ends_with("\\");
    Line = Line.trim().rtrim('\\').trim();
    if (!Line.empty() && !Line.starts_with("$(") && Touched(Line))
      return true;
    if (!More)
      InDeps = false;
  }
  return !SawDeps; // a .cmd file without the list says nothing
}

} // namespace vmaprep

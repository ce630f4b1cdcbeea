//===- FuzzCompileDatabaseReader.cpp - the compile database reader --------===//
//
// loadInputs() on a compile_commands.json of the fuzzer's making (written to
// a scratch directory: the reader takes a path), then what the TU runner does
// with each command before clang sees it: resolveInCommandDirectory() (response
// files, file-naming flags made absolute) and stripGccOnlyFlags(). Whatever the
// text: an error, or files that are absolute, sorted and distinct, and that
// with the duplicate entries account for every command; stripping only removes
// arguments, never the compiler.
//
//===----------------------------------------------------------------------===//
#include "driver/CompilationInputs.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

using namespace vmaprep;

static std::string scratchDirectory() {
  static std::string Dir = [] {
    llvm::SmallString<128> Path;
    if (llvm::sys::fs::createUniqueDirectory("vmaprep-fuzz-db", Path))
      abort();
    std::string D(Path);
    static std::string Remove = D;
    atexit([] { llvm::sys::fs::remove_directories(Remove); });
    return D;
  }();
  return Dir;
}

static bool isSubsequence(const std::vector<std::string> &Part, const std::vector<std::string> &Whole) {
  auto It = Whole.begin();
  for (const std::string &P : Part) {
    It = std::find(It, Whole.end(), P);
    if (It == Whole.end())
      return false;
    ++It;
  }
  return true;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  const std::string Dir = scratchDirectory();
  {
    std::error_code EC;
    llvm::raw_fd_ostream Out(Dir + "/compile_commands.json", EC);
    if (EC)
      abort();
    Out.write(reinterpret_cast<const char *>(Data), Size);
  }
  CompilationInputs In = loadInputs(Dir, nullptr, {});
  if (!In.Database) {
    if (In.Errors.empty())
      abort(); // refused without a word
    return 0;
  }
  if (In.Files.empty() && In.Errors.empty())
    abort(); // an empty database must be an error
  if (!std::is_sorted(In.Files.begin(), In.Files.end()) ||
      std::adjacent_find(In.Files.begin(), In.Files.end()) != In.Files.end())
    abort();
  if (In.Files.size() + In.DuplicateEntries != In.Database->getAllCompileCommands().size())
    abort();
  for (const std::string &F : In.Files) {
    if (!llvm::sys::path::is_absolute(F))
      abort();
    for (const clang::tooling::CompileCommand &C : In.Database->getCompileCommands(F)) {
      llvm::Expected<clang::tooling::CompileCommand> Resolved = resolveInCommandDirectory(C);
      if (!Resolved) {
        llvm::consumeError(Resolved.takeError());
        continue;
      }
      std::set<std::string> Dropped;
      std::vector<std::string> Kept = stripGccOnlyFlags(Resolved->CommandLine, Dropped);
      if (!isSubsequence(Kept, Resolved->CommandLine) ||
          (!Resolved->CommandLine.empty() && (Kept.empty() || Kept[0] != Resolved->CommandLine[0])))
        abort();
    }
  }
  return 0;
}

//===- CandidatesCommand.cpp ----------------------------------------------===//
#include "CandidatesCommand.h"
#include "driver/CheckRun.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>
#include <string>
#include <vector>

namespace vmaprep {

namespace {

const char *const Usage = R"(usage: vmaprep candidates PATH...

Prints the .c files under each PATH (a directory, searched recursively, or a
file) that vmaprep check would parse: those whose text, or that of a header
they include as "x.h", can hold an mmap handler. One path a line, sorted.
)";

} // namespace

int runCandidatesCommand(int Argc, const char **Argv) {
  std::vector<std::string> Roots;
  for (int I = 0; I < Argc; ++I) {
    llvm::StringRef A(Argv[I]);
    if (A == "-h" || A == "--help") {
      llvm::outs() << Usage;
      return 0;
    }
    Roots.push_back(A.str());
  }
  if (Roots.empty()) {
    llvm::errs() << "vmaprep: error: candidates needs at least one PATH\n" << Usage;
    return 2;
  }
  std::vector<std::string> Files;
  int Rc = 0;
  for (const std::string &Root : Roots) {
    if (llvm::sys::fs::is_regular_file(Root)) {
      Files.push_back(Root);
      continue;
    }
    if (!llvm::sys::fs::is_directory(Root)) {
      llvm::errs() << "vmaprep: error: " << Root << ": no such file or directory\n";
      Rc = 2;
      continue;
    }
    std::error_code EC;
    for (llvm::sys::fs::recursive_directory_iterator It(Root, EC), End; It != End && !EC; It.increment(EC))
      if (llvm::sys::path::extension(It->path()) == ".c" && It->type() != llvm::sys::fs::file_type::directory_file)
        Files.push_back(It->path());
    if (EC) {
      llvm::errs() << "vmaprep: error: " << Root << ": " << EC.message() << "\n";
      Rc = 2;
    }
  }
  std::sort(Files.begin(), Files.end());
  Files.erase(std::unique(Files.begin(), Files.end()), Files.end());
  for (const std::string &F : Files)
    if (fileMayHoldMmapHandler(F))
      llvm::outs() << F << "\n";
  return Rc;
}

} // namespace vmaprep

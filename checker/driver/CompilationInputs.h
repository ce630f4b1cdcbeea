//===- CompilationInputs.h - what to analyse, with which flags ------------===//
//
// Turns the command line into a list of translation units with their compile
// commands: from a compile database (-p), or from flags after `--`. Bad input
// is reported per file with a one-line error; the run goes on with the rest.
// Flags that only GCC understands (kernel trees built with GCC) are dropped,
// and the caller is told which, once.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_DRIVER_COMPILATIONINPUTS_H
#define VMAPREP_DRIVER_COMPILATIONINPUTS_H

#include "findings/CheckResult.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/Error.h"
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace vmaprep {

struct CompilationInputs {
  std::unique_ptr<clang::tooling::CompilationDatabase> Database;
  std::vector<std::string> Files; // absolute, in database order, each once
  std::vector<InputError> Errors;
  std::string DatabasePath; // for messages; empty for `--` flags
  unsigned DuplicateEntries = 0;
};

/// \p BuildPath: the -p argument (a directory or a compile_commands.json);
/// \p Fixed: a database from flags after `--` (may be null).
CompilationInputs loadInputs(const std::string &BuildPath, std::unique_ptr<clang::tooling::CompilationDatabase> Fixed,
                             const std::vector<std::string> &NamedFiles);

/// Removes arguments clang-19 rejects that GCC-built kernel databases carry;
/// records what it removed in \p Dropped.
std::vector<std::string> stripGccOnlyFlags(const std::vector<std::string> &Args, std::set<std::string> &Dropped);

std::string absoluteFilePath(const std::string &Path, const std::string &Base = "");

/// \p Command as the compiler runs it in its own directory, whatever the
/// process's working directory: the directory made absolute, response files
/// expanded against it, and every argument that names a file (seed files,
/// profiles, sanitizer lists, plugins, -include when the file is there) made
/// absolute against it. Clang reads some of these outside any virtual file
/// system, relative to the process's working directory (the randstruct seed
/// file), and a thread pool cannot change that per TU, so the paths change
/// instead. The error names the flag and the path it could not read.
llvm::Expected<clang::tooling::CompileCommand> resolveInCommandDirectory(clang::tooling::CompileCommand Command);

} // namespace vmaprep

#endif

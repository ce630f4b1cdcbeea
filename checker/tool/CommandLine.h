//===- CommandLine.h - the options every analysing command shares ---------===//
//
// -p BUILD_DIR, FILES..., `-- FLAGS`, --api LEVEL, -j N. A command's own
// options are handed to it through a callback, so each command parses its
// whole command line in one pass and reports one error.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_TOOL_COMMANDLINE_H
#define VMAPREP_TOOL_COMMANDLINE_H

#include "CompilationInputs.h"
#include "vmaprep/ApiLevel.h"
#include "llvm/ADT/StringRef.h"
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace vmaprep {

struct InputOptions {
  std::string BuildPath;
  std::vector<std::string> Files;
  std::optional<std::vector<std::string>> FixedFlags; // after `--`
  ApiLevel Target = NewestApiLevel;
  bool AutoApi = false; // --api auto
  bool ApiGiven = false; // --api was on the command line (it overrides a config file)
  unsigned Jobs = 0;
};

/// Reads the value of option \p Flag at Argv[I] (`--x=V`, `--x V`, `-xV`),
/// advancing \p I past a separate value. Returns an error or "".
std::string optionValue(int Argc, const char **Argv, int &I, llvm::StringRef Flag, std::string &Value);

/// Is Argv[I] the option \p Flag, as `--flag` or `--flag=V`?
bool isOption(llvm::StringRef Arg, llvm::StringRef Flag);

/// A command's own option: returns true if it consumed Argv[I] (and maybe
/// more), setting \p Error when the option is malformed.
using OwnOption = std::function<bool(int Argc, const char **Argv, int &I, std::string &Error)>;

/// Returns an error message, or "" on success.
std::string parseInputOptions(int Argc, const char **Argv, InputOptions &Out, const OwnOption &Own);

/// Loads the compile database or `--` flags named by \p Opts.
CompilationInputs loadInputs(const InputOptions &Opts);

} // namespace vmaprep

#endif

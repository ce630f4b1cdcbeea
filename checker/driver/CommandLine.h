//===- CommandLine.h - the options every analysing command shares ---------===//
//
// -p BUILD_DIR, FILES..., `-- FLAGS`, --api LEVEL, -j N. A command's own
// options are handed to it through a callback, so each command parses its
// whole command line in one pass and reports one error.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_DRIVER_COMMANDLINE_H
#define VMAPREP_DRIVER_COMMANDLINE_H

#include "driver/CompilationInputs.h"
#include "driver/Config.h"
#include "vmaprep/ApiLevel.h"
#include "llvm/ADT/ArrayRef.h"
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
  bool AutoApi = false;  // --api auto
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

/// Returns an error message, or "" on success. \p OwnNames (the command's
/// own options) are offered as "did you mean" for an unknown option.
std::string parseInputOptions(int Argc, const char **Argv, InputOptions &Out, const OwnOption &Own,
                              llvm::ArrayRef<llvm::StringRef> OwnNames = {});

/// The name of \p Names closest to \p Given if it is close enough to be a
/// typo of it, else "".
std::string closestName(llvm::StringRef Given, llvm::ArrayRef<llvm::StringRef> Names);
/// "unknown option 'X'", with "did you mean 'Y'?" when one of \p Names is close.
std::string unknownOption(llvm::StringRef Given, llvm::ArrayRef<llvm::StringRef> Names);

/// The tree's defaults (Config.h), as check and fix read them: the file named
/// by \p ConfigPath, else the nearest .vmaprep.yaml above the compile
/// database (or the current directory), unless \p NoConfig. Its `api:`
/// applies when --api was not given. Returns an error naming the file, or "".
std::string loadTreeConfig(InputOptions &Opts, const std::string &ConfigPath, bool NoConfig, Config &Out);

/// Loads the compile database or `--` flags named by \p Opts.
CompilationInputs loadInputs(const InputOptions &Opts);

} // namespace vmaprep

#endif

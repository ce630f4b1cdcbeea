//===- CommandLine.cpp ----------------------------------------------------===//
#include "driver/CommandLine.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>

namespace vmaprep {

std::string optionValue(int Argc, const char **Argv, int &I, llvm::StringRef Flag, std::string &Value) {
  llvm::StringRef A(Argv[I]);
  if (A.size() > Flag.size() && A.starts_with(Flag)) {
    llvm::StringRef Rest = A.drop_front(Flag.size());
    // A long option matches exactly: --patches-dir=x is not --patches.
    if (!Rest.consume_front("=") && Flag.starts_with("--"))
      return "unknown option '" + A.str() + "'";
    Value = Rest.str();
    return "";
  }
  if (I + 1 >= Argc)
    return Flag.str() + " needs a value";
  Value = Argv[++I];
  return "";
}

bool isOption(llvm::StringRef Arg, llvm::StringRef Flag) {
  return Arg == Flag || (Arg.starts_with(Flag) && Arg.drop_front(Flag.size()).starts_with("="));
}

std::string closestName(llvm::StringRef Given, llvm::ArrayRef<llvm::StringRef> Names) {
  Given = Given.split('=').first;
  llvm::StringRef Best;
  unsigned BestDistance = 0;
  for (llvm::StringRef N : Names) {
    unsigned D = Given.edit_distance(N, /*AllowReplacements=*/true);
    if (Best.empty() || D < BestDistance) {
      Best = N;
      BestDistance = D;
    }
  }
  // Like clang's driver: close enough to be a typo, not a different word.
  if (Best.empty() || BestDistance > std::max<size_t>(2, Given.size() / 3) || BestDistance == Given.size())
    return "";
  return Best.str();
}

std::string unknownOption(llvm::StringRef Given, llvm::ArrayRef<llvm::StringRef> Names) {
  std::string Err = "unknown option '" + Given.str() + "'";
  if (std::string Near = closestName(Given, Names); !Near.empty())
    Err += "; did you mean '" + Near + "'?";
  return Err;
}

const char *const InputOptionNames[] = {"-p", "--api", "-j", "--help"};

std::string parseInputOptions(int Argc, const char **Argv, InputOptions &Out, const OwnOption &Own,
                              llvm::ArrayRef<llvm::StringRef> OwnNames) {
  for (int I = 0; I < Argc; ++I) {
    llvm::StringRef A(Argv[I]);
    std::string V, Err;
    if (A == "--") {
      Out.FixedFlags.emplace(Argv + I + 1, Argv + Argc);
      break;
    }
    if (Own && Own(Argc, Argv, I, Err)) {
      // consumed by the command
    } else if (A == "-p" || A.starts_with("-p=") || (A.starts_with("-p") && A.size() > 2 && A[2] != '-')) {
      Err = optionValue(Argc, Argv, I, "-p", Out.BuildPath);
    } else if (isOption(A, "--api")) {
      Err = optionValue(Argc, Argv, I, "--api", V);
      Out.ApiGiven = true;
      if (Err.empty()) {
        if (V == "auto") {
          Out.AutoApi = true;
        } else if (auto L = parseApiLevel(V)) {
          Out.Target = *L;
          // Releases after 7.1 (7.2, 7.3) add nothing the migration uses
          // (docs/api-levels.md): they are 7.1, and the run says so.
          if (apiLevelName(*L) != llvm::StringRef(V).trim())
            llvm::errs() << "vmaprep: note: --api " << V << ": kernels " << V
                         << " provide no mmap_prepare interface beyond " << apiLevelName(*L) << "'s; using API level "
                         << apiLevelName(*L) << "\n";
        } else {
          Err = "unknown API level '" + V + "' (" + apiLevelList() + " or later, auto)";
        }
      }
    } else if (A.starts_with("-j") && (A.size() == 2 || A[2] == '=' || llvm::isDigit(A[2]))) {
      Err = optionValue(Argc, Argv, I, "-j", V);
      if (Err.empty() && (llvm::StringRef(V).getAsInteger(10, Out.Jobs) || Out.Jobs == 0))
        Err = "-j needs a positive number, not '" + V + "'";
    } else if (A.starts_with("-") && A != "-") {
      std::vector<llvm::StringRef> Names(std::begin(InputOptionNames), std::end(InputOptionNames));
      Names.insert(Names.end(), OwnNames.begin(), OwnNames.end());
      Err = unknownOption(A, Names);
    } else {
      Out.Files.push_back(A.str());
    }
    if (!Err.empty())
      return Err;
  }
  if (Out.FixedFlags && Out.Files.empty())
    return "name the files before '--'";
  if (Out.FixedFlags && !Out.BuildPath.empty())
    return "use either -p or '--' flags, not both";
  return "";
}

/// The directory a config file search starts in: the compile database's,
/// else the current one.
static std::string configSearchStart(const std::string &BuildPath) {
  if (BuildPath.empty())
    return ".";
  llvm::SmallString<256> Dir(BuildPath);
  if (!llvm::sys::fs::is_directory(Dir))
    llvm::sys::path::remove_filename(Dir);
  return Dir.empty() ? "." : std::string(Dir);
}

std::string loadTreeConfig(InputOptions &Opts, const std::string &ConfigPath, bool NoConfig, Config &Out) {
  if (NoConfig && !ConfigPath.empty())
    return "use either --config or --no-config, not both";
  if (NoConfig)
    return "";
  std::string Path = ConfigPath.empty() ? findConfig(configSearchStart(Opts.BuildPath)) : ConfigPath;
  if (Path.empty())
    return "";
  if (std::string E = loadConfig(Path, Out); !E.empty())
    return E;
  llvm::errs() << "vmaprep: note: using config " << Out.Path << "\n";
  if (Out.Api && !Opts.ApiGiven) {
    if (*Out.Api == "auto")
      Opts.AutoApi = true;
    else if (std::optional<ApiLevel> Level = parseApiLevel(*Out.Api)) // loadConfig() accepts only known levels
      Opts.Target = *Level;
  }
  return "";
}

CompilationInputs loadInputs(const InputOptions &Opts) {
  std::unique_ptr<clang::tooling::CompilationDatabase> Fixed;
  if (Opts.FixedFlags)
    Fixed = std::make_unique<clang::tooling::FixedCompilationDatabase>(".", *Opts.FixedFlags);
  return loadInputs(Opts.BuildPath, std::move(Fixed), Opts.Files);
}

} // namespace vmaprep

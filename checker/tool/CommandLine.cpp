//===- CommandLine.cpp ----------------------------------------------------===//
#include "CommandLine.h"

namespace vmaprep {

std::string optionValue(int Argc, const char **Argv, int &I, llvm::StringRef Flag, std::string &Value) {
  llvm::StringRef A(Argv[I]);
  if (A.size() > Flag.size() && A.starts_with(Flag)) {
    llvm::StringRef Rest = A.drop_front(Flag.size());
    Rest.consume_front("=");
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

std::string parseInputOptions(int Argc, const char **Argv, InputOptions &Out, const OwnOption &Own) {
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
    } else if (A.starts_with("--api")) {
      Err = optionValue(Argc, Argv, I, "--api", V);
      Out.ApiGiven = true;
      if (Err.empty()) {
        if (V == "auto")
          Out.AutoApi = true;
        else if (auto L = parseApiLevel(V))
          Out.Target = *L;
        else
          Err = "unknown API level '" + V + "' (6.16, 6.18, 6.19, 7.0, 7.1, auto)";
      }
    } else if (A.starts_with("-j")) {
      Err = optionValue(Argc, Argv, I, "-j", V);
      if (Err.empty() && (llvm::StringRef(V).getAsInteger(10, Out.Jobs) || Out.Jobs == 0))
        Err = "-j needs a positive number, not '" + V + "'";
    } else if (A.starts_with("-") && A != "-") {
      Err = "unknown option '" + A.str() + "'";
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

CompilationInputs loadInputs(const InputOptions &Opts) {
  std::unique_ptr<clang::tooling::CompilationDatabase> Fixed;
  if (Opts.FixedFlags)
    Fixed = std::make_unique<clang::tooling::FixedCompilationDatabase>(".", *Opts.FixedFlags);
  return loadInputs(Opts.BuildPath, std::move(Fixed), Opts.Files);
}

} // namespace vmaprep

//===- ValidateCommand.cpp - `vmaprep validate` ---------------------------===//
//
// Proves a rewrite by execution: both files are parsed to find their
// file_operations table, compiled against the kernel API shim into shared
// objects, loaded into this process (whose exported symbols are the shim's
// out-of-line functions, implemented on the runtime model) and run through
// the validation matrix (ValidateRunner.cpp). docs/validation.md.
//
//===----------------------------------------------------------------------===//
#include "ValidateCommand.h"
#include "ValidateTempDir.h"
#include "driver/CommandLine.h"
#include "driver/CrashIsolation.h"
#include "driver/TranslationUnitRunner.h"
#include "findings/Paths.h"
#include "validation/AcceptedDifferences.h"
#include "validation/ValidateRunner.h"
#ifdef VMAPREP_HAVE_MODEL
#include "validation/ProgramExecution.h"
#endif
#include "vmaprep/ApiLevel.h"
#include "vmaprep/HandlerFinder.h"
#include "vmaprep/HandlerProgram.h"

#include "clang/AST/ASTContext.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/DebugInfo/Symbolize/Symbolize.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <dlfcn.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>

namespace vmaprep {

namespace {

enum { ExitEquivalent = 0, ExitDiverges = 1, ExitUsage = 2 };

const char *const ValidateUsage = "usage: vmaprep validate [options] ORIGINAL.c REWRITTEN.c -- COMPILER_FLAGS\n"
                                  "\n"
                                  "Compiles both files against the kernel API shim, runs the original's .mmap\n"
                                  "handler and the rewrite's .mmap_prepare handler through the scenario matrix\n"
                                  "on the runtime model and compares everything observable (docs/validation.md).\n"
                                  "The original may be an .mmap_prepare handler too: two conversions compare.\n"
                                  "\n"
                                  "options:\n"
                                  "  --table NAME[:NAME]  the file_operations table to use (original:rewrite)\n"
                                  "  --api LEVEL          VMAPREP_KAPI for both compiles (default @NEWEST@):\n"
                                  "                       @LEVELS@, or the number (@NEWEST_KAPI@)\n"
                                  "  --list-api           print each LEVEL with its VMAPREP_KAPI number\n"
                                  "  --harness FILE.c     compiled into both objects after the driver; may define\n"
                                  "                       vmaprep_validate_open(inode, file), _setup(), _teardown()\n"
                                  "  --scenarios N        run only the first N scenarios\n"
                                  "  --timeout SECONDS    the compiled handlers run in a child process; one that\n"
                                  "                       crashes, exits or runs longer than this (default 120)\n"
                                  "                       is a problem, never equivalent\n"
                                  "  --accept-merge       a scenario whose first difference is that the rewrite's\n"
                                  "                       mapping merged with its neighbour (what mmap_prepare\n"
                                  "                       does by design) counts as equivalent\n"
                                  "  --format text|json   output format (default text)\n"
                                  "  --interpret          do not compile: parse both files with COMPILER_FLAGS as\n"
                                  "                       they are (a kernel tree's own flags) and interpret the\n"
                                  "                       handlers on the model, as `vmaprep fix` validates its\n"
                                  "                       rewrites (--api and --harness do not apply)\n"
                                  "\n"
                                  "exit status: 0 equivalent, 1 divergence or contract violation, 2 usage or\n"
                                  "compile error\n";

/// VMAPREP_KAPI's levels, oldest first: the shim's levels from before
/// mmap_prepare, then every API level (ApiLevels.def); "M.N" is M*10000 +
/// N*100, as runtime-model/kshim/include/vmaprep/kapi.h spells them
/// (test/checker/validate/kapi-levels.test holds the two lists together).
const std::vector<std::pair<std::string, int>> &kapiLevels() {
  static const std::vector<std::pair<std::string, int>> Levels = [] {
    std::vector<std::string> Names = {
#define VMAPREP_SHIM_LEVEL(Name) Name,
#include "vmaprep/ApiLevels.def"
    };
    for (ApiLevel L : allApiLevels())
      Names.push_back(apiLevelName(L).str());
    std::vector<std::pair<std::string, int>> Out;
    for (const std::string &Name : Names) {
      auto [Major, Minor] = llvm::StringRef(Name).split('.');
      Out.push_back({Name, std::stoi(Major.str()) * 10000 + std::stoi(Minor.str()) * 100});
    }
    return Out;
  }();
  return Levels;
}

std::string validateUsage() {
  std::string Text = ValidateUsage, Names;
  for (const auto &[Name, Kapi] : kapiLevels())
    Names += (Names.empty() ? "" : ", ") + Name;
  auto Fill = [&](llvm::StringRef Placeholder, const std::string &Value) {
    Text.replace(Text.find(Placeholder.str()), Placeholder.size(), Value);
  };
  Fill("@LEVELS@", Names);
  Fill("@NEWEST@", kapiLevels().back().first);
  Fill("@NEWEST_KAPI@", std::to_string(kapiLevels().back().second));
  return Text;
}

struct Options {
  std::string Original, Rewrite, Harness;
  std::string OriginalTable, RewriteTable;
  int Kapi = kapiLevels().back().second;
  unsigned Scenarios = 0;
  unsigned TimeoutSeconds = 120; // --timeout: the compiled matrix, in a child process
  bool Json = false;
  bool AcceptMerge = false; // --accept-merge
  bool Interpret = false;   // --interpret
  std::vector<std::string> Flags;
};

int usageError(const llvm::Twine &Message) {
  llvm::errs() << "vmaprep validate: error: " << Message << "\n" << validateUsage();
  return ExitUsage;
}

int fail(const llvm::Twine &Message) {
  llvm::errs() << "vmaprep validate: error: " << Message << "\n";
  return ExitUsage;
}

std::optional<int> parseKapi(llvm::StringRef Text) {
  for (const auto &[Name, Value] : kapiLevels())
    if (Text == Name || Text == std::to_string(Value))
      return Value;
  return std::nullopt;
}

/// Returns an exit code when parsing stops the command.
std::optional<int> parseOptions(int Argc, const char **Argv, Options &O) {
  std::vector<std::string> Positional;
  for (int I = 0; I < Argc; ++I) {
    llvm::StringRef A(Argv[I]);
    // Exactly `--name V` or `--name=V`, as every command matches (CommandLine.h):
    // --tablex is no --table.
    auto Value = [&](llvm::StringRef Name) -> std::optional<std::string> {
      if (!isOption(A, Name))
        return std::nullopt;
      std::string V;
      optionValue(Argc, Argv, I, Name, V); // a missing value is refused above
      return V;
    };
    if (A == "--") {
      for (++I; I < Argc; ++I)
        O.Flags.push_back(Argv[I]);
      break;
    }
    if (A == "-h" || A == "--help") {
      llvm::outs() << validateUsage();
      return ExitEquivalent;
    }
    if (A == "--list-api") {
      for (const auto &[Name, Kapi] : kapiLevels())
        llvm::outs() << Name << " " << Kapi << "\n";
      return ExitEquivalent;
    }
    static const llvm::StringRef Names[] = {"--table",     "--api",     "--accept-merge", "--interpret", "--harness",
                                            "--scenarios", "--timeout", "--format",       "--help",      "--list-api"};
    for (llvm::StringRef Needs : {"--table", "--api", "--harness", "--scenarios", "--timeout", "--format"})
      if (A == Needs && I + 1 >= Argc)
        return usageError(Needs.str() + " needs a value");
    if (auto V = Value("--table")) {
      auto [First, Second] = llvm::StringRef(*V).split(':');
      O.OriginalTable = First.str();
      O.RewriteTable = Second.empty() ? First.str() : Second.str();
    } else if (auto V = Value("--api")) {
      auto Level = parseKapi(*V);
      if (!Level)
        return usageError("unknown API level '" + *V + "'");
      O.Kapi = *Level;
    } else if (A == "--accept-merge") {
      O.AcceptMerge = true;
    } else if (A == "--interpret") {
      O.Interpret = true;
    } else if (auto V = Value("--harness")) {
      O.Harness = *V;
    } else if (auto V = Value("--scenarios")) {
      if (llvm::StringRef(*V).getAsInteger(10, O.Scenarios) || O.Scenarios == 0)
        return usageError("--scenarios needs a positive number");
    } else if (auto V = Value("--timeout")) {
      if (llvm::StringRef(*V).getAsInteger(10, O.TimeoutSeconds) || O.TimeoutSeconds == 0)
        return usageError("--timeout needs a positive number of seconds");
    } else if (auto V = Value("--format")) {
      if (*V != "text" && *V != "json")
        return usageError("--format is text or json");
      O.Json = *V == "json";
    } else if (A.starts_with("-")) {
      return usageError(unknownOption(A, Names));
    } else {
      Positional.push_back(A.str());
    }
  }
  if (Positional.size() != 2)
    return usageError("expected ORIGINAL.c and REWRITTEN.c");
  O.Original = Positional[0];
  O.Rewrite = Positional[1];
  for (std::string *P : {&O.Original, &O.Rewrite, &O.Harness}) {
    if (P->empty())
      continue;
    if (!llvm::sys::fs::exists(*P))
      return fail("no such file: " + *P);
    *P = absolutePath(*P);
  }
  return std::nullopt;
}

/// One file_operations table that sets the hook we look for.
struct Table {
  std::string Name, Handler;
};

struct ParsedFile {
  std::vector<Table> Tables;                      // setting the wanted hook, designated or positional initializers
  std::vector<Table> Other;                       // setting the other hook (for the error message)
  std::map<std::string, HandlerProgram> Programs; // --interpret: each wanted handler, lowered
};

/// Picks the table, or explains why it cannot.
std::optional<Table> chooseTable(const std::string &File, const ParsedFile &P, llvm::StringRef Hook,
                                 const std::string &Wanted, std::string &Error) {
  if (!Wanted.empty()) {
    for (const Table &T : P.Tables)
      if (T.Name == Wanted)
        return T;
    Error = File + ": no file_operations table '" + Wanted + "' sets ." + Hook.str();
    return std::nullopt;
  }
  if (P.Tables.size() == 1)
    return P.Tables.front();
  if (P.Tables.empty()) {
    Error = File + ": no file_operations table sets ." + Hook.str();
    if (!P.Other.empty())
      Error += " (" + P.Other.front().Name + " sets the other hook; are the files swapped?)";
    return std::nullopt;
  }
  std::string Names;
  for (const Table &T : P.Tables)
    Names += (Names.empty() ? "" : ", ") + T.Name;
  Error = File + ": several file_operations tables set ." + Hook.str() + " (" + Names + "): choose one with --table";
  return std::nullopt;
}

std::string clangResourceDir() { return VMAPREP_CLANG_RESOURCE_DIR; }

/// The kernel API shim's headers, found relative to the executable so an
/// installed tree can move: PREFIX/bin/vmaprep uses
/// PREFIX/share/vmaprep/kshim/include (the build tree mirrors that layout:
/// build/checker/vmaprep, build/share/vmaprep). VMAPREP_KSHIM_DIR overrides.
const std::string &kshimInclude() {
  static const std::string Dir = [] {
    if (const char *Env = std::getenv("VMAPREP_KSHIM_DIR"); Env && *Env)
      return std::string(Env);
    std::string Exe = llvm::sys::fs::getMainExecutable(nullptr, nullptr);
    llvm::SmallString<256> Path(llvm::sys::path::parent_path(llvm::sys::path::parent_path(Exe)));
    llvm::sys::path::append(Path, "share", "vmaprep", "kshim", "include");
    return std::string(Path);
  }();
  return Dir;
}

std::vector<std::string> shimFlags(const Options &O) {
  std::vector<std::string> Flags = {"-I", kshimInclude(), "-DVMAPREP_KAPI=" + std::to_string(O.Kapi)};
  Flags.insert(Flags.end(), O.Flags.begin(), O.Flags.end());
  return Flags;
}

/// Parses both files in-process and lists their tables.
bool findTables(const Options &O, ParsedFile Parsed[2], std::string &Error) {
  std::vector<std::string> Flags = {"-resource-dir", clangResourceDir()};
  for (const std::string &F : O.Interpret ? O.Flags : shimFlags(O))
    Flags.push_back(F);
  clang::tooling::FixedCompilationDatabase Db(".", Flags);
  const std::vector<std::string> Files = {O.Original, O.Rewrite};
  auto Status = runOnTranslationUnits(Db, Files, 2, [&](size_t Index, clang::ASTContext &Ctx) {
    const llvm::StringRef Wanted = Index == 0 ? "mmap" : "mmap_prepare";
    std::set<std::string> Seen;
    for (const RegisteredHandler &H : findHandlers(Ctx).Handlers)
      for (const OpsSite &S : H.Sites) {
        if (S.Record != "file_operations" || S.Form == OpsSiteForm::Assignment ||
            !Seen.insert(S.Member + " " + S.Table).second)
          continue;
        Table T{S.Table, H.Function ? H.Function->getNameAsString() : ""};
        if (S.Member != Wanted && S.Member != "mmap" && S.Member != "mmap_prepare")
          continue;
        (S.Member == Wanted ? Parsed[Index].Tables : Parsed[Index].Other).push_back(T);
        // The original may be an .mmap_prepare handler too (upstream's conversion against vmaprep's).
        if (O.Interpret && H.Function && (S.Member == Wanted || Index == 0))
          Parsed[Index].Programs[T.Handler] = lowerHandler(H.Function, Ctx);
      }
  });
  for (size_t I = 0; I < Files.size(); ++I)
    if (!Status[I].Crash.empty()) {
      Error = Files[I] + ": vmaprep crashed on it with " + Status[I].Crash;
      return false;
    } else if (!Status[I].Analysed) {
      Error = Files[I] +
              (O.Interpret ? ": does not compile with the given flags: "
                           : ": does not compile against the kernel API shim: ") +
              Status[I].Error;
      return false;
    }
  return true;
}

std::string wrapperSource(const std::string &Driver, const std::string &Harness, const std::string &Table) {
  std::string S;
  llvm::raw_string_ostream Out(S);
  Out << "/* generated by vmaprep validate */\n"
      << "#include \"" << Driver << "\"\n"
      << "#include <linux/fs.h>\n#include <vmaprep/kapi.h>\n"
      << "int vmaprep_validate_open(struct inode *, struct file *) __attribute__((weak));\n"
      << "int vmaprep_validate_setup(void) __attribute__((weak));\n"
      << "void vmaprep_validate_teardown(void) __attribute__((weak));\n";
  if (!Harness.empty())
    Out << "#include \"" << Harness << "\"\n";
  Out << "const int vmaprep_validate_kapi = VMAPREP_KAPI;\n"
      << "static int (*vmaprep_validate_driver_open)(struct inode *, struct file *);\n"
      << "static int vmaprep_validate_open_chain(struct inode *inode, struct file *file)\n{\n"
      << "\tint err = vmaprep_validate_driver_open ? vmaprep_validate_driver_open(inode, file) : 0;\n"
      << "\treturn err ? err : vmaprep_validate_open(inode, file);\n}\n"
      << "const struct file_operations *vmaprep_validate_fops(void)\n{\n"
      << "\tstatic struct file_operations with_harness;\n"
      << "\tif (!vmaprep_validate_open)\n\t\treturn &(" << Table << ");\n"
      << "\twith_harness = (" << Table << ");\n"
      << "\tvmaprep_validate_driver_open = (" << Table << ").open;\n"
      << "\twith_harness.open = vmaprep_validate_open_chain;\n"
      << "\treturn &with_harness;\n}\n"
      << "int (*vmaprep_validate_setup_hook(void))(void) { return vmaprep_validate_setup; }\n"
      << "void (*vmaprep_validate_teardown_hook(void))(void) { return vmaprep_validate_teardown; }\n";
  return S;
}

struct Compile {
  std::string Source, Wrapper, Object, Log;
  llvm::sys::ProcessInfo Process;
};

std::string firstError(const std::string &LogPath) {
  auto Buffer = llvm::MemoryBuffer::getFile(LogPath);
  if (!Buffer)
    return "(no compiler output)";
  llvm::SmallVector<llvm::StringRef, 16> Lines;
  (*Buffer)->getBuffer().split(Lines, '\n');
  for (llvm::StringRef L : Lines)
    if (L.contains("error:"))
      return L.trim().str();
  for (llvm::StringRef L : Lines)
    if (!L.trim().empty())
      return L.trim().str();
  return "(no compiler output)";
}

/// Compiles both wrappers concurrently; false with \p Error on the first failure.
bool compileBoth(const Options &O, const ValidateTempDir &Dir, Compile C[2], const Table Tables[2],
                 std::string &Error) {
  std::string Clang = VMAPREP_CLANG;
  if (auto Found = llvm::sys::findProgramByName("clang-19"))
    Clang = *Found;
  const char *Names[2] = {"original", "rewrite"};
  // A compiler already started writes into the directory: wait for it
  // before the directory goes.
  auto AbandonStarted = [&](int Started) {
    for (int J = 0; J < Started; ++J) {
      llvm::sys::Wait(C[J].Process, std::nullopt);
      ValidateTempDir::forgetProcess(C[J].Process.Pid);
    }
    return false;
  };
  for (int I = 0; I < 2; ++I) {
    C[I].Wrapper = Dir.file(std::string(Names[I]) + ".c");
    C[I].Object = Dir.file(std::string(Names[I]) + ".so");
    C[I].Log = Dir.file(std::string(Names[I]) + ".log");
    std::error_code EC;
    llvm::raw_fd_ostream Out(C[I].Wrapper, EC);
    if (!EC) {
      Out << wrapperSource(C[I].Source, O.Harness, Tables[I].Name);
      Out.close();
      // Unchecked, a failed write (a full disk) is a fatal error at the
      // stream's end, which would leave the directory behind.
      EC = Out.error();
      Out.clear_error();
    }
    if (EC) {
      Error = "cannot write " + C[I].Wrapper + ": " + EC.message();
      return AbandonStarted(I);
    }
    std::vector<std::string> Args = {
        Clang, "-shared", "-fPIC", "-g", "-w", "-fno-color-diagnostics", "-fno-caret-diagnostics", "-Wl,-Bsymbolic"};
    for (const std::string &F : shimFlags(O))
      Args.push_back(F);
    Args.insert(Args.end(), {C[I].Wrapper, "-o", C[I].Object});
    std::vector<llvm::StringRef> Refs(Args.begin(), Args.end());
    std::optional<llvm::StringRef> Redirects[] = {llvm::StringRef(""), llvm::StringRef(C[I].Log),
                                                  llvm::StringRef(C[I].Log)};
    std::string ErrMsg;
    bool ExecFailed = false;
    {
      ValidateTempDir::SpawnGuard Starting;
      C[I].Process = llvm::sys::ExecuteNoWait(Clang, Refs, std::nullopt, Redirects, 0, &ErrMsg, &ExecFailed);
      if (!ExecFailed)
        ValidateTempDir::watchProcess(C[I].Process.Pid);
    }
    if (ExecFailed) {
      Error = (llvm::Twine("cannot run ") + Clang + ": " + ErrMsg).str();
      return AbandonStarted(I);
    }
  }
  for (int I = 0; I < 2; ++I) {
    std::string ErrMsg;
    llvm::sys::ProcessInfo Done = llvm::sys::Wait(C[I].Process, std::nullopt, &ErrMsg);
    ValidateTempDir::forgetProcess(C[I].Process.Pid);
    if (Done.ReturnCode != 0 && Error.empty())
      Error = C[I].Source + ": does not compile against the kernel API shim: " + firstError(C[I].Log);
  }
  return Error.empty();
}

// --- naming where an acquisition happened ---

const void *SelfBase = nullptr;
std::string ObjectDir;

std::string describeSite(void *const *Frames, int Depth) {
  static llvm::symbolize::LLVMSymbolizer Symbolizer;
  for (int I = 0; I < Depth; ++I) {
    Dl_info Info{};
    if (!dladdr(Frames[I], &Info) || !Info.dli_fname || Info.dli_fbase == SelfBase ||
        !llvm::StringRef(Info.dli_fname).starts_with(ObjectDir))
      continue;
    // A return address: the call is the instruction before it.
    const uint64_t Offset = reinterpret_cast<uintptr_t>(Frames[I]) - reinterpret_cast<uintptr_t>(Info.dli_fbase) - 1;
    auto Inlined =
        Symbolizer.symbolizeInlinedCode(Info.dli_fname, {Offset, llvm::object::SectionedAddress::UndefSection});
    if (!Inlined) {
      llvm::consumeError(Inlined.takeError());
      continue;
    }
    for (uint32_t F = 0; F < Inlined->getNumberOfFrames(); ++F) {
      const llvm::DILineInfo &L = Inlined->getFrame(F);
      // Helpers in the shim's headers (kzalloc() over kmalloc()) are not where the driver acquired it.
      if (L.FileName == llvm::DILineInfo::BadString || llvm::StringRef(L.FileName).starts_with(kshimInclude()))
        continue;
      return L.FunctionName + "() at " + L.FileName + ":" + std::to_string(L.Line);
    }
  }
  return "";
}

bool isContractProblem(llvm::StringRef P) {
  return P.contains("mmap_prepare contract") || P.contains("resources outstanding after the failed mmap");
}

void printText(const Options &O, const Table Tables[2], const ValidateRun &R) {
  llvm::raw_ostream &OS = llvm::outs();
  const std::string Pair =
      "'" + Tables[0].Handler + "' (" + O.Original + ") and '" + Tables[1].Handler + "' (" + O.Rewrite + ")";
  if (!R.Divergences.empty()) {
    const ValidateDivergence &D = R.Divergences.front();
    OS << "divergence: scenario '" << D.Scenario << "': " << D.Field << "\n"
       << "  original: " << D.Original << "\n"
       << "  rewrite:  " << D.Rewrite << "\n"
       << "  original trace: " << D.OriginalLine << "\n"
       << "  rewrite trace:  " << D.RewriteLine << "\n";
  }
  // The same finding in many scenarios is one finding: group by the text after "<scenario> [<driver>]: ",
  // contract violations first.
  struct Group {
    std::string Message, FirstScenario;
    unsigned Count = 0;
  };
  std::vector<Group> Groups;
  for (const std::string &P : R.Problems) {
    llvm::StringRef Scenario, Message(P);
    if (size_t Cut = Message.find("]: "); Cut != llvm::StringRef::npos) {
      Scenario = Message.take_front(Message.find(" ["));
      Message = Message.drop_front(Cut + 3);
    }
    auto It = std::find_if(Groups.begin(), Groups.end(), [&](const Group &G) { return G.Message == Message; });
    if (It == Groups.end())
      Groups.push_back({Message.str(), Scenario.str(), 0}), It = std::prev(Groups.end());
    ++It->Count;
  }
  std::stable_sort(Groups.begin(), Groups.end(), [](const Group &A, const Group &B) {
    return isContractProblem(A.Message) > isContractProblem(B.Message);
  });
  for (const Group &G : Groups)
    OS << (isContractProblem(G.Message) ? "contract violation: " : "problem: ") << G.Message << " [scenario '"
       << G.FirstScenario << "'" << (G.Count > 1 ? " and " + std::to_string(G.Count - 1) + " more" : "") << "]\n";
  if (!R.Aborted.empty()) {
    OS << "problem: " << R.Aborted << "\n"
       << "vmaprep validate: " << Pair << ": not equivalent: the scenario matrix did not finish\n";
    return;
  }
  if (O.Interpret) {
    // How much of the comparison passed the original's checks: its error paths alone prove little.
    OS << "vmaprep validate: the original's hook succeeded in " << R.SucceededRuns << " calls";
    if (R.LearnedWorlds)
      OS << " (with " << R.LearnedWorlds << " learned world" << (R.LearnedWorlds == 1 ? "" : "s") << ")";
    if (!R.OriginalMaySucceed)
      OS << "; every return of the original that no constant condition closes is an error";
    OS << "\n";
    for (size_t K = 0; K < R.LearnedStates.size(); ++K)
      OS << "  learned world " << K + 1 << ": " << R.LearnedStates[K] << "\n";
  }
  OS << "vmaprep validate: " << Pair << ": ";
  if (R.Divergences.empty() && R.Problems.empty())
    OS << "equivalent over " << R.Scenarios << " scenarios\n";
  else
    OS << R.Divergences.size() << " of " << R.Scenarios << " scenarios diverge, " << R.Problems.size() << " problems\n";
}

// --- the compiled matrix in a child process ---

llvm::json::Value toJson(const ValidateRun &R) {
  llvm::json::Array Divergences;
  for (const ValidateDivergence &D : R.Divergences)
    Divergences.push_back(llvm::json::Array{D.Scenario, D.Field, D.Original, D.Rewrite, D.OriginalLine, D.RewriteLine});
  return llvm::json::Object{{"error", R.Error},
                            {"scenarios", R.Scenarios},
                            {"names", llvm::json::Array(R.ScenarioNames)},
                            {"divergences", std::move(Divergences)},
                            {"problems", llvm::json::Array(R.Problems)}};
}

bool fromJson(llvm::StringRef Text, ValidateRun &R) {
  llvm::Expected<llvm::json::Value> V = llvm::json::parse(Text);
  if (!V) {
    llvm::consumeError(V.takeError());
    return false;
  }
  const llvm::json::Object *O = V->getAsObject();
  if (!O)
    return false;
  auto Strings = [](const llvm::json::Array *A) {
    std::vector<std::string> Out;
    if (A)
      for (const llvm::json::Value &E : *A)
        Out.push_back(E.getAsString().value_or("").str());
    return Out;
  };
  R.Error = O->getString("error").value_or("").str();
  R.Scenarios = int(O->getInteger("scenarios").value_or(0));
  R.ScenarioNames = Strings(O->getArray("names"));
  R.Problems = Strings(O->getArray("problems"));
  if (const llvm::json::Array *Ds = O->getArray("divergences"))
    for (const llvm::json::Value &D : *Ds) {
      std::vector<std::string> F = Strings(D.getAsArray());
      F.resize(6);
      R.Divergences.push_back({F[0], F[1], F[2], F[3], F[4], F[5]});
    }
  return true;
}

/// Runs the matrix on the compiled handlers in a child process: driver code
/// that crashes, calls exit() or loops forever must neither take vmaprep
/// along nor pass for equivalent. The child is forked after the parse's
/// worker threads are gone; it writes its result as JSON to a pipe and leaves
/// by _exit(), so no destructor of the parent's state runs twice.
ValidateRun runValidationInChild(const Compile C[2], const Table Tables[2], const Options &O) {
  ValidateRun Out;
  int Pipe[2];
  if (pipe(Pipe) != 0) {
    Out.Error = std::string("cannot create a pipe: ") + strerror(errno);
    return Out;
  }
  llvm::outs().flush();
  llvm::errs().flush();
  const pid_t Child = ValidateTempDir::forkWatched();
  if (Child < 0) {
    Out.Error = std::string("cannot fork: ") + strerror(errno);
    close(Pipe[0]);
    close(Pipe[1]);
    return Out;
  }
  if (Child == 0) {
    close(Pipe[0]);
    // A crash of driver code is the parent's to report: no LLVM crash banner,
    // no core file.
    for (int Signal : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP})
      signal(Signal, SIG_DFL);
    struct rlimit NoCore = {0, 0};
    setrlimit(RLIMIT_CORE, &NoCore);
    ValidateRun R =
        runValidation(C[0].Object, C[1].Object, Tables[0].Handler, Tables[1].Handler, O.Scenarios, describeSite);
    std::string Text;
    llvm::raw_string_ostream(Text) << toJson(R);
    Text += "\n";
    for (size_t Done = 0; Done < Text.size();) {
      ssize_t N = write(Pipe[1], Text.data() + Done, Text.size() - Done);
      if (N < 0 && errno == EINTR)
        continue;
      if (N <= 0)
        _exit(3);
      Done += size_t(N);
    }
    _exit(0);
  }
  close(Pipe[1]);
  std::string Text;
  bool TimedOut = false;
  const auto Deadline = std::chrono::steady_clock::now() + std::chrono::seconds(O.TimeoutSeconds);
  while (true) {
    auto Left = std::chrono::duration_cast<std::chrono::milliseconds>(Deadline - std::chrono::steady_clock::now());
    if (Left.count() <= 0) {
      TimedOut = true;
      break;
    }
    struct pollfd P = {Pipe[0], POLLIN, 0};
    int Ready = poll(&P, 1, int(std::min<long long>(Left.count(), 1000)));
    if (Ready < 0 && errno != EINTR)
      break;
    if (Ready <= 0)
      continue;
    char Buffer[65536];
    ssize_t N = read(Pipe[0], Buffer, sizeof(Buffer));
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      break; // the child closed the pipe: finished, exited or died
    Text.append(Buffer, size_t(N));
  }
  close(Pipe[0]);
  if (TimedOut)
    kill(Child, SIGKILL);
  int Status = 0;
  while (waitpid(Child, &Status, 0) < 0 && errno == EINTR)
    ;
  ValidateTempDir::forgetProcess(Child);
  const std::string Scope = "the handlers' code ";
  if (TimedOut) {
    Out.Aborted = Scope + "ran longer than " + std::to_string(O.TimeoutSeconds) +
                  " s and was stopped (an endless loop? --timeout sets the limit)";
  } else if (WIFSIGNALED(Status)) {
    const int Signal = WTERMSIG(Status);
    Out.Aborted =
        Scope + "crashed the validation process with signal " + std::to_string(Signal) + " (" + strsignal(Signal) + ")";
  } else if (!WIFEXITED(Status) || WEXITSTATUS(Status) != 0 || !fromJson(Text, Out)) {
    // The driver (or the shim on its behalf) called exit(): whatever the
    // status, the matrix did not finish.
    Out = ValidateRun();
    Out.Aborted = Scope + "ended the validation process with exit(" +
                  std::to_string(WIFEXITED(Status) ? WEXITSTATUS(Status) : -1) + ") before the matrix finished";
  }
  return Out;
}

struct Timing {
  double ParseMs = 0, CompileMs = 0, RunMs = 0;
};

void printJson(const Options &O, const Table Tables[2], const ValidateRun &R, const Timing &T) {
  llvm::json::Array Divergences, Problems;
  for (const ValidateDivergence &D : R.Divergences)
    Divergences.push_back(llvm::json::Object{{"scenario", D.Scenario},
                                             {"field", D.Field},
                                             {"original", D.Original},
                                             {"rewrite", D.Rewrite},
                                             {"original_trace", D.OriginalLine},
                                             {"rewrite_trace", D.RewriteLine}});
  for (const std::string &P : R.Problems)
    Problems.push_back(llvm::json::Object{{"kind", isContractProblem(P) ? "contract" : "problem"}, {"message", P}});
  llvm::json::Object Root{
      {"original", llvm::json::Object{{"file", O.Original}, {"table", Tables[0].Name}, {"handler", Tables[0].Handler}}},
      {"rewrite", llvm::json::Object{{"file", O.Rewrite}, {"table", Tables[1].Name}, {"handler", Tables[1].Handler}}},
      {"api", O.Kapi},
      {"scenarios", R.Scenarios},
      {"equivalent", R.Divergences.empty() && R.Aborted.empty()},
      {"divergences", std::move(Divergences)},
      {"problems", std::move(Problems)},
      // Wall time per phase (bench/validate): the parse, both compiles (concurrent), the matrix.
      {"timing_ms", llvm::json::Object{{"parse", T.ParseMs}, {"compile", T.CompileMs}, {"matrix", T.RunMs}}},
  };
  if (!R.Aborted.empty())
    Root["aborted"] = R.Aborted;
  if (O.Interpret) {
    Root["succeeded_hook_calls"] = R.SucceededRuns;
    Root["learned_states"] = llvm::json::Array(R.LearnedStates);
    Root["original_may_succeed"] = R.OriginalMaySucceed;
  }
  llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(Root))) << "\n";
}

} // namespace

int runValidateCommand(int Argc, const char **Argv) {
#ifndef VMAPREP_HAVE_MODEL
  (void)Argc;
  (void)Argv;
  return fail("this vmaprep was built without the runtime model (VMAPREP_BUILD_MODEL=OFF)");
#endif
  Options O;
  if (auto Exit = parseOptions(Argc, Argv, O))
    return *Exit;

  using Clock = std::chrono::steady_clock;
  auto Since = [](Clock::time_point Start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - Start).count();
  };
  Timing T;
  Clock::time_point Start = Clock::now();
  ParsedFile Parsed[2];
  std::string Error;
  if (!O.Interpret && !llvm::sys::fs::is_directory(kshimInclude()))
    return fail("the kernel API shim is not at " + kshimInclude() +
                " (it is installed beside vmaprep as share/vmaprep/kshim/include; VMAPREP_KSHIM_DIR names "
                "another place)");
  if (!findTables(O, Parsed, Error))
    return fail(Error);
  // Two .mmap_prepare handlers compare as well (two conversions of one driver): an original without an
  // .mmap table uses its .mmap_prepare tables, as long as the rewrite has one (else the files are swapped).
  const bool PrepareOriginal = Parsed[0].Tables.empty() && !Parsed[0].Other.empty() && !Parsed[1].Tables.empty();
  if (PrepareOriginal)
    std::swap(Parsed[0].Tables, Parsed[0].Other);
  Table Tables[2];
  for (int I = 0; I < 2; ++I) {
    auto T = chooseTable(I == 0 ? O.Original : O.Rewrite, Parsed[I],
                         I == 0 ? (PrepareOriginal ? "mmap_prepare" : "mmap") : "mmap_prepare",
                         I == 0 ? O.OriginalTable : O.RewriteTable, Error);
    if (!T)
      return fail(Error);
    Tables[I] = *T;
  }

  T.ParseMs = Since(Start);
#ifdef VMAPREP_HAVE_MODEL
  if (O.Interpret) {
    Start = Clock::now();
    ValidateRun R;
    // As in fix: a crash of the interpreter is reported, not suffered.
    if (std::string Crash = runIsolated([&] {
          R = runProgramValidation(Parsed[0].Programs[Tables[0].Handler], Parsed[1].Programs[Tables[1].Handler],
                                   DefaultWorlds, O.AcceptMerge);
        });
        !Crash.empty())
      return fail("the interpreter crashed with " + Crash + " (please report it with both files)");
    T.RunMs = Since(Start);
    if (!R.Error.empty())
      return fail(R.Error);
    if (R.AcceptedMerges)
      llvm::errs() << "vmaprep validate: note: " << R.AcceptedMerges
                   << (R.AcceptedMerges == 1 ? " scenario differs" : " scenarios differ")
                   << " only because the rewrite's mapping merged with its neighbour (--accept-merge)\n";
    if (O.Json)
      printJson(O, Tables, R, T);
    else
      printText(O, Tables, R);
    return R.Divergences.empty() && R.Problems.empty() ? ExitEquivalent : ExitDiverges;
  }
#endif
  Start = Clock::now();
  ValidateTempDir Dir;
  if (std::error_code EC = Dir.create())
    return fail("cannot create a temporary directory: " + EC.message());
  Compile C[2];
  C[0].Source = O.Original;
  C[1].Source = O.Rewrite;
  if (!compileBoth(O, Dir, C, Tables, Error))
    return fail(Error);

  T.CompileMs = Since(Start);
  Start = Clock::now();
  Dl_info Self{};
  dladdr(reinterpret_cast<void *>(&runValidateCommand), &Self);
  SelfBase = Self.dli_fbase;
  ObjectDir = Dir.path();
  ValidateRun R = runValidationInChild(C, Tables, O);
  T.RunMs = Since(Start);
  if (!R.Error.empty())
    return fail(R.Error);
  if (O.AcceptMerge) {
    // The core merges an mmap_prepare mapping after the hook, with the flags
    // the hook set; the legacy path could not. Such a scenario is the same
    // behaviour in the new hook's terms. Its later lines are not compared.
    size_t Before = R.Divergences.size();
    llvm::erase_if(R.Divergences, [](const ValidateDivergence &D) { return isIntendedMerge(D); });
    if (size_t Accepted = Before - R.Divergences.size())
      llvm::errs() << "vmaprep validate: note: " << Accepted
                   << (Accepted == 1 ? " scenario differs" : " scenarios differ")
                   << " only because the rewrite's mapping merged with its neighbour (--accept-merge)\n";
  }
  if (O.Json)
    printJson(O, Tables, R, T);
  else
    printText(O, Tables, R);
  return R.Divergences.empty() && R.Problems.empty() && R.Aborted.empty() ? ExitEquivalent : ExitDiverges;
}

} // namespace vmaprep

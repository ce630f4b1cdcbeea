//===- CompilationInputs.cpp ----------------------------------------------===//
#include "driver/CompilationInputs.h"
#include "findings/NestingLimit.h"
#include "findings/Paths.h"

#include "clang/Driver/Driver.h"
#include "clang/Driver/Options.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Option/ArgList.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/StringSaver.h"
#include "llvm/Support/VirtualFileSystem.h"
#include <algorithm>
#include <optional>

using namespace clang;
using namespace clang::tooling;

namespace vmaprep {

std::string absoluteFilePath(const std::string &Path, const std::string &Base) {
  llvm::SmallString<256> P(Path);
  if (!llvm::sys::path::is_absolute(P) && !Base.empty()) {
    llvm::SmallString<256> B(Base);
    llvm::sys::path::append(B, P);
    P = B;
  }
  return absolutePath(std::string(P));
}

/// \p Args (a compile command, compiler first) parsed by clang's driver; an
/// Arg's index plus one is its index in \p Args, whose strings it points into.
static llvm::opt::InputArgList parseDriverArgs(const std::vector<std::string> &Args) {
  std::vector<const char *> Argv;
  for (size_t I = 1; I < Args.size(); ++I)
    Argv.push_back(Args[I].c_str());
  unsigned MissingIndex = 0, MissingCount = 0;
  return driver::getDriverOptTable().ParseArgs(Argv, MissingIndex, MissingCount,
                                               llvm::opt::Visibility(driver::options::ClangOption));
}

std::vector<std::string> stripGccOnlyFlags(const std::vector<std::string> &Args, std::set<std::string> &Dropped) {
  // Flags GCC-built kernels pass that clang-19's driver knows but refuses for
  // x86, or that docs/toolchain.md lists; each checked against clang-19.
  static const char *const Prefixes[] = {"-fconserve-stack", "-mrecord-mcount", "-fno-allow-store-data-races",
                                         "-fmin-function-alignment=", "-fsanitize=bounds-strict"};
  // Anything else clang's driver does not know at all is found through its
  // option table, so a database from a newer GCC does not need a new list.
  llvm::opt::InputArgList Parsed = parseDriverArgs(Args);
  std::vector<bool> Unknown(Args.size(), false);
  for (const llvm::opt::Arg *A : Parsed.filtered(driver::options::OPT_UNKNOWN))
    Unknown[A->getIndex() + 1] = true;

  std::vector<std::string> Out;
  Out.reserve(Args.size());
  for (size_t I = 0; I < Args.size(); ++I) {
    const std::string &A = Args[I];
    // -Wp,-MMD,dir/.x.o.d makes the preprocessor write a dependency file;
    // an analysis must not write into the tree. The first word is the
    // compiler, whatever it looks like (FuzzCompileDatabaseReader).
    bool Drop = I > 0 && (Unknown[I] || llvm::StringRef(A).starts_with("-Wp,-MD,") ||
                          llvm::StringRef(A).starts_with("-Wp,-MMD,"));
    for (const char *P : Prefixes)
      if (I > 0 && llvm::StringRef(A).starts_with(P) && (llvm::StringRef(P).ends_with("=") || A == P))
        Drop = true;
    if (Drop && A.rfind("-Wp,", 0) != 0)
      Dropped.insert(A);
    if (!Drop)
      Out.push_back(A);
  }
  return Out;
}

namespace {

/// The real file system for response files, which are read whole: a
/// database naming a device or a FIFO (`@/dev/zero`, `@/dev/stdin`) would
/// have the read never end, and one naming a huge file would fill memory.
/// Kernel response files are a few kilobytes.
class ResponseFileSystem : public llvm::vfs::ProxyFileSystem {
  /// ExpansionContext's message is the error code's.
  struct Refusal : std::error_category {
    const char *name() const noexcept override { return "response file"; }
    std::string message(int Code) const override {
      return Code == NotRegular ? "not a regular file (it would be read without end)"
                                : "larger than 64 MiB, not a response file";
    }
  };
  enum { NotRegular = 1, TooLarge };
  static std::error_code refused(int Code) {
    static const Refusal Category;
    return {Code, Category};
  }

public:
  ResponseFileSystem() : ProxyFileSystem(llvm::vfs::getRealFileSystem()) {}
  llvm::ErrorOr<std::unique_ptr<llvm::vfs::File>> openFileForRead(const llvm::Twine &Path) override {
    llvm::ErrorOr<llvm::vfs::Status> St = status(Path);
    if (!St)
      return St.getError();
    if (St->getType() != llvm::sys::fs::file_type::regular_file)
      return refused(NotRegular);
    if (St->getSize() > MaxSize)
      return refused(TooLarge);
    return ProxyFileSystem::openFileForRead(Path);
  }

private:
  static constexpr uint64_t MaxSize = 64 << 20;
};

/// Expands @file arguments the way GCC and clang's driver do: a relative name
/// is relative to the working directory (here, the command's), nested ones
/// too; a file that does not exist stays as written, so it is reported here.
llvm::Error expandResponseFiles(std::vector<std::string> &Args, llvm::StringRef Directory) {
  if (std::none_of(Args.begin() + (Args.empty() ? 0 : 1), Args.end(),
                   [](const std::string &A) { return llvm::StringRef(A).starts_with("@"); }))
    return llvm::Error::success();
  llvm::BumpPtrAllocator Alloc;
  llvm::StringSaver Saver(Alloc);
  llvm::SmallVector<const char *, 64> Argv;
  for (const std::string &A : Args)
    // NOLINTNEXTLINE(bugprone-suspicious-stringview-data-usage): StringSaver's copies are NUL-terminated
    Argv.push_back(Saver.save(A).data());
  llvm::cl::ExpansionContext Expansion(Alloc, llvm::cl::TokenizeGNUCommandLine);
  ResponseFileSystem FS;
  Expansion.setCurrentDir(Directory).setVFS(&FS);
  if (llvm::Error E = Expansion.expandResponseFiles(Argv))
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "response file: " + llvm::toString(std::move(E)));
  std::vector<std::string> Out(Argv.begin(), Argv.end());
  for (size_t I = 1; I < Out.size(); ++I) {
    llvm::StringRef A(Out[I]);
    if (!A.consume_front("@"))
      continue;
    std::string Path = absoluteFilePath(A.str(), Directory.str());
    std::error_code EC = llvm::sys::fs::access(Path, llvm::sys::fs::AccessMode::Exist);
    return llvm::createStringError(EC ? EC : std::make_error_code(std::errc::io_error),
                                   "response file " + Out[I] + ": cannot read " + Path +
                                       (EC ? ": " + EC.message() : std::string()));
  }
  Args = std::move(Out);
  return llvm::Error::success();
}

/// How the compiler finds the file an option names.
enum class FileLookup {
  WorkingDirectory, // relative to the working directory only
  SearchChain,      // the working directory first, then the #include "..." chain
  Library,          // a plugin: dlopen() searches the library path for a name without a slash
};

/// Options whose value names a file the frontend or the driver reads during a
/// parse-only run. Clang reads the randstruct seed file and loads plugins
/// outside the virtual file system; the rest go through it (whose working
/// directory ClangTool sets per command), but an absolute path also makes
/// the error message name the file that was looked for.
std::optional<FileLookup> namesFile(const llvm::opt::Option &O) {
  namespace opts = driver::options;
  if (O.matches(opts::OPT_include) || O.matches(opts::OPT_imacros))
    return FileLookup::SearchChain;
  if (O.matches(opts::OPT_fplugin_EQ) || O.matches(opts::OPT_fpass_plugin_EQ))
    return FileLookup::Library;
  for (unsigned Id : {opts::OPT_frandomize_layout_seed_file_EQ, opts::OPT_include_pch, opts::OPT_fprofile_instr_use_EQ,
                      opts::OPT_fprofile_use_EQ, opts::OPT_fprofile_sample_use_EQ, opts::OPT_fprofile_list_EQ,
                      opts::OPT_fprofile_remapping_file_EQ, opts::OPT_fsanitize_ignorelist_EQ,
                      opts::OPT_fsanitize_system_ignorelist_EQ, opts::OPT_fsanitize_coverage_allowlist,
                      opts::OPT_fsanitize_coverage_ignorelist, opts::OPT_fexperimental_sanitize_metadata_ignorelist_EQ,
                      opts::OPT_fxray_always_instrument, opts::OPT_fxray_never_instrument, opts::OPT_fxray_attr_list,
                      opts::OPT_ivfsoverlay})
    if (O.matches(Id))
      return FileLookup::WorkingDirectory;
  return std::nullopt;
}

} // namespace

llvm::Expected<CompileCommand> resolveInCommandDirectory(CompileCommand Command) {
  Command.Directory = absoluteFilePath(Command.Directory.empty() ? "." : Command.Directory);
  const std::string &Dir = Command.Directory;
  std::vector<std::string> &Args = Command.CommandLine;
  if (llvm::Error E = expandResponseFiles(Args, Dir))
    return std::move(E);
  if (Args.size() < 2)
    return Command;

  llvm::opt::InputArgList Parsed = parseDriverArgs(Args);
  // Edits by index into Args, applied after the walk (Parsed points into Args).
  std::vector<std::pair<size_t, std::string>> Edits;
  for (const llvm::opt::Arg *A : Parsed) {
    std::optional<FileLookup> Lookup = namesFile(A->getOption());
    if (!Lookup || A->getNumValues() != 1)
      continue;
    llvm::StringRef Value = A->getValue();
    if (Value.empty() || Value == "-" || llvm::sys::path::is_absolute(Value) ||
        (*Lookup == FileLookup::Library && !Value.contains('/')))
      continue;
    size_t At = A->getIndex() + 1;
    bool Joined = Args[At].size() > A->getSpelling().size();
    std::string Path = absoluteFilePath(Value.str(), Dir);
    if (*Lookup == FileLookup::SearchChain) {
      if (!llvm::sys::fs::exists(Path))
        continue; // clang goes on along the include chain, as the compiler would
    } else if (std::error_code EC = llvm::sys::fs::access(Path, llvm::sys::fs::AccessMode::Exist)) {
      std::string Flag = Args[At];
      if (!Joined)
        Flag.append(" ").append(Args[At + 1]);
      return llvm::createStringError(EC, llvm::Twine(Flag) + ": cannot read " + Path + ": " + EC.message());
    }
    if (Joined)
      Edits.push_back({At, Args[At].substr(0, Args[At].size() - Value.size()) + Path});
    else
      Edits.push_back({At + 1, Path});
  }
  for (auto &[Index, Text] : Edits)
    Args[Index] = std::move(Text);
  return Command;
}

CompilationInputs loadInputs(const std::string &BuildPath, std::unique_ptr<CompilationDatabase> Fixed,
                             const std::vector<std::string> &NamedFiles) {
  CompilationInputs In;
  if (Fixed) {
    In.Database = std::move(Fixed);
    llvm::StringSet<> Seen;
    for (const std::string &F : NamedFiles) {
      std::string Abs = absoluteFilePath(F);
      if (!llvm::sys::fs::exists(Abs)) {
        In.Errors.push_back({F, "no such file"});
        continue;
      }
      if (Seen.insert(Abs).second)
        In.Files.push_back(Abs);
    }
    return In;
  }

  llvm::SmallString<256> DbFile(BuildPath.empty() ? "." : BuildPath);
  if (!llvm::StringRef(DbFile).ends_with(".json"))
    llvm::sys::path::append(DbFile, "compile_commands.json");
  In.DatabasePath = std::string(DbFile);
  if (!llvm::sys::fs::exists(DbFile)) {
    In.Errors.push_back({In.DatabasePath, "no compile database here (build the tree and run "
                                          "scripts/clang-tools/gen_compile_commands.py, or pass "
                                          "flags after --)"});
    return In;
  }
  std::string Err;
  // Read here, so the nesting is checked before LLVM's recursive parser sees it.
  auto Text = llvm::MemoryBuffer::getFile(DbFile, /*IsText=*/true);
  if (!Text) {
    In.Errors.push_back({In.DatabasePath, "cannot read: " + Text.getError().message()});
    return In;
  }
  if (std::string Deep = checkNesting((*Text)->getBuffer(), /*Yaml=*/true); !Deep.empty()) {
    In.Errors.push_back({In.DatabasePath, "malformed compile database: " + Deep});
    return In;
  }
  In.Database = JSONCompilationDatabase::loadFromBuffer((*Text)->getBuffer(), Err, JSONCommandLineSyntax::AutoDetect);
  if (!In.Database) {
    // JSONCompilationDatabase's message repeats the path; keep only the cause.
    llvm::StringRef Msg(Err);
    size_t Colon = Msg.rfind(": ");
    In.Errors.push_back({In.DatabasePath, "malformed compile database: " +
                                              (Colon == llvm::StringRef::npos ? Msg : Msg.substr(Colon + 2)).str()});
    return In;
  }

  // getAllFiles() walks a hash map, so its order changes with the tree's
  // absolute path; every run over one tree must list, shard and name
  // ("first ...") its files the same way wherever the tree lies, so sort.
  llvm::StringSet<> InDb;
  std::vector<std::string> DbFiles;
  for (const std::string &F : In.Database->getAllFiles()) {
    std::string Abs = absoluteFilePath(F);
    if (InDb.insert(Abs).second)
      DbFiles.push_back(Abs);
  }
  llvm::sort(DbFiles);
  size_t Commands = In.Database->getAllCompileCommands().size();
  In.DuplicateEntries = Commands > DbFiles.size() ? unsigned(Commands - DbFiles.size()) : 0;
  // An unbuilt tree's database must not pass a CI gate as "no findings".
  if (DbFiles.empty())
    In.Errors.push_back({In.DatabasePath, "no translation units in the compile database (is the tree built?)"});

  if (NamedFiles.empty()) {
    In.Files = std::move(DbFiles);
    return In;
  }
  llvm::StringSet<> Seen;
  for (const std::string &F : NamedFiles) {
    std::string Abs = absoluteFilePath(F);
    // A directory names every translation unit below it (coccicheck's M=dir);
    // a glob ('*' also crosses '/'), every one it matches.
    bool IsGlob = llvm::StringRef(F).find_first_of("*?[") != llvm::StringRef::npos;
    if (!InDb.count(Abs) && (IsGlob || llvm::sys::fs::is_directory(Abs))) {
      std::optional<llvm::GlobPattern> Glob;
      if (IsGlob) {
        auto G = llvm::GlobPattern::create(Abs);
        if (!G) {
          In.Errors.push_back({F, "bad pattern: " + llvm::toString(G.takeError())});
          continue;
        }
        Glob = std::move(*G);
      }
      std::string Dir = llvm::StringRef(Abs).rtrim('/').str() + "/";
      size_t Before = In.Files.size();
      for (const std::string &D : DbFiles)
        if ((Glob ? Glob->match(D) : llvm::StringRef(D).starts_with(Dir)) && Seen.insert(D).second)
          In.Files.push_back(D);
      if (In.Files.size() == Before && !llvm::any_of(DbFiles, [&](const std::string &D) {
            return Glob ? Glob->match(D) : llvm::StringRef(D).starts_with(Dir);
          }))
        In.Errors.push_back({F, std::string(IsGlob ? "matches" : "holds") +
                                    " no translation unit of the compile database " + In.DatabasePath});
      continue;
    }
    if (!InDb.count(Abs)) {
      In.Errors.push_back(
          {F, llvm::sys::fs::exists(Abs) ? "not in the compile database " + In.DatabasePath : "no such file"});
      continue;
    }
    if (Seen.insert(Abs).second)
      In.Files.push_back(Abs);
  }
  return In;
}

} // namespace vmaprep

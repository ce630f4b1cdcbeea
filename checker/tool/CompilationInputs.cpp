//===- CompilationInputs.cpp ----------------------------------------------===//
#include "CompilationInputs.h"
#include "NestingLimit.h"

#include "clang/Driver/Driver.h"
#include "clang/Driver/Options.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Option/ArgList.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

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
  llvm::sys::fs::make_absolute(P);
  llvm::sys::path::remove_dots(P, /*remove_dot_dot=*/true);
  return std::string(P);
}

std::vector<std::string> stripGccOnlyFlags(const std::vector<std::string> &Args,
                                           std::set<std::string> &Dropped) {
  // Flags GCC-built kernels pass that clang-19's driver knows but refuses for
  // x86, or that toolchain.md lists; each checked against clang-19.
  static const char *const Prefixes[] = {
      "-fconserve-stack", "-mrecord-mcount", "-fno-allow-store-data-races",
      "-fmin-function-alignment=", "-fsanitize=bounds-strict"};
  // Anything else clang's driver does not know at all is found through its
  // option table, so a database from a newer GCC does not need a new list.
  std::vector<const char *> Argv;
  for (size_t I = 1; I < Args.size(); ++I)
    Argv.push_back(Args[I].c_str());
  unsigned MissingIndex = 0, MissingCount = 0;
  llvm::opt::InputArgList Parsed = driver::getDriverOptTable().ParseArgs(
      Argv, MissingIndex, MissingCount, llvm::opt::Visibility(driver::options::ClangOption));
  std::vector<bool> Unknown(Args.size(), false);
  for (const llvm::opt::Arg *A : Parsed.filtered(driver::options::OPT_UNKNOWN))
    Unknown[A->getIndex() + 1] = true;

  std::vector<std::string> Out;
  Out.reserve(Args.size());
  for (size_t I = 0; I < Args.size(); ++I) {
    const std::string &A = Args[I];
    // -Wp,-MMD,dir/.x.o.d makes the preprocessor write a dependency file;
    // an analysis must not write into the tree.
    bool Drop = Unknown[I] || llvm::StringRef(A).starts_with("-Wp,-MD,") ||
                llvm::StringRef(A).starts_with("-Wp,-MMD,");
    for (const char *P : Prefixes)
      if (I > 0 && llvm::StringRef(A).starts_with(P) &&
          (llvm::StringRef(P).ends_with("=") || A == P))
        Drop = true;
    if (Drop && A.rfind("-Wp,", 0) != 0)
      Dropped.insert(A);
    if (!Drop)
      Out.push_back(A);
  }
  return Out;
}

CompilationInputs loadInputs(const std::string &BuildPath,
                             std::unique_ptr<CompilationDatabase> Fixed,
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

  llvm::StringSet<> InDb;
  std::vector<std::string> DbOrder;
  for (const std::string &F : In.Database->getAllFiles()) {
    std::string Abs = absoluteFilePath(F);
    if (InDb.insert(Abs).second)
      DbOrder.push_back(Abs);
  }
  size_t Commands = In.Database->getAllCompileCommands().size();
  In.DuplicateEntries = Commands > DbOrder.size() ? unsigned(Commands - DbOrder.size()) : 0;
  // An unbuilt tree's database must not pass a CI gate as "no findings".
  if (DbOrder.empty())
    In.Errors.push_back({In.DatabasePath, "no translation units in the compile database (is the tree built?)"});

  if (NamedFiles.empty()) {
    In.Files = std::move(DbOrder);
    return In;
  }
  llvm::StringSet<> Seen;
  for (const std::string &F : NamedFiles) {
    std::string Abs = absoluteFilePath(F);
    if (!InDb.count(Abs)) {
      In.Errors.push_back({F, llvm::sys::fs::exists(Abs) ? "not in the compile database " + In.DatabasePath
                                                          : "no such file"});
      continue;
    }
    if (Seen.insert(Abs).second)
      In.Files.push_back(Abs);
  }
  return In;
}

} // namespace vmaprep

//===- Config.cpp ---------------------------------------------------------===//
#include "driver/Config.h"
#include "findings/NestingLimit.h"

#include "driver/CompilationInputs.h"
#include "findings/FindingFilters.h"
#include "findings/Paths.h"
#include "vmaprep/ApiLevel.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLTraits.h"

namespace {
struct RawConfig {
  std::optional<std::string> Api, FailOn, Baseline;
  std::optional<std::vector<std::string>> Exclude;
};
} // namespace

namespace llvm::yaml {
template <> struct MappingTraits<RawConfig> {
  static void mapping(IO &IO, RawConfig &C) {
    IO.mapOptional("api", C.Api);
    IO.mapOptional("fail-on", C.FailOn);
    IO.mapOptional("baseline", C.Baseline);
    IO.mapOptional("exclude", C.Exclude);
  }
};
} // namespace llvm::yaml

namespace vmaprep {

const char *const ConfigFileName = ".vmaprep.yaml";

std::string findConfig(const std::string &StartDir) {
  const std::string Dir = absolutePath(StartDir.empty() ? "." : StartDir);
  for (llvm::StringRef D = Dir; !D.empty(); D = llvm::sys::path::parent_path(D)) {
    llvm::SmallString<256> Candidate(D);
    llvm::sys::path::append(Candidate, ConfigFileName);
    if (llvm::sys::fs::is_regular_file(Candidate))
      return std::string(Candidate);
  }
  return "";
}

std::string loadConfig(const std::string &Path, Config &Out) {
  auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buffer)
    return Path + ": cannot read: " + Buffer.getError().message();
  return parseConfig((*Buffer)->getBuffer(), Path, Out);
}

std::string parseConfig(llvm::StringRef Text, const std::string &Path, Config &Out) {
  std::string FirstError;
  auto OnDiag = [](const llvm::SMDiagnostic &D, void *Ctx) {
    std::string &E = *static_cast<std::string *>(Ctx);
    if (E.empty())
      E = std::to_string(D.getLineNo()) + ":" + std::to_string(D.getColumnNo() + 1) + ": " + D.getMessage().str();
  };
  if (std::string Deep = checkNesting(Text, /*Yaml=*/true); !Deep.empty())
    return Path + ": " + Deep;
  RawConfig Raw;
  llvm::yaml::Input In(Text, nullptr, OnDiag, &FirstError);
  if (!Text.trim().empty())
    In >> Raw;
  if (In.error() || !FirstError.empty())
    return Path + ":" + (FirstError.empty() ? std::string(" malformed YAML") : FirstError);

  Config C;
  C.Path = Path;
  C.Dir = std::string(llvm::sys::path::parent_path(absoluteFilePath(Path)));
  if (Raw.Api) {
    if (*Raw.Api != "auto" && !parseApiLevel(*Raw.Api))
      return Path + ": api: unknown API level '" + *Raw.Api + "' (" + apiLevelList() + ", auto)";
    C.Api = Raw.Api;
  }
  if (Raw.FailOn) {
    if (!parseFailLevel(*Raw.FailOn))
      return Path + ": fail-on: unknown level '" + *Raw.FailOn + "' (" + FailLevelNames + ")";
    C.FailOn = Raw.FailOn;
  }
  if (Raw.Baseline) {
    if (Raw.Baseline->empty())
      return Path + ": baseline: empty path";
    C.Baseline = absoluteFilePath(*Raw.Baseline, C.Dir);
  }
  if (Raw.Exclude)
    for (const std::string &G : *Raw.Exclude) {
      if (G.empty() || llvm::sys::path::is_absolute(G))
        return (llvm::Twine(Path) + ": exclude: '" + G + "' must be a non-empty path relative to " + C.Dir).str();
      if (auto P = llvm::GlobPattern::create(G); !P)
        return (llvm::Twine(Path) + ": exclude: bad glob '" + G + "': " + llvm::toString(P.takeError())).str();
      C.Exclude.push_back(G);
    }
  Out = std::move(C);
  return "";
}

bool isExcluded(const std::string &File, const std::vector<std::string> &Globs, const std::string &Base) {
  std::string Rel = relativeToRoot(File, Base);
  if (Rel.empty())
    return false;
  for (llvm::StringRef G : Globs) {
    G = G.rtrim('/');
    if (G.consume_front("./") && G.empty())
      return true;
    auto Pattern = llvm::GlobPattern::create(G);
    if (!Pattern)
      continue;
    // The path itself, or any directory above it.
    for (llvm::StringRef P = Rel; !P.empty(); P = llvm::sys::path::parent_path(P))
      if (Pattern->match(P))
        return true;
  }
  return false;
}

} // namespace vmaprep

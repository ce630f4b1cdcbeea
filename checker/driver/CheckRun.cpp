//===- CheckRun.cpp -------------------------------------------------------===//
//
// Runs the analysis over every TU (TranslationUnitRunner) and merges the
// findings (FindingsMerger): a handler defined in a header is seen by every TU
// that includes it and reported once, with all its sites.
//
//===----------------------------------------------------------------------===//
#include "driver/CheckRun.h"

#include "driver/Config.h"
#include "driver/TranslationUnitRunner.h"
#include "findings/FindingFilters.h"
#include "vmaprep/ApiDetection.h"
#include "vmaprep/Rewriter.h"
#include "vmaprep/TranslationUnitAnalysis.h"

#include "clang/AST/ASTContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <tuple>

using namespace clang;
using namespace clang::tooling;

namespace vmaprep {

/// Identifiers with `mmap` in them that belong to core mm's locking and
/// address-space layout and never name a hook, a member or a handler: on a
/// whole tree most files that say `mmap` say only these (mmap_lock users).
static bool isCoreMmVocabulary(llvm::StringRef Ident) {
  static const llvm::StringSet<> Words = {"mmap_lock",
                                          "mmap_read_lock",
                                          "mmap_read_unlock",
                                          "mmap_read_trylock",
                                          "mmap_read_lock_killable",
                                          "mmap_write_lock",
                                          "mmap_write_unlock",
                                          "mmap_write_lock_killable",
                                          "mmap_write_downgrade",
                                          "mmap_lock_is_contended",
                                          "mmap_assert_locked",
                                          "mmap_assert_write_locked",
                                          "mmap_sem",
                                          "mmap_base",
                                          "mmap_legacy_base",
                                          "mmap_min_addr",
                                          "mmap_miss",
                                          "mmap_changing",
                                          "exit_mmap",
                                          "i_mmap",
                                          "i_mmap_rwsem",
                                          "i_mmap_lock_read",
                                          "i_mmap_unlock_read",
                                          "i_mmap_lock_write",
                                          "i_mmap_unlock_write",
                                          "memmap",
                                          "vmemmap"};
  return Words.contains(Ident);
}

/// Calls \p Found with the bounds of each word that has `mmap` in it and is
/// not core mm's vocabulary, until \p Found returns true; with \p CodeOnly,
/// words in comments and literals (prose says `mmap` too) do not count.
static bool anyMmapIdentifier(llvm::StringRef Text, bool CodeOnly,
                              llvm::function_ref<bool(size_t Begin, size_t End)> Found) {
  auto IsIdent = [](char C) { return llvm::isAlnum(C) || C == '_'; };
  size_t I = 0, N = Text.size();
  while (I < N) {
    char C = Text[I];
    if (CodeOnly && C == '/' && I + 1 < N && Text[I + 1] == '*') {
      size_t End = Text.find("*/", I + 2);
      I = End == llvm::StringRef::npos ? N : End + 2;
    } else if (CodeOnly && C == '/' && I + 1 < N && Text[I + 1] == '/') {
      I = std::min(Text.find('\n', I), N);
    } else if (CodeOnly && (C == '"' || C == '\'')) {
      for (++I; I < N && Text[I] != C && Text[I] != '\n'; ++I)
        if (Text[I] == '\\')
          ++I;
      ++I;
    } else if (IsIdent(C)) {
      size_t Begin = I;
      while (I < N && IsIdent(Text[I]))
        ++I;
      llvm::StringRef Ident = Text.slice(Begin, I);
      if (Ident.contains("mmap") && !isCoreMmVocabulary(Ident) && Found(Begin, I))
        return true;
    } else {
      ++I;
    }
  }
  return false;
}

bool mayHoldMmapHandler(llvm::StringRef Text) {
  return Text.contains("FOPS") || anyMmapIdentifier(Text, /*CodeOnly=*/false, [](size_t, size_t) { return true; });
}

/// A header included next to the file holds a table for it only as a
/// designator or an assignment of an mmap member (`.mmap =`, `->fb_mmap =`,
/// also in a macro body) or a FOPS macro; a prototype of `foo_mmap()` or a
/// member declared `mmap_count` registers nothing (the .c file that does
/// names the handler itself).
static bool mayRegisterMmapHook(llvm::StringRef Text) {
  if (Text.contains("FOPS"))
    return true;
  return anyMmapIdentifier(Text, /*CodeOnly=*/true, [&](size_t Begin, size_t End) {
    llvm::StringRef Before = Text.take_front(Begin).rtrim();
    llvm::StringRef After = Text.drop_front(End).ltrim();
    return (Before.ends_with(".") || Before.ends_with("->")) && After.starts_with("=") && !After.starts_with("==");
  });
}

bool fileMayHoldMmapHandler(const std::string &File) {
  std::vector<std::string> Work{File};
  std::set<std::string> Seen{File};
  while (!Work.empty()) {
    std::string Path = std::move(Work.back());
    Work.pop_back();
    auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
    if (!Buffer)
      return Path == File; // an unreadable main file is parsed (and reported)
    llvm::StringRef Text = (*Buffer)->getBuffer();
    if (Path == File ? mayHoldMmapHandler(Text) : mayRegisterMmapHook(Text))
      return true;
    // A table or handler can sit in a driver-local header: follow
    // #include "x.h" next to the including file. <...> headers are the
    // kernel's own; the macros they define that expand to an mmap member
    // are caught by name (FOPS) in the file that uses them.
    llvm::SmallVector<llvm::StringRef, 0> Lines;
    Text.split(Lines, '\n');
    for (llvm::StringRef Line : Lines) {
      Line = Line.ltrim();
      if (!Line.consume_front("#"))
        continue;
      Line = Line.ltrim();
      if (!Line.consume_front("include"))
        continue;
      Line = Line.ltrim();
      if (!Line.consume_front("\""))
        continue;
      llvm::StringRef Name = Line.take_until([](char C) { return C == '"'; });
      llvm::SmallString<256> Header(llvm::sys::path::parent_path(Path));
      llvm::sys::path::append(Header, Name);
      llvm::sys::path::remove_dots(Header, /*remove_dot_dot=*/true);
      if (llvm::sys::fs::is_regular_file(Header) && Seen.insert(std::string(Header)).second)
        Work.push_back(std::string(Header));
    }
  }
  return false;
}

CheckResult runCheck(CompilationInputs &Inputs, const CheckOptions &Options) {
  CheckResult Result;
  Result.Target = Options.Target;
  Result.Errors = Inputs.Errors;
  Result.DuplicateEntries = Inputs.DuplicateEntries;
  if (!Inputs.Database)
    return Result;

  // The TUs this run parses: its shard of the sorted list, minus excluded
  // paths, minus what the prefilter rules out.
  std::vector<std::string> Files = Inputs.Files;
  if (Options.ShardCount) {
    std::sort(Files.begin(), Files.end());
    std::vector<std::string> Slice;
    Result.DuplicateEntries = 0;
    for (size_t I = 0; I < Files.size(); ++I)
      if (I % Options.ShardCount == Options.ShardIndex - 1) {
        // Each shard counts the duplicates of its own files, so the shards'
        // counts sum to the whole database's.
        size_t Commands = Inputs.Database->getCompileCommands(Files[I]).size();
        Result.DuplicateEntries += Commands > 1 ? unsigned(Commands - 1) : 0;
        Slice.push_back(std::move(Files[I]));
      }
    Files = std::move(Slice);
  }
  std::vector<std::string> Parse;
  for (std::string &F : Files) {
    if (!Options.Exclude.empty() && isExcluded(F, Options.Exclude, Options.ExcludeBase)) {
      ++Result.FilesExcluded;
      continue;
    }
    if (Options.MayHaveFindings && !Options.MayHaveFindings(F)) {
      ++Result.FilesUnchanged;
      continue;
    }
    if (Options.Prefilter && !fileMayHoldMmapHandler(F)) {
      ++Result.FilesSkippedByPrefilter;
      continue;
    }
    Parse.push_back(std::move(F));
  }

  FunctionBodies Bodies = Options.Bodies;
  if (const char *All = std::getenv("VMAPREP_PARSE_ALL_BODIES"); All && llvm::StringRef(All) == "1")
    Bodies = FunctionBodies::All;
  std::vector<TranslationUnitFindings> Findings(Parse.size());
  std::vector<std::string> Detections(Parse.size());
  // The level each TU was analysed at; with --api auto, what its detection chose.
  std::vector<ApiLevel> Levels(Parse.size(), Options.Target);
  std::vector<TranslationUnitStatus> Status(Parse.size());
  auto Analyse = [&](size_t I, clang::ASTContext &Ctx) {
    ApiLevel Target = Options.Target;
    std::string NoRewrite;
    if (Options.AutoApi) {
      DetectedApi Found = detectApiLevel(Ctx);
      Target = Found.Level.value_or(NewestApiLevel);
      Detections[I] = (Found.Level ? apiLevelName(*Found.Level).str() : std::string("none")) + ": " + Found.Evidence;
      Levels[I] = Target;
      if (!Found.Level)
        NoRewrite = predatesRefusal(Found.Evidence); // as fix says it
    }
    TranslationUnitAnalysis Analysis = analyzeTranslationUnit(Ctx, Target);
    Findings[I] = makeFindings(Analysis, Ctx, Target, NoRewrite, /*AcrossFiles=*/!Inputs.DatabasePath.empty());
  };
  if (!Options.OnProgress) {
    Status = runOnTranslationUnits(*Inputs.Database, Parse, Options.Jobs, Analyse, {}, Bodies);
  } else {
    // One TU per runner call, so each finished TU (compiled or not) can be
    // reported as it finishes.
    unsigned Jobs = Options.Jobs ? Options.Jobs : llvm::hardware_concurrency().compute_thread_count();
    llvm::StdThreadPool Pool(llvm::hardware_concurrency(Jobs));
    std::mutex Lock;
    size_t Done = 0;
    for (size_t I = 0; I < Parse.size(); ++I)
      Pool.async([&, I] {
        std::vector<TranslationUnitStatus> One = runOnTranslationUnits(
            *Inputs.Database, {Parse[I]}, 1, [&](size_t, clang::ASTContext &Ctx) { Analyse(I, Ctx); }, {}, Bodies);
        Status[I] = std::move(One.front());
        std::lock_guard<std::mutex> Guard(Lock);
        Options.OnProgress(++Done, Parse.size(), Parse[I]);
      });
    Pool.wait();
  }

  FindingsMerger Merger(Result);
  bool AnyHandler = false;
  for (size_t I = 0; I < Status.size(); ++I)
    AnyHandler |= Status[I].Analysed && !Findings[I].Handlers.empty();
  for (size_t I = 0; I < Status.size(); ++I) {
    Result.DroppedFlags.insert(Status[I].DroppedFlags.begin(), Status[I].DroppedFlags.end());
    if (!Status[I].Analysed) {
      Result.Errors.push_back({Parse[I], notAnalysedReason(Status[I])});
      continue;
    }
    ++Result.FilesAnalysed;
    bool Decides = !Detections[I].empty() && (!AnyHandler || !Findings[I].Handlers.empty());
    Merger.add(std::move(Findings[I]));
    if (!Decides)
      continue;
    auto [It, New] = Result.ApiDeciders.try_emplace(Detections[I], 0, Parse[I]);
    It->second.first += AnyHandler;
    if (New) {
      Result.ApiDetections.push_back(Detections[I]);
      Result.Target = Levels[I];
    }
  }
  Merger.finish();
  sortFindings(Result);
  return Result;
}

} // namespace vmaprep

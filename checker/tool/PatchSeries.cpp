//===- PatchSeries.cpp - a series `git am` applies, YAML for clang-apply ---===//
//
// The series follows what `git format-patch --cover-letter -n` writes and
// what the kernel's process documents ask of a patch: a subject with the
// subsystem's own prefix, a body wrapped at 75 columns that says what tool
// made the change and how it was tested, no Signed-off-by unless a person
// asks for it (--signoff: the DCO is certified by a person, not a tool).
//
//===----------------------------------------------------------------------===//
#include "PatchSeries.h"
#include "findings/FindingFilters.h"
#include "findings/SafeFileWriter.h"
#include "findings/UnifiedDiff.h"
#include "findings/Version.h"

#include "clang/Tooling/Core/Diagnostic.h"
#include "clang/Tooling/DiagnosticsYaml.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Chrono.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SHA1.h"
#include "llvm/Support/YAMLTraits.h"
#include "llvm/Support/raw_ostream.h"
#include <ctime>
#include <map>

namespace vmaprep {

namespace {

constexpr unsigned BodyWidth = 72; // checkpatch warns above 75

std::optional<std::string> gitProgram() {
  if (auto Git = llvm::sys::findProgramByName("git"))
    return *Git;
  return std::nullopt;
}

bool isGitWorkTree(llvm::StringRef Root) {
  auto Git = gitProgram();
  if (!Git)
    return false;
  GitRun R = runGit(*Git, {"-C", Root.str(), "rev-parse", "--is-inside-work-tree"});
  return R.Rc == 0 && llvm::StringRef(R.Out).trim() == "true";
}

/// The most specific MAINTAINERS pattern covering \p Rel, or "".
std::string maintainersPattern(llvm::StringRef Root, llvm::StringRef Rel) {
  return MaintainersIndex(Root).entryFor(Rel).Pattern;
}

/// The prefix from the tree's directory conventions, no deeper than the
/// MAINTAINERS entry that covers the file when there is one.
std::string conventionalPrefix(llvm::StringRef Root, llvm::StringRef Rel) {
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  Rel.split(Parts, '/');
  llvm::StringRef Stem = llvm::sys::path::stem(Rel);
  llvm::SmallVector<llvm::StringRef, 8> Dirs(Parts.begin(), Parts.end() - 1);
  auto Has = [&](llvm::StringRef C) { return llvm::is_contained(Dirs, C); };
  if (Dirs.empty())
    return Stem.str();
  llvm::StringRef Top = Dirs.front();
  if (Top == "virt" && Has("kvm"))
    return Stem == "kvm_main" ? "KVM" : ("KVM: " + Stem).str();
  if (Top == "arch" && Dirs.size() > 1) {
    llvm::StringRef Arch = Dirs[1];
    if (Has("kvm"))
      return ("KVM: " + Arch).str();
    // arch/x86/kernel/cpu/sgx/virt.c -> x86/sgx; arch/x86/mm/pat.c -> x86/mm
    llvm::SmallVector<llvm::StringRef, 4> Rest;
    for (size_t I = 2; I < Dirs.size(); ++I)
      if (Dirs[I] != "kernel" && Dirs[I] != "cpu" && Dirs[I] != "include" && Dirs[I] != "platforms")
        Rest.push_back(Dirs[I]);
    return Rest.empty() ? Arch.str() : (Arch + "/" + Rest.back()).str();
  }
  if (Top == "security" && Dirs.size() > 1)
    return Dirs[1].str();
  if (Top == "sound")
    return ("ALSA: " + (Dirs.size() > 1 && Dirs.back() != "core" ? Dirs.back() : Stem)).str();
  if (Top == "fs")
    return Dirs.size() > 1 ? Dirs[1].str() : Stem.str();
  if (Top == "mm" || Top == "kernel" || Top == "lib" || Top == "ipc" || Top == "block")
    return (Top + (Dirs.size() > 1 ? "/" + Dirs[1] : ": " + Stem)).str();
  if (Top == "net")
    return Dirs.size() > 1 ? ("net: " + Dirs[1]).str() : ("net: " + Stem).str();
  if (Top != "drivers" || Dirs.size() < 2) {
    std::string Out;
    for (llvm::StringRef D : Dirs)
      Out += (Out.empty() ? "" : ": ") + D.str();
    return Out + ": " + Stem.str();
  }
  // drivers/: the subsystem's directories up to its MAINTAINERS entry,
  // joined by ": " ("usb: gadget"; "/" for drm: "drm/i915"); a subsystem of
  // one directory adds the next directory or the file ("char: hpet",
  // "usb: mon"), as does a file with a MAINTAINERS entry of its own.
  llvm::SmallVector<llvm::StringRef, 8> Sub(Dirs.begin() + 1, Dirs.end());
  if (Sub.front() == "gpu" && Sub.size() > 1)
    Sub.erase(Sub.begin());
  if (Sub.front() == "infiniband")
    return ("RDMA/" + Sub.back()).str();
  if (Sub.front() == "media" || Sub.front() == "staging")
    return (Sub.front() + ": " + (Sub.size() > 1 ? Sub[1] : Stem)).str();
  std::string Pattern = maintainersPattern(Root, Rel);
  llvm::StringRef P(Pattern);
  bool OwnEntry = !P.empty() && !P.ends_with("/") && !P.contains('*');
  size_t Depth = 2;
  if (P.ends_with("/")) {
    // The entry's own depth below drivers/ (and gpu/).
    size_t Components = P.drop_back().count('/') + 1;
    size_t Skip = Dirs.size() - Sub.size();
    Depth = Components > Skip ? Components - Skip : 1;
  }
  Depth = std::min(Depth, Sub.size());
  llvm::StringRef Join = Sub.front() == "drm" ? "/" : ": ";
  std::string Out;
  for (size_t I = 0; I < Depth; ++I)
    Out += (Out.empty() ? "" : Join.str()) + Sub[I].str();
  if (Depth == 1 || OwnEntry)
    Out += ": " + (Depth < Sub.size() && !OwnEntry ? Sub[Depth] : Stem).str();
  return Out;
}

/// The author line: --author, else git's configured identity.
std::string authorFor(const SeriesOptions &O, std::string &Error) {
  if (!O.Author.empty())
    return O.Author;
  auto Git = gitProgram();
  if (Git) {
    GitRun Name = runGit(*Git, {"-C", O.Root, "config", "user.name"});
    GitRun Email = runGit(*Git, {"-C", O.Root, "config", "user.email"});
    std::string N = llvm::StringRef(Name.Out).trim().str(), E = llvm::StringRef(Email.Out).trim().str();
    if (Name.Rc == 0 && Email.Rc == 0 && !N.empty() && !E.empty())
      return N + " <" + E + ">";
  }
  Error = "--patches needs an author: pass --author 'Name <email>' or set git config user.name and "
          "user.email";
  return "";
}

std::string rfc2822Date() {
  std::time_t Now = std::time(nullptr);
  std::tm Local;
  localtime_r(&Now, &Local);
  char Buf[64];
  std::strftime(Buf, sizeof(Buf), "%a, %d %b %Y %H:%M:%S %z", &Local);
  return Buf;
}

/// "kernel API level 7.1" or "kernel API levels 6.19, 7.1" for the series.
std::string levelsOf(llvm::ArrayRef<ConvertedFile> Files) {
  std::set<std::string> Levels;
  for (const ConvertedFile &F : Files)
    Levels.insert(apiLevelName(F.Target).str());
  std::string Out = Levels.size() == 1 ? "kernel API level " : "kernel API levels ";
  bool First = true;
  for (const std::string &L : Levels) {
    Out += (First ? "" : ", ") + L;
    First = false;
  }
  return Out;
}

/// The command as the patch quotes it: one argument per word, wrapped with
/// shell continuations so no line is longer than the body allows.
std::string quotedCommand(llvm::StringRef Command) {
  // Words are split at spaces outside single quotes (commandLine quotes so).
  llvm::SmallVector<llvm::StringRef, 16> Words;
  size_t Start = 0;
  bool Quoted = false;
  for (size_t I = 0; I <= Command.size(); ++I) {
    if (I < Command.size() && Command[I] == '\'')
      Quoted = !Quoted;
    if (I == Command.size() || (Command[I] == ' ' && !Quoted)) {
      if (I > Start)
        Words.push_back(Command.slice(Start, I));
      Start = I + 1;
    }
  }
  std::string Out = "  ", Line = "  ";
  for (llvm::StringRef W : Words) {
    if (Line.size() > 2 && Line.size() + 1 + W.size() + 2 > BodyWidth) {
      Out += " \\\n    ";
      Line = "    ";
    } else if (Line.size() > 2 && Line != "    ") {
      Out += " ";
      Line += " ";
    }
    Out += W.str();
    Line += W.str();
  }
  return Out + "\n";
}

/// The lines `git format-patch` puts below "---": one per file, then the total.
std::string diffStat(llvm::ArrayRef<std::pair<std::string, DiffStat>> Stats) {
  size_t NameWidth = 0;
  unsigned MaxChange = 0, Ins = 0, Del = 0;
  for (const auto &[Rel, S] : Stats) {
    NameWidth = std::max(NameWidth, Rel.size());
    MaxChange = std::max(MaxChange, S.Insertions + S.Deletions);
  }
  unsigned CountWidth = std::to_string(MaxChange).size();
  std::string Out;
  for (const auto &[Rel, S] : Stats) {
    unsigned Changed = S.Insertions + S.Deletions;
    // format-patch scales the graph to fit 80 columns.
    unsigned Room = 80 > NameWidth + CountWidth + 6 ? 80 - NameWidth - CountWidth - 6 : 10;
    unsigned Plus = S.Insertions, Minus = S.Deletions;
    if (MaxChange > Room) {
      Plus = (unsigned)((uint64_t)Plus * Room / MaxChange);
      Minus = (unsigned)((uint64_t)Minus * Room / MaxChange);
      if (S.Insertions && !Plus)
        Plus = 1;
      if (S.Deletions && !Minus)
        Minus = 1;
    }
    std::string Count = std::to_string(Changed);
    Out.append(" ").append(Rel).append(NameWidth - Rel.size(), ' ').append(" | ");
    Out.append(CountWidth - Count.size(), ' ').append(Count).append(" ");
    Out.append(Plus, '+').append(Minus, '-').append("\n");
    Ins += S.Insertions;
    Del += S.Deletions;
  }
  Out += " " + std::to_string(Stats.size()) + " file" + (Stats.size() == 1 ? "" : "s") + " changed";
  if (Ins)
    Out += ", " + std::to_string(Ins) + " insertion" + (Ins == 1 ? "" : "s") + "(+)";
  if (Del)
    Out += ", " + std::to_string(Del) + " deletion" + (Del == 1 ? "" : "s") + "(-)";
  return Out + "\n";
}

/// "convert mmap handler to mmap_prepare" in the case the subsystem
/// writes its summaries in (capitalised after "x86/sgx:", "KVM:", "drm/").
std::string summaryFor(llvm::StringRef Prefix, const ConvertedFile &F) {
  std::string Summary = F.Handlers.size() == 1 ? "convert " + F.Handlers.front().Function + "() to mmap_prepare"
                                               : "convert mmap handlers to mmap_prepare";
  bool Capital = Prefix.contains('/') || Prefix.starts_with("KVM") || Prefix.starts_with("ALSA") ||
                 Prefix.starts_with("RDMA") || Prefix.starts_with("media");
  if (Capital)
    Summary[0] = llvm::toUpper(Summary[0]);
  return Summary;
}

std::string fileMode(llvm::StringRef Path) {
  llvm::sys::fs::file_status St;
  if (!llvm::sys::fs::status(Path, St) && (St.permissions() & llvm::sys::fs::owner_exe))
    return "100755";
  return "100644";
}

std::string patchFileName(unsigned Number, llvm::StringRef Subject) {
  // format-patch: the subject with every run of other characters as one '-',
  // cut at 64 characters.
  std::string Name;
  for (char C : Subject) {
    if (llvm::isAlnum(C) || C == '.' || C == '_')
      Name += C;
    else if (!Name.empty() && Name.back() != '-')
      Name += '-';
  }
  while (!Name.empty() && (Name.back() == '-' || Name.back() == '.'))
    Name.pop_back();
  if (Name.size() > 64)
    Name.resize(64);
  while (!Name.empty() && (Name.back() == '-' || Name.back() == '.'))
    Name.pop_back();
  char Num[8];
  std::snprintf(Num, sizeof(Num), "%04u", Number);
  return std::string(Num) + "-" + Name + ".patch";
}

/// Removes what an earlier run wrote: NNNN-*.patch files only.
std::vector<std::string> removeStaleSeries(llvm::StringRef Dir) {
  std::vector<std::string> Errors;
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC; It.increment(EC)) {
    llvm::StringRef Name = llvm::sys::path::filename(It->path());
    if (Name.size() > 11 && Name.ends_with(".patch") && Name[4] == '-' &&
        llvm::all_of(Name.take_front(4), llvm::isDigit))
      if (std::error_code R = llvm::sys::fs::remove(It->path()))
        Errors.push_back(It->path() + ": cannot remove the patch of an earlier run: " + R.message());
  }
  return Errors;
}

} // namespace

MaintainersIndex::MaintainersIndex(llvm::StringRef Root) {
  llvm::SmallString<256> Path(Root);
  llvm::sys::path::append(Path, "MAINTAINERS");
  auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buffer)
    return;
  // An entry is a line that is not "X:\t..." after a blank line; its F: lines
  // follow. The file's preamble has no F: lines, so it adds nothing.
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  (*Buffer)->getBuffer().split(Lines, '\n');
  bool AfterBlank = true;
  for (llvm::StringRef Line : Lines) {
    if (Line.trim().empty()) {
      AfterBlank = true;
      continue;
    }
    bool Field = Line.size() > 2 && llvm::isUpper(Line[0]) && Line[1] == ':';
    if (AfterBlank && !Field)
      Entries.push_back({Line.trim().str(), {}});
    else if (Field && Line[0] == 'F' && !Entries.empty())
      Entries.back().second.push_back(Line.drop_front(2).trim().str());
    AfterBlank = false;
  }
}

MaintainersIndex::Match MaintainersIndex::entryFor(llvm::StringRef Rel) const {
  Match Best;
  for (const auto &[Name, Patterns] : Entries)
    for (llvm::StringRef Pattern : Patterns) {
      bool Covers = false;
      if (Pattern.ends_with("/"))
        Covers = Rel.starts_with(Pattern);
      else if (Pattern.contains('*'))
        Covers = Rel.starts_with(Pattern.take_until([](char C) { return C == '*'; })) &&
                 !Rel.drop_front(Pattern.find('*')).contains('/');
      else
        Covers = Rel == Pattern || Rel.starts_with((Pattern + "/").str());
      if (Covers && Pattern.size() > Best.Pattern.size())
        Best = {Name, Pattern.str()};
    }
  return Best;
}

std::string commandLine(llvm::StringRef Command, int Argc, const char **Argv, llvm::StringRef Root) {
  std::string Out = Command.str();
  for (int I = 0; I < Argc; ++I) {
    std::string A = Argv[I];
    // Paths of this machine say nothing to a reader of the patch.
    for (size_t At; !Root.empty() && (At = A.find(Root.str())) != std::string::npos;) {
      llvm::StringRef After = llvm::StringRef(A).drop_front(At + Root.size());
      if (After.empty())
        A.replace(At, Root.size(), ".");
      else if (After.front() == '/')
        A.erase(At, Root.size() + 1);
      else
        break;
    }
    // Other absolute paths (a build's -I, the patch directory) are this
    // machine's too: their last two components say enough.
    size_t Slash = A.find('/');
    if (Slash != std::string::npos && (Slash == 0 || A[Slash - 1] == '=' || A.compare(0, 2, "-I") == 0)) {
      llvm::StringRef P = llvm::StringRef(A).drop_front(Slash);
      llvm::StringRef Parent = llvm::sys::path::parent_path(P);
      if (llvm::sys::path::parent_path(Parent).size() > 1)
        A = A.substr(0, Slash) + ".../" + llvm::sys::path::filename(Parent).str() + "/" +
            llvm::sys::path::filename(P).str();
    }
    bool Plain = !A.empty() &&
                 llvm::all_of(A, [](char C) { return llvm::isAlnum(C) || llvm::StringRef("-_./=:,+@%").contains(C); });
    Out += " " + (Plain ? A : "'" + llvm::StringRef(A).str() + "'");
  }
  return Out;
}

std::string gitBlobId(llvm::StringRef Content) {
  llvm::SHA1 Hash;
  Hash.update("blob " + std::to_string(Content.size()));
  Hash.update(llvm::ArrayRef<uint8_t>{0});
  Hash.update(Content);
  std::array<uint8_t, 20> Digest = Hash.final();
  return llvm::toHex(Digest, /*LowerCase=*/true);
}

std::string wrapText(llvm::StringRef Text, unsigned Width, llvm::StringRef Indent) {
  llvm::SmallVector<llvm::StringRef, 32> Words;
  Text.split(Words, ' ', -1, false);
  std::string Out;
  size_t Column = 0;
  for (llvm::StringRef W : Words) {
    if (Column && Column + 1 + W.size() > Width) {
      Out += "\n" + Indent.str();
      Column = Indent.size();
    } else if (Column) {
      Out += " ";
      ++Column;
    }
    Out += W.str();
    Column += W.size();
  }
  return Out;
}

std::string prefixFromSubjects(llvm::ArrayRef<std::string> Subjects) {
  std::map<std::string, std::pair<unsigned, size_t>> Votes; // count, first (newest) position
  for (size_t I = 0; I < Subjects.size(); ++I) {
    llvm::StringRef S = llvm::StringRef(Subjects[I]).trim();
    if (S.starts_with("Revert") || S.starts_with("Merge"))
      continue;
    // Components before the summary: "KVM: guest_memfd: Add x" -> "KVM: guest_memfd".
    std::string Prefix;
    while (true) {
      size_t Colon = S.find(": ");
      if (Colon == llvm::StringRef::npos || S.take_front(Colon).contains(' '))
        break;
      Prefix += (Prefix.empty() ? "" : ": ") + S.take_front(Colon).str();
      S = S.drop_front(Colon + 2);
    }
    if (Prefix.empty())
      continue;
    auto [It, New] = Votes.try_emplace(Prefix, 0, I);
    ++It->second.first;
  }
  std::string Best;
  std::pair<unsigned, size_t> BestVote{0, 0};
  for (const auto &[Prefix, Vote] : Votes)
    if (Vote.first > BestVote.first || (Vote.first == BestVote.first && Vote.second < BestVote.second)) {
      Best = Prefix;
      BestVote = Vote;
    }
  return Best;
}

std::string subjectPrefix(llvm::StringRef Root, llvm::StringRef Rel) {
  if (auto Git = gitProgram(); Git && isGitWorkTree(Root)) {
    GitRun Log = runGit(*Git, {"-C", Root.str(), "log", "--no-merges", "-n", "30", "--format=%s", "--", Rel.str()});
    if (Log.Rc == 0) {
      llvm::SmallVector<llvm::StringRef, 30> Lines;
      llvm::StringRef(Log.Out).split(Lines, '\n', -1, false);
      std::vector<std::string> Subjects(Lines.begin(), Lines.end());
      if (std::string P = prefixFromSubjects(Subjects); !P.empty())
        return P;
    }
  }
  return conventionalPrefix(Root, Rel);
}

std::vector<std::string> writePatchSeries(llvm::ArrayRef<ConvertedFile> Files, llvm::ArrayRef<LeftHandler> Left,
                                          const SeriesOptions &O) {
  std::vector<std::string> Errors;
  std::string AuthorError;
  std::string Author = authorFor(O, AuthorError);
  if (Author.empty())
    return {AuthorError};
  if (std::error_code EC = llvm::sys::fs::create_directories(O.Dir))
    return {O.Dir + ": cannot create the patch directory: " + EC.message()};
  Errors = removeStaleSeries(O.Dir);
  if (!Errors.empty())
    return Errors;
  std::string Base;
  if (!O.Base.empty()) {
    Base = O.Base;
    if (auto Git = gitProgram(); Git && isGitWorkTree(O.Root)) {
      GitRun R =
          runGit(*Git, {"-C", O.Root, "rev-parse", "--verify", "--quiet", "--end-of-options", O.Base + "^{commit}"});
      if (R.Rc != 0)
        return {"--base " + O.Base + ": not a commit in " + O.Root};
      Base = llvm::StringRef(R.Out).trim().str();
    }
  }

  std::string Date = rfc2822Date();
  std::string Tool = std::string("vmaprep ") + VmaprepVersion;
  unsigned Total = Files.size();
  auto Header = [&](unsigned N, llvm::StringRef Subject) {
    return "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\nFrom: " + Author +
           "\nDate: " + Date + "\nSubject: [PATCH " + std::to_string(N) + "/" + std::to_string(Total) + "] " +
           Subject.str() + "\n\n";
  };
  auto Trailer = [&]() { return O.Signoff ? "\nSigned-off-by: " + Author + "\n" : std::string(); };
  std::string Intro = wrapText("The file_operations->mmap hook is deprecated in favour of ->mmap_prepare, which "
                               "is called before the VMA exists and must not acquire state; what needs the VMA "
                               "is requested from the core through desc->action or done in vm_ops->mapped.",
                               BodyWidth) +
                      "\n";
  std::string HowTested = O.Validated
                              ? "Each rewrite was parsed again with the file's own compile flags and analysed as an "
                                "mmap_prepare handler, then run side by side with the original on " +
                                    Tool + "'s executable model of the kernel's VMA layer:"
                              : "Each rewrite was parsed again with the file's own compile flags and analysed as an "
                                "mmap_prepare handler; it was not run on the model (--no-validate).";

  std::vector<std::pair<std::string, DiffStat>> AllStats;
  std::vector<std::string> Subjects;
  for (unsigned I = 0; I < Total; ++I) {
    const ConvertedFile &F = Files[I];
    // The change's files: the first, then the files that change with it.
    std::vector<FileChange> Changed{{F.Path, F.Rel, F.Original, F.Edits}};
    Changed.insert(Changed.end(), F.Also.begin(), F.Also.end());
    std::vector<std::pair<std::string, DiffStat>> Stats;
    std::string Diffs;
    for (const FileChange &C : Changed) {
      DiffStat Stat;
      std::string Diff = unifiedDiff(C.Rel, C.Original, C.Edits, &Stat);
      Stats.push_back({C.Rel, Stat});
      AllStats.push_back({C.Rel, Stat});
      std::string Rewritten = applyEdits(C.Original, C.Edits);
      Diffs += "diff --git a/" + C.Rel + " b/" + C.Rel + "\nindex " + gitBlobId(C.Original).substr(0, 12) + ".." +
               gitBlobId(Rewritten).substr(0, 12) + " " + fileMode(C.Path) + "\n" + Diff;
    }
    std::string Prefix = subjectPrefix(O.Root, F.Rel);
    std::string Subject = Prefix + ": " + summaryFor(Prefix, F);
    Subjects.push_back(Subject);

    std::string Body = Intro + "\n";
    for (const ConvertedHandler &H : F.Handlers) {
      Body += wrapText("Convert " + H.Function + "() to " + H.NewFunction + "():", BodyWidth) + "\n";
      for (const std::string &C : H.Changes)
        Body += "- " + wrapText(C, BodyWidth - 2, "  ") + "\n";
      Body += "\n";
    }
    Body += wrapText("Generated by " + Tool + " for " + levelsOf(F) + " with:", BodyWidth) + "\n\n";
    Body += quotedCommand(O.Command) + "\n";
    Body += wrapText(HowTested, BodyWidth) + "\n";
    if (O.Validated)
      for (const ConvertedHandler &H : F.Handlers)
        if (!H.Validation.empty())
          Body += "- " + wrapText(H.NewFunction + "(): " + H.Validation, BodyWidth - 2, "  ") + "\n";
    std::string Patch = Header(I + 1, Subject) + Body + Trailer() + "---\n" + diffStat(Stats) + "\n" + Diffs;
    Patch += "-- \n" + Tool + "\n\n";
    llvm::SmallString<256> Path(O.Dir);
    llvm::sys::path::append(Path, patchFileName(I + 1, Subject));
    if (std::string E = writeFileSafely(Path, Patch); !E.empty())
      Errors.push_back(E);
  }

  // The cover letter: what was converted, what was left and why.
  std::string Cover = Header(0, "Convert mmap handlers to mmap_prepare");
  Cover += Intro + "\n";
  unsigned Converted = 0;
  for (const ConvertedFile &F : Files)
    Converted += F.Handlers.size();
  size_t FilesTouched = AllStats.size();
  Cover += wrapText("This series converts " + std::to_string(Converted) + " handler" + (Converted == 1 ? "" : "s") +
                        " in " + std::to_string(FilesTouched) + " file" + (FilesTouched == 1 ? "" : "s") +
                        (FilesTouched == Total ? ", one patch per file. "
                                               : ", one patch per change (a handler defined in one file and named "
                                                 "in others changes in all of them in one patch). ") +
                        "It was generated by " + Tool + " for " + levelsOf(Files) + " with:",
                    BodyWidth) +
           "\n\n" + quotedCommand(O.Command) + "\n" + wrapText(HowTested, BodyWidth) + "\n";
  if (O.Validated)
    for (const ConvertedFile &F : Files)
      for (const ConvertedHandler &H : F.Handlers)
        Cover += "- " +
                 wrapText(H.NewFunction + "() (" + F.Rel + "): " + (H.Validation.empty() ? "not run" : H.Validation),
                          BodyWidth - 2, "  ") +
                 "\n";
  if (!Left.empty()) {
    Cover += "\n" + wrapText("Left as they are (" + std::to_string(Left.size()) + "), and why:", BodyWidth) + "\n";
    for (const LeftHandler &L : Left)
      Cover += "- " + wrapText(L.Function + "() (" + L.Rel + "): " + L.Why, BodyWidth - 2, "  ") + "\n";
  }
  Cover += "\n" + Author.substr(0, Author.find(" <")) + " (" + std::to_string(Total) + "):\n";
  for (const std::string &S : Subjects)
    Cover += "  " + S + "\n";
  Cover += "\n" + diffStat(AllStats);
  if (!Base.empty())
    Cover += "\nbase-commit: " + Base + "\n";
  Cover += "-- \n" + Tool + "\n\n";
  llvm::SmallString<256> CoverPath(O.Dir);
  llvm::sys::path::append(CoverPath, "0000-cover-letter.patch");
  if (std::string E = writeFileSafely(CoverPath, Cover); !E.empty())
    Errors.push_back(E);
  return Errors;
}

std::string exportFixesYaml(llvm::ArrayRef<ConvertedFile> Files) {
  // One document: clang-apply-replacements reads only the first document of
  // a file. One diagnostic per file, since formatting may join the edits of
  // two handlers.
  clang::tooling::TranslationUnitDiagnostics TU;
  TU.MainSourceFile = Files.empty() ? "" : Files.front().Path;
  for (const ConvertedFile &F : Files) {
    if (F.Edits.empty())
      continue;
    clang::tooling::Diagnostic D;
    D.DiagnosticName = "vmaprep-legacy-mmap";
    D.Message.Message = "convert to mmap_prepare:";
    for (const ConvertedHandler &H : F.Handlers)
      D.Message.Message += " " + H.Function;
    D.Message.FilePath = F.Path;
    D.Message.FileOffset = 0;
    D.DiagLevel = clang::tooling::Diagnostic::Warning;
    for (const TextEdit &E : F.Edits)
      llvm::consumeError(D.Message.Fix[F.Path].add(clang::tooling::Replacement(F.Path, E.Offset, E.Length, E.Text)));
    // The files that change with it are part of the same fix: applied together.
    for (const FileChange &C : F.Also)
      for (const TextEdit &E : C.Edits)
        llvm::consumeError(D.Message.Fix[C.Path].add(clang::tooling::Replacement(C.Path, E.Offset, E.Length, E.Text)));
    TU.Diagnostics.push_back(std::move(D));
  }
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  llvm::yaml::Output YAML(OS);
  YAML << TU;
  OS.flush();
  return Out;
}

} // namespace vmaprep

//===- GitChanges.cpp - --since: lines changed since a git revision -------===//
//
// `git diff --unified=0 REV` against the working tree: each hunk's new-side
// range is a changed line range. A pure deletion (+c,0) marks the lines on
// either side of the gap, so a removed line inside a handler still selects it.
//
//===----------------------------------------------------------------------===//
#include "findings/FindingFilters.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

namespace vmaprep {

GitRun runGit(const std::string &Git, const std::vector<std::string> &Args) {
  GitRun R;
  llvm::SmallString<128> OutFile, ErrFile;
  if (llvm::sys::fs::createTemporaryFile("vmaprep-git", "out", OutFile) ||
      llvm::sys::fs::createTemporaryFile("vmaprep-git", "err", ErrFile)) {
    R.Err = "cannot create a temporary file";
    return R;
  }
  // Removed on every return; a file that cannot be removed is left in the temporary directory.
  llvm::FileRemover RemoveOut(OutFile), RemoveErr(ErrFile);
  std::vector<llvm::StringRef> Argv{Git};
  for (const std::string &A : Args)
    Argv.push_back(A);
  std::optional<llvm::StringRef> Redirects[] = {std::nullopt, llvm::StringRef(OutFile), llvm::StringRef(ErrFile)};
  std::string ExecError;
  R.Rc = llvm::sys::ExecuteAndWait(Git, Argv, std::nullopt, Redirects, 0, 0, &ExecError);
  if (auto B = llvm::MemoryBuffer::getFile(OutFile))
    R.Out = (*B)->getBuffer().str();
  if (auto B = llvm::MemoryBuffer::getFile(ErrFile))
    R.Err = llvm::StringRef((*B)->getBuffer()).trim().str();
  if (R.Err.empty())
    R.Err = ExecError;
  return R;
}

std::string ChangedLines::keyFor(const std::string &File) const {
  auto [It, Inserted] = RealPaths.try_emplace(File);
  if (Inserted) {
    llvm::SmallString<256> Real;
    It->second = llvm::sys::fs::real_path(File, Real) ? File : std::string(Real);
  }
  return It->second;
}

bool ChangedLines::touches(const SourceSite &S) const {
  if (!S.valid())
    return false;
  auto It = Ranges.find(keyFor(S.File));
  if (It == Ranges.end())
    return false;
  unsigned Last = std::max(S.Line, S.EndLine);
  for (const auto &[First, End] : It->second)
    if (First <= Last && S.Line <= End)
      return true;
  return false;
}

void parseUnifiedDiff(llvm::StringRef Diff, const std::string &TopLevel, ChangedLines &Out) {
  std::string Current;
  while (!Diff.empty()) {
    auto [Line, Rest] = Diff.split('\n');
    Diff = Rest;
    if (Line.consume_front("+++ ")) {
      // "+++ b/path", or "+++ /dev/null" for a deleted file.
      Current.clear();
      if (Line.consume_front("b/")) {
        llvm::SmallString<256> P(TopLevel);
        llvm::sys::path::append(P, Line.rtrim('\r'));
        Current = std::string(P);
      }
      continue;
    }
    if (Current.empty() || !Line.consume_front("@@ "))
      continue;
    // @@ -a[,b] +c[,d] @@
    size_t Plus = Line.find(" +");
    if (Plus == llvm::StringRef::npos)
      continue;
    llvm::StringRef New = Line.drop_front(Plus + 2).take_until([](char C) { return C == ' '; });
    auto [StartText, CountText] = New.split(',');
    unsigned Start = 0, Count = 1;
    if (StartText.getAsInteger(10, Start) || (!CountText.empty() && CountText.getAsInteger(10, Count)))
      continue;
    if (Count == 0)
      Out.Ranges[Current].push_back({std::max(Start, 1u), Start + 1});
    else
      Out.Ranges[Current].push_back({Start, Start + Count - 1});
  }
}

std::string changedLinesSince(const std::string &Root, const std::string &Rev, ChangedLines &Out) {
  auto Git = llvm::sys::findProgramByName("git");
  if (!Git)
    return "--since needs git, which is not on PATH";
  GitRun Top = runGit(*Git, {"-C", Root, "rev-parse", "--show-toplevel"});
  if (Top.Rc != 0)
    return "--since " + Rev + ": " + Root + " is not in a git repository";
  std::string TopLevel = llvm::StringRef(Top.Out).trim().str();
  GitRun Verify = runGit(*Git, {"-C", Root, "rev-parse", "--verify", "--quiet", "--end-of-options", Rev + "^{commit}"});
  if (Verify.Rc != 0)
    return "--since " + Rev + ": unknown git revision '" + Rev + "' in " + TopLevel;
  // Fixed prefixes and no external diff drivers or colour, whatever the
  // user's git configuration says.
  GitRun Diff = runGit(*Git, {"-C", Root, "diff", "--unified=0", "--no-color", "--no-ext-diff", "--no-renames",
                              "--src-prefix=a/", "--dst-prefix=b/", Rev, "--"});
  if (Diff.Rc != 0)
    return "--since " + Rev + ": git diff failed: " + Diff.Err;
  parseUnifiedDiff(Diff.Out, TopLevel, Out);
  return "";
}

unsigned applySince(CheckResult &R, const ChangedLines &Changed) {
  return removeFindings(R, [&](const FindingRef &F) {
    for (const SourceSite *S : F.locations())
      if (Changed.touches(*S))
        return false;
    return true;
  });
}

} // namespace vmaprep

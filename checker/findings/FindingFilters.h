//===- FindingFilters.h - which findings a CI run reports and fails on ----===//
//
// After the analysis, `vmaprep check` narrows the findings down in a fixed
// order: NOLINT comments (as clang-tidy reads them), the baseline file, and
// --since (lines changed since a git revision). What is left is printed; the
// exit code then depends on --fail-on. Each step counts what it removed, so
// the summary can say so.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_FINDINGS_FINDINGFILTERS_H
#define VMAPREP_FINDINGS_FINDINGFILTERS_H

#include "findings/CheckResult.h"
#include "findings/Fingerprint.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace vmaprep {

// ---- findings ----------------------------------------------------------------

/// Puts every list in a fixed order (by location), so one run, the merge of
/// its shards, and a merge in any order print the same document.
void sortFindings(CheckResult &R);

/// The threshold of --fail-on, most severe first. A finding counts when its
/// level is at or above the threshold.
enum class FailLevel {
  Error,       // a table with both hooks, an unresolvable .mmap, a contract breach
  Convertible, // auto-convertible, convertible with vm_ops->mapped
  NeedsApi,    // convertible at a newer API level
  Blocked,     // blocked
  Any,         // every legacy handler (the default)
};
std::optional<FailLevel> parseFailLevel(llvm::StringRef Name);
llvm::StringRef failLevelName(FailLevel L);
extern const char *const FailLevelNames; // "error, convertible, needs-api, blocked, any"

/// One finding: a legacy handler, a breach of the mmap_prepare contract, a
/// table with both hooks, or an unresolved .mmap.
struct FindingRef {
  const HandlerReport *Handler = nullptr;
  const BothHooksTable *Both = nullptr;
  const UnresolvedReport *Unresolved = nullptr;
  /// With Handler: one breach of the mmap_prepare contract by that handler
  /// (rule vmaprep-prepare-contract) rather than the handler itself.
  const Reason *Contract = nullptr;

  /// The check a NOLINT must name to silence this finding.
  llvm::StringRef rule() const;

  /// Where the finding is reported: the handler's name (for a handler defined
  /// elsewhere, its table), or the table site.
  const SourceSite &primary() const;
  /// The primary location, every ops site, every effect and every helper
  /// call on the way to one.
  std::vector<const SourceSite *> locations() const;
  FailLevel level() const;
  FindingKey key(const std::string &Root) const;
};

void forEachFinding(const CheckResult &R, llvm::function_ref<void(const FindingRef &)> Fn);
/// Removes the findings \p Drop selects; returns how many.
unsigned removeFindings(CheckResult &R, llvm::function_ref<bool(const FindingRef &)> Drop);
/// Findings at or above \p Threshold.
unsigned countFindings(const CheckResult &R, FailLevel Threshold);

// ---- NOLINT --------------------------------------------------------------

/// clang-tidy's NOLINT, NOLINTNEXTLINE and NOLINTBEGIN/NOLINTEND, with its
/// check-list globs. Files are read on first use only.
class NolintIndex {
public:
  bool suppresses(const SourceSite &Where, llvm::StringRef Check);

  struct Directive {
    enum Kind { NoLint, NextLine, Begin, End } Type;
    size_t Pos;                        // offset of the N of NOLINT
    std::optional<std::string> Checks; // none: every check
  };
  /// Every directive in \p Text, as clang-tidy finds them.
  static std::vector<Directive> parse(llvm::StringRef Text);
  /// Does the check list \p Checks (comma-separated globs, '-' globs ignored,
  /// none: all) cover \p Check?
  static bool covers(const std::optional<std::string> &Checks, llvm::StringRef Check);

private:
  struct Block {
    size_t Begin, End;
    std::optional<std::string> Checks;
  };
  struct FileInfo {
    bool Readable = false;
    std::string Text;
    std::vector<size_t> LineStarts;
    std::vector<Block> Blocks;
  };
  FileInfo &load(const std::string &Path);
  std::map<std::string, FileInfo> Files;
};

/// Removes findings suppressed at their primary location; returns how many.
unsigned applyNolint(CheckResult &R);

// ---- baselines -----------------------------------------------------------

struct Baseline {
  std::set<std::string> Fingerprints;
};
/// Parses a baseline document; returns an error (without a file name), or "".
std::string parseBaseline(llvm::StringRef Text, Baseline &Out);
/// Reads a baseline file with parseBaseline(); returns an error naming the file, or "".
std::string readBaseline(const std::string &Path, Baseline &Out);
/// Writes every finding of \p R to \p Path, atomically: schema
/// "vmaprep-baseline", version 1, findings sorted. Returns an error or "".
std::string writeBaseline(const std::string &Path, const CheckResult &R, const std::string &Root, unsigned &Written);
unsigned applyBaseline(CheckResult &R, const Baseline &B, const std::string &Root);

// ---- --since -------------------------------------------------------------

/// Lines of the working tree changed since a revision, by real path.
struct ChangedLines {
  std::map<std::string, std::vector<std::pair<unsigned, unsigned>>> Ranges; // [first, last]
  bool touches(const SourceSite &S) const;
  /// The key Ranges uses for \p File (its real path); cached.
  std::string keyFor(const std::string &File) const;

private:
  mutable std::map<std::string, std::string> RealPaths;
};
/// One run of git: exit code, standard output, standard error (trimmed).
struct GitRun {
  int Rc = -1;
  std::string Out, Err;
};
/// Runs \p Git (a path) with \p Args.
GitRun runGit(const std::string &Git, const std::vector<std::string> &Args);

/// Runs `git -C Root diff --unified=0 Rev` and collects the new side's
/// lines. Returns an error (not a git repository, unknown revision, no git),
/// or "".
std::string changedLinesSince(const std::string &Root, const std::string &Rev, ChangedLines &Out);
/// Parses `git diff --unified=0` output; paths are joined to \p TopLevel.
void parseUnifiedDiff(llvm::StringRef Diff, const std::string &TopLevel, ChangedLines &Out);
unsigned applySince(CheckResult &R, const ChangedLines &Changed);

} // namespace vmaprep

#endif

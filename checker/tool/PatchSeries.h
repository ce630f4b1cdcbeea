//===- PatchSeries.h - fix's outputs for people and for other tools -------===//
//
// What `vmaprep fix` hands on instead of writing in place:
//  - a `git format-patch`-style series a maintainer applies with `git am`
//    (--patches DIR): a cover letter and one numbered patch per change (a
//    file, or the files one handler with external linkage spans), with
//    real blob hashes on the index lines (so `git am -3` works), the
//    subsystem's subject prefix, and a body that says how it was made and
//    tested (Documentation/process/generated-content.rst);
//  - one YAML document for clang-apply-replacements (--export-fixes).
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_TOOL_PATCHSERIES_H
#define VMAPREP_TOOL_PATCHSERIES_H

#include "vmaprep/ApiLevel.h"
#include "vmaprep/Rewriter.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace vmaprep {

/// One handler fix converted, as the patch describes it.
struct ConvertedHandler {
  std::string Function, NewFunction;
  std::vector<std::string> Changes; // MigrationPlan::Changes
  std::string Validation;           // "" when not run on the model
};

/// A file changed with another as one change: the header with a converted
/// handler's prototype, a translation unit that registers it.
struct FileChange {
  std::string Path, Rel, Original;
  std::vector<TextEdit> Edits;
};

/// One change fix makes: a file, and the files that change with it.
struct ConvertedFile {
  std::string Path; // absolute
  std::string Rel;  // relative to the tree root, as in the diff
  std::string Original;
  std::vector<TextEdit> Edits;
  ApiLevel Target = NewestApiLevel;
  std::vector<ConvertedHandler> Handlers;
  /// The other files of the change (a handler with external linkage).
  std::vector<FileChange> Also;
};

/// A handler fix left as it was, for the cover letter.
struct LeftHandler {
  std::string Rel, Function, Why;
};

struct SeriesOptions {
  std::string Dir;       // --patches
  std::string Root;      // the tree (absolute): git, MAINTAINERS
  std::string Author;    // --author "Name <email>"; else git's configured identity
  bool Signoff = false;  // --signoff
  std::string Base;      // --base REV
  std::string Command;   // the command line, as the patches quote it
  bool Validated = true; // the rewrites were run on the runtime model
};

/// \p Command followed by \p Argv, each argument quoted for a shell when it
/// needs it, with \p Root (this machine's tree) shown as '.'.
std::string commandLine(llvm::StringRef Command, int Argc, const char **Argv, llvm::StringRef Root);

/// Writes the series into Options.Dir, after removing the numbered patches
/// and cover letter an earlier run left there. Returns one error per file
/// that could not be written (each names the path); empty on success.
std::vector<std::string> writePatchSeries(llvm::ArrayRef<ConvertedFile> Files, llvm::ArrayRef<LeftHandler> Left,
                                          const SeriesOptions &Options);

/// The entries of a tree's MAINTAINERS file, for the entry that covers a
/// file: the one with the most specific F: pattern (a directory "d/", a
/// file, or a glob with '*' within one directory).
class MaintainersIndex {
public:
  /// Reads ROOT/MAINTAINERS; empty (covers nothing) when there is none.
  explicit MaintainersIndex(llvm::StringRef Root);
  bool empty() const { return Entries.empty(); }
  struct Match {
    std::string Entry;   // "INTEL SGX"
    std::string Pattern; // "arch/x86/kernel/cpu/sgx/"
  };
  /// The entry covering \p Rel (relative to the root); Entry is "" for none.
  Match entryFor(llvm::StringRef Rel) const;

private:
  std::vector<std::pair<std::string, std::vector<std::string>>> Entries;
};

/// The subject prefix the subsystem uses for \p Rel ("x86/sgx", "selinux",
/// "KVM: guest_memfd", "char: hpet"): from `git log` of the file when
/// \p Root is a git work tree with history for it, else from MAINTAINERS
/// and the tree's directory conventions.
std::string subjectPrefix(llvm::StringRef Root, llvm::StringRef Rel);

/// The prefix the subjects in \p Subjects (newest first) agree on most, or "".
std::string prefixFromSubjects(llvm::ArrayRef<std::string> Subjects);

/// Git's blob id of \p Content (what `git hash-object` prints).
std::string gitBlobId(llvm::StringRef Content);

/// \p Text wrapped at \p Width columns (words never split), each line after
/// the first indented by \p Indent.
std::string wrapText(llvm::StringRef Text, unsigned Width, llvm::StringRef Indent = "");

/// All the files' edits as one clang-tidy export-fixes YAML document (one
/// diagnostic per file), which clang-apply-replacements applies whole.
std::string exportFixesYaml(llvm::ArrayRef<ConvertedFile> Files);

} // namespace vmaprep

#endif

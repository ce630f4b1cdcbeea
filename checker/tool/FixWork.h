//===- FixWork.h - what vmaprep fix knows of each handler and file -------===//
//
// The steps of `vmaprep fix` (FixCommand.cpp) share this state:
//   FixPlan.cpp    step 1: a plan per handler in each TU, joined over the
//                  run for handlers with external linkage; the edits of all
//                  plans combined per file; the files grouped into changes,
//                  written in place or handed to the patch writers
//   FixVerify.cpp  step 2: every TU a rewrite touches parsed again, every
//                  converted handler checked and validated on the model
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_TOOL_FIXWORK_H
#define VMAPREP_TOOL_FIXWORK_H

#include "PatchSeries.h"
#include "driver/CommandLine.h"
#include "driver/CompilationInputs.h"
#include "driver/TranslationUnitRunner.h"
#include "vmaprep/ApiLevel.h"
#include "vmaprep/HandlerProgram.h"
#include "vmaprep/Rewriter.h"
#include "vmaprep/SourceSite.h"
#include "llvm/ADT/StringRef.h"
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace vmaprep {

struct HandlerOutcome {
  MigrationPlan Plan;
  SourceSite Where;
  bool Verified = false;
  std::string VerifyError;
  HandlerProgram Original; // lowered from the first parse, for validation
  std::string Validation;  // what validation on the model showed, for the remark
  /// The original returns something other than a negative constant somewhere:
  /// validation that never saw it succeed proved its error paths only.
  bool MaySucceed = true;
  bool WeaklyValidated = false;
  /// External linkage: other translation units may name it, and the plan is
  /// joined with theirs (joinAcrossFiles()).
  bool External = false;
  /// A definition no table of the database registers is no handler: dropped
  /// unless the join finds a registration.
  bool Unregistered = false;
  /// The handler's declarations (prototypes), for the join.
  std::vector<SourceSite> Declarations;
  /// A registration whose body is in another translation unit: the part of
  /// the plan this TU makes (table entries, prototypes), and whether the
  /// join gave it to the definition (then it is not reported here).
  std::optional<MigrationPlan> Registration;
  bool Joined = false;
  /// Under NOLINT: not reported, but its registration still joins (refused).
  bool Suppressed = false;
  /// The other translation units (indexes into the run's work) whose
  /// registrations the plan edits, for the re-parse.
  std::set<size_t> Registrars;
  /// The configuration the TU was also parsed in (its macro flipped), for
  /// code this parse skipped: the plan holds the edits of both parses, and
  /// the re-parse checks both. VariantPlan: that parse's plan, until merged.
  std::optional<ConfigurationVariant> Variant;
  std::optional<MigrationPlan> VariantPlan;
  std::vector<CompilerWarning> VariantWarnings;
};

struct FileWork {
  ApiLevel Target = NewestApiLevel; // --api, or what --api auto found
  std::string Detection;            // --api auto's evidence
  std::string Path;                 // absolute
  std::string Original;             // contents the plans were made against
  std::vector<HandlerOutcome> Handlers;
  /// The compiler's warnings on the original, under the TU's own flags: a
  /// rewrite may not add one.
  std::vector<CompilerWarning> OriginalWarnings;
  /// Names of handlers with external linkage defined elsewhere and used here
  /// outside ops tables.
  std::vector<ExternalHandlerUse> Uses;
  /// Every file the TU read (absolute, dots removed): a TU that includes an
  /// edited header is parsed again.
  std::set<std::string> Included;
};

/// One file the run edits: a TU's main file or a header.
struct EditedFile {
  std::string Original;
  std::vector<TextEdit> Edits;
  std::string Rewritten;
  std::string FormatNote; // why the tree's .clang-format was not applied
};

/// Every file with edits, in the order the diff shows them.
struct EditedFiles {
  std::vector<std::string> Order;
  std::map<std::string, EditedFile> Files;
  EditedFile &at(const std::string &Path) {
    auto [It, New] = Files.try_emplace(Path);
    if (New)
      Order.push_back(Path);
    return It->second;
  }
};

struct FixOptions {
  InputOptions Inputs;
  bool DryRun = false;
  bool Format = true;                // the tree's .clang-format on the changed lines
  bool Validate = true;              // run the original and the rewrite on the model
  bool AcceptWeakValidation = false; // write rewrites proved on error paths only
  std::string ExportFixes, PatchesDir, Root;
  std::string Author, Base, ConfigPath; // --author, --base, --config
  bool Signoff = false, NoConfig = false;
};

/// \p Path relative to \p Root when it lies inside, else as it is.
std::string relativeTo(llvm::StringRef Path, llvm::StringRef Root);

/// Step 1 (FixPlan.cpp): one plan per legacy handler defined (or, for
/// generic_file_mmap, registered) in each TU's main file, and for a handler
/// with external linkage the part each registering TU plans.
void planAll(CompilationInputs &In, const FixOptions &Opt, std::vector<FileWork> &Work,
             std::vector<TranslationUnitStatus> &Status);

/// Parses again, with one macro flipped, each TU where a plan was refused
/// only for code under that macro's condition, plans the handler there too,
/// and merges the two plans into one that is right in both configurations,
/// or refuses it with that configuration's reason (FixPlan.cpp).
void planVariants(CompilationInputs &In, const FixOptions &Opt, std::vector<FileWork> &Work);

/// The -include a configuration variant's parse adds, and the header's
/// path and text for the overlay (FixPlan.cpp).
struct VariantHeader {
  std::string Path, Text;
  std::vector<std::string> Args;
};
VariantHeader variantHeader(const ConfigurationVariant &V);

/// Joins each handler with external linkage with the registrations and uses
/// of it in the other TUs of the run; one that \p Unanalysed (the database's
/// files the run did not parse) names is refused (FixPlan.cpp).
void joinAcrossFiles(std::vector<FileWork> &Work, const std::vector<std::string> &Unanalysed);

/// The applicable, not yet failed plans combined into one edit set per file
/// (FixPlan.cpp).
EditedFiles combine(std::vector<FileWork> &Work, bool Format);

/// The edited files grouped into changes (FixPlan.cpp).
std::vector<std::vector<std::string>> fileGroups(const std::vector<FileWork> &Work, const EditedFiles &Edited);

/// What the patch writers need, one entry per change (FixPlan.cpp).
std::vector<ConvertedFile> convertedFiles(const std::vector<FileWork> &Work, const EditedFiles &Edited,
                                          const std::string &Root);

/// Writes the verified changes in place, each whole or not at all
/// (FixPlan.cpp).
void writeInPlace(const std::vector<FileWork> &Work, const EditedFiles &Edited, unsigned &NotWritten, bool &Errors);

/// Step 2 (FixVerify.cpp): parses again every TU a rewrite touches and
/// marks each converted handler Verified or gives its VerifyError.
void verifyAll(CompilationInputs &In, const FixOptions &Opt, std::vector<FileWork> &Work);

} // namespace vmaprep

#endif

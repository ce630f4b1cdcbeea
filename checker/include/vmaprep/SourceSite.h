//===- SourceSite.h - a source range that outlives its AST ----------------===//
//
// Findings leave the translation unit that produced them (the CLI merges TUs,
// writes JSON and SARIF), so locations are resolved to file/line/column while
// the SourceManager is alive. A location inside a macro expansion is reported
// at its expansion site, and the macro's name is kept: an edit there is never
// safe, and the user needs to know why.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_SOURCESITE_H
#define VMAPREP_SOURCESITE_H

#include "clang/Basic/SourceLocation.h"
#include <string>

namespace clang {
class SourceManager;
class LangOptions;
} // namespace clang

namespace vmaprep {

struct SourceSite {
  std::string File; // absolute, dots removed
  unsigned Line = 0, Column = 0, EndLine = 0, EndColumn = 0;
  /// Non-empty when the construct was produced by a macro expansion: the
  /// outermost macro whose expansion produced it.
  std::string Macro;

  bool valid() const { return Line != 0; }
  bool inMacro() const { return !Macro.empty(); }
  /// "file:line:col".
  std::string str() const;
  friend bool operator<(const SourceSite &A, const SourceSite &B);
  friend bool operator==(const SourceSite &A, const SourceSite &B);
};

SourceSite resolveSite(clang::SourceRange Range, const clang::SourceManager &SM, const clang::LangOptions &LangOpts);

/// The source text of \p Range as written (macro arguments spelled, macro
/// bodies shown by their expansion site), whitespace runs folded to one space.
std::string sourceText(clang::SourceRange Range, const clang::SourceManager &SM, const clang::LangOptions &LangOpts);

} // namespace vmaprep

#endif

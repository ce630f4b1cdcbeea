//===- SourceSite.h - a source range that outlives its AST ----------------===//
//
// Findings leave the translation unit that produced them (the CLI merges TUs,
// writes JSON and SARIF), so locations are resolved to file/line/column while
// the SourceManager is alive. A location inside a macro expansion is reported
// at its expansion site, and the macro's name is kept: an edit there is never
// safe, and the user needs to know why. The type is AST-free (vmaprep_values);
// resolving a clang::SourceRange to it is SourceResolution.h's.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_SOURCESITE_H
#define VMAPREP_SOURCESITE_H

#include <string>

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

} // namespace vmaprep

#endif

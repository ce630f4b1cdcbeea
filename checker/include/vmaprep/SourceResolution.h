//===- SourceResolution.h - clang source ranges as SourceSites ------------===//
//
// The AST side of SourceSite.h: resolves a range while its SourceManager is
// alive, and reads the source text it spans.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_SOURCERESOLUTION_H
#define VMAPREP_SOURCERESOLUTION_H

#include "vmaprep/SourceSite.h"
#include "clang/Basic/SourceLocation.h"
#include <string>

namespace clang {
class SourceManager;
class LangOptions;
} // namespace clang

namespace vmaprep {

SourceSite resolveSite(clang::SourceRange Range, const clang::SourceManager &SM, const clang::LangOptions &LangOpts);

/// The source text of \p Range as written (macro arguments spelled, macro
/// bodies shown by their expansion site), whitespace runs folded to one space.
std::string sourceText(clang::SourceRange Range, const clang::SourceManager &SM, const clang::LangOptions &LangOpts);

} // namespace vmaprep

#endif

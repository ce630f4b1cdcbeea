//===- LegacyMmapCheck.h - vmaprep-legacy-mmap for clang-tidy -------------===//
//
// The clang-tidy front door of the same analysis the CLI runs: one warning
// per legacy .mmap handler with the CLI's message and the CLI's notes at the
// CLI's places (legacyHandlerNotes), and, for handlers the rewriter can
// convert, every edit of the conversion as the fix-its of that one warning:
// clang-tidy applies or drops one diagnostic's fix as a whole (a fix whose
// edits overlap another's is dropped) and NOLINT acts per diagnostic, so a
// conversion spread over several diagnostics could be applied in part. The
// edits are the plan's minimal replacements (docs/checks/legacy-mmap.md says
// how clang-tidy 19 shows them).
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_TIDY_LEGACYMMAPCHECK_H
#define VMAPREP_TIDY_LEGACYMMAPCHECK_H

#include "ClangTidyCheck.h"
#include "vmaprep/ApiLevel.h"
#include "vmaprep/SourceSite.h"

namespace clang::tidy::vmaprep {

class LegacyMmapCheck : public ClangTidyCheck {
public:
  LegacyMmapCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override { return !LangOpts.CPlusPlus; }
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;

private:
  static SourceLocation location(const SourceManager &SM, const ::vmaprep::SourceSite &Site);

  const std::string ApiLevelOption;
  const bool AutoApi; // ApiLevel: auto
  ::vmaprep::ApiLevel Target;
  const bool FixGenericMmap;
};

} // namespace clang::tidy::vmaprep

#endif

//===- PrepareContractCheck.h - vmaprep-prepare-contract ------------------===//
//
// The mmap_prepare hook must be stateless: the mapping may still merge into a
// neighbour or fail after it returns (docs/kernel-api.md 1; the afs and hugetlbfs
// conversions broke this). One warning per breach group per handler, from
// the same analysis the CLI runs.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_TIDY_PREPARECONTRACTCHECK_H
#define VMAPREP_TIDY_PREPARECONTRACTCHECK_H

#include "ClangTidyCheck.h"
#include "vmaprep/ApiLevel.h"

namespace clang::tidy::vmaprep {

class PrepareContractCheck : public ClangTidyCheck {
public:
  PrepareContractCheck(StringRef Name, ClangTidyContext *Context);
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override { return !LangOpts.CPlusPlus; }
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;

private:
  const std::string ApiLevelOption;
  ::vmaprep::ApiLevel Target;
};

} // namespace clang::tidy::vmaprep

#endif

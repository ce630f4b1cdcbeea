//===- FindingFilters.cpp - findings and --fail-on ------------------------===//
#include "findings/FindingFilters.h"

#include "vmaprep/Verdict.h"
#include "llvm/ADT/StringSwitch.h"
#include <algorithm>
#include <tuple>

namespace vmaprep {

void sortFindings(CheckResult &R) {
  auto ByPlace = [](const SourceSite &A, const std::string &AName, const SourceSite &B, const std::string &BName) {
    return std::tie(A.File, A.Line, A.Column, AName) < std::tie(B.File, B.Line, B.Column, BName);
  };
  for (HandlerReport &H : R.Handlers)
    std::stable_sort(H.Sites.begin(), H.Sites.end(), [&](const OpsSiteReport &A, const OpsSiteReport &B) {
      return ByPlace(A.Where, A.Member + "|" + A.Table, B.Where, B.Member + "|" + B.Table);
    });
  std::stable_sort(R.Handlers.begin(), R.Handlers.end(), [&](const HandlerReport &A, const HandlerReport &B) {
    return ByPlace(A.Where, A.Function, B.Where, B.Function);
  });
  std::stable_sort(R.ExternalDefinitions.begin(), R.ExternalDefinitions.end(),
                   [&](const HandlerReport &A, const HandlerReport &B) {
                     return ByPlace(A.Where, A.Function, B.Where, B.Function);
                   });
  std::stable_sort(R.ExternalUses.begin(), R.ExternalUses.end(),
                   [&](const ExternalHandlerUse &A, const ExternalHandlerUse &B) {
                     return ByPlace(A.Where, A.Function, B.Where, B.Function);
                   });
  std::stable_sort(R.SubsystemHooks.begin(), R.SubsystemHooks.end(),
                   [&](const SubsystemHookReport &A, const SubsystemHookReport &B) {
                     return ByPlace(A.Site.Where, A.Function, B.Site.Where, B.Function);
                   });
  std::stable_sort(R.BothHooks.begin(), R.BothHooks.end(), [&](const BothHooksTable &A, const BothHooksTable &B) {
    return ByPlace(A.Where, A.Table, B.Where, B.Table);
  });
  std::stable_sort(R.Unresolved.begin(), R.Unresolved.end(), [&](const UnresolvedReport &A, const UnresolvedReport &B) {
    return ByPlace(A.Site.Where, A.Site.Table, B.Site.Where, B.Site.Table);
  });
  std::stable_sort(R.Errors.begin(), R.Errors.end(), [](const InputError &A, const InputError &B) {
    return std::tie(A.File, A.Message) < std::tie(B.File, B.Message);
  });
  std::sort(R.ApiDetections.begin(), R.ApiDetections.end());
}

const char *const FailLevelNames = "error, convertible, needs-api, blocked, any";

std::optional<FailLevel> parseFailLevel(llvm::StringRef Name) {
  return llvm::StringSwitch<std::optional<FailLevel>>(Name)
      .Case("error", FailLevel::Error)
      .Case("convertible", FailLevel::Convertible)
      .Case("needs-api", FailLevel::NeedsApi)
      .Case("blocked", FailLevel::Blocked)
      .Case("any", FailLevel::Any)
      .Default(std::nullopt);
}

llvm::StringRef failLevelName(FailLevel L) {
  switch (L) {
  case FailLevel::Error: return "error";
  case FailLevel::Convertible: return "convertible";
  case FailLevel::NeedsApi: return "needs-api";
  case FailLevel::Blocked: return "blocked";
  case FailLevel::Any: return "any";
  }
  return "any";
}

llvm::StringRef FindingRef::rule() const { return Contract ? ContractRule : LegacyRule; }

const SourceSite &FindingRef::primary() const {
  if (Handler && Contract && !Contract->Effects.empty() && Contract->Effects.front() < Handler->Effects.size())
    return Handler->Effects[Contract->Effects.front()].Where;
  if (Handler)
    return Handler->Where;
  if (Both)
    return Both->Where;
  return Unresolved->Site.Where;
}

std::vector<const SourceSite *> FindingRef::locations() const {
  std::vector<const SourceSite *> Out{&primary()};
  if (Handler) {
    for (const OpsSiteReport &S : Handler->Sites)
      Out.push_back(&S.Where);
    for (const EffectReport &E : Handler->Effects) {
      Out.push_back(&E.Where);
      for (const CallStep &Step : E.Via)
        Out.push_back(&Step.Where);
    }
  }
  return Out;
}

FailLevel FindingRef::level() const {
  if (!Handler || Contract)
    return FailLevel::Error;
  switch (Handler->Result.Kind) {
  case VerdictKind::InvalidBothHooks: return FailLevel::Error;
  case VerdictKind::AutoConvertible:
  case VerdictKind::ConvertibleWithMapped: return FailLevel::Convertible;
  case VerdictKind::NeedsApiLevel: return FailLevel::NeedsApi;
  case VerdictKind::Blocked: return FailLevel::Blocked;
  case VerdictKind::AlreadyMmapPrepare: return FailLevel::Any;
  }
  return FailLevel::Any;
}

FindingKey FindingRef::key(const std::string &Root) const {
  if (Handler && Contract)
    return findingKey(*Handler, *Contract, Root);
  if (Handler)
    return findingKey(*Handler, Root);
  if (Both)
    return findingKey(*Both, Root);
  return findingKey(*Unresolved, Root);
}

void forEachFinding(const CheckResult &R, llvm::function_ref<void(const FindingRef &)> Fn) {
  for (const HandlerReport &H : R.Handlers)
    if (H.Kind == HookKind::LegacyMmap)
      Fn(FindingRef{&H, nullptr, nullptr});
  for (const HandlerReport &H : R.Handlers)
    for (const Reason &Breach : H.Result.Contract)
      Fn(FindingRef{&H, nullptr, nullptr, &Breach});
  for (const BothHooksTable &B : R.BothHooks)
    Fn(FindingRef{nullptr, &B, nullptr});
  for (const UnresolvedReport &U : R.Unresolved)
    Fn(FindingRef{nullptr, nullptr, &U});
}

unsigned removeFindings(CheckResult &R, llvm::function_ref<bool(const FindingRef &)> Drop) {
  unsigned Breaches = 0;
  for (HandlerReport &H : R.Handlers) {
    size_t Was = H.Result.Contract.size();
    llvm::erase_if(H.Result.Contract,
                   [&](const Reason &Breach) { return Drop(FindingRef{&H, nullptr, nullptr, &Breach}); });
    Breaches += unsigned(Was - H.Result.Contract.size());
  }
  size_t Before = R.Handlers.size() + R.BothHooks.size() + R.Unresolved.size() + Breaches;
  llvm::erase_if(R.Handlers, [&](const HandlerReport &H) {
    return H.Kind == HookKind::LegacyMmap && Drop(FindingRef{&H, nullptr, nullptr});
  });
  llvm::erase_if(R.BothHooks, [&](const BothHooksTable &B) { return Drop(FindingRef{nullptr, &B, nullptr}); });
  llvm::erase_if(R.Unresolved, [&](const UnresolvedReport &U) { return Drop(FindingRef{nullptr, nullptr, &U}); });
  return unsigned(Before - (R.Handlers.size() + R.BothHooks.size() + R.Unresolved.size()));
}

unsigned countFindings(const CheckResult &R, FailLevel Threshold) {
  unsigned N = 0;
  forEachFinding(R, [&](const FindingRef &F) { N += F.level() <= Threshold; });
  return N;
}

} // namespace vmaprep

//===- CheckResult.cpp - facts about a result, and the one merge ----------===//
#include "findings/CheckResult.h"

#include <algorithm>

namespace vmaprep {

bool hasFindings(const CheckResult &R) {
  for (const HandlerReport &H : R.Handlers)
    if (H.Kind == HookKind::LegacyMmap || !H.Result.Contract.empty())
      return true;
  return !R.BothHooks.empty() || !R.Unresolved.empty();
}

std::vector<const HandlerReport *> legacyHandlersInOrder(const CheckResult &R) {
  std::vector<const HandlerReport *> Sorted;
  for (const HandlerReport &H : R.Handlers)
    if (H.Kind == HookKind::LegacyMmap)
      Sorted.push_back(&H);
  std::sort(Sorted.begin(), Sorted.end(),
            [](const HandlerReport *A, const HandlerReport *B) { return A->Where < B->Where; });
  return Sorted;
}

static bool containsSite(const std::vector<OpsSiteReport> &Sites, const OpsSiteReport &S) {
  for (const OpsSiteReport &K : Sites)
    if (K.Where == S.Where && K.Member == S.Member && K.Table == S.Table)
      return true;
  return false;
}

void FindingsMerger::add(TranslationUnitFindings &&F) {
  for (HandlerReport &H : F.Handlers) {
    auto Key = std::make_tuple(H.Where.File, H.Where.Line, H.Where.Column, H.Function);
    auto [It, Inserted] = HandlerIndex.try_emplace(Key, Result.Handlers.size());
    if (Inserted) {
      Result.Handlers.push_back(std::move(H));
      continue;
    }
    HandlerReport &Known = Result.Handlers[It->second];
    for (OpsSiteReport &S : H.Sites)
      if (!containsSite(Known.Sites, S))
        Known.Sites.push_back(std::move(S));
  }
  for (SubsystemHookReport &H : F.SubsystemHooks)
    if (SeenHooks.insert(H.Site.Where.str() + "|" + H.Function).second)
      Result.SubsystemHooks.push_back(std::move(H));
  for (BothHooksTable &B : F.BothHooks)
    if (SeenBoth.insert(B.Where.str()).second)
      Result.BothHooks.push_back(std::move(B));
  for (UnresolvedReport &U : F.Unresolved)
    if (SeenUnresolved.insert(U.Site.Where.str()).second)
      Result.Unresolved.push_back(std::move(U));
}

} // namespace vmaprep

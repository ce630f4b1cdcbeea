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

static std::tuple<std::string, unsigned, unsigned, std::string> handlerKey(const HandlerReport &H) {
  return std::make_tuple(H.Where.File, H.Where.Line, H.Where.Column, H.Function);
}

void FindingsMerger::add(TranslationUnitFindings &&F) {
  for (HandlerReport &D : F.ExternalDefinitions)
    if (SeenDefinitions.insert(handlerKey(D)).second)
      Result.ExternalDefinitions.push_back(std::move(D));
  for (HandlerReport &H : F.Handlers) {
    auto Key = handlerKey(H);
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

/// A registration that names a function whose body its TU could not see,
/// and that a definition elsewhere can stand for: an mmap_prepare hook (its
/// contract is checked at the definition) or a legacy handler blocked only
/// for that (not a kernel handler with a twin or a subsystem helper, whose
/// every registration is its own finding).
static bool awaitsDefinition(const HandlerReport &H) {
  if (H.BodyVisible || H.IsStatic)
    return false;
  return H.Kind == HookKind::MmapPrepare ||
         (!H.Result.Reasons.empty() && H.Result.Reasons.front().Id == "body-not-visible");
}

void FindingsMerger::finish() {
  // Every analysed body with external linkage, by name: registered handlers
  // whose TU saw the body, and the definitions no TU registered.
  std::map<std::string, std::vector<HandlerKey>> Bodies;
  std::map<HandlerKey, size_t> DefinitionIndex;
  for (const HandlerReport &H : Result.Handlers)
    if (H.BodyVisible && !H.IsStatic)
      Bodies[H.Function].push_back(handlerKey(H));
  std::set<size_t> Joined;
  for (size_t I = 0; I < Result.ExternalDefinitions.size(); ++I) {
    HandlerKey Key = handlerKey(Result.ExternalDefinitions[I]);
    if (HandlerIndex.count(Key)) {
      Joined.insert(I); // a handler already (joined in an earlier merge)
      continue;
    }
    DefinitionIndex.emplace(Key, I);
    Bodies[Result.ExternalDefinitions[I].Function].push_back(Key);
  }
  std::vector<HandlerReport> &Handlers = Result.Handlers;
  for (size_t I = 0; I < Handlers.size(); ++I) {
    HandlerReport &H = Handlers[I];
    auto Found = Bodies.find(H.Function);
    if (!awaitsDefinition(H) || Found == Bodies.end() || Found->second.size() != 1)
      continue;
    const HandlerKey &Target = Found->second.front();
    auto Known = HandlerIndex.find(Target);
    const HandlerReport &Body =
        Known == HandlerIndex.end() ? Result.ExternalDefinitions[DefinitionIndex.at(Target)] : Handlers[Known->second];
    if (Body.Kind != H.Kind)
      continue; // the table's member and the definition's signature disagree
    if (Known == HandlerIndex.end()) {
      // The definition becomes a handler, in the registration's place in
      // the list (the list is sorted by the writers).
      size_t D = DefinitionIndex.at(Target);
      HandlerReport Def = std::move(Result.ExternalDefinitions[D]);
      Joined.insert(D);
      Def.Sites = std::move(H.Sites);
      HandlerIndex.erase(handlerKey(H));
      HandlerIndex[Target] = I;
      H = std::move(Def);
      continue;
    }
    HandlerReport &Into = Handlers[Known->second];
    for (OpsSiteReport &S : H.Sites)
      if (!containsSite(Into.Sites, S))
        Into.Sites.push_back(std::move(S));
    HandlerIndex.erase(handlerKey(H));
    H.Function.clear(); // joined: dropped below
  }
  // Drop the joined registrations and definitions; re-index what is left.
  std::vector<HandlerReport> Left;
  for (HandlerReport &H : Handlers)
    if (!H.Function.empty())
      Left.push_back(std::move(H));
  Handlers = std::move(Left);
  HandlerIndex.clear();
  for (size_t I = 0; I < Handlers.size(); ++I)
    HandlerIndex[handlerKey(Handlers[I])] = I;
  std::vector<HandlerReport> Definitions;
  for (size_t I = 0; I < Result.ExternalDefinitions.size(); ++I)
    if (!Joined.count(I))
      Definitions.push_back(std::move(Result.ExternalDefinitions[I]));
  Result.ExternalDefinitions = std::move(Definitions);
}

} // namespace vmaprep

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

/// The prototypes \p H sees outside its own file (headers).
static std::vector<SourceSite> prototypesElsewhere(const HandlerReport &H) {
  std::vector<SourceSite> Out;
  for (const SourceSite &D : H.Declarations)
    if (D.File != H.Where.File)
      Out.push_back(D);
  return Out;
}

/// A registration and a definition can be one function: when both see a
/// prototype in a header, it is the same one (two modules may each define a
/// foo_mmap declared in their own headers); a side that sees none (a local
/// extern, a document written before declarations were recorded) leaves the
/// name to decide.
static bool sharePrototype(const HandlerReport &Registration, const HandlerReport &Definition) {
  std::vector<SourceSite> A = prototypesElsewhere(Registration), B = prototypesElsewhere(Definition);
  if (A.empty() || B.empty())
    return true;
  for (const SourceSite &X : A)
    for (const SourceSite &Y : B)
      if (X.File == Y.File && X.Line == Y.Line && X.Column == Y.Column)
        return true;
  return false;
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
    if (!awaitsDefinition(H) || Found == Bodies.end())
      continue;
    auto BodyOf = [&](const HandlerKey &K) -> const HandlerReport & {
      auto Known = HandlerIndex.find(K);
      return Known == HandlerIndex.end() ? Result.ExternalDefinitions[DefinitionIndex.at(K)] : Handlers[Known->second];
    };
    // The definitions this registration can mean: one name, and where both
    // sides see a prototype outside their own file, a shared one.
    std::vector<HandlerKey> Candidates;
    for (const HandlerKey &K : Found->second)
      if (sharePrototype(H, BodyOf(K)))
        Candidates.push_back(K);
    if (Candidates.size() != 1)
      continue;
    const HandlerKey Target = Candidates.front();
    auto Known = HandlerIndex.find(Target);
    const HandlerReport &Body = BodyOf(Target);
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

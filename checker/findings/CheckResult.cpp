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
  for (ExternalHandlerUse &U : F.ExternalUses)
    if (SeenUses.insert(U.Where.str() + "|" + U.Function).second)
      Result.ExternalUses.push_back(std::move(U));
  for (SubsystemHookReport &H : F.SubsystemHooks) {
    auto [It, Inserted] = HookIndex.try_emplace(H.Site.Where.str() + "|" + H.Function, Result.SubsystemHooks.size());
    if (Inserted)
      Result.SubsystemHooks.push_back(std::move(H));
    // A table in a header is seen by several TUs, not all with the hook's
    // body: the verdict comes from one that has it, whatever the TU order.
    else if (H.BodyVisible && !Result.SubsystemHooks[It->second].BodyVisible)
      Result.SubsystemHooks[It->second] = std::move(H);
  }
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

/// The prototypes outside \p Own, a function's own file (headers).
static std::vector<SourceSite> prototypesOutside(const std::vector<SourceSite> &Declarations, const std::string &Own) {
  std::vector<SourceSite> Out;
  for (const SourceSite &D : Declarations)
    if (D.File != Own)
      Out.push_back(D);
  return Out;
}

bool mayBeOneFunction(const std::vector<SourceSite> &A, const std::string &OwnA, const std::vector<SourceSite> &B,
                      const std::string &OwnB) {
  std::vector<SourceSite> InA = prototypesOutside(A, OwnA), InB = prototypesOutside(B, OwnB);
  if (InA.empty() || InB.empty())
    return true;
  for (const SourceSite &X : InA)
    for (const SourceSite &Y : InB)
      if (X.File == Y.File && X.Line == Y.Line && X.Column == Y.Column)
        return true;
  return false;
}

/// The rewrite of \p H cannot be made, for a reason another TU gave.
static void refuseRewrite(HandlerReport &H, const std::string &Why, const SourceSite &At) {
  if (!H.Rewrite || !H.Rewrite->Available)
    return;
  H.Rewrite->Available = false;
  H.Rewrite->Refusal = Why;
  H.Rewrite->RefusalSite = At;
  H.Rewrite->Kind = RefusalKind::Edit;
  H.Rewrite->Differences.clear();
}

/// A registration's part of the whole-database plan, carried to the
/// definition it joins (fix's joinAcrossFiles() does the same).
static void carryRegistration(const std::optional<RewriteOutlook> &Registration, HandlerReport &Definition) {
  if (Registration && Registration->Registration && !Registration->Registration->Available)
    refuseRewrite(Definition, Registration->Registration->Refusal, Registration->Registration->RefusalSite);
}

/// A registration and a definition can be one function (mayBeOneFunction()).
static bool sharePrototype(const HandlerReport &Registration, const HandlerReport &Definition) {
  return mayBeOneFunction(Registration.Declarations, Registration.Where.File, Definition.Declarations,
                          Definition.Where.File);
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
    if (Candidates.size() > 1) {
      // Converting either definition would leave this table naming a
      // function that may be gone.
      for (const HandlerKey &K : Candidates) {
        auto Known = HandlerIndex.find(K);
        HandlerReport &Def =
            Known == HandlerIndex.end() ? Result.ExternalDefinitions[DefinitionIndex.at(K)] : Handlers[Known->second];
        refuseRewrite(Def,
                      "'" + H.Function + "' is also registered in " +
                          (H.Sites.empty() ? H.Where.str() : H.Sites.front().Where.str()) +
                          ", which could mean another definition of that name in the compile database",
                      H.Sites.empty() ? H.Where : H.Sites.front().Where);
      }
      continue;
    }
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
      carryRegistration(H.Rewrite, Def);
      Def.Sites = std::move(H.Sites);
      HandlerIndex.erase(handlerKey(H));
      HandlerIndex[Target] = I;
      H = std::move(Def);
      continue;
    }
    HandlerReport &Into = Handlers[Known->second];
    carryRegistration(H.Rewrite, Into);
    for (OpsSiteReport &S : H.Sites)
      if (!containsSite(Into.Sites, S))
        Into.Sites.push_back(std::move(S));
    HandlerIndex.erase(handlerKey(H));
    H.Function.clear(); // joined: dropped below
  }
  // A use outside ops tables keeps the old signature alive: the definition
  // it names (by the join's rule) cannot change.
  for (const ExternalHandlerUse &U : Result.ExternalUses) {
    auto Found = Bodies.find(U.Function);
    if (Found == Bodies.end())
      continue;
    for (const HandlerKey &K : Found->second) {
      auto Known = HandlerIndex.find(K);
      HandlerReport &Def =
          Known == HandlerIndex.end() ? Result.ExternalDefinitions[DefinitionIndex.at(K)] : Handlers[Known->second];
      if (mayBeOneFunction(U.Declarations, U.Where.File, Def.Declarations, Def.Where.File))
        refuseRewrite(Def,
                      "the handler is used in " + U.Where.str() +
                          " outside ops tables (called or stored); its signature cannot change",
                      U.Where);
    }
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

//===- FindingNotes.cpp - the notes under a legacy handler's warning ------===//
#include "vmaprep/FindingNotes.h"

#include <map>

namespace vmaprep {

std::string describeEffect(const EffectReport &E) {
  std::string What;
  switch (E.Kind) {
  case EffectKind::FlagsChange: What = "changes flags: "; break;
  case EffectKind::FlagsTest: What = "tests flags: "; break;
  case EffectKind::FlagsRead: What = "reads flags: "; break;
  case EffectKind::FieldWrite: What = "writes vma->" + E.Name + ": "; break;
  case EffectKind::FieldRead: What = "reads vma->" + E.Name + ": "; break;
  case EffectKind::SizeQuery: What = "reads the size: "; break;
  case EffectKind::Mapping:
    What = std::string("maps memory (") + mappingRangeName(E.Range).str() + ", result " + resultUseName(E.Use).str() +
           (E.InLoop ? ", in a loop" : "") + "): ";
    break;
  case EffectKind::Delegation: What = "delegates: "; break;
  case EffectKind::Escape: What = "the VMA escapes (" + E.Detail + "): "; break;
  case EffectKind::ManualOpen: What = "calls vm_ops->" + E.Name + "() by hand: "; break;
  case EffectKind::StateChange: What = "acquires state (" + E.Detail + "): "; break;
  }
  return What + E.Text + viaSuffix(E);
}

std::string viaSuffix(const EffectReport &E) {
  if (E.Via.empty())
    return "";
  std::string S = " (via ";
  for (size_t I = 0; I < E.Via.size(); ++I)
    S += (I ? " -> " : "") + E.Via[I].Callee + "()";
  return S + ")";
}

static bool isRead(EffectKind K) {
  return K == EffectKind::FlagsTest || K == EffectKind::FlagsRead || K == EffectKind::FieldRead ||
         K == EffectKind::SizeQuery;
}

std::string withMacroSuffix(const SourceSite &Where, const std::string &Message) {
  if (!Where.inMacro())
    return Message;
  return Message + " (in expansion of macro '" + Where.Macro + "')";
}

std::vector<FindingNote> legacyHandlerNotes(const HandlerReport &H, bool ShowReads) {
  std::vector<FindingNote> Notes;
  auto note = [&](const SourceSite &Where, std::string Text) { Notes.push_back({Where, std::move(Text)}); };
  for (const OpsSiteReport &S : H.Sites)
    note(S.Where, "registered as ." + S.Member + " in '" + S.Table + "'");
  // An effect that decided the verdict carries the reason; a reason with
  // no effect (body not visible, ...) is a note at the handler.
  std::map<unsigned, std::vector<const Reason *>> Cited;
  for (const Reason &Rs : H.Result.Reasons) {
    for (unsigned I : Rs.Effects)
      Cited[I].push_back(&Rs);
    bool InHeadline = (H.Result.Kind == VerdictKind::Blocked || H.Result.Kind == VerdictKind::InvalidBothHooks) &&
                      &Rs == &H.Result.Reasons.front();
    if (Rs.Effects.empty() && !InHeadline)
      note(H.Where, Rs.Text);
  }
  for (unsigned I = 0; I < H.Effects.size(); ++I) {
    const EffectReport &E = H.Effects[I];
    auto It = Cited.find(I);
    if (It != Cited.end()) {
      for (const Reason *Rs : It->second)
        note(E.Where, Rs->Text + ": " + E.Text);
    } else if (ShowReads || !isRead(E.Kind)) {
      note(E.Where, describeEffect(E));
    }
  }
  // Where the verdict says convertible, whether fix agrees; any other
  // verdict is itself the reason fix leaves the handler alone.
  if (H.Rewrite && isConvertible(H.Result.Kind)) {
    if (H.Rewrite->Available) {
      note(H.Where, "vmaprep fix rewrites it as '" + H.Rewrite->NewFunction + "'");
      for (const std::string &D : H.Rewrite->Differences)
        note(H.Where, "the rewrite differs on purpose: " + D);
    } else {
      note(H.Rewrite->RefusalSite.valid() ? H.Rewrite->RefusalSite : H.Where,
           "vmaprep fix does not rewrite it: " + H.Rewrite->Refusal);
    }
  }
  return Notes;
}

} // namespace vmaprep

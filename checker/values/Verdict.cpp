//===- Verdict.cpp --------------------------------------------------------===//
#include "vmaprep/Verdict.h"

namespace vmaprep {

llvm::StringRef verdictName(VerdictKind K) {
  switch (K) {
  case VerdictKind::AutoConvertible: return "auto-convertible";
  case VerdictKind::ConvertibleWithMapped: return "convertible-with-mapped";
  case VerdictKind::NeedsApiLevel: return "needs-api-level";
  case VerdictKind::Blocked: return "blocked";
  case VerdictKind::AlreadyMmapPrepare: return "already-mmap-prepare";
  case VerdictKind::InvalidBothHooks: return "invalid-both-hooks";
  }
  return "?";
}

llvm::StringRef verdictPhrase(VerdictKind K) {
  switch (K) {
  case VerdictKind::AutoConvertible: return "auto-convertible to mmap_prepare";
  case VerdictKind::ConvertibleWithMapped: return "convertible to mmap_prepare with a vm_ops->mapped callback";
  case VerdictKind::NeedsApiLevel: return "convertible at a newer kernel API level";
  case VerdictKind::Blocked: return "blocked";
  case VerdictKind::AlreadyMmapPrepare: return "already uses mmap_prepare";
  case VerdictKind::InvalidBothHooks: return "its table sets both .mmap and .mmap_prepare";
  }
  return "?";
}

llvm::StringRef refusalKindName(RefusalKind K) { return K == RefusalKind::Edit ? "edit" : "semantic"; }

std::optional<RefusalKind> parseRefusalKind(llvm::StringRef Name) {
  if (Name == "edit")
    return RefusalKind::Edit;
  if (Name == "semantic")
    return RefusalKind::Semantic;
  return std::nullopt;
}

bool isConvertible(VerdictKind K) {
  return K == VerdictKind::AutoConvertible || K == VerdictKind::ConvertibleWithMapped;
}

std::string legacyHandlerMessage(llvm::StringRef Function, const Verdict &V, ApiLevel Target) {
  std::string S = "'" + Function.str() + "' uses the deprecated file_operations->mmap hook; ";
  switch (V.Kind) {
  case VerdictKind::NeedsApiLevel:
    S += "convertible from API level " + apiLevelName(*V.NeededLevel).str() + " (target " + apiLevelName(Target).str() +
         ")";
    break;
  case VerdictKind::Blocked:
    S += "blocked: " + (V.Reasons.empty() ? std::string("unknown") : V.Reasons.front().Text);
    if (V.Reasons.size() > 1)
      S += " (and " + std::to_string(V.Reasons.size() - 1) + " more)";
    break;
  case VerdictKind::InvalidBothHooks: S += V.Reasons.empty() ? std::string("invalid") : V.Reasons.front().Text; break;
  default: S += verdictPhrase(V.Kind).str();
  }
  return S;
}

std::string contractBreachMessage(llvm::StringRef Function, const Reason &Breach) {
  return "'" + Function.str() + "' breaks the mmap_prepare contract: " + Breach.Text;
}

std::string subsystemHookMessage(llvm::StringRef Function, llvm::StringRef Record, llvm::StringRef Member,
                                 const Verdict *AsIfPrepare) {
  std::string S = "'" + Function.str() + "' is a " + Record.str() + "." + Member.str() +
                  " hook; it takes a VMA and moves to mmap_prepare only with its subsystem";
  if (!AsIfPrepare)
    return S;
  S += "; with a prepare hook there it would be " + verdictName(AsIfPrepare->Kind).str();
  // Why it would not convert; a convertible verdict's reasons say how it would.
  if (!isConvertible(AsIfPrepare->Kind) && !AsIfPrepare->Reasons.empty())
    S += " (" + AsIfPrepare->Reasons.front().Text + ")";
  return S;
}

} // namespace vmaprep

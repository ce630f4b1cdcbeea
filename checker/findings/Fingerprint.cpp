//===- Fingerprint.cpp ----------------------------------------------------===//
//
// The parts and their order are frozen: code-scanning alerts and baseline
// files recorded with vmaprepFinding/v1 must keep matching.
//
//===----------------------------------------------------------------------===//
#include "findings/Fingerprint.h"

#include "findings/Paths.h"
#include "vmaprep/Verdict.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"

namespace vmaprep {

const char *const LegacyRule = "vmaprep-legacy-mmap";
const char *const ContractRule = "vmaprep-prepare-contract";
const char *const HookRule = "vmaprep-subsystem-hook";
const char *const FingerprintKey = "vmaprepFinding/v1";

std::string fingerprintOf(llvm::ArrayRef<std::string> Parts) {
  llvm::SHA256 Hash;
  for (const std::string &P : Parts) {
    Hash.update(P);
    Hash.update(llvm::ArrayRef<uint8_t>{0});
  }
  std::array<uint8_t, 32> Digest = Hash.final();
  return llvm::toHex(Digest, /*LowerCase=*/true);
}

std::string pathForFingerprint(const std::string &File, const std::string &Root) {
  std::string Rel = relativeToRoot(File, Root);
  return Rel.empty() ? File : Rel;
}

FindingKey findingKey(const HandlerReport &H, const std::string &Root) {
  FindingKey K;
  K.Rule = LegacyRule;
  K.Path = pathForFingerprint(H.Where.File, Root);
  K.Function = H.Function;
  K.Verdict = verdictName(H.Result.Kind).str();
  K.Fingerprint = fingerprintOf({K.Rule, K.Path, K.Function, K.Verdict});
  return K;
}

FindingKey findingKey(const HandlerReport &H, const Reason &Breach, const std::string &Root) {
  FindingKey K;
  K.Rule = ContractRule;
  K.Path = pathForFingerprint(H.Where.File, Root);
  K.Function = H.Function;
  K.Verdict = Breach.Id;
  K.Fingerprint = fingerprintOf({K.Rule, K.Path, K.Function, K.Verdict});
  return K;
}

FindingKey findingKey(const BothHooksTable &B, const std::string &Root) {
  FindingKey K;
  K.Rule = LegacyRule;
  K.Path = pathForFingerprint(B.Where.File, Root);
  K.Table = B.Table;
  K.Verdict = verdictName(VerdictKind::InvalidBothHooks).str();
  K.Fingerprint = fingerprintOf({K.Rule, K.Path, K.Table, "both-hooks"});
  return K;
}

FindingKey findingKey(const UnresolvedReport &U, const std::string &Root) {
  FindingKey K;
  K.Rule = LegacyRule;
  K.Path = pathForFingerprint(U.Site.Where.File, Root);
  K.Table = U.Site.Table;
  K.Member = U.Site.Member;
  K.Expression = U.Expression;
  K.Verdict = "unresolved";
  K.Fingerprint = fingerprintOf({K.Rule, K.Path, K.Table, K.Member, K.Expression});
  return K;
}

FindingKey findingKey(const SubsystemHookReport &H, const std::string &Root) {
  FindingKey K;
  K.Rule = HookRule;
  K.Path = pathForFingerprint(H.Site.Where.File, Root);
  K.Function = H.Function;
  K.Member = H.Site.Record + "." + H.Site.Member;
  K.Fingerprint = fingerprintOf({K.Rule, K.Path, K.Function, K.Member});
  return K;
}

} // namespace vmaprep

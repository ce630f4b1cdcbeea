//===- Fingerprint.h - one identity per finding, independent of lines ----===//
//
// SARIF's partialFingerprints and baseline files both need to recognise a
// finding after code above it moved: the identity is the rule, the path
// relative to the source root and what names the finding (function and
// verdict, or table), never a line or a column. One function computes it for
// both, so a finding baselined in one is the same finding in the other.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_FINDINGS_FINGERPRINT_H
#define VMAPREP_FINDINGS_FINGERPRINT_H

#include "vmaprep/TranslationUnitFindings.h"
#include "llvm/ADT/ArrayRef.h"
#include <string>

namespace vmaprep {

extern const char *const LegacyRule;   // "vmaprep-legacy-mmap"
extern const char *const ContractRule; // "vmaprep-prepare-contract"
extern const char *const HookRule;     // "vmaprep-subsystem-hook"
/// The partialFingerprints key; bump its version if the parts ever change.
extern const char *const FingerprintKey; // "vmaprepFinding/v1"

/// What identifies one finding, readable (baseline files show it) and hashed.
struct FindingKey {
  std::string Rule;
  std::string Path;        // relative to the source root, else absolute
  std::string Function;    // handler findings
  std::string Table;       // table findings (both hooks, unresolved)
  std::string Member;      // unresolved
  std::string Expression;  // unresolved
  std::string Verdict;     // verdict name, "unresolved"
  std::string Fingerprint; // lowercase hex SHA-256 of the parts
};

/// SHA-256 over \p Parts, each followed by a NUL byte, as lowercase hex.
std::string fingerprintOf(llvm::ArrayRef<std::string> Parts);

/// \p File relative to \p Root when it is under it, else \p File itself.
std::string pathForFingerprint(const std::string &File, const std::string &Root);

FindingKey findingKey(const HandlerReport &H, const std::string &Root);
/// A breach of the mmap_prepare contract: rule, path, function and the breach's id.
FindingKey findingKey(const HandlerReport &H, const Reason &Breach, const std::string &Root);
FindingKey findingKey(const BothHooksTable &B, const std::string &Root);
FindingKey findingKey(const UnresolvedReport &U, const std::string &Root);
FindingKey findingKey(const SubsystemHookReport &H, const std::string &Root);

} // namespace vmaprep

#endif

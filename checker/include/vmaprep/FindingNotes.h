//===- FindingNotes.h - the notes under a legacy handler's warning --------===//
//
// What `vmaprep check` prints under a legacy handler's warning, and where:
// the ops tables that register it, the effects that decided the verdict
// (with the reason), the other effects, and whether fix rewrites it. The
// text output and the clang-tidy plugin print these same notes at these
// same places; SARIF words its related locations with describeEffect().
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_FINDINGNOTES_H
#define VMAPREP_FINDINGNOTES_H

#include "vmaprep/TranslationUnitFindings.h"
#include <string>
#include <vector>

namespace vmaprep {

struct FindingNote {
  SourceSite Where;
  std::string Text;
};

/// The notes under \p H's warning, in check's order. Effects that only read
/// the VMA are left out unless \p ShowReads (check --show-reads).
std::vector<FindingNote> legacyHandlerNotes(const HandlerReport &H, bool ShowReads);

/// An effect in words, as the notes put it ("changes flags:
/// vm_flags_set(vma, VM_IO)"); SARIF's related locations say the same.
std::string describeEffect(const EffectReport &E);

/// " (via a() -> b())" for an effect reached through helpers, else "".
std::string viaSuffix(const EffectReport &E);

/// \p Message, with " (in expansion of macro 'M')" when \p Where is in one.
std::string withMacroSuffix(const SourceSite &Where, const std::string &Message);

} // namespace vmaprep

#endif

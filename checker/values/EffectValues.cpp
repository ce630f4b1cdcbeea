//===- EffectValues.cpp ---------------------------------------------------===//
#include "vmaprep/EffectValues.h"

namespace vmaprep {

llvm::StringRef effectKindName(EffectKind K) {
  switch (K) {
  case EffectKind::FlagsChange: return "flags-change";
  case EffectKind::FlagsTest: return "flags-test";
  case EffectKind::FlagsRead: return "flags-read";
  case EffectKind::FieldWrite: return "field-write";
  case EffectKind::FieldRead: return "field-read";
  case EffectKind::SizeQuery: return "size-query";
  case EffectKind::Mapping: return "mapping";
  case EffectKind::Delegation: return "delegation";
  case EffectKind::Escape: return "escape";
  case EffectKind::ManualOpen: return "manual-open";
  case EffectKind::StateChange: return "state-change";
  }
  return "?";
}

llvm::StringRef mappingRangeName(MappingRange R) {
  switch (R) {
  case MappingRange::WholeVma: return "whole-vma";
  case MappingRange::Partial: return "partial";
  case MappingRange::Unknown: return "unknown";
  }
  return "?";
}

llvm::StringRef resultUseName(ResultUse U) {
  switch (U) {
  case ResultUse::Returned: return "returned";
  case ResultUse::ErrorMapped: return "error-mapped";
  case ResultUse::Checked: return "checked";
  case ResultUse::Assigned: return "assigned";
  case ResultUse::Ignored: return "ignored";
  case ResultUse::Other: return "other";
  }
  return "?";
}

} // namespace vmaprep

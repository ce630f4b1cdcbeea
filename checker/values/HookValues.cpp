//===- HookValues.cpp -----------------------------------------------------===//
#include "vmaprep/HookValues.h"

namespace vmaprep {

llvm::StringRef opsSiteFormName(OpsSiteForm F) {
  switch (F) {
  case OpsSiteForm::DesignatedInit: return "designated-initializer";
  case OpsSiteForm::PositionalInit: return "positional-initializer";
  case OpsSiteForm::Assignment: return "assignment";
  }
  return "?";
}

llvm::StringRef hookKindName(HookKind K) { return K == HookKind::LegacyMmap ? "mmap" : "mmap_prepare"; }

} // namespace vmaprep

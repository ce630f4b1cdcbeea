//===- Version.h - the version vmaprep reports ----------------------------===//
//
// One place for --version, the patches' signature and the package (CPack
// reads the project version, which must match).
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_FINDINGS_VERSION_H
#define VMAPREP_FINDINGS_VERSION_H

namespace vmaprep {
inline constexpr const char *VmaprepVersion = "0.1";
} // namespace vmaprep

#endif

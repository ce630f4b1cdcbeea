//===- ApiLevel.h - kernel API levels of the mmap_prepare migration -------===//
//
// The kernel's mmap_prepare interface grew over several releases. What a
// handler may be converted to depends on the level of the tree it lives in, so
// every verdict is made against one ApiLevel. The levels and what each can
// express are one table, ApiLevels.def; how a level spells things is derived
// from it (ApiProfile.h).
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_APILEVEL_H
#define VMAPREP_APILEVEL_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>

namespace vmaprep {

enum class ApiLevel {
#define VMAPREP_API_LEVEL(Enumerator, ...) Enumerator,
#include "vmaprep/ApiLevels.def"
};

/// Every level, oldest first.
llvm::ArrayRef<ApiLevel> allApiLevels();

constexpr ApiLevel NewestApiLevel = ApiLevel(0
#define VMAPREP_API_LEVEL(...) +1
#include "vmaprep/ApiLevels.def"
                                             - 1);

/// A canonical name ("6.16", ..., "7.1") or another spelling of the same level
/// ("6.17", "7.1+", "7.2", "7.3", "latest").
std::optional<ApiLevel> parseApiLevel(llvm::StringRef Text);
/// The canonical spelling: "6.16" ... "7.1".
llvm::StringRef apiLevelName(ApiLevel Level);
/// The canonical names, for messages and usage: "6.16, 6.18, 6.19, 7.0, 7.1".
std::string apiLevelList();

/// Something a converted handler may need that not every level provides.
enum class ApiCapability {
#define VMAPREP_API_CAPABILITY(Enumerator, ...) Enumerator,
#include "vmaprep/ApiLevels.def"
};

/// The first level that provides \p Cap.
ApiLevel firstLevelWith(ApiCapability Cap);
inline bool levelHas(ApiLevel Level, ApiCapability Cap) { return Level >= firstLevelWith(Cap); }
llvm::StringRef capabilityName(ApiCapability Cap);
/// The Classifier's reason id when a handler needs \p Cap ("remap-action").
llvm::StringRef capabilityReasonId(ApiCapability Cap);

/// How `--api auto` recognises a level in a tree's declarations.
struct ApiLevelMarker {
  ApiLevel Level;
  llvm::StringRef Record, HasField, LacksField, Evidence;
};
/// Newest first: the first marker a tree matches is its level.
llvm::ArrayRef<ApiLevelMarker> apiLevelMarkers();

} // namespace vmaprep

#endif

//===- ApiLevel.cpp - kernel API levels as data ---------------------------===//
#include "vmaprep/ApiLevel.h"

#include "llvm/ADT/SmallVector.h"
#include <iterator>
#include <vector>

namespace vmaprep {

namespace {
struct LevelRow {
  ApiLevel Level;
  const char *Name;
  const char *OtherSpellings;
};
constexpr LevelRow LevelTable[] = {
#define VMAPREP_API_LEVEL(Enumerator, Name, Other, ...) {ApiLevel::Enumerator, Name, Other},
#include "vmaprep/ApiLevels.def"
};

constexpr ApiLevel Levels[] = {
#define VMAPREP_API_LEVEL(Enumerator, ...) ApiLevel::Enumerator,
#include "vmaprep/ApiLevels.def"
};
static_assert(unsigned(NewestApiLevel) + 1 == std::size(Levels), "NewestApiLevel is the last row");

// Newest first, as detection tries them.
const ApiLevelMarker Markers[] = {
#define VMAPREP_API_LEVEL(Enumerator, Name, Other, Record, Has, Lacks, Evidence)                                       \
  {ApiLevel::Enumerator, Record, Has, Lacks, Evidence},
#include "vmaprep/ApiLevels.def"
};

struct CapabilityRow {
  ApiCapability Cap;
  ApiLevel First;
  const char *Name;
  const char *ReasonId;
};
constexpr CapabilityRow CapabilityTable[] = {
#define VMAPREP_API_CAPABILITY(Enumerator, First, Name, ReasonId)                                                      \
  {ApiCapability::Enumerator, ApiLevel::First, Name, ReasonId},
#include "vmaprep/ApiLevels.def"
};

const CapabilityRow &rowFor(ApiCapability Cap) { return CapabilityTable[unsigned(Cap)]; }
} // namespace

llvm::ArrayRef<ApiLevel> allApiLevels() { return Levels; }

std::optional<ApiLevel> parseApiLevel(llvm::StringRef Text) {
  Text = Text.trim();
  for (const LevelRow &Row : LevelTable) {
    if (Text == Row.Name)
      return Row.Level;
    llvm::SmallVector<llvm::StringRef, 4> Other;
    llvm::StringRef(Row.OtherSpellings).split(Other, ' ', -1, false);
    for (llvm::StringRef Spelling : Other)
      if (Text == Spelling)
        return Row.Level;
  }
  return std::nullopt;
}

llvm::StringRef apiLevelName(ApiLevel Level) { return LevelTable[unsigned(Level)].Name; }

std::string apiLevelList() {
  std::string List;
  for (const LevelRow &Row : LevelTable)
    List += (List.empty() ? "" : ", ") + std::string(Row.Name);
  return List;
}

ApiLevel firstLevelWith(ApiCapability Cap) { return rowFor(Cap).First; }
llvm::StringRef capabilityName(ApiCapability Cap) { return rowFor(Cap).Name; }
llvm::StringRef capabilityReasonId(ApiCapability Cap) { return rowFor(Cap).ReasonId; }

llvm::ArrayRef<ApiLevelMarker> apiLevelMarkers() {
  static const std::vector<ApiLevelMarker> NewestFirst(std::rbegin(Markers), std::rend(Markers));
  return NewestFirst;
}

} // namespace vmaprep

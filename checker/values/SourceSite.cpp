//===- SourceSite.cpp -----------------------------------------------------===//
#include "vmaprep/SourceSite.h"

#include <tuple>

namespace vmaprep {

std::string SourceSite::str() const { return File + ":" + std::to_string(Line) + ":" + std::to_string(Column); }

bool operator<(const SourceSite &A, const SourceSite &B) {
  return std::tie(A.File, A.Line, A.Column, A.EndLine, A.EndColumn) <
         std::tie(B.File, B.Line, B.Column, B.EndLine, B.EndColumn);
}
bool operator==(const SourceSite &A, const SourceSite &B) {
  return std::tie(A.File, A.Line, A.Column, A.EndLine, A.EndColumn) ==
         std::tie(B.File, B.Line, B.Column, B.EndLine, B.EndColumn);
}

} // namespace vmaprep

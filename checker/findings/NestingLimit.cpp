//===- NestingLimit.cpp ---------------------------------------------------===//
#include "findings/NestingLimit.h"

namespace vmaprep {

std::string checkNesting(llvm::StringRef Text, bool Yaml, unsigned Limit) {
  size_t Brackets = 0, Line = 1;
  char Quote = 0;          // the open string's quote, or 0
  bool AtLineStart = true; // only spaces and compact "- " seen on this line
  size_t LineDepth = 0;    // YAML: indentation plus compact entries so far
  char Last = '\n';        // the last character outside strings that is not a space
  auto TooDeep = [&](size_t Depth) {
    return Depth > Limit ? "nested more than " + std::to_string(Limit) + " levels deep at line " +
                               std::to_string(Line) + " (refused before parsing)"
                         : std::string();
  };
  for (size_t I = 0; I < Text.size(); ++I) {
    const char C = Text[I];
    if (C == '\n') {
      ++Line;
      AtLineStart = true;
      LineDepth = 0;
      Last = '\n';
      continue;
    }
    if (Quote) {
      if (C == '\\' && Quote == '"')
        ++I; // the escaped character cannot end the string
      else if (C == Quote)
        Quote = 0;
      continue;
    }
    if (Yaml && AtLineStart) {
      if (C == ' ') {
        ++LineDepth;
      } else if ((C == '-' || C == '?') && I + 1 < Text.size() && (Text[I + 1] == ' ' || Text[I + 1] == '\n')) {
        LineDepth += 2;
      } else {
        AtLineStart = false;
        if (C == '#') {
          // A comment runs to the end of the line.
          while (I + 1 < Text.size() && Text[I + 1] != '\n')
            ++I;
          continue;
        }
      }
      if (std::string Why = TooDeep(LineDepth + Brackets); !Why.empty())
        return Why;
      if (AtLineStart)
        continue;
    }
    if (Yaml && C == '#' && (I == 0 || Text[I - 1] == ' ' || Text[I - 1] == '\t')) {
      while (I + 1 < Text.size() && Text[I + 1] != '\n')
        ++I;
      continue;
    }
    // A YAML quote opens a string only where a scalar starts ("don't" is
    // plain); a JSON parser stops at the first quote out of place.
    if ((C == '"' || (Yaml && C == '\'')) && (!Yaml || llvm::StringRef("\n[{,:-?").contains(Last))) {
      Quote = C;
    } else if (C == '[' || C == '{') {
      if (std::string Why = TooDeep(++Brackets + LineDepth); !Why.empty())
        return Why;
    } else if ((C == ']' || C == '}') && Brackets > 0) {
      --Brackets;
    }
    if (C != ' ' && C != '\t')
      Last = C;
  }
  return "";
}

} // namespace vmaprep

//===- TextEdit.cpp -------------------------------------------------------===//
#include "vmaprep/TextEdit.h"

namespace vmaprep {

std::string applyEdits(llvm::StringRef Content, llvm::ArrayRef<TextEdit> Edits) {
  std::string Out;
  Out.reserve(Content.size() + 256);
  unsigned Pos = 0;
  for (const TextEdit &E : Edits) {
    Out.append(Content.data() + Pos, E.Offset - Pos);
    Out.append(E.Text);
    Pos = E.Offset + E.Length;
  }
  Out.append(Content.data() + Pos, Content.size() - Pos);
  return Out;
}

} // namespace vmaprep

//===- UnifiedDiff.cpp ----------------------------------------------------===//
#include "findings/UnifiedDiff.h"

#include <algorithm>
#include <vector>

namespace vmaprep {

static std::vector<llvm::StringRef> splitLines(llvm::StringRef Text) {
  std::vector<llvm::StringRef> Lines;
  while (!Text.empty()) {
    size_t NL = Text.find('\n');
    if (NL == llvm::StringRef::npos) {
      Lines.push_back(Text);
      break;
    }
    Lines.push_back(Text.substr(0, NL + 1));
    Text = Text.substr(NL + 1);
  }
  return Lines;
}

std::string unifiedDiff(llvm::StringRef Path, llvm::StringRef Content, llvm::ArrayRef<TextEdit> Edits, DiffStat *Stat) {
  if (Edits.empty())
    return "";
  std::vector<llvm::StringRef> Old = splitLines(Content);
  std::vector<size_t> LineStart;
  size_t Pos = 0;
  for (llvm::StringRef L : Old) {
    LineStart.push_back(Pos);
    Pos += L.size();
  }
  auto LineOf = [&](size_t Offset) {
    return size_t(std::upper_bound(LineStart.begin(), LineStart.end(), Offset) - LineStart.begin()) - 1;
  };

  // Changed blocks: whole lines touched by edits, merged when they touch.
  struct Block {
    size_t First, Last; // old lines, inclusive
    std::vector<TextEdit> Edits;
  };
  std::vector<Block> Blocks;
  for (const TextEdit &E : Edits) {
    size_t First = LineOf(E.Offset);
    size_t Last = LineOf(E.Length ? E.Offset + E.Length - 1 : E.Offset);
    if (!Blocks.empty() && First <= Blocks.back().Last + 1) {
      Blocks.back().Last = std::max(Blocks.back().Last, Last);
      Blocks.back().Edits.push_back(E);
    } else {
      Blocks.push_back({First, Last, {E}});
    }
  }

  struct Hunk {
    size_t OldFirst, OldCount = 0, NewCount = 0;
    std::string Body;
  };
  std::vector<Hunk> Hunks;
  const size_t Context = 3;
  size_t I = 0;
  while (I < Blocks.size()) {
    // One hunk holds the blocks whose context overlaps.
    size_t J = I;
    while (J + 1 < Blocks.size() && Blocks[J + 1].First <= Blocks[J].Last + 2 * Context + 1)
      ++J;
    Hunk H;
    H.OldFirst = Blocks[I].First >= Context ? Blocks[I].First - Context : 0;
    size_t HunkLast = std::min(Old.size() - 1, Blocks[J].Last + Context);
    auto Emit = [&](char Mark, llvm::StringRef L) {
      H.Body += Mark;
      H.Body += L.str();
      if (!L.ends_with("\n"))
        H.Body += "\n\\ No newline at end of file\n";
    };
    size_t Line = H.OldFirst;
    for (size_t K = I; K <= J; ++K) {
      for (; Line < Blocks[K].First; ++Line, ++H.OldCount, ++H.NewCount)
        Emit(' ', Old[Line]);
      size_t BlockBegin = LineStart[Blocks[K].First];
      size_t BlockEnd = LineStart[Blocks[K].Last] + Old[Blocks[K].Last].size();
      std::vector<TextEdit> Local;
      for (const TextEdit &E : Blocks[K].Edits)
        Local.push_back({unsigned(E.Offset - BlockBegin), E.Length, E.Text});
      std::string New = applyEdits(Content.substr(BlockBegin, BlockEnd - BlockBegin), Local);
      for (; Line <= Blocks[K].Last; ++Line, ++H.OldCount)
        Emit('-', Old[Line]);
      for (llvm::StringRef L : splitLines(New)) {
        Emit('+', L);
        ++H.NewCount;
      }
    }
    for (; Line <= HunkLast; ++Line, ++H.OldCount, ++H.NewCount)
      Emit(' ', Old[Line]);
    Hunks.push_back(std::move(H));
    I = J + 1;
  }

  std::string Out = "--- a/" + Path.str() + "\n+++ b/" + Path.str() + "\n";
  long Delta = 0; // new-file lines gained by the hunks before
  for (const Hunk &H : Hunks) {
    Out += "@@ -" + std::to_string(H.OldFirst + 1) + "," + std::to_string(H.OldCount) + " +" +
           std::to_string(long(H.OldFirst) + 1 + Delta) + "," + std::to_string(H.NewCount) + " @@\n";
    Out += H.Body;
    Delta += long(H.NewCount) - long(H.OldCount);
  }
  if (Stat)
    for (const Hunk &H : Hunks)
      for (llvm::StringRef L : splitLines(H.Body)) {
        Stat->Insertions += L.starts_with("+");
        Stat->Deletions += L.starts_with("-");
      }
  return Out;
}

} // namespace vmaprep

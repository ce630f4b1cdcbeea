//===- FormatEdits.cpp ----------------------------------------------------===//
#include "FormatEdits.h"

#include "clang/Format/Format.h"
#include "clang/Tooling/Core/Replacement.h"
#include <algorithm>

namespace vmaprep {

namespace {
/// Whole original lines touched by a run of edits, and the edits.
struct Block {
  unsigned Begin, End; // [Begin, End) in the original, whole lines
  std::vector<TextEdit> Edits;
};
/// The depth of open parentheses at the start of each line of \p Text
/// (index: line number from 0), outside comments and literals. A directive
/// line's parentheses balance on it; an unbalanced one resets to 0 at the
/// next line that would go below it.
std::vector<unsigned> parenDepthAtLineStarts(llvm::StringRef Text) {
  std::vector<unsigned> Depth{0};
  unsigned D = 0;
  for (size_t I = 0; I < Text.size(); ++I) {
    char C = Text[I];
    if (C == '\n') {
      Depth.push_back(D);
    } else if (C == '/' && I + 1 < Text.size() && Text[I + 1] == '/') {
      size_t NL = Text.find('\n', I);
      I = (NL == llvm::StringRef::npos ? Text.size() : NL) - 1;
    } else if (C == '/' && I + 1 < Text.size() && Text[I + 1] == '*') {
      size_t End = Text.find("*/", I + 2);
      for (size_t J = I; J < (End == llvm::StringRef::npos ? Text.size() : End); ++J)
        if (Text[J] == '\n')
          Depth.push_back(D);
      I = End == llvm::StringRef::npos ? Text.size() : End + 1;
    } else if (C == '"' || C == '\'') {
      for (++I; I < Text.size() && Text[I] != C && Text[I] != '\n'; ++I)
        if (Text[I] == '\\')
          ++I;
      if (I < Text.size() && Text[I] == '\n')
        --I; // an unterminated literal ends at its line
    } else if (C == '(') {
      ++D;
    } else if (C == ')') {
      D = D ? D - 1 : 0;
    }
  }
  return Depth;
}
} // namespace

std::vector<TextEdit> formatChangedLines(llvm::StringRef Path, llvm::StringRef Original,
                                         const std::vector<TextEdit> &Edits, std::string &Note) {
  if (Edits.empty())
    return Edits;
  llvm::Expected<clang::format::FormatStyle> Style =
      clang::format::getStyle("file", Path, /*FallbackStyle=*/"none", Original);
  if (!Style) {
    Note = "not formatted: " + llvm::toString(Style.takeError());
    return Edits;
  }
  if (Style->DisableFormat) {
    Note = "not formatted: no .clang-format above " + Path.str();
    return Edits;
  }

  auto LineStart = [&](unsigned Offset) {
    size_t NL = Original.rfind('\n', Offset == 0 ? 0 : Offset - 1);
    return Offset == 0 || NL == llvm::StringRef::npos ? 0u : unsigned(NL + 1);
  };
  auto LineEnd = [&](unsigned Offset) {
    size_t NL = Original.find('\n', Offset);
    return NL == llvm::StringRef::npos ? unsigned(Original.size()) : unsigned(NL + 1);
  };
  // A block that touches one line of a parenthesized construct spread over
  // several lines (a call's arguments, a condition) takes all its lines: the
  // formatter re-aligns a continuation line only when it formats it, and a
  // first line that got shorter or longer leaves the untouched ones out of
  // line (checkpatch --strict: "Alignment should match open parenthesis").
  std::vector<unsigned> Depth = parenDepthAtLineStarts(Original);
  auto LineOf = [&](unsigned Offset) {
    return unsigned(std::count(Original.begin(), Original.begin() + std::min<size_t>(Offset, Original.size()), '\n'));
  };
  // A construct longer than this (a macro wrapping a table, say) is not
  // taken whole: the formatter would realign lines far from the edit.
  constexpr unsigned MaxConstructLines = 12;
  auto StatementBegin = [&](unsigned B) {
    unsigned Begin = B, Steps = 0;
    for (unsigned L = LineOf(B); L > 0 && L < Depth.size() && Depth[L] > 0; --L, ++Steps)
      Begin = LineStart(Begin - 1);
    return Steps <= MaxConstructLines ? Begin : B;
  };
  auto StatementEnd = [&](unsigned E) {
    unsigned End = E, Steps = 0;
    for (unsigned L = LineOf(E); End < Original.size() && L < Depth.size() && Depth[L] > 0; ++L, ++Steps)
      End = LineEnd(End);
    return Steps <= MaxConstructLines ? End : E;
  };
  std::vector<Block> Blocks;
  for (const TextEdit &E : Edits) {
    unsigned B = StatementBegin(LineStart(E.Offset));
    unsigned End = StatementEnd(LineEnd(E.Length ? E.Offset + E.Length - 1 : E.Offset));
    if (!Blocks.empty() && B <= Blocks.back().End) {
      Blocks.back().Begin = std::min(Blocks.back().Begin, B);
      Blocks.back().End = std::max(Blocks.back().End, End);
      Blocks.back().Edits.push_back(E);
    } else {
      Blocks.push_back({B, End, {E}});
    }
  }

  // The rewritten file, block by block, and where each block now lies.
  std::string New;
  std::vector<std::pair<unsigned, unsigned>> NewRanges;
  unsigned Pos = 0;
  for (const Block &Bl : Blocks) {
    New.append(Original.data() + Pos, Bl.Begin - Pos);
    std::vector<TextEdit> Local;
    Local.reserve(Bl.Edits.size());
    for (const TextEdit &E : Bl.Edits)
      Local.push_back({E.Offset - Bl.Begin, E.Length, E.Text});
    unsigned At = unsigned(New.size());
    New += applyEdits(Original.substr(Bl.Begin, Bl.End - Bl.Begin), Local);
    NewRanges.push_back({At, unsigned(New.size())});
    Pos = Bl.End;
  }
  New.append(Original.data() + Pos, Original.size() - Pos);

  // Each block is formatted on its own, and keeps its formatting only when
  // every change stays inside it: a line in a table initializer, say, would
  // otherwise realign the whole table.
  std::vector<TextEdit> Out;
  unsigned Kept = 0;
  for (size_t I = 0; I < Blocks.size(); ++I) {
    auto [B, E] = NewRanges[I];
    std::string Text = New.substr(B, E - B);
    Out.push_back({Blocks[I].Begin, Blocks[I].End - Blocks[I].Begin, Text});
    if (E <= B)
      continue;
    clang::tooling::Range Lines(B, E - B - (New[E - 1] == '\n' ? 1 : 0));
    clang::tooling::Replacements Format = clang::format::reformat(*Style, New, {Lines}, Path);
    std::vector<TextEdit> Local;
    bool Inside = true;
    for (clang::tooling::Replacement R : Format) {
      // The whitespace before the block's first token starts at the newline
      // of the line before; the part a replacement keeps is not a change.
      if (R.getOffset() < B && R.getOffset() + R.getLength() > B) {
        llvm::StringRef Before(New.data() + R.getOffset(), B - R.getOffset());
        if (R.getReplacementText().starts_with(Before))
          R = clang::tooling::Replacement(Path, B, R.getLength() - Before.size(),
                                          R.getReplacementText().drop_front(Before.size()));
      }
      if (R.getOffset() < B || R.getOffset() + R.getLength() > E) {
        Inside = false;
        break;
      }
      Local.push_back({R.getOffset() - B, R.getLength(), R.getReplacementText().str()});
    }
    if (!Inside)
      continue;
    std::sort(Local.begin(), Local.end(), [](const TextEdit &X, const TextEdit &Y) { return X.Offset < Y.Offset; });
    Out.back().Text = applyEdits(Text, Local);
    ++Kept;
  }
  if (Kept < Blocks.size())
    Note = "the tree's .clang-format applied to " + std::to_string(Kept) + " of " + std::to_string(Blocks.size()) +
           " changed regions; the others would have reformatted lines the rewrite did not touch";
  return Out;
}

} // namespace vmaprep

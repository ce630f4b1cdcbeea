//===- EditBuffer.h - one handler's edits of the main file, nested --------===//
//
// The edits of one plan as byte ranges of the main file. Edits nest: the
// constructs that contain other edits (a mapping call that becomes an
// action) are planned after them, render their text from the original with
// the inner edits applied, and replace them; flatten() keeps the outermost
// and refuses any other overlap. That nesting is why this is not a
// clang::tooling::Replacements: Replacements holds one flat set and merges
// overlapping replacements whose order does not matter, where the plan
// renders inner edits into outer ones and must refuse every partial overlap.
//
// Also here: what the edits need to know about the text around them
// (indentation, columns with tab stops, the alignment of a table's values).
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_REWRITER_EDITBUFFER_H
#define VMAPREP_REWRITER_EDITBUFFER_H

#include "vmaprep/Rewriter.h"
#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace clang {
class LangOptions;
class SourceManager;
class Stmt;
} // namespace clang

namespace vmaprep::rewriter {

class EditBuffer {
public:
  EditBuffer(const clang::SourceManager &SM, const clang::LangOptions &LO);

  clang::FileID mainFile() const { return Main; }
  /// The main file's text, as parsed.
  llvm::StringRef buffer() const;

  /// The main-file byte range of \p R, or false when it is not one (macro
  /// body, other file, a macro cut in half).
  bool range(clang::SourceRange R, unsigned &Begin, unsigned &End) const;

  /// Replaces [Offset, Offset + Length) with \p Text; inside or around
  /// edits already added, or beside them.
  void add(unsigned Offset, unsigned Length, std::string Text);

  /// Original text of [B, E) with the pending edits inside it applied.
  std::string render(unsigned B, unsigned E) const;

  /// Whether one edit covers all of [B, E).
  bool covers(unsigned B, unsigned E) const;
  /// The longest edit that covers all of [B, E), or null.
  const TextEdit *outermostCovering(unsigned B, unsigned E) const;

  /// The outermost edits, sorted, in \p Out (an edit inside another was
  /// already rendered into it); false when two edits overlap partially.
  /// Empties the buffer.
  bool flatten(std::vector<TextEdit> &Out);

  /// Leading whitespace of the line holding \p Offset.
  std::string indentAt(unsigned Offset) const;

  /// Offset of the first character of the line holding \p Offset, and of the
  /// newline that ends it (the buffer's size on the last line).
  unsigned lineStart(unsigned Offset) const;
  unsigned lineEnd(unsigned Offset) const;

  /// End offset of a statement, past its `;` when it has one.
  bool statementEnd(const clang::Stmt *S, unsigned &End) const;

  /// Column of \p Offset in the buffer, with tab stops of 8 from the line's
  /// start.
  unsigned columnOf(unsigned Offset) const;

  /// Whitespace from column \p From to column \p To, in tabs (then spaces)
  /// or spaces as the table writes it; "" when \p To cannot be reached.
  static std::string gapTo(unsigned From, unsigned To, bool Tabs);

  /// The whitespace of a table line between a member name ending at \p E
  /// and its value, rebuilt for a name that now ends at column \p NameEnd:
  /// an aligned `=` (`.mmap\t\t= f`, `.mmap    = f`) or an aligned value
  /// (`.mmap =\t\tf`) stays at its column when it can. "" when the table
  /// does not align (or the new name passes the column).
  std::string alignedSeparator(unsigned E, unsigned NameEnd) const;

  /// Removes the statement at [B, End) with its line, and one of two blank
  /// lines the removal would leave side by side.
  void removeStatementLine(unsigned B, unsigned End);

private:
  const clang::SourceManager &SM;
  const clang::LangOptions &LO;
  clang::FileID Main;
  std::vector<TextEdit> Pending; // may nest; flatten() keeps the outermost
};

} // namespace vmaprep::rewriter

#endif

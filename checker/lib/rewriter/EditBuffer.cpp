//===- EditBuffer.cpp -----------------------------------------------------===//
#include "EditBuffer.h"

#include "clang/AST/Stmt.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include <algorithm>

using namespace clang;

namespace vmaprep::rewriter {

EditBuffer::EditBuffer(const SourceManager &SM, const LangOptions &LO) : SM(SM), LO(LO), Main(SM.getMainFileID()) {}

bool EditBuffer::range(SourceRange R, unsigned &Begin, unsigned &End) const {
  CharSourceRange CR = Lexer::makeFileCharRange(CharSourceRange::getTokenRange(R), SM, LO);
  if (CR.isInvalid())
    return false;
  auto [FB, OB] = SM.getDecomposedLoc(CR.getBegin());
  auto [FE, OE] = SM.getDecomposedLoc(CR.getEnd());
  if (FB != Main || FE != Main)
    return false;
  Begin = OB;
  End = OE;
  return true;
}

llvm::StringRef EditBuffer::buffer() const { return SM.getBufferData(Main); }

void EditBuffer::add(unsigned Offset, unsigned Length, std::string Text) {
  Pending.push_back({Offset, Length, std::move(Text)});
}

std::string EditBuffer::render(unsigned B, unsigned E) const {
  std::vector<TextEdit> Inner;
  for (const TextEdit &T : Pending)
    if (T.Offset >= B && T.Offset + T.Length <= E)
      Inner.push_back(T);
  std::sort(Inner.begin(), Inner.end(), [](const TextEdit &A, const TextEdit &B) {
    return A.Offset != B.Offset ? A.Offset < B.Offset : A.Length > B.Length;
  });
  std::string Out;
  unsigned Pos = B;
  for (const TextEdit &T : Inner) {
    if (T.Offset < Pos)
      continue; // nested inside an edit already applied
    Out.append(buffer().substr(Pos, T.Offset - Pos).str());
    Out.append(T.Text);
    Pos = T.Offset + T.Length;
  }
  Out.append(buffer().substr(Pos, E - Pos).str());
  return Out;
}

bool EditBuffer::covers(unsigned B, unsigned E) const {
  return std::any_of(Pending.begin(), Pending.end(),
                     [&](const TextEdit &T) { return T.Offset <= B && E <= T.Offset + T.Length; });
}

const TextEdit *EditBuffer::outermostCovering(unsigned B, unsigned E) const {
  const TextEdit *Outer = nullptr;
  for (const TextEdit &T : Pending)
    if (T.Offset <= B && E <= T.Offset + T.Length && (!Outer || T.Length > Outer->Length))
      Outer = &T;
  return Outer;
}

bool EditBuffer::flatten(std::vector<TextEdit> &Out) {
  std::sort(Pending.begin(), Pending.end(), [](const TextEdit &A, const TextEdit &B) {
    return A.Offset != B.Offset ? A.Offset < B.Offset : A.Length > B.Length;
  });
  Out.clear();
  for (TextEdit &T : Pending) {
    if (!Out.empty()) {
      const TextEdit &Last = Out.back();
      unsigned LastEnd = Last.Offset + Last.Length;
      if (T.Offset + T.Length <= LastEnd && T.Offset >= Last.Offset)
        continue; // contained
      if (T.Offset < LastEnd)
        return false;
    }
    Out.push_back(std::move(T));
  }
  Pending.clear();
  return true;
}

unsigned EditBuffer::lineStart(unsigned Offset) const {
  size_t NL = Offset ? buffer().rfind('\n', Offset - 1) : llvm::StringRef::npos;
  return NL == llvm::StringRef::npos ? 0 : unsigned(NL + 1);
}

unsigned EditBuffer::lineEnd(unsigned Offset) const {
  size_t NL = buffer().find('\n', Offset);
  return NL == llvm::StringRef::npos ? unsigned(buffer().size()) : unsigned(NL);
}

std::string EditBuffer::indentAt(unsigned Offset) const {
  llvm::StringRef Buf = buffer();
  unsigned LineStart = lineStart(Offset);
  size_t I = LineStart;
  while (I < Buf.size() && (Buf[I] == ' ' || Buf[I] == '\t'))
    ++I;
  return Buf.substr(LineStart, I - LineStart).str();
}

bool EditBuffer::statementEnd(const Stmt *S, unsigned &End) const {
  unsigned B;
  if (!range(S->getSourceRange(), B, End))
    return false;
  if (isa<CompoundStmt>(S) || isa<IfStmt>(S))
    return true;
  llvm::StringRef Buf = buffer();
  unsigned I = End;
  while (I < Buf.size() && (Buf[I] == ' ' || Buf[I] == '\t'))
    ++I;
  if (I < Buf.size() && Buf[I] == ';')
    End = I + 1;
  return true;
}

unsigned EditBuffer::columnOf(unsigned Offset) const {
  llvm::StringRef Buf = buffer();
  unsigned Line = lineStart(Offset);
  unsigned Col = 0;
  for (unsigned I = Line; I < Offset; ++I)
    Col = Buf[I] == '\t' ? (Col / 8 + 1) * 8 : Col + 1;
  return Col;
}

std::string EditBuffer::gapTo(unsigned From, unsigned To, bool Tabs) {
  std::string Ws;
  while (Tabs && (From / 8 + 1) * 8 <= To) {
    From = (From / 8 + 1) * 8;
    Ws += '\t';
  }
  if (From < To)
    Ws += std::string(To - From, ' ');
  return Ws;
}

std::string EditBuffer::alignedSeparator(unsigned E, unsigned NameEnd) const {
  llvm::StringRef Buf = buffer();
  unsigned Eq = E;
  while (Eq < Buf.size() && (Buf[Eq] == ' ' || Buf[Eq] == '\t'))
    ++Eq;
  if (Eq >= Buf.size() || Buf[Eq] != '=')
    return "";
  llvm::StringRef Before = Buf.slice(E, Eq);
  unsigned Value = Eq + 1;
  while (Value < Buf.size() && (Buf[Value] == ' ' || Buf[Value] == '\t'))
    ++Value;
  llvm::StringRef After = Buf.slice(Eq + 1, Value);
  if (Before.contains('\t') || Before.size() > 1) {
    unsigned Target = columnOf(Eq);
    if (NameEnd >= Target)
      return "";
    return gapTo(NameEnd, Target, Before.contains('\t')) + "=" + After.str();
  }
  if (After.contains('\t') || After.size() > 1) {
    unsigned Target = columnOf(Value);
    unsigned EqCol = NameEnd + unsigned(Before.size());
    if (EqCol + 1 >= Target)
      return "";
    return Before.str() + "=" + gapTo(EqCol + 1, Target, After.contains('\t'));
  }
  return "";
}

void EditBuffer::removeStatementLine(unsigned B, unsigned End) {
  llvm::StringRef Buf = buffer();
  unsigned LineStart = B;
  while (LineStart > 0 && (Buf[LineStart - 1] == ' ' || Buf[LineStart - 1] == '\t'))
    --LineStart;
  unsigned Stop = End;
  while (Stop < Buf.size() && Buf[Stop] != '\n')
    ++Stop;
  if (LineStart == 0 || Buf[LineStart - 1] != '\n' || Stop >= Buf.size()) {
    Pending.push_back({B, End - B, ""}); // shares its line with other code
    return;
  }
  unsigned After = Stop + 1;
  // A blank line after the declarations goes with the last of them.
  bool BlankBefore = LineStart >= 2 && (Buf[LineStart - 2] == '\n' || Buf[LineStart - 2] == '{');
  bool BlankAfter = After < Buf.size() && Buf[After] == '\n';
  Pending.push_back({LineStart, (BlankBefore && BlankAfter ? After + 1 : After) - LineStart, ""});
}

} // namespace vmaprep::rewriter

//===- OpsTablePlanner.cpp ------------------------------------------------===//
//
// The ops-table entries that name the handler: `.mmap = foo_mmap` becomes
// `.mmap_prepare = foo_mmap_prepare`, aligned as the table aligns, or the
// plan refuses, naming the entry.
//
//===----------------------------------------------------------------------===//
#include "HandlerRewriter.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringExtras.h"

using namespace clang;

namespace vmaprep::rewriter {

/// `.mmap\t\t= f` -> `.mmap_prepare\t= f`: the member grows by 8 columns;
/// whitespace that aligned the `=` or the value with its neighbours keeps
/// it aligned.
bool HandlerRewriter::renameMember(SourceLocation NameLoc) {
  unsigned B, E;
  if (!Edits.range(NameLoc, B, E))
    return refuse("the member name is in a macro", NameLoc);
  llvm::StringRef Buf = Edits.buffer();
  std::string Text = "mmap_prepare";
  std::string Separator = Edits.alignedSeparator(E, Edits.columnOf(B) + unsigned(Text.size()));
  if (!Separator.empty()) {
    unsigned Value = E;
    while (Value < Buf.size() && Buf[Value] != '=')
      ++Value;
    ++Value;
    while (Value < Buf.size() && (Buf[Value] == ' ' || Buf[Value] == '\t'))
      ++Value;
    Edits.add(B, Value - B, Text + Separator);
    return true;
  }
  Edits.add(B, E - B, Text);
  return true;
}

/// A new `.member = Value,` line for the designated initializer whose
/// brace is at \p Brace, indented and aligned as its first member is.
std::string HandlerRewriter::newMemberLine(unsigned Brace, llvm::StringRef Member, llvm::StringRef Value) {
  llvm::StringRef Buf = Edits.buffer();
  std::string Plain = "\n\t." + Member.str() + " = " + Value.str() + ",";
  size_t LineStart = Buf.find('\n', Brace);
  if (LineStart == llvm::StringRef::npos)
    return Plain;
  ++LineStart;
  size_t Dot = LineStart;
  while (Dot < Buf.size() && (Buf[Dot] == ' ' || Buf[Dot] == '\t'))
    ++Dot;
  if (Dot >= Buf.size() || Buf[Dot] != '.' || Dot == LineStart)
    return Plain;
  size_t NameEnd = Dot + 1;
  while (NameEnd < Buf.size() && (llvm::isAlnum(Buf[NameEnd]) || Buf[NameEnd] == '_'))
    ++NameEnd;
  std::string Indent = Buf.slice(LineStart, Dot).str();
  std::string Separator =
      Edits.alignedSeparator(unsigned(NameEnd), Edits.columnOf(unsigned(Dot)) + 1 + unsigned(Member.size()));
  if (Separator.empty())
    return "\n" + Indent + "." + Member.str() + " = " + Value.str() + ",";
  return "\n" + Indent + "." + Member.str() + Separator + Value.str() + ",";
}

bool HandlerRewriter::planSites() {
  for (const OpsSite &S : H.Handler.Sites) {
    if (S.Where.inMacro())
      return refuse("'" + S.Table + "' is produced by the macro " + S.Where.Macro, S.Init->getBeginLoc());
    if (S.Form == OpsSiteForm::PositionalInit)
      return refusePositional(S);
    if (S.MemberNameLoc.isInvalid() || S.MemberNameLoc.isMacroID())
      return refuse("cannot locate the member name in '" + S.Table + "'", S.Init->getBeginLoc());
    if (!renameMember(S.MemberNameLoc))
      return false;
    const Expr *E = S.Init->IgnoreParenCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(E))
      E = UO->getSubExpr()->IgnoreParenCasts();
    if (!replace(E->getSourceRange(), Plan.NewFunction, E->getBeginLoc()))
      return false;
    note("'" + S.Table + "': ." + S.Member + " becomes .mmap_prepare");
  }
  return true;
}

/// A table that names the handler by position is not rewritten: the kernel
/// declares file_operations __designated_init (__randomize_layout; under
/// RANDSTRUCT a positional initializer does not compile, elsewhere GCC warns),
/// so no kernel table is positional, and .mmap_prepare could be reached by
/// position only by spelling every member before it, in one tree's order.
/// The reason names the entry, so the user can rewrite the table first.
bool HandlerRewriter::refusePositional(const OpsSite &S) {
  struct EntryFinder : RecursiveASTVisitor<EntryFinder> {
    const Expr *Init;
    unsigned Entry = 0;
    bool shouldVisitImplicitCode() const { return false; }
    bool VisitInitListExpr(InitListExpr *IL) {
      const InitListExpr *Syntactic = IL->isSyntacticForm() ? IL : IL->getSyntacticForm();
      if (!Syntactic || Entry)
        return true;
      for (unsigned I = 0; I < Syntactic->getNumInits(); ++I)
        if (Syntactic->getInit(I) && Syntactic->getInit(I)->IgnoreParenImpCasts() == Init->IgnoreParenImpCasts())
          Entry = I + 1;
      return true;
    }
  } Finder;
  Finder.Init = S.Init;
  Finder.TraverseDecl(Ctx.getTranslationUnitDecl());
  std::string Which =
      Finder.Entry ? "entry " + std::to_string(Finder.Entry) + " of '" + S.Table + "'" : "'" + S.Table + "'";
  return refuse(Which + " sets ." + S.Member + " = " + Plan.Function +
                    " by position; vmaprep does not rewrite positional tables (struct " + S.Record +
                    " is __designated_init in the kernel, and .mmap_prepare could be reached only by spelling "
                    "every member before it): write '" +
                    S.Table + "' with designated initializers (." + S.Member + " = " + Plan.Function +
                    ") and run vmaprep fix again",
                S.Init->getBeginLoc());
}

} // namespace vmaprep::rewriter

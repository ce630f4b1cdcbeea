//===- SourceSite.cpp -----------------------------------------------------===//
#include "vmaprep/SourceResolution.h"

#include "clang/Basic/FileManager.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace clang;

namespace vmaprep {

/// Relative names are relative to the compile command's directory, which is
/// the FileManager's working directory, not the process's.
static std::string absolutePath(StringRef Name, const SourceManager &SM) {
  llvm::SmallString<256> Path(Name);
  SM.getFileManager().makeAbsolutePath(Path);
  llvm::sys::path::remove_dots(Path, /*remove_dot_dot=*/true);
  return std::string(Path);
}

/// The outermost macro whose expansion contains \p Loc, by name.
static std::string outermostMacro(SourceLocation Loc, const SourceManager &SM, const LangOptions &LangOpts) {
  std::string Name;
  while (Loc.isMacroID()) {
    StringRef MacroName = Lexer::getImmediateMacroName(Loc, SM, LangOpts);
    if (!MacroName.empty())
      Name = MacroName.str();
    Loc = SM.getImmediateExpansionRange(Loc).getBegin();
  }
  return Name;
}

SourceSite resolveSite(SourceRange Range, const SourceManager &SM, const LangOptions &LangOpts) {
  SourceSite Site;
  if (Range.isInvalid())
    return Site;
  SourceLocation Begin = Range.getBegin(), End = Range.getEnd();
  if (Begin.isMacroID()) {
    // A macro argument spelled in the file is reported where it is spelled;
    // anything from a macro body is reported at the expansion site, with the
    // macro's name.
    if (!SM.isMacroArgExpansion(Begin))
      Site.Macro = outermostMacro(Begin, SM, LangOpts);
    Begin = SM.getFileLoc(Begin);
  }
  if (End.isMacroID())
    End = SM.isMacroArgExpansion(End) ? SM.getFileLoc(End) : SM.getExpansionRange(End).getEnd();
  PresumedLoc PB = SM.getPresumedLoc(Begin, /*UseLineDirectives=*/false);
  if (PB.isInvalid())
    return Site;
  Site.File = absolutePath(PB.getFilename(), SM);
  Site.Line = PB.getLine();
  Site.Column = PB.getColumn();
  // Point the end at the last character of the last token.
  SourceLocation EndTok = Lexer::getLocForEndOfToken(End, 0, SM, LangOpts);
  PresumedLoc PE = SM.getPresumedLoc(EndTok.isValid() ? EndTok : End, false);
  if (PE.isValid() && SM.getFileID(End) == SM.getFileID(Begin)) {
    Site.EndLine = PE.getLine();
    Site.EndColumn = PE.getColumn();
  } else {
    Site.EndLine = Site.Line;
    Site.EndColumn = Site.Column;
  }
  return Site;
}

std::string sourceText(SourceRange Range, const SourceManager &SM, const LangOptions &LangOpts) {
  CharSourceRange CR = Lexer::makeFileCharRange(CharSourceRange::getTokenRange(Range), SM, LangOpts);
  if (CR.isInvalid()) {
    // Not a contiguous file range (crosses macro boundaries): fall back to
    // the expansion range, which is at least what the user sees.
    CR = SM.getExpansionRange(Range);
    CR = Lexer::makeFileCharRange(CR, SM, LangOpts);
    if (CR.isInvalid())
      return "";
  }
  StringRef Text = Lexer::getSourceText(CR, SM, LangOpts);
  std::string Out;
  Out.reserve(Text.size());
  bool Space = false;
  for (char C : Text) {
    if (C == ' ' || C == '\t' || C == '\n' || C == '\r' || C == '\\') {
      Space = !Out.empty();
      continue;
    }
    if (Space)
      Out.push_back(' ');
    Space = false;
    Out.push_back(C);
  }
  return Out;
}

} // namespace vmaprep

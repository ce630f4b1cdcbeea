//===- HandlerFacts.cpp ---------------------------------------------------===//
#include "HandlerFacts.h"
#include "vmaprep/EffectAnalysis.h"
#include "vmaprep/KernelApi.h"

#include "clang/AST/Expr.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

using namespace clang;

namespace vmaprep::rewriter {

std::vector<RawIdentifier> rawIdentifiers(const SourceManager &SM, const LangOptions &LO, FileID Main) {
  llvm::StringRef Buf = SM.getBufferData(Main);
  Lexer L(SM.getLocForStartOfFile(Main), LO, Buf.begin(), Buf.begin(), Buf.end());
  // Open conditionals, innermost last: the opening line, the branch now read,
  // and the one macro it tests, if it tests one.
  struct Open {
    std::string Line, Branch, Macro;
    bool WhenDefined = true;
  };
  std::vector<Open> Conditions;
  // `#if` and `#ifdef` lines that test one macro; the lexer stands after the
  // directive's name.
  auto OneMacro = [&](llvm::StringRef D, std::string &Macro, bool &WhenDefined) {
    std::vector<Token> Line;
    Token T;
    while (!L.LexFromRawLexer(T) && T.isNot(tok::eof) && !T.isAtStartOfLine())
      Line.push_back(T);
    auto Ident = [&](size_t I) { return I < Line.size() && Line[I].is(tok::raw_identifier); };
    size_t I = 0;
    WhenDefined = D != "ifndef";
    if (D == "if" && I < Line.size() && Line[I].is(tok::exclaim)) {
      WhenDefined = false;
      ++I;
    }
    if (D == "if" && Ident(I) &&
        (Line[I].getRawIdentifier() == "defined" || Line[I].getRawIdentifier() == "IS_ENABLED")) {
      bool Parens = I + 1 < Line.size() && Line[I + 1].is(tok::l_paren);
      size_t M = I + (Parens ? 2 : 1);
      if (!Ident(M) || (Parens && (M + 1 >= Line.size() || Line[M + 1].isNot(tok::r_paren))))
        return false;
      if (M + (Parens ? 2 : 1) != Line.size())
        return false;
      Macro = Line[M].getRawIdentifier().str();
      return true;
    }
    if (!Ident(I) || I + 1 != Line.size())
      return false;
    Macro = Line[I].getRawIdentifier().str();
    return true;
  };
  std::vector<RawIdentifier> Out;
  bool InDirective = false, InCondition = false;
  Token Tok, Prev;
  Prev.startToken();
  auto LineText = [&](unsigned Offset) {
    size_t B = Buf.rfind('\n', Offset);
    B = B == llvm::StringRef::npos ? 0 : B + 1;
    size_t E = Buf.find('\n', Offset);
    return Buf.slice(B, E).trim().str() + " (line " + std::to_string(SM.getLineNumber(Main, Offset)) + ")";
  };
  for (L.LexFromRawLexer(Tok); Tok.isNot(tok::eof); L.LexFromRawLexer(Tok)) {
    unsigned Offset = SM.getFileOffset(Tok.getLocation());
    if (Tok.isAtStartOfLine())
      InDirective = InCondition = false;
    if (Tok.isAtStartOfLine() && Tok.is(tok::hash)) {
      InDirective = true;
      Token Dir;
      if (L.LexFromRawLexer(Dir) || Dir.is(tok::eof))
        break;
      llvm::StringRef D = Dir.is(tok::raw_identifier) ? Dir.getRawIdentifier() : "";
      InCondition = D == "if" || D == "ifdef" || D == "ifndef" || D == "elif" || D == "elifdef" || D == "elifndef";
      if (D == "if" || D == "ifdef" || D == "ifndef") {
        Open C{LineText(Offset), LineText(Offset), "", true};
        unsigned AfterName = SM.getFileOffset(Dir.getEndLoc());
        if (!OneMacro(D, C.Macro, C.WhenDefined))
          C.Macro.clear();
        Conditions.push_back(std::move(C));
        // The condition's identifiers are read again below, as directive
        // tokens (a name the rewrite changes there is refused).
        L.seek(AfterName, /*IsAtStartOfLine=*/false);
        Prev = Dir;
        continue;
      }
      if (D == "else" && !Conditions.empty()) {
        Conditions.back().Branch = LineText(Offset) + " of " + Conditions.back().Line;
        Conditions.back().WhenDefined = !Conditions.back().WhenDefined;
      } else if ((D == "elif" || D == "elifdef" || D == "elifndef") && !Conditions.empty()) {
        Conditions.back().Branch = LineText(Offset) + " of " + Conditions.back().Line;
        Conditions.back().Macro.clear(); // a chain: more than one macro decides
      } else if (D == "endif" && !Conditions.empty()) {
        Conditions.pop_back();
      }
      Prev = Dir;
      continue;
    }
    if (Tok.is(tok::raw_identifier)) {
      RawIdentifier R;
      R.Offset = Offset;
      R.Name = Tok.getRawIdentifier();
      R.AfterMember =
          Prev.isOneOf(tok::arrow, tok::period) ||
          (Prev.is(tok::raw_identifier) && (Prev.getRawIdentifier() == "struct" || Prev.getRawIdentifier() == "union" ||
                                            Prev.getRawIdentifier() == "enum"));
      R.InDirective = InDirective;
      R.InCondition = InCondition;
      if (!Conditions.empty()) {
        R.Condition = Conditions.back().Branch;
        R.Macro = Conditions.back().Macro;
        R.CompiledWhenDefined = Conditions.back().WhenDefined;
      }
      Out.push_back(std::move(R));
    }
    Prev = Tok;
  }
  return Out;
}

bool rawFunctionAt(const SourceManager &SM, const LangOptions &LO, FileID Main, unsigned Offset, RawFunction &Out) {
  llvm::StringRef Buf = SM.getBufferData(Main);
  if (Offset >= Buf.size())
    return false;
  Lexer L(SM.getLocForStartOfFile(Main), LO, Buf.begin(), Buf.begin() + Offset, Buf.end());
  auto Next = [&](RawToken &T) {
    Token Tok;
    L.LexFromRawLexer(Tok);
    T.Kind = Tok.getKind();
    T.Offset = SM.getFileOffset(Tok.getLocation());
    T.Length = Tok.getLength();
    T.Text = Buf.substr(T.Offset, T.Length);
    // A directive inside the declaration: another configuration in this one.
    return Tok.isNot(tok::eof) && !(Tok.isAtStartOfLine() && Tok.is(tok::hash));
  };
  RawToken T;
  if (!Next(T) || T.Kind != tok::raw_identifier || !Next(T) || T.Kind != tok::l_paren)
    return false;
  Out = RawFunction();
  Out.Params.emplace_back();
  for (unsigned Depth = 1; Depth;) {
    if (!Next(T))
      return false;
    Depth += T.Kind == tok::l_paren;
    Depth -= T.Kind == tok::r_paren;
    if (!Depth)
      break;
    if (Depth == 1 && T.Kind == tok::comma)
      Out.Params.emplace_back();
    else
      Out.Params.back().push_back(T);
  }
  if (!Next(T))
    return false;
  if (T.Kind == tok::semi)
    return true;
  if (T.Kind != tok::l_brace)
    return false;
  Out.Definition = true;
  for (unsigned Depth = 1; Depth;) {
    if (!Next(T))
      return false;
    Depth += T.Kind == tok::l_brace;
    Depth -= T.Kind == tok::r_brace;
    if (Depth)
      Out.Body.push_back(T);
  }
  return true;
}

bool VarUseCounter::VisitDeclRefExpr(DeclRefExpr *D) {
  Count += D->getDecl() == Var;
  return true;
}

bool BodyFacts::isVma(const ValueDecl *D) const {
  return D == Vma || (isa<ParmVarDecl>(D) && HelperVmas.count(cast<ParmVarDecl>(D)));
}

const VarDecl *BodyFacts::localOf(const Expr *E) {
  if (const auto *D = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts()))
    if (const auto *VD = dyn_cast<VarDecl>(D->getDecl()); VD && VD->hasLocalStorage())
      return VD;
  return nullptr;
}

bool BodyFacts::VisitDeclStmt(DeclStmt *DS) {
  for (Decl *D : DS->decls())
    if (auto *VD = dyn_cast<VarDecl>(D)) {
      DeclStmtOf[VD] = DS;
      if (const Expr *Init = VD->getInit()) {
        struct CallFinder : RecursiveASTVisitor<CallFinder> {
          bool Found = false;
          bool VisitCallExpr(CallExpr *) {
            Found = true;
            return false;
          }
        } F;
        F.TraverseStmt(const_cast<Expr *>(Init));
        if (F.Found)
          HasCall.insert(Init);
      }
    }
  return true;
}

bool BodyFacts::VisitUnaryOperator(UnaryOperator *UO) {
  if (UO->isIncrementDecrementOp() || UO->getOpcode() == UO_AddrOf)
    if (const VarDecl *VD = localOf(UO->getSubExpr()))
      Written.insert(VD);
  return true;
}

unsigned BodyFacts::UsesIn(const VarDecl *VD, const std::vector<const Stmt *> &Moved,
                           const std::vector<const VarDecl *> &Locals) const {
  VarUseCounter C;
  C.Var = VD;
  for (const Stmt *S : Moved)
    C.TraverseStmt(const_cast<Stmt *>(S));
  for (const VarDecl *L : Locals)
    if (L != VD && L->getInit())
      C.TraverseStmt(const_cast<Expr *>(L->getInit()));
  return C.Count;
}

const MemberExpr *BodyFacts::field(const Expr *E, const ParmVarDecl *Vma, llvm::StringRef Name,
                                   const llvm::SmallPtrSetImpl<const ParmVarDecl *> *Helpers) {
  const auto *ME = dyn_cast<MemberExpr>(E->IgnoreParenImpCasts());
  if (!ME || ME->getMemberDecl()->getName() != Name)
    return nullptr;
  const auto *DRE = dyn_cast<DeclRefExpr>(accessedObject(ME));
  return DRE && (DRE->getDecl() == Vma || (Helpers && Helpers->count(dyn_cast<ParmVarDecl>(DRE->getDecl())))) ? ME
                                                                                                              : nullptr;
}

bool BodyFacts::VisitDeclRefExpr(DeclRefExpr *DRE) {
  if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()); VD && VD->hasLocalStorage())
    ++UseCount[VD];
  if (isVma(DRE->getDecl()))
    VmaRefs.push_back(DRE);
  else if (DRE->getDecl() == File)
    FileRefs.push_back(DRE);
  if (DRE->getDecl()->getName() == "desc")
    UsesDescName = true;
  return true;
}

bool BodyFacts::VisitVarDecl(VarDecl *VD) {
  if (VD->getName() == "desc")
    UsesDescName = true;
  return true;
}

bool BodyFacts::VisitBinaryOperator(BinaryOperator *BO) {
  if (BO->isAssignmentOp())
    if (const VarDecl *VD = localOf(BO->getLHS()))
      Written.insert(VD);
  if (BO->getOpcode() == BO_Sub && field(BO->getLHS(), Vma, "vm_end", &HelperVmas) &&
      field(BO->getRHS(), Vma, "vm_start", &HelperVmas))
    SizeExprs.push_back(BO);
  if (BO->getOpcode() == BO_EQ || BO->getOpcode() == BO_NE) {
    ComparedTo[BO->getLHS()->IgnoreParenImpCasts()] = BO;
    ComparedTo[BO->getRHS()->IgnoreParenImpCasts()] = BO;
  }
  return true;
}

bool BodyFacts::VisitParenExpr(ParenExpr *PE) {
  ParenOf[PE->getSubExpr()] = PE;
  return true;
}

bool BodyFacts::VisitReturnStmt(ReturnStmt *RS) {
  if (RS->getRetValue())
    ReturnOf[RS->getRetValue()->IgnoreParenImpCasts()] = RS;
  return true;
}

bool BodyFacts::VisitIfStmt(IfStmt *If) {
  const Expr *Cond = If->getCond()->IgnoreParenImpCasts();
  IfOf[Cond] = If;
  return true;
}

bool BodyFacts::VisitCompoundStmt(CompoundStmt *CS) {
  for (Stmt *S : CS->body())
    if (const auto *E = dyn_cast<Expr>(S))
      StatementExprs.insert(E->IgnoreParenImpCasts());
  return true;
}

bool BodyFacts::VisitCallExpr(CallExpr *CE) {
  if (const FunctionDecl *FD = CE->getDirectCallee())
    if (const KernelApi *Api = kernelFunction(FD->getName());
        Api && Api->Effect == EffectKind::FlagsRead && CE->getNumArgs() == 1)
      CowCallOf[CE->getArg(0)->IgnoreParenImpCasts()] = CE;
  return true;
}

bool FunctionRefs::VisitDeclRefExpr(DeclRefExpr *DRE) {
  if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl()))
    if (FD->getCanonicalDecl() == Fn->getCanonicalDecl())
      Refs.push_back(DRE);
  return true;
}

} // namespace vmaprep::rewriter

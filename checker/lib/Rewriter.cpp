//===- Rewriter.cpp -------------------------------------------------------===//
//
// Edits are planned as byte ranges of the main file. Inner edits (a field
// access) are planned before the constructs that contain them (a mapping call
// that becomes an action); an outer edit renders its text from the original
// with the inner edits applied, and replaces them. Whatever the plan does not
// cover makes it refuse: a use of the VMA no edit rewrote, a range inside a
// macro body, a partial overlap.
//
//===----------------------------------------------------------------------===//
#include "vmaprep/Rewriter.h"
#include "vmaprep/ApiProfile.h"
#include "vmaprep/Classifier.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

using namespace clang;

namespace vmaprep {

std::string preparedName(llvm::StringRef Legacy) { return Legacy.str() + "_prepare"; }

std::string predatesRefusal(llvm::StringRef Evidence) {
  return "the tree predates mmap_prepare (" + Evidence.str() + ")";
}

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

namespace {

/// An identifier of the main file as the raw lexer sees it, skipped
/// preprocessor branches included (the parse saw only the configuration it
/// was given), with the innermost conditional around it.
struct RawIdentifier {
  unsigned Offset = 0;
  llvm::StringRef Name;
  bool AfterMember = false; // `x->name`, `x.name`, `struct name`: not a variable
  bool InDirective = false; // part of a #define or #if line
  std::string Condition;    // `#ifdef CONFIG_X` (line N), or `#else of ...`; empty outside conditionals
};

std::vector<RawIdentifier> rawIdentifiers(const SourceManager &SM, const LangOptions &LO, FileID Main) {
  llvm::StringRef Buf = SM.getBufferData(Main);
  Lexer L(SM.getLocForStartOfFile(Main), LO, Buf.begin(), Buf.begin(), Buf.end());
  // Open conditionals, innermost last: the opening line, and the branch now read.
  std::vector<std::pair<std::string, std::string>> Conditions;
  std::vector<RawIdentifier> Out;
  bool InDirective = false;
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
      InDirective = false;
    if (Tok.isAtStartOfLine() && Tok.is(tok::hash)) {
      InDirective = true;
      Token Dir;
      if (L.LexFromRawLexer(Dir) || Dir.is(tok::eof))
        break;
      llvm::StringRef D = Dir.is(tok::raw_identifier) ? Dir.getRawIdentifier() : "";
      if (D == "if" || D == "ifdef" || D == "ifndef")
        Conditions.push_back({LineText(Offset), LineText(Offset)});
      else if ((D == "elif" || D == "else" || D == "elifdef" || D == "elifndef") && !Conditions.empty())
        Conditions.back().second = LineText(Offset) + " of " + Conditions.back().first;
      else if (D == "endif" && !Conditions.empty())
        Conditions.pop_back();
      Prev = Dir;
      continue;
    }
    if (Tok.is(tok::raw_identifier)) {
      RawIdentifier R;
      R.Offset = Offset;
      R.Name = Tok.getRawIdentifier();
      R.AfterMember = Prev.isOneOf(tok::arrow, tok::period) ||
                      (Prev.is(tok::raw_identifier) &&
                       (Prev.getRawIdentifier() == "struct" || Prev.getRawIdentifier() == "union" ||
                        Prev.getRawIdentifier() == "enum"));
      R.InDirective = InDirective;
      if (!Conditions.empty())
        R.Condition = Conditions.back().second;
      Out.push_back(std::move(R));
    }
    Prev = Tok;
  }
  return Out;
}

/// How many times \p Var is named under the nodes it is run on.
struct VarUseCounter : RecursiveASTVisitor<VarUseCounter> {
  const VarDecl *Var = nullptr;
  unsigned Count = 0;
  bool VisitDeclRefExpr(DeclRefExpr *D) {
    Count += D->getDecl() == Var;
    return true;
  }
};

/// Statement-level facts the effect list does not carry.
struct BodyFacts : RecursiveASTVisitor<BodyFacts> {
  const ParmVarDecl *Vma = nullptr, *File = nullptr;
  /// VMA parameters of static helpers converted with the handler.
  llvm::SmallPtrSet<const ParmVarDecl *, 2> HelperVmas;
  bool isVma(const ValueDecl *D) const {
    return D == Vma || (isa<ParmVarDecl>(D) && HelperVmas.count(cast<ParmVarDecl>(D)));
  }
  std::vector<const DeclRefExpr *> VmaRefs, FileRefs;
  std::vector<const BinaryOperator *> SizeExprs; // vma->vm_end - vma->vm_start
  std::map<const Expr *, const ReturnStmt *> ReturnOf;
  std::map<const Expr *, const IfStmt *> IfOf;
  llvm::SmallPtrSet<const Expr *, 8> StatementExprs; // expression statements
  std::map<const Expr *, const BinaryOperator *> ComparedTo; // x in `x == C`
  std::map<const Expr *, const CallExpr *> CowCallOf;        // vm_flags in is_cow_mapping()
  std::map<const Expr *, const ParenExpr *> ParenOf;         // (x) around x
  bool UsesDescName = false;
  bool Releases = false;                                    // a put/dec/free in the hook
  const CallExpr *FirstRelease = nullptr;
  /// What the hook holds until it returns, empty when nothing: a lock it
  /// takes, or a variable with a cleanup function (guard(), __free()).
  std::string Holds;
  SourceLocation HoldsLoc;
  llvm::SmallPtrSet<const VarDecl *, 8> Written;            // assigned, incremented or address taken
  llvm::SmallPtrSet<const Expr *, 8> HasCall;               // initializers that call something
  llvm::DenseMap<const VarDecl *, unsigned> UseCount;
  llvm::DenseMap<const VarDecl *, const DeclStmt *> DeclStmtOf;
  std::vector<std::pair<const DeclRefExpr *, unsigned>> LocalRefs; // with their offsets

  static const VarDecl *localOf(const Expr *E) {
    if (const auto *D = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts()))
      if (const auto *VD = dyn_cast<VarDecl>(D->getDecl()); VD && VD->hasLocalStorage())
        return VD;
    return nullptr;
  }
  bool VisitDeclStmt(DeclStmt *DS) {
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
  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->isIncrementDecrementOp() || UO->getOpcode() == UO_AddrOf)
      if (const VarDecl *VD = localOf(UO->getSubExpr()))
        Written.insert(VD);
    return true;
  }
  /// Uses of \p VD inside the moved statements and the moved locals' initializers.
  unsigned UsesIn(const VarDecl *VD, const std::vector<const Stmt *> &Moved,
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

  static const MemberExpr *field(const Expr *E, const ParmVarDecl *Vma, llvm::StringRef Name,
                                 const llvm::SmallPtrSetImpl<const ParmVarDecl *> *Helpers = nullptr) {
    const auto *ME = dyn_cast<MemberExpr>(E->IgnoreParenImpCasts());
    if (!ME || ME->getMemberDecl()->getName() != Name)
      return nullptr;
    const auto *DRE = dyn_cast<DeclRefExpr>(accessedObject(ME));
    return DRE && (DRE->getDecl() == Vma || (Helpers && Helpers->count(dyn_cast<ParmVarDecl>(DRE->getDecl()))))
               ? ME
               : nullptr;
  }

  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
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
  bool VisitVarDecl(VarDecl *VD) {
    if (VD->getName() == "desc")
      UsesDescName = true;
    if (const auto *Cleanup = VD->getAttr<CleanupAttr>(); Cleanup && Holds.empty()) {
      const FunctionDecl *Fn = Cleanup->getFunctionDecl();
      Holds = "declares '" + VD->getName().str() + "', which " + (Fn ? Fn->getName().str() : std::string("a cleanup")) +
              "() releases when the hook returns";
      HoldsLoc = VD->getLocation();
    }
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *BO) {
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
  bool VisitParenExpr(ParenExpr *PE) {
    ParenOf[PE->getSubExpr()] = PE;
    return true;
  }
  bool VisitReturnStmt(ReturnStmt *RS) {
    if (RS->getRetValue())
      ReturnOf[RS->getRetValue()->IgnoreParenImpCasts()] = RS;
    return true;
  }
  bool VisitIfStmt(IfStmt *If) {
    const Expr *Cond = If->getCond()->IgnoreParenImpCasts();
    IfOf[Cond] = If;
    return true;
  }
  bool VisitCompoundStmt(CompoundStmt *CS) {
    for (Stmt *S : CS->body())
      if (const auto *E = dyn_cast<Expr>(S))
        StatementExprs.insert(E->IgnoreParenImpCasts());
    return true;
  }
  bool VisitCallExpr(CallExpr *CE) {
    if (const FunctionDecl *FD = CE->getDirectCallee()) {
      llvm::StringRef N = FD->getName();
      if (N.contains("_put") || N.contains("_dec") || N.starts_with("put_") || N.contains("free") ||
          N.contains("release") || N == "module_put" || N == "fput") {
        Releases = true;
        if (!FirstRelease)
          FirstRelease = CE;
      }
      if (Holds.empty() && ((N.contains("lock") && !N.contains("unlock")) || N.starts_with("down"))) {
        Holds = "takes a lock (" + N.str() + "())";
        HoldsLoc = CE->getBeginLoc();
      }
    }
    if (const FunctionDecl *FD = CE->getDirectCallee())
      if (FD->getName() == "is_cow_mapping" && CE->getNumArgs() == 1)
        CowCallOf[CE->getArg(0)->IgnoreParenImpCasts()] = CE;
    return true;
  }
};

/// Every reference to a function in the TU.
struct FunctionRefs : RecursiveASTVisitor<FunctionRefs> {
  const FunctionDecl *Fn = nullptr;
  std::vector<const DeclRefExpr *> Refs;
  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl()))
      if (FD->getCanonicalDecl() == Fn->getCanonicalDecl())
        Refs.push_back(DRE);
    return true;
  }
};

class HandlerRewriter {
public:
  HandlerRewriter(const AnalyzedHandler &H, ASTContext &Ctx, ApiLevel Target)
      : H(H), Ctx(Ctx), SM(Ctx.getSourceManager()), LO(Ctx.getLangOpts()), P(profileFor(Target)),
        Target(Target) {}

  MigrationPlan run() {
    const FunctionDecl *FD = H.Summary.Function;
    Plan.Function = FD->getName().str();
    Plan.NewFunction = preparedName(Plan.Function);
    if (plan(FD)) {
      removeDeadLocals(FD);
      finish();
    }
    if (Plan.Applicable && !coversEveryConfiguration())
      Plan.Applicable = false;
    if (!Plan.Applicable) {
      Plan.Edits.clear();
      Plan.Differences.clear(); // of a rewrite that will not be made
    }
    return Plan;
  }

private:
  const AnalyzedHandler &H;
  ASTContext &Ctx;
  const SourceManager &SM;
  const LangOptions &LO;
  const ApiProfile &P;
  ApiLevel Target;
  MigrationPlan Plan;
  FileID Main;
  BodyFacts Facts;
  std::vector<TextEdit> Pending; // may nest; finish() keeps the outermost
  llvm::SmallPtrSet<const Stmt *, 4> MovedToMapped;
  /// The vm_ops->open the hook called by hand, now the body of ->mapped: its
  /// effects (reached through the call) moved with it.
  const FunctionDecl *MovedOpen = nullptr;
  std::set<std::string> ConvertedHelpers;
  /// Bodies the edits rewrite, each with the names of its VMA and file
  /// parameters: what coversEveryConfiguration() looks for in skipped code.
  std::vector<std::pair<const Stmt *, std::vector<std::string>>> EditedBodies;
  /// Where the parse saw the converted helpers named (their declarations and
  /// the handler's calls): any other place names them in skipped code.
  std::set<unsigned> HelperNamesSeen;

  /// One line of the patch description, once.
  void note(const std::string &Change) {
    if (std::find(Plan.Changes.begin(), Plan.Changes.end(), Change) == Plan.Changes.end())
      Plan.Changes.push_back(Change);
  }

  bool refuse(const std::string &Why, SourceLocation Loc) {
    if (Plan.Refusal.empty()) {
      Plan.Refusal = Why;
      Plan.RefusalSite = resolveSite(Loc, SM, LO);
    }
    return false;
  }

  /// The main-file byte range of \p R, or false when it is not one (macro
  /// body, other file, a macro cut in half).
  bool range(SourceRange R, unsigned &Begin, unsigned &End) {
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

  llvm::StringRef buffer() const { return SM.getBufferData(Main); }

  /// Original text of [B, E) with the pending edits inside it applied.
  std::string render(unsigned B, unsigned E) const {
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

  bool renderExpr(const Expr *E, std::string &Out) {
    unsigned B, End;
    if (!range(E->getSourceRange(), B, End))
      return refuse("an operand is spelled inside a macro", E->getBeginLoc());
    Out = render(B, End);
    return true;
  }

  bool replace(SourceRange R, std::string Text, SourceLocation Why) {
    unsigned B, E;
    if (!range(R, B, E))
      return refuse("the edit would land inside a macro expansion", Why);
    Pending.push_back({B, E - B, std::move(Text)});
    return true;
  }

  /// Leading whitespace of the line holding \p Offset.
  std::string indentAt(unsigned Offset) const {
    llvm::StringRef Buf = buffer();
    size_t LineStart = Buf.rfind('\n', Offset);
    LineStart = LineStart == llvm::StringRef::npos ? 0 : LineStart + 1;
    size_t I = LineStart;
    while (I < Buf.size() && (Buf[I] == ' ' || Buf[I] == '\t'))
      ++I;
    return Buf.substr(LineStart, I - LineStart).str();
  }

  /// End offset of a statement, past its `;` when it has one.
  bool statementEnd(const Stmt *S, unsigned &End) {
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

  static bool isComposite(const VmaEffect &E) {
    return E.Kind == EffectKind::Mapping || E.Kind == EffectKind::Delegation ||
           E.Kind == EffectKind::FlagsChange || (E.Kind == EffectKind::FieldWrite && E.Detail == "vma_set_file");
  }

  /// Column of \p Offset in the buffer, with tab stops of 8 from the line's
  /// start.
  unsigned columnOf(unsigned Offset) {
    llvm::StringRef Buf = buffer();
    size_t NL = Offset ? Buf.rfind('\n', Offset - 1) : llvm::StringRef::npos;
    unsigned Line = NL == llvm::StringRef::npos ? 0 : unsigned(NL + 1);
    unsigned Col = 0;
    for (unsigned I = Line; I < Offset; ++I)
      Col = Buf[I] == '\t' ? (Col / 8 + 1) * 8 : Col + 1;
    return Col;
  }

  /// Whitespace from column \p From to column \p To, in tabs (then spaces)
  /// or spaces as the table writes it; "" when \p To cannot be reached.
  static std::string gapTo(unsigned From, unsigned To, bool Tabs) {
    std::string Ws;
    while (Tabs && (From / 8 + 1) * 8 <= To) {
      From = (From / 8 + 1) * 8;
      Ws += '\t';
    }
    if (From < To)
      Ws += std::string(To - From, ' ');
    return Ws;
  }

  /// The whitespace of a table line between a member name ending at \p E
  /// and its value, rebuilt for a name that now ends at column \p NameEnd:
  /// an aligned `=` (`.mmap\t\t= f`, `.mmap    = f`) or an aligned value
  /// (`.mmap =\t\tf`) stays at its column when it can. "" when the table
  /// does not align (or the new name passes the column).
  std::string alignedSeparator(unsigned E, unsigned NameEnd) {
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

  /// `.mmap\t\t= f` -> `.mmap_prepare\t= f`: the member grows by 8 columns;
  /// whitespace that aligned the `=` or the value with its neighbours keeps
  /// it aligned.
  bool renameMember(SourceLocation NameLoc) {
    unsigned B, E;
    if (!range(NameLoc, B, E))
      return refuse("the member name is in a macro", NameLoc);
    llvm::StringRef Buf = buffer();
    std::string Text = "mmap_prepare";
    std::string Separator = alignedSeparator(E, columnOf(B) + unsigned(Text.size()));
    if (!Separator.empty()) {
      unsigned Value = E;
      while (Value < Buf.size() && Buf[Value] != '=')
        ++Value;
      ++Value;
      while (Value < Buf.size() && (Buf[Value] == ' ' || Buf[Value] == '\t'))
        ++Value;
      Pending.push_back({B, Value - B, Text + Separator});
      return true;
    }
    Pending.push_back({B, E - B, Text});
    return true;
  }

  /// A new `.member = Value,` line for the designated initializer whose
  /// brace is at \p Brace, indented and aligned as its first member is.
  std::string newMemberLine(unsigned Brace, llvm::StringRef Member, llvm::StringRef Value) {
    llvm::StringRef Buf = buffer();
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
        alignedSeparator(unsigned(NameEnd), columnOf(unsigned(Dot)) + 1 + unsigned(Member.size()));
    if (Separator.empty())
      return "\n" + Indent + "." + Member.str() + " = " + Value.str() + ",";
    return "\n" + Indent + "." + Member.str() + Separator + Value.str() + ",";
  }

  /// Removes the statement at [B, End) with its line, and one of two blank
  /// lines the removal would leave side by side.
  void removeStatementLine(unsigned B, unsigned End) {
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

  bool plan(const FunctionDecl *FD);
  bool coversEveryConfiguration();
  void removeDeadLocals(const FunctionDecl *FD);
  bool planHelpers(const FunctionDecl *FD);
  bool planMappedCallback(const FunctionDecl *FD);
  bool mappedBodyFromOpen(const FunctionDecl *Open, const std::string &FileName, std::string &Body);
  bool movableDependencies(const Expr *E, const FunctionDecl *FD, unsigned Before,
                           std::vector<const VarDecl *> &Locals, unsigned Depth = 0);
  bool planSignature(const FunctionDecl *FD);
  bool planSites();
  bool refusePositional(const OpsSite &S);
  bool planEffect(const VmaEffect &E, unsigned Index);
  bool planFieldAccess(const MemberExpr *ME, bool Write);
  bool planFlagsTest(const VmaEffect &E);
  bool planFlagsChange(const VmaEffect &E);
  bool planMapping(const VmaEffect &E, unsigned Index);
  bool pageArrayOutlivesHook(const VmaEffect &E, const CallExpr *CE);
  bool planInsertPages(const VmaEffect &E, const CallExpr *CE, std::string &Action, std::string &Guard);
  bool planDelegation(const VmaEffect &E);
  void finish();

  std::string flagChange(bool Set, llvm::StringRef MaskText, bool &Ok) {
    if (!P.BitmapFlags)
      return Set ? "desc->vm_flags |= " + MaskText.str() : "desc->vm_flags &= ~(" + MaskText.str() + ")";
    std::vector<std::string> Flags;
    Ok = splitFlagMask(MaskText, Flags);
    std::string Call = Set ? "vma_desc_set_flags(desc" : "vma_desc_clear_flags(desc";
    for (const std::string &F : Flags) {
      std::string Bit = flagBitName(F);
      if (Bit.empty())
        Ok = false;
      Call += ", " + Bit;
    }
    return Call + ")";
  }
};

bool HandlerRewriter::plan(const FunctionDecl *FD) {
  Plan.File = resolveSite(FD->getLocation(), SM, LO).File;
  Main = SM.getMainFileID();
  if (H.Handler.Kind != HookKind::LegacyMmap)
    return refuse("already an mmap_prepare handler", FD->getLocation());
  if (!H.Summary.BodyVisible) {
    // `.mmap = generic_file_mmap`: only the table changes.
    KnownHandler Known = knownHandler(FD->getName());
    if (Known != KnownHandler::GenericFileMmap && Known != KnownHandler::GenericFileReadonlyMmap)
      return refuse("the handler's body is not in this file", FD->getLocation());
    Plan.File = resolveSite(SM.getLocForStartOfFile(Main), SM, LO).File;
    return planSites();
  }
  bool MovesState = H.Result.Kind == VerdictKind::ConvertibleWithMapped &&
                    levelHas(Target, ApiCapability::MappedCallback);
  if (H.Result.Kind != VerdictKind::AutoConvertible && !MovesState)
    return refuse(std::string("the verdict is ") + verdictName(H.Result.Kind).str() +
                      ", not auto-convertible at API level " + apiLevelName(Target).str() +
                      (H.Result.Reasons.empty() ? "" : " (" + H.Result.Reasons.front().Text + ")"),
                  FD->getLocation());
  if (SM.getFileID(SM.getExpansionLoc(FD->getLocation())) != Main)
    return refuse("the handler is defined in a header", FD->getLocation());
  if (FD->getLocation().isMacroID())
    return refuse("the handler's name comes from a macro", FD->getLocation());
  if (FD->getStorageClass() != SC_Static)
    return refuse("the handler is not static: other files may call it", FD->getLocation());
  if (!hasLegacyMmapSignature(FD))
    return refuse("the handler does not have the legacy signature", FD->getLocation());

  Facts.File = FD->getParamDecl(0);
  Facts.Vma = FD->getParamDecl(1);
  EditedBodies.push_back({FD->getBody(), {Facts.Vma->getName().str(), Facts.File->getName().str()}});
  Facts.TraverseStmt(FD->getBody());
  if (Facts.UsesDescName)
    return refuse("the handler already uses the name 'desc'", FD->getLocation());

  // Other references to the handler: a direct call or a stored pointer would
  // keep the old signature alive.
  FunctionRefs Refs;
  Refs.Fn = FD;
  Refs.TraverseDecl(Ctx.getTranslationUnitDecl());
  llvm::SmallPtrSet<const Expr *, 4> SiteExprs;
  for (const OpsSite &S : H.Handler.Sites) {
    const Expr *E = S.Init->IgnoreParenCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(E))
      E = UO->getSubExpr()->IgnoreParenCasts();
    SiteExprs.insert(E);
  }
  for (const DeclRefExpr *Ref : Refs.Refs)
    if (!SiteExprs.count(Ref))
      return refuse("the handler is used outside ops tables (called or stored); its signature cannot change",
                    Ref->getBeginLoc());

  // New name must be free.
  IdentifierInfo &NewId = Ctx.Idents.get(Plan.NewFunction);
  if (!Ctx.getTranslationUnitDecl()->lookup(DeclarationName(&NewId)).empty())
    return refuse("'" + Plan.NewFunction + "' already exists", FD->getLocation());

  if (!planHelpers(FD))
    return false;
  // Accesses first, then the constructs that contain them (a mapping call
  // renders its arguments with the accesses already rewritten).
  for (const DeclRefExpr *Ref : Facts.FileRefs)
    if (!replace(Ref->getSourceRange(), "desc->file", Ref->getBeginLoc()))
      return false;
  if (MovesState && !planMappedCallback(FD))
    return false;
  for (bool Composite : {false, true})
    for (unsigned I = 0; I < H.Summary.Effects.size(); ++I)
      if (isComposite(H.Summary.Effects[I]) == Composite && !planEffect(H.Summary.Effects[I], I))
        return false;
  if (!planSignature(FD) || !planSites())
    return false;

  // Every use of the VMA must be inside an edit.
  for (const DeclRefExpr *Ref : Facts.VmaRefs) {
    unsigned B, E;
    if (!range(Ref->getSourceRange(), B, E))
      return refuse("the VMA is used inside a macro", Ref->getBeginLoc());
    bool Covered = std::any_of(Pending.begin(), Pending.end(), [&](const TextEdit &T) {
      return T.Offset <= B && E <= T.Offset + T.Length;
    });
    if (!Covered)
      return refuse("the VMA is used in a way the rewriter does not handle", Ref->getBeginLoc());
  }
  return true;
}

/// The parse saw one configuration; the edits change the source of all of
/// them. A name the rewrite changes (the handler, a name a table spells for
/// it, a converted helper), or a use of the VMA or file in an edited body,
/// that no edit covers is code the preprocessor skipped here (an #else stub,
/// a !CONFIG_MMU branch, a conditional table entry) or a #define that aliases
/// it (erofs_file_mmap): in the configuration that compiles it the rewrite
/// would leave it legacy, which either does not build or, worse, builds and
/// orphans the other handler. Refused, naming the condition.
bool HandlerRewriter::coversEveryConfiguration() {
  std::set<std::string> Names{Plan.Function};
  for (const OpsSite &S : H.Handler.Sites) {
    const Expr *E = S.Init->IgnoreParenCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(E))
      E = UO->getSubExpr()->IgnoreParenCasts();
    SourceLocation Spelled = SM.getExpansionLoc(E->getBeginLoc());
    SmallString<32> Text;
    if (SM.getFileID(Spelled) == Main)
      Names.insert(Lexer::getSpelling(Spelled, Text, SM, LO).str());
  }
  std::vector<std::pair<unsigned, unsigned>> Bodies;
  for (const auto &[Body, Params] : EditedBodies) {
    unsigned B, E;
    if (Body && range(Body->getSourceRange(), B, E))
      Bodies.push_back({B, E});
  }
  auto Covered = [&](unsigned Offset) {
    return std::any_of(Plan.Edits.begin(), Plan.Edits.end(),
                       [&](const TextEdit &T) { return T.Offset <= Offset && Offset < T.Offset + T.Length; });
  };
  for (const RawIdentifier &R : rawIdentifiers(SM, LO, Main)) {
    bool Renamed = Names.count(R.Name.str()) ||
                   (ConvertedHelpers.count(R.Name.str()) && !HelperNamesSeen.count(R.Offset));
    bool BodyUse = false;
    for (size_t I = 0; I < Bodies.size() && !Renamed && !R.AfterMember; ++I)
      if (Bodies[I].first <= R.Offset && R.Offset < Bodies[I].second)
        for (const std::string &P : EditedBodies[I].second)
          BodyUse |= !P.empty() && R.Name == P;
    if ((!Renamed && !BodyUse) || Covered(R.Offset))
      continue;
    SourceLocation At = SM.getLocForStartOfFile(Main).getLocWithOffset(R.Offset);
    std::string What = Renamed ? "'" + R.Name.str() + "'" : "the hook's '" + R.Name.str() + "'";
    if (!R.Condition.empty())
      return refuse(What + " is also used in code under " + R.Condition +
                        ", which this parse did not compile; the rewrite would leave it as it is in the "
                        "configuration that does",
                    At);
    return refuse(What + " is also used " + (R.InDirective ? "in a preprocessor directive" : "where no edit reaches") +
                      " (line " + std::to_string(SM.getLineNumber(Main, R.Offset)) + ")",
                  At);
  }
  return true;
}

/// Static helpers the VMA reaches, converted with the handler when they only
/// read it and only this handler calls them (upstream did this for dax's
/// check_vma): the helper takes the desc instead, and so does the call.
bool HandlerRewriter::planHelpers(const FunctionDecl *FD) {
  std::map<std::string, bool> ReadOnly;
  for (const VmaEffect &E : H.Summary.Effects) {
    if (E.Via.empty())
      continue;
    bool Read = E.Kind == EffectKind::FieldRead || E.Kind == EffectKind::FlagsTest ||
                E.Kind == EffectKind::FlagsRead || E.Kind == EffectKind::SizeQuery;
    if (E.Via.size() != 1 || !Read) {
      ReadOnly[E.Via.front().Callee] = false;
      continue;
    }
    ReadOnly.try_emplace(E.Via.front().Callee, true);
  }
  for (const auto &[Name, OnlyReads] : ReadOnly) {
    if (!OnlyReads)
      continue; // planEffect refuses, with the effect's location
    const FunctionDecl *Helper = nullptr;
    for (const NamedDecl *D : Ctx.getTranslationUnitDecl()->lookup(&Ctx.Idents.get(Name)))
      if (const auto *F = dyn_cast<FunctionDecl>(D); F && F->getDefinition())
        Helper = F->getDefinition();
    if (!Helper || Helper->getStorageClass() != SC_Static ||
        SM.getFileID(SM.getExpansionLoc(Helper->getLocation())) != Main)
      continue;
    const ParmVarDecl *Param = nullptr;
    unsigned ParamIndex = 0;
    for (unsigned I = 0; I < Helper->getNumParams(); ++I)
      if (isVmaPointer(Helper->getParamDecl(I)->getType())) {
        if (Param)
          return refuse(Name + "() takes two VMAs", Helper->getLocation());
        Param = Helper->getParamDecl(I);
        ParamIndex = I;
      }
    if (!Param)
      continue;
    // Every use of the helper is a call from this handler, passing its VMA.
    FunctionRefs Uses;
    Uses.Fn = Helper;
    Uses.TraverseDecl(Ctx.getTranslationUnitDecl());
    struct Calls : RecursiveASTVisitor<Calls> {
      const FunctionDecl *Fn;
      std::vector<const CallExpr *> Found;
      bool VisitCallExpr(CallExpr *CE) {
        if (const FunctionDecl *C = CE->getDirectCallee(); C && C->getCanonicalDecl() == Fn->getCanonicalDecl())
          Found.push_back(CE);
        return true;
      }
    } InHandler;
    InHandler.Fn = Helper;
    InHandler.TraverseStmt(FD->getBody());
    if (Uses.Refs.size() != InHandler.Found.size())
      return refuse(Name + "() takes the VMA and is used elsewhere too; it cannot change its parameter",
                    Helper->getLocation());
    for (const CallExpr *Call : InHandler.Found) {
      const auto *Arg = ParamIndex < Call->getNumArgs()
                            ? dyn_cast<DeclRefExpr>(Call->getArg(ParamIndex)->IgnoreParenImpCasts())
                            : nullptr;
      if (!Arg || Arg->getDecl() != Facts.Vma)
        return refuse(Name + "() is not passed the handler's own VMA", Call->getBeginLoc());
      if (!replace(Arg->getSourceRange(), "desc", Arg->getBeginLoc()))
        return false;
    }
    bool Const = Param->getType()->getPointeeType().isConstQualified();
    for (const FunctionDecl *D : Helper->redecls()) {
      const ParmVarDecl *P = D->getParamDecl(ParamIndex);
      if (!replace(P->getSourceRange(), Const ? "const struct vm_area_desc *desc" : "struct vm_area_desc *desc",
                   P->getBeginLoc()))
        return false;
    }
    Facts.HelperVmas.insert(Param);
    EditedBodies.push_back({Helper->getBody(), {Param->getName().str()}});
    for (const FunctionDecl *D : Helper->redecls())
      HelperNamesSeen.insert(SM.getFileOffset(SM.getExpansionLoc(D->getLocation())));
    for (const CallExpr *Call : InHandler.Found)
      HelperNamesSeen.insert(SM.getFileOffset(SM.getExpansionLoc(Call->getCallee()->getBeginLoc())));
    BodyFacts HelperFacts;
    HelperFacts.Vma = Param;
    HelperFacts.TraverseStmt(Helper->getBody());
    if (HelperFacts.UsesDescName)
      return refuse(Name + "() already uses the name 'desc'", Helper->getLocation());
    // The helper's facts join the handler's: the same edits cover both bodies.
    Facts.TraverseStmt(Helper->getBody());
    ConvertedHelpers.insert(Name);
    note(Name + "() takes the desc instead of the VMA");
  }
  return true;
}

bool HandlerRewriter::planSignature(const FunctionDecl *FD) {
  for (const FunctionDecl *D : FD->redecls()) {
    if (D->getLocation().isMacroID() || SM.getFileID(D->getLocation()) != Main)
      return refuse("a declaration of the handler is in another file or a macro", D->getLocation());
    if (!replace(D->getLocation(), Plan.NewFunction, D->getLocation()))
      return false;
    if (D->getNumParams() != 2)
      return refuse("a declaration of the handler has an unexpected parameter list", D->getLocation());
    SourceRange Params(D->getParamDecl(0)->getBeginLoc(), D->getParamDecl(1)->getEndLoc());
    if (!replace(Params, "struct vm_area_desc *desc", D->getLocation()))
      return false;
  }
  Plan.Changes.insert(Plan.Changes.begin(),
                      Plan.Function + "() becomes " + Plan.NewFunction + "(struct vm_area_desc *desc)");
  return true;
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
  std::string Which = Finder.Entry ? "entry " + std::to_string(Finder.Entry) + " of '" + S.Table + "'" : "'" + S.Table + "'";
  return refuse(Which + " sets ." + S.Member + " = " + Plan.Function +
                    " by position; vmaprep does not rewrite positional tables (struct " + S.Record +
                    " is __designated_init in the kernel, and .mmap_prepare could be reached only by spelling "
                    "every member before it): write '" +
                    S.Table + "' with designated initializers (." + S.Member + " = " + Plan.Function +
                    ") and run vmaprep fix again",
                S.Init->getBeginLoc());
}

bool HandlerRewriter::planFieldAccess(const MemberExpr *ME, bool Write) {
  llvm::StringRef F = ME->getMemberDecl()->getName();
  std::string To;
  if (F == "vm_start" && !Write)
    To = "desc->start";
  else if (F == "vm_end" && !Write)
    To = "desc->end";
  else if (F == "vm_pgoff")
    To = "desc->pgoff";
  else if (F == "vm_page_prot")
    To = "desc->page_prot";
  else if (F == "vm_file")
    To = ("desc->" + P.VmFileField).str();
  else if (F == "vm_mm" && !Write)
    To = "desc->mm";
  else if (F == "vm_ops" && Write)
    To = "desc->vm_ops";
  else if (F == "vm_private_data" && Write)
    To = "desc->private_data";
  else
    return refuse(std::string(Write ? "writes" : "reads") + " vma->" + F.str() +
                      ", which the desc does not provide for that use",
                  ME->getBeginLoc());
  return replace(ME->getSourceRange(), To, ME->getBeginLoc());
}

bool HandlerRewriter::planFlagsTest(const VmaEffect &E) {
  const auto *BO = dyn_cast<BinaryOperator>(E.Node);
  if (!BO) {
    // vma_test(vma, BIT) in 7.x trees.
    const auto *CE = dyn_cast<CallExpr>(E.Node);
    if (!CE || E.Name != "vma_test" || CE->getNumArgs() != 2 || P.TestOneBit.empty())
      return refuse("a flag test the rewriter does not handle: " + E.Text, E.Node->getBeginLoc());
    std::string Bit;
    if (!renderExpr(CE->getArg(1), Bit))
      return false;
    return replace(CE->getSourceRange(), P.TestOneBit.str() + "(desc, " + Bit + ")", CE->getBeginLoc());
  }
  const Expr *FlagsSide = BO->getLHS()->IgnoreParenImpCasts();
  const Expr *MaskSide = BO->getRHS();
  if (!isa<MemberExpr>(FlagsSide)) {
    FlagsSide = BO->getRHS()->IgnoreParenImpCasts();
    MaskSide = BO->getLHS();
  }
  const auto *ME = dyn_cast<MemberExpr>(FlagsSide);
  if (!ME)
    return refuse("a flag test the rewriter does not handle: " + E.Text, BO->getBeginLoc());
  if (!P.BitmapFlags)
    return replace(ME->getSourceRange(), "desc->vm_flags", ME->getBeginLoc());
  // With bitmap flags the test becomes a bool: only sound where the mask's
  // value was used as a truth value.
  unsigned B, End;
  if (!range(MaskSide->getSourceRange(), B, End))
    return refuse("the flag mask is not spelled in the file", BO->getBeginLoc());
  std::vector<std::string> Flags;
  if (!splitFlagMask(buffer().substr(B, End - B), Flags))
    return refuse("the flag mask is not a list of VM_* names: " + buffer().substr(B, End - B).str(),
                  BO->getBeginLoc());
  // `(flags & M) == M` tests that every bit of M is set (dax's check_vma);
  // `!= M` that one is missing; a comparison with 0 is a truth value.
  const BinaryOperator *AllOf = nullptr;
  if (Facts.ComparedTo.count(BO)) {
    const BinaryOperator *Cmp = Facts.ComparedTo.at(BO);
    const Expr *Other = Cmp->getLHS()->IgnoreParenImpCasts() == BO ? Cmp->getRHS() : Cmp->getLHS();
    Expr::EvalResult R, Mask;
    bool Zero = Other->EvaluateAsInt(R, Ctx) && R.Val.getInt() == 0;
    bool SameMask = Other->EvaluateAsInt(R, Ctx) && MaskSide->EvaluateAsInt(Mask, Ctx) &&
                    R.Val.getInt() == Mask.Val.getInt();
    if (!Zero && !SameMask)
      return refuse("compares a flag mask with a value; the bitmap helpers only test bits", BO->getBeginLoc());
    if (SameMask)
      AllOf = Cmp;
  }
  std::string Helper = Flags.size() == 1 ? P.TestOneBit.str() : (AllOf ? P.TestAllBits : P.TestAnyBits).str();
  if (Helper.empty())
    return refuse("API level " + apiLevelName(Target).str() + " cannot test several flags at once",
                  BO->getBeginLoc());
  std::string Call = Helper + "(desc";
  for (const std::string &F : Flags) {
    std::string Bit = flagBitName(F);
    if (Bit.empty())
      return refuse(F + " has no VMA_*_BIT name", BO->getBeginLoc());
    Call += ", " + Bit;
  }
  if (AllOf) {
    std::string Test = (AllOf->getOpcode() == BO_NE ? "!" : "") + Call + ")";
    auto Paren = Facts.ParenOf.find(AllOf);
    SourceRange R = Paren != Facts.ParenOf.end() ? Paren->second->getSourceRange() : AllOf->getSourceRange();
    return replace(R, Test, BO->getBeginLoc());
  }
  // `(vma->vm_flags & VM_X)` loses its parentheses with the mask.
  auto Paren = Facts.ParenOf.find(BO);
  SourceRange R = Paren != Facts.ParenOf.end() ? Paren->second->getSourceRange() : BO->getSourceRange();
  return replace(R, Call + ")", BO->getBeginLoc());
}

bool HandlerRewriter::planFlagsChange(const VmaEffect &E) {
  bool Ok = true;
  if (const auto *CE = dyn_cast<CallExpr>(E.Node)) {
    if (!Facts.StatementExprs.count(CE))
      return refuse("a flag change inside an expression: " + E.Text, CE->getBeginLoc());
    std::string Text;
    if (E.Name == "vm_flags_set" || E.Name == "vm_flags_clear") {
      unsigned B, End;
      if (!range(CE->getArg(1)->getSourceRange(), B, End))
        return refuse("the flag mask is spelled inside a macro", CE->getBeginLoc());
      Text = flagChange(E.Name == "vm_flags_set", buffer().substr(B, End - B), Ok);
    } else if (E.Name == "vm_flags_mod" || E.Name == "__vm_flags_mod") {
      unsigned B1, E1, B2, E2;
      if (!range(CE->getArg(1)->getSourceRange(), B1, E1) || !range(CE->getArg(2)->getSourceRange(), B2, E2))
        return refuse("the flag mask is spelled inside a macro", CE->getBeginLoc());
      unsigned Start, Dummy;
      range(CE->getSourceRange(), Start, Dummy);
      bool Ok2 = true;
      Text = flagChange(true, buffer().substr(B1, E1 - B1), Ok) + ";\n" + indentAt(Start) +
             flagChange(false, buffer().substr(B2, E2 - B2), Ok2);
      Ok = Ok && Ok2;
    } else if (E.Name == "vma_set_flags_mask" || E.Name == "vma_clear_flags_mask") {
      // The 7.x macros vma_set_flags(vma, BITS...) / vma_clear_flags(): keep the bits.
      unsigned B, End;
      if (!range(CE->getSourceRange(), B, End))
        return refuse("a flag change the rewriter cannot locate", CE->getBeginLoc());
      llvm::StringRef Src = buffer().substr(B, End - B);
      llvm::StringRef Macro = E.Name == "vma_set_flags_mask" ? "vma_set_flags(" : "vma_clear_flags(";
      size_t Comma = Src.find(',');
      if (!Src.starts_with(Macro) || Comma == llvm::StringRef::npos)
        return refuse("a flag change the rewriter does not handle: " + E.Text, CE->getBeginLoc());
      Text = (E.Name == "vma_set_flags_mask" ? "vma_desc_set_flags(desc" : "vma_desc_clear_flags(desc") +
             Src.substr(Comma).str();
    } else {
      return refuse("replaces all flags (" + E.Name + ")", CE->getBeginLoc());
    }
    if (!Ok)
      return refuse("the flag mask is not a list of VM_* names with bit names: " + E.Text, CE->getBeginLoc());
    note(E.Name + "() becomes " +
         (P.BitmapFlags ? Text.substr(0, Text.find('(')) + "()" : std::string("an update of desc->vm_flags")));
    return replace(CE->getSourceRange(), Text, CE->getBeginLoc());
  }
  // Trees before 6.3: vma->vm_flags |= X.
  const auto *BO = dyn_cast<BinaryOperator>(E.Node);
  if (!BO || (BO->getOpcode() != BO_OrAssign))
    return refuse("a flag change the rewriter does not handle: " + E.Text, E.Node->getBeginLoc());
  unsigned B, End;
  if (!range(BO->getRHS()->getSourceRange(), B, End))
    return refuse("the flag mask is spelled inside a macro", BO->getBeginLoc());
  std::string Text = flagChange(true, buffer().substr(B, End - B), Ok);
  if (!Ok)
    return refuse("the flag mask is not a list of VM_* names: " + E.Text, BO->getBeginLoc());
  return replace(BO->getSourceRange(), Text, BO->getBeginLoc());
}

bool HandlerRewriter::planMapping(const VmaEffect &E, unsigned Index) {
  const auto *CE = cast<CallExpr>(E.Node);
  bool IsRemap = E.Name == "remap_pfn_range", IsIo = E.Name == "io_remap_pfn_range";
  bool IsIomap = E.Name == "vm_iomap_memory";
  bool IsMapPages = E.Name == "vm_map_pages" || E.Name == "vm_map_pages_zero";
  bool IsInsertPages = E.Name == "vm_insert_pages";
  if (!IsRemap && !IsIo && !IsIomap && !IsMapPages && !IsInsertPages)
    return refuse(E.Name + "() has no action the rewriter emits yet", CE->getBeginLoc());
  if ((IsMapPages || IsInsertPages) && !P.MapKernelPages)
    return refuse(E.Name + "() needs mmap_action_map_kernel_pages(), which API level " +
                      apiLevelName(Target).str() + " lacks",
                  CE->getBeginLoc());
  if (!IsMapPages && !IsInsertPages && ((IsIomap && !P.SimpleIoremap) || (!IsIomap && !P.RemapActions)))
    return refuse(E.Name + "() needs an action API level " + apiLevelName(Target).str() + " lacks",
                  CE->getBeginLoc());
  // The action captures desc->page_prot when it is set: nothing may change
  // the protection after it.
  for (unsigned I = Index + 1; I < H.Summary.Effects.size(); ++I) {
    const VmaEffect &Later = H.Summary.Effects[I];
    if (Later.Kind == EffectKind::FieldWrite && Later.Name == "vm_page_prot")
      return refuse("vm_page_prot changes after " + E.Name + "(); the action would use the old protection",
                    Later.Node->getBeginLoc());
    // The action runs after the hook and sets what the call set (VM_IO, VM_PFNMAP, VM_DONTEXPAND,
    // VM_DONTDUMP or VM_MIXEDMAP, and for a private writable mapping the pfn in vm_pgoff): a later
    // clear, a later vm_pgoff write or a later VM_MAYWRITE (which makes the mapping CoW) would be
    // replayed over. Found by validation (test/checker/fix/validation.test).
    const bool PureSet = (Later.Name == "vm_flags_set" || Later.Name == "vma_set_flags_mask" ||
                          Later.Name == "vma_flags_set_mask" || Later.Name == "vm_flags |=") &&
                         llvm::none_of(Later.Operands, [](const std::string &O) {
                           return llvm::StringRef(O).contains("MAYWRITE");
                         });
    if (Later.Kind == EffectKind::FlagsChange && !PureSet)
      return refuse("the flags change after " + E.Name + "() (" + Later.Text +
                        "); the action applies the call's flags after the hook and would undo it",
                    Later.Node->getBeginLoc());
    if (Later.Kind == EffectKind::FieldWrite && Later.Name == "vm_pgoff")
      return refuse("vm_pgoff changes after " + E.Name + "(); the action, which runs after the hook, "
                    "stores the pfn there for a private writable mapping",
                    Later.Node->getBeginLoc());
  }
  std::string Action, Prot;
  // vm_map_pages() maps pages[vm_pgoff + i] after checking that the array
  // holds them (-ENXIO); the action maps pages[i] from the start and checks
  // nothing (mm/memory.c, 7.3): the rewrite offsets the array and keeps the
  // check, in front of the action.
  std::string Guard;
  if ((IsMapPages || IsInsertPages) && !pageArrayOutlivesHook(E, CE))
    return false;
  if (IsInsertPages) {
    if (!planInsertPages(E, CE, Action, Guard))
      return false;
  } else if (IsMapPages) {
    auto Simple = [](const Expr *X) {
      X = X->IgnoreParenImpCasts();
      while (const auto *ME = dyn_cast<MemberExpr>(X))
        X = ME->getBase()->IgnoreParenImpCasts();
      return isa<DeclRefExpr>(X) || isa<IntegerLiteral>(X);
    };
    if (!Simple(CE->getArg(1)) || !Simple(CE->getArg(2)))
      return refuse("the page array and count of " + E.Name +
                        "() must be plain variables or fields: the rewrite uses them twice",
                    CE->getBeginLoc());
    std::string Pages, Num;
    if (!renderExpr(CE->getArg(1), Pages) || !renderExpr(CE->getArg(2), Num))
      return false;
    bool Zero = E.Name == "vm_map_pages_zero";
    std::string Bound = Zero ? "vma_desc_pages(desc) > " + Num
                             : "desc->pgoff >= " + Num + " || vma_desc_pages(desc) > " + Num + " - desc->pgoff";
    Guard = "if (" + Bound + ")\n%INDENT%\treturn %ERR%;";
    Action = "mmap_action_map_kernel_pages_full(desc, " + Pages + (Zero ? "" : " + desc->pgoff") + ")";
  } else if (IsIomap) {
    std::string Phys, Len;
    if (!renderExpr(CE->getArg(1), Phys) || !renderExpr(CE->getArg(2), Len))
      return false;
    Action = "mmap_action_simple_ioremap(desc, " + Phys + ", " + Len + ")";
  } else {
    const Expr *ProtArg = CE->getArg(4)->IgnoreParenImpCasts();
    const auto *ProtME = dyn_cast<MemberExpr>(ProtArg);
    if (!ProtME || ProtME->getMemberDecl()->getName() != "vm_page_prot" ||
        !BodyFacts::field(ProtME, Facts.Vma, "vm_page_prot", &Facts.HelperVmas)) {
      std::string ProtText;
      if (!renderExpr(CE->getArg(4), ProtText))
        return false;
      Prot = "desc->page_prot = " + ProtText + ";";
      Plan.Differences.push_back("vma->vm_page_prot becomes " + ProtText + ", the protection " + E.Name +
                                 "() mapped with; the legacy hook left it as it was");
    }
    std::string Name = IsIo ? "mmap_action_ioremap" : "mmap_action_remap";
    std::string Pfn;
    if (!renderExpr(CE->getArg(2), Pfn))
      return false;
    if (E.Range == MappingRange::WholeVma) {
      Action = Name + "_full(desc, " + Pfn + ")";
    } else {
      std::string Start, Size;
      if (!renderExpr(CE->getArg(1), Start) || !renderExpr(CE->getArg(3), Size))
        return false;
      Action = Name + "(desc, " + Start + ", " + Pfn + ", " + Size + ")";
    }
  }
  note(E.Name + "() becomes " + Action.substr(0, Action.find('(')) + "()");

  const Stmt *Replaced = nullptr;
  std::string Text;
  unsigned B, End;
  auto Lead = [&](unsigned At, const std::string &Err) {
    std::string Out = Prot.empty() ? "" : Prot + "\n" + indentAt(At);
    if (!Guard.empty()) {
      std::string G = Guard;
      G.replace(G.find("%INDENT%"), 8, indentAt(At));
      G.replace(G.find("%ERR%"), 5, Err);
      Out += G + "\n" + indentAt(At);
    }
    return Out;
  };
  switch (E.Use) {
  case ResultUse::Returned: {
    auto It = Facts.ReturnOf.find(CE);
    if (It == Facts.ReturnOf.end())
      return refuse("cannot find the return of " + E.Name + "()", CE->getBeginLoc());
    Replaced = It->second;
    if (!range(Replaced->getSourceRange(), B, End) || !statementEnd(Replaced, End))
      return refuse("the return statement is inside a macro", CE->getBeginLoc());
    if (IsInsertPages)
      Guard.clear(); // the action's own -EFAULT is vm_insert_pages()'s
    Text = Lead(B, "-ENXIO") + Action + ";\n" + indentAt(B) + "return 0;";
    break;
  }
  case ResultUse::ErrorMapped: {
    const IfStmt *If = nullptr;
    for (auto &[Cond, I] : Facts.IfOf)
      if (Cond == CE || (isa<BinaryOperator>(Cond) &&
                         (cast<BinaryOperator>(Cond)->getLHS()->IgnoreParenImpCasts() == CE)))
        If = I;
    if (!If || If->getElse() || !P.ErrorOverride)
      return refuse(P.ErrorOverride ? "cannot rewrite the error check around " + E.Name + "()"
                                    : "turning the error into " + E.ErrorValue +
                                          " needs desc->action.error_override (API level 7.1)",
                    CE->getBeginLoc());
    if (const auto *Block = dyn_cast<CompoundStmt>(If->getThen()); Block && Block->size() != 1)
      return refuse("the error path of " + E.Name + "() does more than return " + E.ErrorValue +
                        "; an error_override cannot keep it",
                    If->getBeginLoc());
    Replaced = If;
    if (!range(If->getSourceRange(), B, End) || !statementEnd(If->getThen(), End))
      return refuse("the error check is inside a macro", CE->getBeginLoc());
    Text = Lead(B, E.ErrorValue) + Action + ";\n" + indentAt(B) + "desc->action.error_override = " + E.ErrorValue + ";";
    note("the " + E.ErrorValue + " error mapping becomes desc->action.error_override");
    break;
  }
  case ResultUse::Ignored: {
    Plan.Differences.push_back("a failure of " + E.Name +
                               "() now fails the mmap; the legacy hook ignored it (the action reports it)");
    if (IsInsertPages)
      return refuse("the result of vm_insert_pages() is ignored: the hook keeps the mapping with what it could "
                    "insert, while the action would fail the mmap",
                    CE->getBeginLoc());
    if (!Guard.empty())
      return refuse("the result of " + E.Name + "() is ignored; its bound check has no place to go",
                    CE->getBeginLoc());
    if (!range(CE->getSourceRange(), B, End))
      return refuse(E.Name + "() is spelled in a macro", CE->getBeginLoc());
    Text = Lead(B, "") + Action;
    break;
  }
  default:
    return refuse("the result of " + E.Name + "() is " + resultUseName(E.Use).str() +
                      "; only `return " + E.Name + "(...)`, `if (" + E.Name +
                      "(...)) return -E...;` and an ignored result are rewritten",
                  CE->getBeginLoc());
  }
  Pending.push_back({B, End - B, Text});
  return true;
}

/// The map-kernel-pages action keeps the page array and reads it after the
/// hook returns (mm/memory.c map_kernel_pages_complete(), 7.3): the array
/// must not be the hook's own, nor freed or guarded by a lock in the hook.
bool HandlerRewriter::pageArrayOutlivesHook(const VmaEffect &E, const CallExpr *CE) {
  const Expr *Pages = CE->getArg(E.Name == "vm_insert_pages" ? 2 : 1)->IgnoreParenImpCasts();
  const Expr *Base = Pages;
  while (true) {
    if (const auto *ME = dyn_cast<MemberExpr>(Base); ME && !ME->isArrow())
      Base = ME->getBase()->IgnoreParenImpCasts();
    else if (const auto *AS = dyn_cast<ArraySubscriptExpr>(Base))
      Base = AS->getBase()->IgnoreParenImpCasts();
    else
      break;
  }
  if (const auto *DRE = dyn_cast<DeclRefExpr>(Base))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
        VD && VD->hasLocalStorage() && !VD->getType()->isPointerType())
      return refuse("the page array of " + E.Name + "() is the hook's local '" + VD->getName().str() +
                        "'; the action reads it after the hook returns",
                    CE->getArg(1)->getBeginLoc());
  if (!Facts.Holds.empty())
    return refuse("the hook " + Facts.Holds + "; the action reads the page array of " + E.Name +
                      "() after the hook returns, without it",
                  Facts.HoldsLoc);
  if (Facts.FirstRelease) {
    const FunctionDecl *Callee = Facts.FirstRelease->getDirectCallee();
    return refuse("the hook also releases something (" + (Callee ? Callee->getName().str() : std::string("a call")) +
                      "()); the action reads the page array of " + E.Name +
                      "() after the hook returns, so nothing may be freed or put before that",
                  Facts.FirstRelease->getBeginLoc());
  }
  return true;
}

/// vm_insert_pages(vma, vma->vm_start, pages, &num) ->
/// mmap_action_map_kernel_pages(desc, desc->start, pages, num). The call
/// writes the number of pages it did not insert back to num (0 on success);
/// the action gives nothing back, so num must be a local the hook does not
/// read once the call could have changed it.
bool HandlerRewriter::planInsertPages(const VmaEffect &E, const CallExpr *CE, std::string &Action,
                                      std::string &Guard) {
  if (!BodyFacts::field(CE->getArg(1), Facts.Vma, "vm_start", &Facts.HelperVmas))
    return refuse("vm_insert_pages() starts at " + sourceText(CE->getArg(1)->getSourceRange(), SM, LO) +
                      ", not vma->vm_start; only a page array mapped from the start of the VMA is rewritten",
                  CE->getArg(1)->getBeginLoc());
  const auto *Addr = dyn_cast<UnaryOperator>(CE->getArg(3)->IgnoreParenImpCasts());
  const VarDecl *Num = Addr && Addr->getOpcode() == UO_AddrOf ? BodyFacts::localOf(Addr->getSubExpr()) : nullptr;
  std::string NumText = sourceText(CE->getArg(3)->getSourceRange(), SM, LO);
  if (!Num || isa<ParmVarDecl>(Num))
    return refuse("the count of vm_insert_pages() is " + NumText +
                      ", not the address of a local variable; the call writes back the pages it did not "
                      "insert, which the action does not",
                  CE->getArg(3)->getBeginLoc());
  // Every other use of num: never its address, and no read after the call
  // unless the call returns (then nothing runs after it).
  struct Uses : RecursiveASTVisitor<Uses> {
    const VarDecl *Var;
    std::vector<const DeclRefExpr *> Refs;
    llvm::SmallPtrSet<const Expr *, 4> Changed; // assigned, incremented, address taken
    bool VisitDeclRefExpr(DeclRefExpr *D) {
      if (D->getDecl() == Var)
        Refs.push_back(D);
      return true;
    }
    bool VisitUnaryOperator(UnaryOperator *UO) {
      if (UO->isIncrementDecrementOp() || UO->getOpcode() == UO_AddrOf)
        Changed.insert(UO->getSubExpr()->IgnoreParenImpCasts());
      return true;
    }
    bool VisitBinaryOperator(BinaryOperator *BO) {
      if (BO->isAssignmentOp())
        Changed.insert(BO->getLHS()->IgnoreParenImpCasts());
      return true;
    }
  } U;
  U.Var = Num;
  U.TraverseStmt(H.Summary.Function->getBody());
  unsigned CallB, CallE;
  if (!range(CE->getSourceRange(), CallB, CallE))
    return refuse("vm_insert_pages() is spelled in a macro", CE->getBeginLoc());
  for (const DeclRefExpr *Ref : U.Refs) {
    unsigned B, End;
    if (!range(Ref->getSourceRange(), B, End))
      return refuse("'" + Num->getName().str() + "' is used inside a macro", Ref->getBeginLoc());
    if (B >= CallB && End <= CallE)
      continue; // the call's own &num
    if (U.Changed.count(Ref))
      return refuse("'" + Num->getName().str() + "' is written or has its address taken elsewhere in the hook; "
                                                 "only a count set once, where it is declared, is rewritten",
                    Ref->getBeginLoc());
    if (B >= CallE && E.Use != ResultUse::Returned)
      return refuse("'" + Num->getName().str() +
                        "' is read after vm_insert_pages(), which leaves there the number of pages it did not "
                        "insert (0 on success); the action gives no count back",
                    Ref->getBeginLoc());
  }
  std::string Pages;
  if (!renderExpr(CE->getArg(2), Pages))
    return false;
  std::string Count = Num->getName().str();
  Action = "mmap_action_map_kernel_pages(desc, desc->start, " + Pages + ", " + Count + ")";
  // vm_insert_pages() fails with -EFAULT, in the hook, when the pages do not
  // fit; the action fails the same way before the VMA exists, where no
  // error_override applies: an error mapped to another errno needs the check
  // in the hook.
  Guard = "if (" + Count + " > vma_desc_pages(desc))\n%INDENT%\treturn %ERR%;";
  return true;
}

bool HandlerRewriter::planDelegation(const VmaEffect &E) {
  const auto *CE = dyn_cast<CallExpr>(E.Node);
  if (!CE)
    return refuse("a delegation the rewriter does not handle: " + E.Text, E.Node->getBeginLoc());
  std::string To;
  if (E.Name == "vma_set_anonymous" && P.DescAnonymous)
    To = "vma_desc_set_anonymous(desc)";
  else if (E.Name == "shmem_zero_setup" && P.DescAnonymous)
    To = "shmem_zero_setup_desc(desc)";
  else if (E.Name == "generic_file_mmap" || E.Name == "generic_file_readonly_mmap")
    To = E.Name + "_prepare(desc)";
  else
    return refuse(E.Name + "() has no desc variant at API level " + apiLevelName(Target).str(),
                  CE->getBeginLoc());
  note(E.Name + "() becomes " + To.substr(0, To.find('(')) + "()");
  return replace(CE->getSourceRange(), To, CE->getBeginLoc());
}

bool HandlerRewriter::planEffect(const VmaEffect &E, unsigned Index) {
  if (MovedOpen && ((!E.Via.empty() && E.Via.front().Callee == MovedOpen->getName()) || MovedToMapped.count(E.Node)))
    return true; // planMappedCallback moved the call
  if (!E.Via.empty() && !(E.Via.size() == 1 && ConvertedHelpers.count(E.Via.front().Callee)))
    return refuse("the handler reaches the VMA through " + E.Via.front().Callee +
                      "(), which vmaprep does not convert with it (only static helpers called by this "
                      "handler alone that only read the VMA are)",
                  E.Node->getBeginLoc());
  switch (E.Kind) {
  case EffectKind::FieldRead: {
    const auto *ME = dyn_cast<MemberExpr>(E.Node);
    if (!ME)
      return refuse("a VMA query the rewriter does not handle: " + E.Text, E.Node->getBeginLoc());
    // vma->vm_end - vma->vm_start is the size.
    for (const BinaryOperator *Size : Facts.SizeExprs)
      if (Size->getLHS()->IgnoreParenImpCasts() == ME || Size->getRHS()->IgnoreParenImpCasts() == ME) {
        if (!planFieldAccess(ME, false))
          return false;
        if (P.SizeHelpers && ME->getMemberDecl()->getName() == "vm_end") {
          // `(vma->vm_end - vma->vm_start)`: the parentheses held the
          // subtraction together; around a call they are redundant
          // (checkpatch --strict), unless they are sizeof's.
          SourceRange R = Size->getSourceRange();
          if (auto Paren = Facts.ParenOf.find(Size); Paren != Facts.ParenOf.end()) {
            unsigned B, End;
            if (range(Paren->second->getSourceRange(), B, End)) {
              llvm::StringRef Before = buffer().take_front(B).rtrim();
              if (Before.empty() || !(std::isalnum(static_cast<unsigned char>(Before.back())) || Before.back() == '_'))
                R = Paren->second->getSourceRange();
            }
          }
          return replace(R, "vma_desc_size(desc)", Size->getBeginLoc());
        }
        return true;
      }
    return planFieldAccess(ME, false);
  }
  case EffectKind::FieldWrite: {
    if (E.Name == "vm_file" && E.Detail == "vma_set_file") {
      const auto *CE = cast<CallExpr>(E.Node);
      std::string F;
      if (!renderExpr(CE->getArg(1), F))
        return false;
      // vma_set_file() takes a reference on the new file; a file stored in the desc must carry its own,
      // which the core takes over (mm/vma.c call_mmap_prepare() does not get it again), as upstream
      // drivers write it: desc->vm_file = get_file(f).
      return replace(CE->getSourceRange(), "desc->" + P.VmFileField.str() + " = get_file(" + F + ")",
                     CE->getBeginLoc());
    }
    const Expr *Target = nullptr;
    if (const auto *BO = dyn_cast<BinaryOperator>(E.Node))
      Target = BO->getLHS();
    else if (const auto *UO = dyn_cast<UnaryOperator>(E.Node))
      Target = UO->getSubExpr();
    const auto *ME = Target ? dyn_cast<MemberExpr>(Target->IgnoreParenImpCasts()) : nullptr;
    if (!ME)
      return refuse("a VMA write the rewriter does not handle: " + E.Text, E.Node->getBeginLoc());
    return planFieldAccess(ME, true);
  }
  case EffectKind::FlagsTest:
    return planFlagsTest(E);
  case EffectKind::FlagsRead: {
    const auto *ME = dyn_cast<MemberExpr>(E.Node);
    if (!P.BitmapFlags && ME)
      return replace(ME->getSourceRange(), "desc->vm_flags", ME->getBeginLoc());
    auto It = ME ? Facts.CowCallOf.find(ME) : Facts.CowCallOf.end();
    if (It != Facts.CowCallOf.end() && P.CowHelper)
      return replace(It->second->getSourceRange(), "vma_desc_is_cow_mapping(desc)", It->second->getBeginLoc());
    return refuse("reads the flags as a value (" + E.Text + "); the bitmap helpers only test bits",
                  E.Node->getBeginLoc());
  }
  case EffectKind::SizeQuery: {
    std::string To = P.SizeHelpers ? "vma_desc_pages(desc)" : "((desc->end - desc->start) >> PAGE_SHIFT)";
    return replace(E.Node->getSourceRange(), To, E.Node->getBeginLoc());
  }
  case EffectKind::FlagsChange:
    return planFlagsChange(E);
  case EffectKind::Mapping:
    return planMapping(E, Index);
  case EffectKind::Delegation:
    return planDelegation(E);
  case EffectKind::StateChange:
    if (MovedToMapped.count(E.Node))
      return true; // planMappedCallback moved it
    [[fallthrough]];
  case EffectKind::Escape:
  case EffectKind::ManualOpen:
    return refuse("the handler does something mmap_prepare cannot: " + E.Text, E.Node->getBeginLoc());
  }
  return true;
}

/// References of \p E that a ->mapped callback can see: the file, globals,
/// functions, enumerators, and locals declared (one per statement, from an
/// initializer without calls, never written) before offset \p Before.
bool HandlerRewriter::movableDependencies(const Expr *E, const FunctionDecl *FD, unsigned Before,
                                          std::vector<const VarDecl *> &Locals, unsigned Depth) {
  struct Refs : RecursiveASTVisitor<Refs> {
    std::vector<const DeclRefExpr *> All;
    bool Calls = false;
    bool VisitDeclRefExpr(DeclRefExpr *D) {
      All.push_back(D);
      return true;
    }
  } R;
  R.TraverseStmt(const_cast<Expr *>(E));
  for (const DeclRefExpr *D : R.All) {
    const ValueDecl *V = D->getDecl();
    if (V == Facts.Vma)
      return refuse("the state it acquires depends on the VMA: " + sourceText(E->getSourceRange(), SM, LO),
                    D->getBeginLoc());
    if (V == Facts.File || isa<FunctionDecl>(V) || isa<EnumConstantDecl>(V))
      continue;
    const auto *VD = dyn_cast<VarDecl>(V);
    if (!VD)
      return refuse("cannot move a use of " + V->getName().str() + " to ->mapped", D->getBeginLoc());
    if (!VD->hasLocalStorage())
      continue;
    if (std::find(Locals.begin(), Locals.end(), VD) != Locals.end())
      continue;
    unsigned DeclOffset = SM.getFileOffset(SM.getExpansionLoc(VD->getBeginLoc()));
    const Expr *Init = VD->getInit();
    if (isa<ParmVarDecl>(VD) || !Init || DeclOffset >= Before || Depth > 4 || Facts.Written.count(VD))
      return refuse("the state it acquires depends on '" + VD->getName().str() +
                        "', which ->mapped cannot recompute",
                    D->getBeginLoc());
    if (Facts.HasCall.count(Init))
      return refuse("'" + VD->getName().str() + "' is computed by a call; ->mapped would call it again",
                    VD->getBeginLoc());
    if (!movableDependencies(Init, FD, DeclOffset, Locals, Depth + 1))
      return false;
    Locals.push_back(VD);
  }
  return true;
}

/// Per-mapping state acquired by standalone calls at the top of the body
/// (a runtime-PM get, a counter or module reference; drivers/hwtracing/stm
/// upstream) moves into a new vm_ops->mapped callback, which the core runs
/// once the mapping exists, and only if it did not merge or fail.
bool HandlerRewriter::planMappedCallback(const FunctionDecl *FD) {
  const auto *Body = dyn_cast<CompoundStmt>(FD->getBody());
  if (!Body)
    return refuse("the handler has no body", FD->getLocation());
  if (Facts.Releases)
    return refuse("the hook also releases state; moving only the acquisition to ->mapped would unbalance it",
                  FD->getLocation());

  // The vm_ops the handler installs: a file-local table only it uses.
  const VarDecl *Ops = nullptr;
  for (const VmaEffect &E : H.Summary.Effects)
    if (E.Kind == EffectKind::FieldWrite && E.Name == "vm_ops" && E.Via.empty())
      if (const auto *BO = dyn_cast<BinaryOperator>(E.Node))
        if (const auto *UO = dyn_cast<UnaryOperator>(BO->getRHS()->IgnoreParenImpCasts());
            UO && UO->getOpcode() == UO_AddrOf)
          if (const auto *DRE = dyn_cast<DeclRefExpr>(UO->getSubExpr()->IgnoreParenImpCasts()))
            Ops = dyn_cast<VarDecl>(DRE->getDecl());
  if (!Ops)
    return refuse("per-mapping state needs a vm_ops->mapped callback, but the handler installs no "
                  "vm_ops table of its own",
                  FD->getLocation());
  const auto *OpsInit = Ops->getInit() ? dyn_cast<InitListExpr>(Ops->getInit()) : nullptr;
  if (OpsInit && OpsInit->getSyntacticForm())
    OpsInit = OpsInit->getSyntacticForm();
  if (!OpsInit || Ops->getLocation().isMacroID() || SM.getFileID(Ops->getLocation()) != Main ||
      OpsInit->getLBraceLoc().isMacroID())
    return refuse("'" + Ops->getName().str() + "' is not a vm_operations_struct initialized in this file",
                  Ops->getLocation());
  for (const Expr *Init : OpsInit->inits())
    if (const auto *DIE = dyn_cast_or_null<DesignatedInitExpr>(Init))
      if (DIE->size() == 1 && DIE->getDesignator(0)->isFieldDesignator() &&
          DIE->getDesignator(0)->getFieldName()->getName() == "mapped")
        return refuse("'" + Ops->getName().str() + "' already has a ->mapped callback", Ops->getLocation());
  VarUseCounter Uses;
  Uses.Var = Ops;
  Uses.TraverseDecl(Ctx.getTranslationUnitDecl());
  if (Uses.Count != 1)
    return refuse("'" + Ops->getName().str() + "' is used elsewhere too; a ->mapped callback would run for those mappings",
                  Ops->getLocation());

  // A vm_ops->open the hook calls by hand, once, as a statement of its own
  // (target_core_user's tcmu_mmap(), mon_bin_mmap()): open's body becomes
  // the body of ->mapped, as upstream did for target_core_user.
  const FunctionDecl *Open = nullptr;
  for (const Expr *Init : OpsInit->inits())
    if (const auto *DIE = dyn_cast_or_null<DesignatedInitExpr>(Init))
      if (DIE->size() == 1 && DIE->getDesignator(0)->isFieldDesignator() &&
          DIE->getDesignator(0)->getFieldName()->getName() == "open") {
        const Expr *V = DIE->getInit()->IgnoreParenImpCasts();
        if (const auto *UO = dyn_cast<UnaryOperator>(V); UO && UO->getOpcode() == UO_AddrOf)
          V = UO->getSubExpr()->IgnoreParenImpCasts();
        if (const auto *DRE = dyn_cast<DeclRefExpr>(V))
          Open = dyn_cast<FunctionDecl>(DRE->getDecl());
      }
  const CallExpr *OpenCall = nullptr;
  unsigned OpenCalls = 0;
  {
    struct Calls : RecursiveASTVisitor<Calls> {
      const FunctionDecl *Open;
      const ParmVarDecl *Vma;
      std::vector<const CallExpr *> Found;
      bool VisitCallExpr(CallExpr *CE) {
        bool Direct = Open && CE->getDirectCallee() &&
                      CE->getDirectCallee()->getCanonicalDecl() == Open->getCanonicalDecl();
        const auto *Callee = dyn_cast<MemberExpr>(CE->getCallee()->IgnoreParenImpCasts());
        const auto *OpsField = Callee ? dyn_cast<MemberExpr>(Callee->getBase()->IgnoreParenImpCasts()) : nullptr;
        bool ThroughOps = OpsField && Callee->getMemberDecl()->getName() == "open" &&
                          BodyFacts::field(OpsField, Vma, "vm_ops");
        if (Direct || ThroughOps)
          Found.push_back(CE);
        return true;
      }
    } C;
    C.Open = Open;
    C.Vma = Facts.Vma;
    C.TraverseStmt(const_cast<CompoundStmt *>(Body));
    OpenCalls = unsigned(C.Found.size());
    for (const CallExpr *CE : C.Found)
      for (const Stmt *S : Body->body())
        if (const auto *X = dyn_cast<Expr>(S); X && X->IgnoreParenImpCasts() == CE && CE->getNumArgs() == 1)
          if (const auto *Arg = dyn_cast<DeclRefExpr>(CE->getArg(0)->IgnoreParenImpCasts());
              Arg && Arg->getDecl() == Facts.Vma)
            OpenCall = CE;
  }
  if (OpenCalls && (OpenCalls != 1 || !OpenCall || !Open))
    return refuse(!Open ? "calls vm_ops->open() by hand, but '" + Ops->getName().str() + "' names no open function "
                              "in this file"
                        : "calls " + Open->getName().str() +
                              "() by hand other than once, with the VMA, as a statement of its own; only that is "
                              "moved to ->mapped",
                  OpenCalls && !OpenCall ? FD->getLocation() : FD->getLocation());

  // The statements that move, and what they need.
  std::vector<const Stmt *> Moved;
  std::vector<const VarDecl *> Locals;
  unsigned LastMoved = 0;
  if (OpenCall) {
    unsigned B, End;
    if (!range(OpenCall->getSourceRange(), B, End))
      return refuse("the open call is inside a macro", OpenCall->getBeginLoc());
    LastMoved = End;
    MovedToMapped.insert(OpenCall);
    MovedOpen = Open;
    // open reads vma->vm_private_data when the hook calls it; ->mapped gets
    // the value the hook leaves in desc->private_data.
    for (const VmaEffect &E : H.Summary.Effects)
      if (E.Kind == EffectKind::FieldWrite && E.Name == "vm_private_data" && E.Via.empty()) {
        unsigned WB, WE;
        if (range(E.Node->getSourceRange(), WB, WE) && WB > B)
          return refuse("vm_private_data changes after the hook calls " + Open->getName().str() +
                            "(); ->mapped would see the later value",
                        E.Node->getBeginLoc());
      }
  }
  for (const VmaEffect &E : H.Summary.Effects) {
    if (E.Kind != EffectKind::StateChange)
      continue;
    if (OpenCall && !E.Via.empty() && E.Via.front().Callee == Open->getName())
      continue; // taken inside open: moves with the call
    // An allocation moved to ->mapped can fail there, and the core then
    // unmaps the new VMA, running vm_ops->close on private data ->mapped
    // never set (mm/util.c mmap_action_finish() -> do_munmap() ->
    // remove_vma() -> vma_close(), 7.3). upstream's vme_user conversion
    // has exactly that: vme_user_vm_close() dereferences the NULL it gets.
    if (E.Detail == "allocation")
      return refuse("allocates per-mapping state (" + E.Text +
                        "); in ->mapped the allocation can fail, and the core then unmaps the VMA and runs "
                        "vm_ops->close on private data ->mapped never set, so vmaprep does not move it",
                    E.Node->getBeginLoc());
    if (OpenCall)
      return refuse("takes state both through " + Open->getName().str() + "() and by itself (" + E.Text +
                        "); vmaprep moves one or the other to ->mapped, not both",
                    E.Node->getBeginLoc());
    const auto *CE = dyn_cast<CallExpr>(E.Node);
    bool TopLevel = CE && std::any_of(Body->body_begin(), Body->body_end(), [&](const Stmt *S) {
                      const auto *X = dyn_cast<Expr>(S);
                      return X && X->IgnoreParenImpCasts() == CE;
                    });
    if (!CE || !E.Via.empty() || !TopLevel)
      return refuse("per-mapping state in a form vmaprep does not move to ->mapped yet (" + E.Detail + ": " +
                        E.Text + "); only standalone calls in the handler's own body are moved",
                    E.Node->getBeginLoc());
    unsigned B, End;
    if (!range(CE->getSourceRange(), B, End))
      return refuse("the call is inside a macro", CE->getBeginLoc());
    if (!movableDependencies(CE, FD, B, Locals))
      return false;
    Moved.push_back(CE);
    MovedToMapped.insert(CE);
    LastMoved = std::max(LastMoved, End);
  }
  for (const VmaEffect &E : H.Summary.Effects) {
    if (E.Kind == EffectKind::ManualOpen && E.Node != OpenCall)
      return refuse("calls vm_ops->" + E.Name + "() by hand; moving that to ->mapped is not automated yet",
                    E.Node->getBeginLoc());
    // When an action fails after the VMA exists, the core unmaps it, which
    // runs vm_ops->close, before ->mapped ever ran: a close that releases the
    // state would release what was never taken (found by `vmaprep validate`
    // on the stm shape; mm/util.c mmap_action_finish()).
    if (E.Kind == EffectKind::Mapping)
      return refuse("the mapping action can fail after the VMA exists; the core then unmaps it and runs "
                    "vm_ops->close without ->mapped having run, so the state cannot move to ->mapped",
                    E.Node->getBeginLoc());
  }
  // After the state is taken nothing may fail, or the hook's error path and
  // ->mapped would disagree about who holds it.
  for (const auto &[Value, Ret] : Facts.ReturnOf) {
    unsigned B, End;
    if (!range(Ret->getSourceRange(), B, End) || B < LastMoved)
      continue;
    Expr::EvalResult R;
    bool Zero = Value->EvaluateAsInt(R, Ctx) && R.Val.getInt() == 0;
    const Expr *Returned = Value; // a lambda may not capture a structured binding in C++17
    bool IsMapping = std::any_of(H.Summary.Effects.begin(), H.Summary.Effects.end(), [&](const VmaEffect &E) {
      return E.Kind == EffectKind::Mapping && E.Node == Returned;
    });
    if (!Zero && !IsMapping)
      return refuse("the handler can still fail after it takes the state; ->mapped runs only on success",
                    Ret->getBeginLoc());
  }

  // The callback, before the vm_ops table that names it.
  std::string Name = Plan.Function + "_mapped";
  if (!Ctx.getTranslationUnitDecl()->lookup(DeclarationName(&Ctx.Idents.get(Name))).empty())
    return refuse("'" + Name + "' already exists", FD->getLocation());
  std::string FileName = Facts.File->getName().empty() ? "file" : Facts.File->getName().str();
  // The continuation lines up with the open parenthesis (checkpatch --strict).
  std::string Head = "static int " + Name + "(";
  std::string Text = Head + "unsigned long start, unsigned long end, pgoff_t pgoff,\n" +
                     gapTo(0, unsigned(Head.size()), true) + "const struct file *" + FileName +
                     ", void **vm_private_data)\n{\n";
  std::sort(Locals.begin(), Locals.end(), [&](const VarDecl *A, const VarDecl *B) {
    return SM.getFileOffset(SM.getExpansionLoc(A->getBeginLoc())) <
           SM.getFileOffset(SM.getExpansionLoc(B->getBeginLoc()));
  });
  for (const VarDecl *VD : Locals) {
    unsigned B, End;
    if (!range(SourceRange(VD->getBeginLoc(), VD->getEndLoc()), B, End))
      return refuse("the declaration of '" + VD->getName().str() + "' is in a macro", VD->getBeginLoc());
    Text += "\t" + buffer().substr(B, End - B).str() + ";\n";
  }
  if (!Locals.empty())
    Text += "\n";
  for (const Stmt *S : Moved) {
    unsigned B, End;
    range(S->getSourceRange(), B, End);
    Text += "\t" + buffer().substr(B, End - B).str() + ";\n";
    removeStatementLine(B, End);
    const FunctionDecl *Callee = cast<CallExpr>(S)->getDirectCallee();
    note((Callee ? Callee->getName().str() : std::string("a call")) +
         "() moves to the new vm_ops->mapped callback " + Name + "()");
  }
  if (OpenCall) {
    std::string OpenBody;
    if (!mappedBodyFromOpen(Open, FileName, OpenBody))
      return false;
    Text += OpenBody;
    unsigned B, End;
    range(OpenCall->getSourceRange(), B, End);
    statementEnd(OpenCall, End);
    removeStatementLine(B, End);
    note("the call of " + Open->getName().str() + "() becomes the new vm_ops->mapped callback " + Name +
         "(), which does what it does");
  }
  Text += "\treturn 0;\n}\n\n";
  unsigned OpsStart, OpsEnd;
  if (!range(Ops->getSourceRange(), OpsStart, OpsEnd))
    return refuse("'" + Ops->getName().str() + "' is in a macro", Ops->getLocation());
  while (OpsStart > 0 && buffer()[OpsStart - 1] != '\n')
    --OpsStart;
  Pending.push_back({OpsStart, 0, Text});
  unsigned Brace = SM.getFileOffset(OpsInit->getLBraceLoc()) + 1;
  Pending.push_back({Brace, 0, newMemberLine(Brace, "mapped", Name)});
  // Locals only the moved statements use (directly or through other such
  // locals) leave the hook too: found as a fixpoint, from the last declared.
  std::vector<const VarDecl *> Removed;
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (auto It = Locals.rbegin(); It != Locals.rend(); ++It)
      if (std::find(Removed.begin(), Removed.end(), *It) == Removed.end() &&
          Facts.UseCount.lookup(*It) <= Facts.UsesIn(*It, Moved, Removed)) {
        Removed.push_back(*It);
        Changed = true;
      }
  }
  for (const VarDecl *VD : Removed) {
    const DeclStmt *DS = Facts.DeclStmtOf.lookup(VD);
    unsigned B, End;
    if (!DS || !DS->isSingleDecl() || !range(DS->getSourceRange(), B, End))
      return refuse("cannot remove the declaration of '" + VD->getName().str() + "' from the hook",
                    VD->getBeginLoc());
    removeStatementLine(B, End);
  }
  return true;
}

/// The body of vm_ops->open as the body of ->mapped: what open reads of the
/// VMA is what ->mapped receives (vm_private_data through the pointer,
/// start, end, pgoff, the file); anything else it does with the VMA, or a
/// return, stops the move.
bool HandlerRewriter::mappedBodyFromOpen(const FunctionDecl *Open, const std::string &FileName,
                                         std::string &Body) {
  const auto *OB = Open->hasBody() ? dyn_cast<CompoundStmt>(Open->getBody()) : nullptr;
  unsigned B, E;
  if (!OB || Open->getNumParams() != 1 || !range(OB->getSourceRange(), B, E))
    return refuse(Open->getName().str() + "() has no body in this file to move to ->mapped", Open->getLocation());
  const ParmVarDecl *V = Open->getParamDecl(0);
  struct Walk : RecursiveASTVisitor<Walk> {
    const ParmVarDecl *V;
    std::vector<const DeclRefExpr *> Refs;
    std::vector<std::pair<const MemberExpr *, std::string>> Fields;
    llvm::SmallPtrSet<const Expr *, 4> Assigned;
    const Stmt *Bad = nullptr;
    std::string Why;
    bool VisitDeclRefExpr(DeclRefExpr *D) {
      if (D->getDecl() == V)
        Refs.push_back(D);
      return true;
    }
    bool VisitNamedDecl(NamedDecl *ND) {
      llvm::StringRef N = ND->getName();
      if (Why.empty() && ND != V && (N == "start" || N == "end" || N == "pgoff" || N == "vm_private_data" || N == File))
        Why = "declares '" + N.str() + "', a parameter name of ->mapped";
      return true;
    }
    bool VisitReturnStmt(ReturnStmt *RS) {
      if (Why.empty())
        Bad = RS, Why = "returns early";
      return true;
    }
    bool VisitBinaryOperator(BinaryOperator *BO) {
      if (BO->isAssignmentOp())
        Assigned.insert(BO->getLHS()->IgnoreParenImpCasts());
      return true;
    }
    bool VisitMemberExpr(MemberExpr *ME) {
      // 7.x keeps vm_start/vm_end and vm_flags in anonymous members: name
      // the outermost access, look through the anonymous ones to the VMA.
      const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl());
      if (FD && FD->isAnonymousStructOrUnion())
        return true;
      if (const auto *D = dyn_cast<DeclRefExpr>(accessedObject(ME)); D && D->getDecl() == V) {
        Fields.push_back({ME, ME->getMemberDecl()->getName().str()});
        Bases[ME] = D;
      }
      return true;
    }
    llvm::DenseMap<const MemberExpr *, const DeclRefExpr *> Bases;
    std::string File;
  } W;
  W.V = V;
  W.File = FileName;
  W.TraverseStmt(const_cast<CompoundStmt *>(OB));
  if (!W.Why.empty())
    return refuse(Open->getName().str() + "() " + W.Why + "; its body cannot become ->mapped as it is",
                  W.Bad ? W.Bad->getBeginLoc() : Open->getLocation());
  std::vector<TextEdit> Edits;
  for (const auto &[ME, Field] : W.Fields) {
    std::string To = Field == "vm_private_data" ? "*vm_private_data"
                     : Field == "vm_start"      ? "start"
                     : Field == "vm_end"        ? "end"
                     : Field == "vm_pgoff"      ? "pgoff"
                     : Field == "vm_file"       ? FileName
                                                : "";
    if (To.empty() || (W.Assigned.count(ME) && Field != "vm_private_data"))
      return refuse(Open->getName().str() + "() " + (To.empty() ? "uses" : "writes") + " vma->" + Field +
                        ", which ->mapped does not have",
                    ME->getBeginLoc());
    unsigned MB, MEnd;
    if (!range(ME->getSourceRange(), MB, MEnd))
      return refuse(Open->getName().str() + "() uses the VMA inside a macro", ME->getBeginLoc());
    Edits.push_back({MB - (B + 1), MEnd - MB, To});
  }
  for (const DeclRefExpr *Ref : W.Refs)
    if (std::none_of(W.Fields.begin(), W.Fields.end(), [&](const auto &F) { return W.Bases.lookup(F.first) == Ref; }))
      return refuse(Open->getName().str() + "() passes the VMA on or uses it whole; ->mapped has no VMA",
                    Ref->getBeginLoc());
  std::sort(Edits.begin(), Edits.end(), [](const TextEdit &A, const TextEdit &X) { return A.Offset < X.Offset; });
  // Between the braces, without the line break after `{`.
  llvm::StringRef Inner = buffer().substr(B + 1, E - 1 - (B + 1));
  Body = applyEdits(Inner, Edits);
  if (!Body.empty() && Body.front() == '\n')
    Body.erase(0, 1);
  while (!Body.empty() && (Body.back() == '\t' || Body.back() == ' '))
    Body.pop_back();
  return true;
}

/// Locals the rewrite made dead: every use lies inside an edit whose text no
/// longer names them (tee_shm's `size`, aspeed-lpc-ctrl's `vsize`: they only
/// fed remap_pfn_range()'s size, which mmap_action_remap_full() does not
/// take). Left in place they would be a new -Wunused-variable (an error under
/// CONFIG_WERROR); their declarations go, when that changes nothing else: one
/// declaration per statement, never written after it, an initializer without
/// calls. Repeated for locals that only fed a removed one.
void HandlerRewriter::removeDeadLocals(const FunctionDecl *FD) {
  struct Refs : RecursiveASTVisitor<Refs> {
    std::map<const VarDecl *, std::vector<const DeclRefExpr *>> Of;
    bool VisitDeclRefExpr(DeclRefExpr *D) {
      if (const auto *VD = dyn_cast<VarDecl>(D->getDecl());
          VD && VD->hasLocalStorage() && !isa<ParmVarDecl>(VD))
        Of[VD].push_back(D);
      return true;
    }
  } R;
  R.TraverseStmt(FD->getBody());
  auto NamedIn = [](llvm::StringRef Text, llvm::StringRef Name) {
    for (size_t At = Text.find(Name); At != llvm::StringRef::npos; At = Text.find(Name, At + 1)) {
      auto Ident = [](char C) { return std::isalnum(static_cast<unsigned char>(C)) || C == '_'; };
      if ((At == 0 || !Ident(Text[At - 1])) && (At + Name.size() >= Text.size() || !Ident(Text[At + Name.size()])))
        return true;
    }
    return false;
  };
  std::set<const VarDecl *> Removed;
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (const auto &[VD, Uses] : R.Of) {
      const DeclStmt *DS = Facts.DeclStmtOf.lookup(VD);
      if (Removed.count(VD) || !DS || !DS->isSingleDecl() || Facts.Written.count(VD) ||
          (VD->getInit() && Facts.HasCall.count(VD->getInit())) || VD->hasAttrs() || VD->isStaticLocal())
        continue;
      bool Dead = true;
      for (const DeclRefExpr *Use : Uses) {
        unsigned B, E;
        if (!range(Use->getSourceRange(), B, E)) {
          Dead = false;
          break;
        }
        const TextEdit *Outer = nullptr;
        for (const TextEdit &T : Pending)
          if (T.Offset <= B && E <= T.Offset + T.Length && (!Outer || T.Length > Outer->Length))
            Outer = &T;
        if (!Outer || NamedIn(Outer->Text, VD->getName())) {
          Dead = false;
          break;
        }
      }
      unsigned B, End;
      if (!Dead || !range(DS->getSourceRange(), B, End) ||
          std::any_of(Pending.begin(), Pending.end(),
                      [&](const TextEdit &T) { return T.Offset <= B && End <= T.Offset + T.Length; }))
        continue; // kept, or already gone with what it fed (->mapped)
      removeStatementLine(B, End);
      Removed.insert(VD);
      note("the local '" + VD->getName().str() + "', which only fed what the action no longer takes, goes");
      Changed = true;
    }
  }
}

void HandlerRewriter::finish() {
  // Keep the outermost edits; an edit inside another was already rendered into it.
  std::sort(Pending.begin(), Pending.end(), [](const TextEdit &A, const TextEdit &B) {
    return A.Offset != B.Offset ? A.Offset < B.Offset : A.Length > B.Length;
  });
  std::vector<TextEdit> Out;
  for (TextEdit &T : Pending) {
    if (!Out.empty()) {
      const TextEdit &Last = Out.back();
      unsigned LastEnd = Last.Offset + Last.Length;
      if (T.Offset + T.Length <= LastEnd && T.Offset >= Last.Offset)
        continue; // contained
      if (T.Offset < LastEnd) {
        refuse("two edits overlap", SourceLocation());
        return;
      }
    }
    Out.push_back(std::move(T));
  }
  Plan.Edits = std::move(Out);
  Plan.Applicable = true;
}

} // namespace

MigrationPlan planMigration(const AnalyzedHandler &Handler, const TranslationUnitAnalysis &,
                            ASTContext &Ctx, ApiLevel Target) {
  return HandlerRewriter(Handler, Ctx, Target).run();
}

} // namespace vmaprep

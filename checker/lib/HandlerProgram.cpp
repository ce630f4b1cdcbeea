//===- HandlerProgram.cpp - lower a handler's AST to a runnable program ---===//
//
// The lowering keeps the structure of the C code (statements, expressions,
// calls by name) and drops what the model does not need: types become a value
// class and a width, integer constant expressions become numbers, and calls
// into the TU's own functions bring those functions along.
//
//===----------------------------------------------------------------------===//
#include "vmaprep/HandlerProgram.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/Stmt.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/SaveAndRestore.h"
#include <algorithm>
#include <deque>
#include <string>
#include <utility>
#include <vector>

using namespace clang;

namespace vmaprep {

namespace {

class Lowering {
public:
  Lowering(ASTContext &Ctx, HandlerProgram &Out) : Ctx(Ctx), SM(Ctx.getSourceManager()), Out(Out) {}

  void run(const FunctionDecl *Handler) {
    Out.Entry = Handler->getName().str();
    Out.Prepare = Handler->getNumParams() == 1;
    const FunctionDecl *Def = Handler->getDefinition();
    if (!Def || !Def->hasBody() || !inTranslationUnit(Def)) {
      // A table that names a kernel function (.mmap = generic_file_mmap): the program is a call to it,
      // which the model runs if it implements it.
      ProgramFunction Call;
      Call.Name = Out.Entry + " (as registered)";
      ProgramStmt Return = stmt(ProgramStmt::Op::Return, nullptr);
      Return.HasValue = true;
      Return.Value.Kind = ProgramExpr::Op::Call;
      Return.Value.Name = Out.Entry;
      for (unsigned I = 0; I < Handler->getNumParams(); ++I) {
        Call.Params.push_back(classOf(Handler->getParamDecl(I)->getType()));
        ProgramExpr Param;
        Param.Kind = ProgramExpr::Op::Param;
        Param.Index = I;
        Param.Class = Call.Params.back();
        Return.Value.Args.push_back(std::move(Param));
      }
      Call.Body = stmt(ProgramStmt::Op::Block, nullptr);
      Call.Body.Children.push_back(std::move(Return));
      Out.Entry = Call.Name;
      Out.Functions.push_back(std::move(Call));
      return;
    }
    enqueue(Def);
    while (!Pending.empty()) {
      const FunctionDecl *F = Pending.front();
      Pending.pop_front();
      Out.Functions.push_back(lowerFunction(F));
    }
  }

private:
  ASTContext &Ctx;
  const SourceManager &SM;
  HandlerProgram &Out;
  std::deque<const FunctionDecl *> Pending;
  llvm::SmallPtrSet<const Decl *, 16> Queued;
  llvm::DenseMap<const VarDecl *, unsigned> Locals;
  unsigned NextLocal = 0;
  /// The lowering, clang's queries on what it lowers and the interpreter all
  /// recurse per level of nesting; deeper code is refused, not crashed on.
  /// Kernel expressions with their macros expanded stay far below.
  static constexpr unsigned MaxNesting = 1000;
  llvm::DenseMap<const Stmt *, unsigned> Heights;
  bool FreeOfSideEffects = false;
  unsigned StmtNesting = 0;

  /// Levels of nesting below and including \p Root, computed once for every
  /// node of the tree, without recursion.
  unsigned heightOf(const Stmt *Root) {
    if (auto It = Heights.find(Root); It != Heights.end())
      return It->second;
    std::vector<std::pair<const Stmt *, bool>> Stack{{Root, false}};
    while (!Stack.empty()) {
      auto [S, Expanded] = Stack.back();
      if (!Expanded) {
        Stack.back().second = true;
        for (const Stmt *Child : S->children())
          if (Child && !Heights.count(Child))
            Stack.push_back({Child, false});
        continue;
      }
      Stack.pop_back();
      unsigned Height = 0;
      for (const Stmt *Child : S->children())
        if (Child)
          Height = std::max(Height, Heights.lookup(Child));
      Heights[S] = Height + 1;
    }
    return Heights.lookup(Root);
  }

  bool inTranslationUnit(const Decl *D) const { return SM.isInMainFile(SM.getExpansionLoc(D->getLocation())); }

  const FunctionDecl *definedHere(const FunctionDecl *F) const {
    const FunctionDecl *Def = F ? F->getDefinition() : nullptr;
    return Def && Def->hasBody() && inTranslationUnit(Def) ? Def : nullptr;
  }

  void enqueue(const FunctionDecl *Def) {
    if (Queued.insert(Def).second)
      Pending.push_back(Def);
  }

  std::string where(SourceLocation L) const {
    PresumedLoc P = SM.getPresumedLoc(SM.getExpansionLoc(L));
    if (P.isInvalid())
      return "";
    return std::string(P.getFilename()) + ":" + std::to_string(P.getLine());
  }

  ValueClass classOf(QualType T) const {
    T = T.getCanonicalType();
    if (T->isVoidType())
      return ValueClass::Void;
    if (T->isPointerType() || T->isArrayType() || T->isFunctionType())
      return ValueClass::Pointer;
    if (T->isRecordType())
      return ValueClass::Record;
    return ValueClass::Integer;
  }

  void typeInto(QualType T, ProgramExpr &E) const {
    E.Class = classOf(T);
    T = T.getCanonicalType();
    if (E.Class == ValueClass::Integer && !T->isDependentType() && T->isScalarType()) {
      E.Bits = T->isBooleanType() ? 1 : unsigned(Ctx.getTypeSize(T));
      E.Signed = T->isSignedIntegerOrEnumerationType();
    }
    if (const auto *P = T->getAs<PointerType>()) {
      QualType Pointee = P->getPointeeType();
      if (!Pointee->isIncompleteType() && !Pointee->isFunctionType() && !Pointee->isVoidType())
        E.ElementSize = unsigned(Ctx.getTypeSizeInChars(Pointee).getQuantity());
    }
  }

  ProgramExpr node(ProgramExpr::Op Kind, const Expr *E, llvm::StringRef Name = "") const {
    ProgramExpr N;
    N.Kind = Kind;
    N.Name = Name.str();
    N.Where = where(E->getExprLoc());
    typeInto(E->getType(), N);
    return N;
  }

  ProgramExpr unsupported(const Stmt *S, const std::string &What) const {
    ProgramExpr N;
    N.Kind = ProgramExpr::Op::Unsupported;
    N.Name = What;
    N.Where = where(S->getBeginLoc());
    return N;
  }

  unsigned localIndex(const VarDecl *V) {
    auto It = Locals.find(V);
    if (It != Locals.end())
      return It->second;
    return Locals[V] = NextLocal++;
  }

  ProgramFunction lowerFunction(const FunctionDecl *F) {
    Locals.clear();
    NextLocal = 0;
    ProgramFunction Fn;
    Fn.Name = F->getName().str();
    Fn.Returns = classOf(F->getReturnType());
    for (const ParmVarDecl *P : F->parameters())
      Fn.Params.push_back(classOf(P->getType()));
    Fn.Body = lowerStmt(F->getBody());
    Fn.Locals = NextLocal;
    return Fn;
  }

  /// The bits of a vma_flags_t value: every VMA_*_BIT enumerator it is built
  /// from, whichever way the tree's headers spell mk_vma_flags().
  static void collectFlagBits(const Stmt *S, uint64_t &Mask, ASTContext &Ctx) {
    if (!S)
      return;
    if (const auto *Ref = dyn_cast<DeclRefExpr>(S))
      if (const auto *EC = dyn_cast<EnumConstantDecl>(Ref->getDecl()))
        if (EC->getName().starts_with("VMA_") && EC->getName().ends_with("_BIT")) {
          uint64_t Bit = EC->getInitVal().getZExtValue();
          if (Bit < 64)
            Mask |= uint64_t(1) << Bit;
        }
    for (const Stmt *C : S->children())
      collectFlagBits(C, Mask, Ctx);
  }

  static bool isFlagsValue(QualType T) {
    const auto *TT = T->getAs<TypedefType>();
    return TT && TT->getDecl()->getName() == "vma_flags_t";
  }

  static bool singleFieldRecord(QualType T) {
    const RecordDecl *R = T.getCanonicalType()->getAsRecordDecl();
    if (!R || !R->getDefinition())
      return false;
    R = R->getDefinition();
    return std::distance(R->field_begin(), R->field_end()) == 1;
  }

  void noteGlobal(const VarDecl *V) {
    // A vm_operations_struct the handler installs: its callbacks come along.
    if (!V->hasInit() || Out.opsTable(V->getName().str()))
      return;
    const RecordDecl *R = V->getType().getCanonicalType()->getAsRecordDecl();
    if (!R || R->getName() != "vm_operations_struct")
      return;
    const auto *Init = dyn_cast<InitListExpr>(V->getInit()->IgnoreImplicit());
    if (!Init)
      return;
    if (Init->getSyntacticForm())
      Init = Init->getSemanticForm() ? Init->getSemanticForm() : Init;
    ProgramOpsTable T;
    T.Name = V->getName().str();
    unsigned I = 0;
    for (const FieldDecl *FD : R->fields()) {
      if (I >= Init->getNumInits())
        break;
      const Expr *Value = Init->getInit(I++)->IgnoreParenImpCasts();
      if (const auto *Ref = dyn_cast<DeclRefExpr>(Value))
        if (const auto *Fn = dyn_cast<FunctionDecl>(Ref->getDecl())) {
          T.Callbacks.push_back({FD->getName().str(), Fn->getName().str()});
          if (const FunctionDecl *Def = definedHere(Fn))
            enqueue(Def);
        }
    }
    Out.OpsTables.push_back(std::move(T));
  }

  ProgramExpr lowerExpr(const Expr *E) {
    if (!E)
      return ProgramExpr();
    // Before any of clang's own recursive queries (side effects, folding) see
    // the expression: one nested 100,000 deep overflows their stack.
    if (unsigned Height = heightOf(E); Height > MaxNesting)
      return unsupported(E, "an expression nested " + std::to_string(Height) +
                                " levels deep (the interpreter follows " + std::to_string(MaxNesting) + ")");
    E = E->IgnoreParens();
    QualType T = E->getType();
    // Integer constant expressions fold with the tree's own definitions.
    // Whether an expression has side effects is asked once per outermost
    // expression that has none: what it contains has none either (asking
    // each node again is quadratic in the nesting).
    bool Integral = !T->isDependentType() && T->isIntegralOrEnumerationType();
    bool Pure = FreeOfSideEffects || (Integral && !E->HasSideEffects(Ctx));
    llvm::SaveAndRestore<bool> InsidePure(FreeOfSideEffects, Pure);
    if (Integral && Pure) {
      Expr::EvalResult R;
      if (E->EvaluateAsInt(R, Ctx)) {
        ProgramExpr N = node(ProgramExpr::Op::Constant, E);
        N.Value = R.Val.getInt().getExtValue();
        return N;
      }
    }
    if (T->isPointerType() && E->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull)) {
      ProgramExpr N = node(ProgramExpr::Op::Constant, E);
      N.Value = 0;
      return N;
    }
    if (isFlagsValue(T) && !isa<MemberExpr>(E->IgnoreImpCasts()) && !isa<DeclRefExpr>(E->IgnoreImpCasts())) {
      ProgramExpr N = node(ProgramExpr::Op::FlagBits, E);
      collectFlagBits(E, N.Value, Ctx);
      return N;
    }
    switch (E->getStmtClass()) {
    case Stmt::ImplicitCastExprClass:
    case Stmt::CStyleCastExprClass: {
      const auto *C = cast<CastExpr>(E);
      switch (C->getCastKind()) {
      case CK_LValueToRValue:
      case CK_NoOp:
      case CK_ArrayToPointerDecay:
      case CK_FunctionToPointerDecay:
      case CK_ToVoid:
      case CK_NullToPointer: return lowerExpr(C->getSubExpr());
      default: {
        ProgramExpr N = node(ProgramExpr::Op::Cast, E);
        N.Args.push_back(lowerExpr(C->getSubExpr()));
        return N;
      }
      }
    }
    case Stmt::DeclRefExprClass: {
      const ValueDecl *D = cast<DeclRefExpr>(E)->getDecl();
      if (const auto *P = dyn_cast<ParmVarDecl>(D)) {
        ProgramExpr N = node(ProgramExpr::Op::Param, E, P->getName());
        N.Index = P->getFunctionScopeIndex();
        return N;
      }
      if (const auto *V = dyn_cast<VarDecl>(D)) {
        if (V->hasLocalStorage()) {
          ProgramExpr N = node(ProgramExpr::Op::Local, E, V->getName());
          N.Index = localIndex(V);
          return N;
        }
        noteGlobal(V);
        if (V->isStaticLocal() && V->getLocation().isMacroID())
          Out.MacroStatics.insert(V->getName().str());
        ProgramExpr N = node(ProgramExpr::Op::Global, E, V->getName());
        const RecordDecl *R = V->getType().getCanonicalType()->getAsRecordDecl();
        N.Index = R && R->getName() == "vm_operations_struct";
        return N;
      }
      if (const auto *F = dyn_cast<FunctionDecl>(D)) {
        if (const FunctionDecl *Def = definedHere(F))
          enqueue(Def);
        return node(ProgramExpr::Op::Function, E, F->getName());
      }
      return unsupported(E, "a reference to '" + D->getNameAsString() + "'");
    }
    case Stmt::MemberExprClass: {
      const auto *M = cast<MemberExpr>(E);
      const Expr *Base = M->getBase()->IgnoreParenImpCasts();
      bool Arrow = M->isArrow();
      // vma->vm_flags reaches through an anonymous union: skip the union.
      while (const auto *Inner = dyn_cast<MemberExpr>(Base)) {
        const auto *FD = dyn_cast<FieldDecl>(Inner->getMemberDecl());
        if (!FD || !FD->isAnonymousStructOrUnion())
          break;
        Arrow = Inner->isArrow();
        Base = Inner->getBase()->IgnoreParenImpCasts();
      }
      ProgramExpr N = node(ProgramExpr::Op::Member, E, M->getMemberDecl()->getName());
      N.Arrow = Arrow;
      N.NotNull = E->getType()->isArrayType();
      // pgprot_val(prot) reads the only field of a one-field struct: the value itself.
      N.Index = !Arrow && singleFieldRecord(M->getBase()->getType()) ? 1 : 0;
      N.Args.push_back(lowerExpr(Base));
      return N;
    }
    case Stmt::ArraySubscriptExprClass: {
      const auto *A = cast<ArraySubscriptExpr>(E);
      ProgramExpr N = node(ProgramExpr::Op::Index, E);
      N.Args.push_back(lowerExpr(A->getBase()));
      N.Args.push_back(lowerExpr(A->getIdx()));
      return N;
    }
    case Stmt::UnaryOperatorClass: {
      const auto *U = cast<UnaryOperator>(E);
      ProgramExpr N;
      switch (U->getOpcode()) {
      case UO_AddrOf: N = node(ProgramExpr::Op::AddressOf, E); break;
      case UO_Deref: N = node(ProgramExpr::Op::Deref, E); break;
      case UO_PreInc:
      case UO_PostInc:
      case UO_PreDec:
      case UO_PostDec:
        N = node(ProgramExpr::Op::IncDec, E, U->isIncrementOp() ? "++" : "--");
        N.Prefix = U->isPrefix();
        break;
      case UO_Extension: return lowerExpr(U->getSubExpr());
      default: N = node(ProgramExpr::Op::Unary, E, UnaryOperator::getOpcodeStr(U->getOpcode()));
      }
      N.Args.push_back(lowerExpr(U->getSubExpr()));
      return N;
    }
    case Stmt::BinaryOperatorClass:
    case Stmt::CompoundAssignOperatorClass: {
      const auto *B = cast<BinaryOperator>(E);
      ProgramExpr N;
      if (B->getOpcode() == BO_Comma)
        N = node(ProgramExpr::Op::Comma, E);
      else if (B->isAssignmentOp())
        N = node(ProgramExpr::Op::Assign, E, B->getOpcodeStr());
      else
        N = node(ProgramExpr::Op::Binary, E, B->getOpcodeStr());
      // Pointer arithmetic scales by the pointee of whichever side is a pointer.
      if (N.Kind == ProgramExpr::Op::Binary && B->getLHS()->getType()->isPointerType())
        N.ElementSize = pointeeSize(B->getLHS()->getType());
      N.Args.push_back(lowerExpr(B->getLHS()));
      N.Args.push_back(lowerExpr(B->getRHS()));
      return N;
    }
    case Stmt::ConditionalOperatorClass:
    case Stmt::BinaryConditionalOperatorClass: {
      const auto *C = cast<AbstractConditionalOperator>(E);
      ProgramExpr N = node(ProgramExpr::Op::Conditional, E);
      N.Args.push_back(lowerExpr(C->getCond()));
      N.Args.push_back(lowerExpr(C->getTrueExpr()));
      N.Args.push_back(lowerExpr(C->getFalseExpr()));
      return N;
    }
    case Stmt::CallExprClass: {
      const auto *C = cast<CallExpr>(E);
      const FunctionDecl *Callee = C->getDirectCallee();
      if (Callee && Callee->getBuiltinID() == Builtin::BI__builtin_expect && C->getNumArgs() > 0)
        return lowerExpr(C->getArg(0));
      ProgramExpr N;
      if (Callee) {
        N = node(ProgramExpr::Op::Call, E, Callee->getName());
        if (const FunctionDecl *Def = definedHere(Callee))
          enqueue(Def);
      } else {
        N = node(ProgramExpr::Op::IndirectCall, E);
        N.Args.push_back(lowerExpr(C->getCallee()));
      }
      for (const Expr *A : C->arguments())
        N.Args.push_back(lowerExpr(A));
      return N;
    }
    case Stmt::StmtExprClass: {
      ProgramExpr N = node(ProgramExpr::Op::Statement, E);
      N.Body.push_back(lowerStmt(cast<StmtExpr>(E)->getSubStmt()));
      return N;
    }
    case Stmt::InitListExprClass: {
      const auto *I = cast<InitListExpr>(E);
      if (I->getNumInits() == 1 && singleFieldRecord(T))
        return lowerExpr(I->getInit(0));
      if (I->getNumInits() == 0) {
        ProgramExpr N = node(ProgramExpr::Op::Constant, E);
        return N;
      }
      return unsupported(E, "an initializer list");
    }
    case Stmt::StringLiteralClass:
    case Stmt::PredefinedExprClass: {
      // A string (a message, __func__): never null, never read by the model.
      ProgramExpr N = node(ProgramExpr::Op::Constant, E);
      N.Class = ValueClass::Pointer;
      N.Value = 0x5000000000ULL;
      return N;
    }
    case Stmt::CompoundLiteralExprClass: return lowerExpr(cast<CompoundLiteralExpr>(E)->getInitializer());
    case Stmt::ImplicitValueInitExprClass: {
      ProgramExpr N = node(ProgramExpr::Op::Constant, E); // the zero of its type
      return N;
    }
    case Stmt::ConstantExprClass: return lowerExpr(cast<ConstantExpr>(E)->getSubExpr());
    default: break;
    }
    return unsupported(E, std::string("a ") + E->getStmtClassName() + " expression");
  }

  unsigned pointeeSize(QualType T) const {
    const auto *P = T.getCanonicalType()->getAs<PointerType>();
    if (!P || P->getPointeeType()->isIncompleteType() || P->getPointeeType()->isFunctionType() ||
        P->getPointeeType()->isVoidType())
      return 1;
    return unsigned(Ctx.getTypeSizeInChars(P->getPointeeType()).getQuantity());
  }

  ProgramStmt stmt(ProgramStmt::Op Kind, const Stmt *S) const {
    ProgramStmt N;
    N.Kind = Kind;
    N.Where = S ? where(S->getBeginLoc()) : "";
    return N;
  }

  ProgramStmt lowerStmt(const Stmt *S) {
    if (!S)
      return stmt(ProgramStmt::Op::Block, nullptr);
    // A statement expression's statements start afresh: side effects are
    // asked again, and nesting is counted (else-if chains recurse here).
    llvm::SaveAndRestore<bool> Fresh(FreeOfSideEffects, false);
    llvm::SaveAndRestore<unsigned> Deeper(StmtNesting, StmtNesting + 1);
    if (StmtNesting > MaxNesting)
      return unsupportedStmt(S, "statements nested more than " + std::to_string(MaxNesting) + " levels deep");
    if (const auto *E = dyn_cast<Expr>(S)) {
      ProgramStmt N = stmt(ProgramStmt::Op::Expr, S);
      N.Value = lowerExpr(E);
      N.HasValue = true;
      return N;
    }
    switch (S->getStmtClass()) {
    case Stmt::CompoundStmtClass: {
      ProgramStmt N = stmt(ProgramStmt::Op::Block, S);
      for (const Stmt *C : cast<CompoundStmt>(S)->body())
        N.Children.push_back(lowerStmt(C));
      return N;
    }
    case Stmt::NullStmtClass: return stmt(ProgramStmt::Op::Block, S);
    case Stmt::DeclStmtClass: {
      ProgramStmt N = stmt(ProgramStmt::Op::Block, S);
      for (const Decl *D : cast<DeclStmt>(S)->decls()) {
        const auto *V = dyn_cast<VarDecl>(D);
        if (!V || !V->hasLocalStorage())
          continue; // a static local is a global; a typedef or a struct has no effect
        ProgramStmt Decl = stmt(ProgramStmt::Op::Declare, S);
        Decl.Index = localIndex(V);
        Decl.Name = V->getName().str();
        const Expr *Init = V->getInit();
        const auto *List = Init ? dyn_cast<InitListExpr>(Init->IgnoreImplicit()) : nullptr;
        const RecordDecl *R = V->getType().getCanonicalType()->getAsRecordDecl();
        if (List && R && !singleFieldRecord(V->getType())) {
          // struct foo x = { .a = 1 }: the declaration, then one assignment per field (the others 0).
          N.Children.push_back(std::move(Decl));
          if (const InitListExpr *Semantic = List->isSemanticForm() ? List : List->getSemanticForm())
            List = Semantic;
          unsigned I = 0;
          for (const FieldDecl *FD : R->fields()) {
            if (I >= List->getNumInits())
              break;
            const Expr *Value = List->getInit(I++);
            ProgramStmt Set = stmt(ProgramStmt::Op::Expr, S);
            Set.HasValue = true;
            Set.Value = node(ProgramExpr::Op::Assign, Value, "=");
            ProgramExpr Field;
            Field.Kind = ProgramExpr::Op::Member;
            Field.Name = FD->getName().str();
            Field.Where = where(Value->getExprLoc());
            typeInto(FD->getType(), Field);
            ProgramExpr Base;
            Base.Kind = ProgramExpr::Op::Local;
            Base.Index = localIndex(V);
            Base.Name = V->getName().str();
            Base.Class = ValueClass::Record;
            Field.Args.push_back(std::move(Base));
            Set.Value.Args.push_back(std::move(Field));
            Set.Value.Args.push_back(lowerExpr(Value));
            N.Children.push_back(std::move(Set));
          }
          continue;
        }
        if (Init) {
          Decl.Value = lowerExpr(Init);
          Decl.HasValue = true;
        }
        N.Children.push_back(std::move(Decl));
      }
      return N;
    }
    case Stmt::IfStmtClass: {
      const auto *I = cast<IfStmt>(S);
      ProgramStmt N = stmt(ProgramStmt::Op::If, S);
      N.Value = lowerExpr(I->getCond());
      N.HasValue = true;
      N.Children.push_back(lowerStmt(I->getThen()));
      if (I->getElse())
        N.Children.push_back(lowerStmt(I->getElse()));
      return N;
    }
    case Stmt::ReturnStmtClass: {
      ProgramStmt N = stmt(ProgramStmt::Op::Return, S);
      if (const Expr *V = cast<ReturnStmt>(S)->getRetValue()) {
        N.Value = lowerExpr(V);
        N.HasValue = true;
      }
      return N;
    }
    case Stmt::WhileStmtClass: {
      const auto *W = cast<WhileStmt>(S);
      ProgramStmt N = stmt(ProgramStmt::Op::While, S);
      N.Value = lowerExpr(W->getCond());
      N.HasValue = true;
      N.Children.push_back(lowerStmt(W->getBody()));
      return N;
    }
    case Stmt::DoStmtClass: {
      const auto *D = cast<DoStmt>(S);
      ProgramStmt N = stmt(ProgramStmt::Op::DoWhile, S);
      N.Value = lowerExpr(D->getCond());
      N.HasValue = true;
      N.Children.push_back(lowerStmt(D->getBody()));
      return N;
    }
    case Stmt::ForStmtClass: {
      const auto *F = cast<ForStmt>(S);
      ProgramStmt N = stmt(ProgramStmt::Op::For, S);
      N.Children.push_back(lowerStmt(F->getInit()));
      if (F->getCond()) {
        N.Value = lowerExpr(F->getCond());
        N.HasValue = true;
      }
      if (F->getInc())
        N.Step = lowerExpr(F->getInc()), N.HasStep = true;
      N.Children.push_back(lowerStmt(F->getBody()));
      return N;
    }
    case Stmt::SwitchStmtClass: {
      const auto *W = cast<SwitchStmt>(S);
      ProgramStmt N = stmt(ProgramStmt::Op::Switch, S);
      N.Value = lowerExpr(W->getCond());
      N.HasValue = true;
      N.Children.push_back(lowerStmt(W->getBody()));
      return N;
    }
    case Stmt::CaseStmtClass: {
      const auto *C = cast<CaseStmt>(S);
      ProgramStmt N = stmt(ProgramStmt::Op::Case, S);
      N.Value = lowerExpr(C->getLHS());
      N.HasValue = N.Value.Kind == ProgramExpr::Op::Constant && !C->getRHS();
      if (!N.HasValue)
        return unsupportedStmt(S, "a case range or a case that is not constant");
      N.Children.push_back(lowerStmt(C->getSubStmt()));
      return N;
    }
    case Stmt::DefaultStmtClass: {
      ProgramStmt N = stmt(ProgramStmt::Op::Default, S);
      N.Children.push_back(lowerStmt(cast<DefaultStmt>(S)->getSubStmt()));
      return N;
    }
    case Stmt::LabelStmtClass: {
      const auto *L = cast<LabelStmt>(S);
      ProgramStmt N = stmt(ProgramStmt::Op::Label, S);
      N.Name = L->getName();
      N.Children.push_back(lowerStmt(L->getSubStmt()));
      return N;
    }
    case Stmt::GotoStmtClass: {
      ProgramStmt N = stmt(ProgramStmt::Op::Goto, S);
      N.Name = cast<GotoStmt>(S)->getLabel()->getName().str();
      return N;
    }
    case Stmt::BreakStmtClass: return stmt(ProgramStmt::Op::Break, S);
    case Stmt::ContinueStmtClass: return stmt(ProgramStmt::Op::Continue, S);
    case Stmt::AttributedStmtClass: return lowerStmt(cast<AttributedStmt>(S)->getSubStmt());
    case Stmt::GCCAsmStmtClass: {
      // barrier() has no outputs: nothing the model sees. Outputs (array_index_nospec()'s mask) are
      // what the asm computes from its inputs: opaque, named by the asm text and the input values, the
      // same on both sides.
      const auto *A = cast<GCCAsmStmt>(S);
      ProgramStmt N = stmt(ProgramStmt::Op::Block, S);
      std::string Text = A->getAsmString()->getString().str();
      for (unsigned I = 0; I < A->getNumOutputs(); ++I) {
        ProgramStmt Out = stmt(ProgramStmt::Op::Expr, S);
        Out.HasValue = true;
        Out.Value = node(ProgramExpr::Op::Assign, A->getOutputExpr(I), "=");
        ProgramExpr Value =
            node(ProgramExpr::Op::Call, A->getOutputExpr(I), "asm \"" + Text + "\" #" + std::to_string(I));
        for (unsigned J = 0; J < A->getNumInputs(); ++J)
          Value.Args.push_back(lowerExpr(A->getInputExpr(J)));
        Out.Value.Args.push_back(lowerExpr(A->getOutputExpr(I)));
        Out.Value.Args.push_back(std::move(Value));
        N.Children.push_back(std::move(Out));
      }
      return N;
    }
    default: return unsupportedStmt(S, std::string("a ") + S->getStmtClassName() + " statement");
    }
  }

  ProgramStmt unsupportedStmt(const Stmt *S, const std::string &What) const {
    ProgramStmt N = stmt(ProgramStmt::Op::Unsupported, S);
    N.Name = What;
    return N;
  }
};

} // namespace

HandlerProgram lowerHandler(const FunctionDecl *Handler, ASTContext &Ctx) {
  HandlerProgram Out;
  Lowering(Ctx, Out).run(Handler);
  return Out;
}

} // namespace vmaprep

//===- MappingPlanner.cpp -------------------------------------------------===//
//
// Mapping calls as the action that is their catalogue entry's desc twin at
// the target level (KernelApi.def), shaped by the entry's operand roles:
// remap_pfn_range() and io_remap_pfn_range() as the remap and ioremap
// actions, vm_iomap_memory() as the simple-ioremap action, vm_map_pages() and
// vm_insert_pages() as the map-kernel-pages action, with what the call's
// result did (returned, mapped to another error, ignored); or the plan
// refuses, saying what the action would do differently.
//
//===----------------------------------------------------------------------===//
#include "HandlerRewriter.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/STLExtras.h"

using namespace clang;

namespace vmaprep::rewriter {

namespace {

/// The action a mapping call becomes, read off its catalogue entry's
/// operand roles (KernelApi.def): a new mapping call whose roles fit one of
/// these needs no planner code, only its entry with the action as its twin.
enum class ActionShape {
  None,
  /// Start, Source, Size: `Twin(desc, start, source, size)`, or the kernel's
  /// `Twin_full(desc, source)` over the whole VMA (remap_pfn_range()).
  Range,
  /// Source and Size over the whole VMA: `Twin(desc, source, size)`
  /// (vm_iomap_memory()).
  Simple,
  /// Start, a page array, and a Count passed by address, which the call
  /// writes back: `Twin(desc, desc->start, pages, count)` (vm_insert_pages()).
  PagesFromStart,
  /// A page array and its Count over the whole VMA, bounds-checked in front
  /// of `Twin(desc, pages + desc->pgoff)` (vm_map_pages()).
  WholePages,
};

ActionShape actionShape(const KernelApi &A) {
  if (A.SourceArg < 0)
    return ActionShape::None;
  if (A.CountArg >= 0)
    return A.StartArg >= 0 ? ActionShape::PagesFromStart : A.WholeVma ? ActionShape::WholePages : ActionShape::None;
  if (A.SizeArg < 0)
    return ActionShape::None;
  if (A.StartArg >= 0)
    return ActionShape::Range;
  return A.WholeVma ? ActionShape::Simple : ActionShape::None;
}

/// The call's pgprot_t argument (remap_pfn_range()'s prot), or null.
const Expr *protArgument(const CallExpr *CE) {
  const FunctionDecl *Callee = CE->getDirectCallee();
  for (unsigned I = 0; Callee && I < Callee->getNumParams() && I < CE->getNumArgs(); ++I)
    if (const auto *TT = Callee->getParamDecl(I)->getType()->getAs<TypedefType>();
        TT && TT->getDecl()->getName() == "pgprot_t")
      return CE->getArg(I);
  return nullptr;
}

} // namespace

/// 6.19 and 7.0: the error path of a mapping call that becomes an action
/// turns into a function of its own, which the core calls with the action's
/// error once the hook has returned (mm/util.c mmap_action_complete()): the
/// path's messages (the Classifier let only messages that name nothing of the
/// hook's through), then its errno. It goes before the handler and the
/// comment above it.
bool HandlerRewriter::planErrorHook(const VmaEffect &E, const IfStmt *If, std::string &Name) {
  const FunctionDecl *FD = H.Summary.Function;
  Name = Plan.Function + "_error";
  if (!Ctx.getTranslationUnitDecl()->lookup(DeclarationName(&Ctx.Idents.get(Name))).empty())
    return refuse("'" + Name + "' already exists", FD->getLocation());
  unsigned At, End;
  const auto *HandlerBody = dyn_cast_or_null<CompoundStmt>(FD->getBody());
  if (!HandlerBody || !Edits.range(FD->getSourceRange(), At, End))
    return refuse("the handler is spelled inside a macro", FD->getLocation());
  // One level of the handler's own indentation.
  std::string Indent = "\t";
  if (!HandlerBody->body_empty()) {
    unsigned SB, SE;
    if (Edits.range(HandlerBody->body_front()->getSourceRange(), SB, SE))
      Indent = Edits.indentAt(SB);
  }
  std::string Body;
  if (const auto *Block = dyn_cast<CompoundStmt>(If->getThen()))
    for (const Stmt *S : Block->body()) {
      if (S == Block->body_back())
        break;
      unsigned SB, SE;
      if (!Edits.range(S->getSourceRange(), SB, SE) || !Edits.statementEnd(S, SE))
        return refuse("a message on the error path is spelled inside a macro", S->getBeginLoc());
      // The statement's continuation lines keep their place relative to it.
      std::string Was = Edits.indentAt(SB), Line = Edits.render(SB, SE);
      for (size_t NL = Line.find('\n'); NL != std::string::npos; NL = Line.find('\n', NL + 1))
        if (Line.compare(NL + 1, Was.size(), Was) == 0)
          Line.replace(NL + 1, Was.size(), Indent);
      Body += Indent + Line + "\n";
    }
  Body += Indent + "return " + E.ErrorValue + ";\n";
  llvm::StringRef Before = Edits.buffer().take_front(At).rtrim();
  if (Before.ends_with("*/"))
    if (size_t Open = Before.rfind("/*"); Open != llvm::StringRef::npos) {
      size_t LineStart = Before.rfind('\n', Open);
      LineStart = LineStart == llvm::StringRef::npos ? 0 : LineStart + 1;
      if (Before.slice(LineStart, Open).trim().empty())
        At = unsigned(LineStart);
    }
  Edits.add(At, 0, "static int " + Name + "(int err)\n{\n" + Body + "}\n\n");
  return true;
}

bool HandlerRewriter::planMapping(const VmaEffect &E, unsigned Index) {
  const auto *CE = cast<CallExpr>(E.Node);
  const ActionShape Shape = E.Api && *E.Api->Twin ? actionShape(*E.Api) : ActionShape::None;
  if (Shape == ActionShape::None)
    return refuseInternal(E.Name + "() has no action the rewriter emits yet", CE->getBeginLoc());
  const std::string Twin = E.Api->twinAt(Target).str();
  if (Twin.empty())
    return refuseInternal(E.Name + "() needs " + capabilityName(E.Api->TwinFrom).str() + ", which API level " +
                              apiLevelName(Target).str() + " lacks",
                          CE->getBeginLoc());
  const bool Pages = Shape == ActionShape::PagesFromStart || Shape == ActionShape::WholePages;
  // What the Classifier blocks (actionOrderHazards() in Classifier.cpp),
  // checked again: the action captures desc->page_prot when it is set, and
  // sets the call's flags and vm_pgoff after the hook.
  for (unsigned I = Index + 1; I < H.Summary.Effects.size(); ++I) {
    const VmaEffect &Later = H.Summary.Effects[I];
    if (Later.Kind == EffectKind::FieldWrite && Later.Name == "vm_page_prot")
      return refuseInternal("vm_page_prot changes after " + E.Name + "(); the action would use the old protection",
                            Later.Node->getBeginLoc());
    const bool PureSet =
        (Later.Name == "vm_flags_set" || Later.Name == "vma_set_flags_mask" || Later.Name == "vma_flags_set_mask" ||
         Later.Name == "vm_flags |=") &&
        llvm::none_of(Later.Operands, [](const std::string &O) { return llvm::StringRef(O).contains("MAYWRITE"); });
    if (Later.Kind == EffectKind::FlagsChange && !PureSet)
      return refuseInternal("the flags change after " + E.Name + "() (" + Later.Text +
                                "); the action applies the call's flags after the hook and would undo it",
                            Later.Node->getBeginLoc());
    if (Later.Kind == EffectKind::FieldWrite && Later.Name == "vm_pgoff")
      return refuseInternal("vm_pgoff changes after " + E.Name +
                                "(); the action, which runs after the hook, "
                                "stores the pfn there for a private writable mapping",
                            Later.Node->getBeginLoc());
  }
  std::string Action, Prot;
  // vm_map_pages() maps pages[vm_pgoff + i] after checking that the array
  // holds them (-ENXIO); the action maps pages[i] from the start and checks
  // nothing (mm/memory.c, 7.3): the rewrite offsets the array and keeps the
  // check, in front of the action.
  std::string Guard;
  if (Pages && !pageArrayOutlivesHook(E, CE))
    return false;
  if (Shape == ActionShape::PagesFromStart) {
    if (!planInsertPages(E, CE, Action, Guard))
      return false;
  } else if (Shape == ActionShape::WholePages) {
    auto Simple = [](const Expr *X) {
      X = X->IgnoreParenImpCasts();
      while (const auto *ME = dyn_cast<MemberExpr>(X))
        X = ME->getBase()->IgnoreParenImpCasts();
      return isa<DeclRefExpr>(X) || isa<IntegerLiteral>(X);
    };
    const Expr *PageArray = CE->getArg(unsigned(E.Api->SourceArg)), *Count = CE->getArg(unsigned(E.Api->CountArg));
    if (!Simple(PageArray) || !Simple(Count))
      return refuse("the page array and count of " + E.Name +
                        "() must be plain variables or fields: the rewrite uses them twice",
                    CE->getBeginLoc());
    std::string PagesText, Num;
    if (!renderExpr(PageArray, PagesText) || !renderExpr(Count, Num))
      return false;
    // The one mapping call that ignores vm_pgoff (mm/memory.c
    // vm_map_pages_zero()): a fact of the call, not of its operands.
    bool Zero = E.Name == "vm_map_pages_zero";
    std::string Bound = Zero ? "vma_desc_pages(desc) > " + Num
                             : "desc->pgoff >= " + Num + " || vma_desc_pages(desc) > " + Num + " - desc->pgoff";
    Guard = "if (" + Bound + ")\n%INDENT%\treturn %ERR%;";
    Action = Twin + "(desc, " + PagesText + (Zero ? "" : " + desc->pgoff") + ")";
  } else if (Shape == ActionShape::Simple) {
    std::string Source, Len;
    if (!renderExpr(CE->getArg(unsigned(E.Api->SourceArg)), Source) ||
        !renderExpr(CE->getArg(unsigned(E.Api->SizeArg)), Len))
      return false;
    Action = Twin + "(desc, " + Source + ", " + Len + ")";
  } else {
    // The action maps with desc->page_prot: a call that was handed another
    // protection sets it first.
    if (const Expr *ProtArg = protArgument(CE)) {
      const auto *ProtME = dyn_cast<MemberExpr>(ProtArg->IgnoreParenImpCasts());
      if (!ProtME || ProtME->getMemberDecl()->getName() != "vm_page_prot" ||
          !BodyFacts::field(ProtME, Facts.Vma, "vm_page_prot", &Facts.HelperVmas)) {
        std::string ProtText;
        if (!renderExpr(ProtArg, ProtText))
          return false;
        Prot = "desc->page_prot = " + ProtText + ";";
        Plan.Differences.push_back("vma->vm_page_prot becomes " + ProtText + ", the protection " + E.Name +
                                   "() mapped with; the legacy hook left it as it was");
      }
    }
    std::string Source;
    if (!renderExpr(CE->getArg(unsigned(E.Api->SourceArg)), Source))
      return false;
    if (E.Range == MappingRange::WholeVma) {
      Action = Twin + "_full(desc, " + Source + ")";
    } else {
      std::string Start, Size;
      if (!renderExpr(CE->getArg(unsigned(E.Api->StartArg)), Start) ||
          !renderExpr(CE->getArg(unsigned(E.Api->SizeArg)), Size))
        return false;
      Action = Twin + "(desc, " + Start + ", " + Source + ", " + Size + ")";
    }
  }
  note(E.Name + "() becomes " + Action.substr(0, Action.find('(')) + "()");

  const Stmt *Replaced = nullptr;
  std::string Text;
  unsigned B, End;
  auto Lead = [&](unsigned At, const std::string &Err) {
    std::string Out = Prot.empty() ? "" : Prot + "\n" + Edits.indentAt(At);
    if (!Guard.empty()) {
      std::string G = Guard;
      G.replace(G.find("%INDENT%"), 8, Edits.indentAt(At));
      G.replace(G.find("%ERR%"), 5, Err);
      Out += G + "\n" + Edits.indentAt(At);
    }
    return Out;
  };
  switch (E.Use) {
  case ResultUse::Returned: {
    auto It = Facts.ReturnOf.find(CE);
    if (It == Facts.ReturnOf.end())
      return refuse("cannot find the return of " + E.Name + "()", CE->getBeginLoc());
    Replaced = It->second;
    if (!Edits.range(Replaced->getSourceRange(), B, End) || !Edits.statementEnd(Replaced, End))
      return refuse("the return statement is inside a macro", CE->getBeginLoc());
    if (Shape == ActionShape::PagesFromStart)
      Guard.clear(); // the action's own -EFAULT is vm_insert_pages()'s
    Text = Lead(B, "-ENXIO") + Action + ";\n" + Edits.indentAt(B) + "return 0;";
    break;
  }
  case ResultUse::ErrorMapped: {
    const IfStmt *If = nullptr;
    for (auto &[Cond, I] : Facts.IfOf)
      if (Cond == CE ||
          (isa<BinaryOperator>(Cond) && (cast<BinaryOperator>(Cond)->getLHS()->IgnoreParenImpCasts() == CE)))
        If = I;
    if (!If || If->getElse() || !(P.ErrorOverride || P.ErrorHook))
      return P.ErrorOverride || P.ErrorHook
                 ? refuse("cannot rewrite the error check around " + E.Name + "()", CE->getBeginLoc())
                 : refuseInternal("turning the error into " + E.ErrorValue +
                                      " needs desc->action.error_hook or desc->action.error_override",
                                  CE->getBeginLoc());
    const auto *Block = dyn_cast<CompoundStmt>(If->getThen());
    const bool Messages = Block && Block->size() != 1;
    if (Messages && (P.ErrorOverride || !E.ErrorPathExtra.empty()))
      return refuseInternal("the error path of " + E.Name + "() does more than return " + E.ErrorValue +
                                " where no error hook can keep it",
                            If->getBeginLoc());
    Replaced = If;
    if (!Edits.range(If->getSourceRange(), B, End) || !Edits.statementEnd(If->getThen(), End))
      return refuse("the error check is inside a macro", CE->getBeginLoc());
    if (P.ErrorOverride) {
      Text = Lead(B, E.ErrorValue) + Action + ";\n" + Edits.indentAt(B) +
             "desc->action.error_override = " + E.ErrorValue + ";";
      note("the " + E.ErrorValue + " error mapping becomes desc->action.error_override");
      break;
    }
    std::string Hook;
    if (!planErrorHook(E, If, Hook))
      return false;
    Text = Lead(B, E.ErrorValue) + Action + ";\n" + Edits.indentAt(B) + "desc->action.error_hook = " + Hook + ";";
    note("the " + E.ErrorValue + " error mapping" + (Messages ? " and the message before it" : "") +
         " become the error hook " + Hook + "()");
    break;
  }
  case ResultUse::Ignored: {
    Plan.Differences.push_back("a failure of " + E.Name +
                               "() now fails the mmap; the legacy hook ignored it (the action reports it)");
    if (Shape == ActionShape::PagesFromStart)
      return refuseInternal("the result of " + E.Name +
                                "() is ignored: the hook keeps the mapping with what it could insert, while the action "
                                "would fail the mmap",
                            CE->getBeginLoc());
    if (!Guard.empty())
      return refuseInternal("the result of " + E.Name + "() is ignored; its bound check has no place to go",
                            CE->getBeginLoc());
    if (!Edits.range(CE->getSourceRange(), B, End))
      return refuse(E.Name + "() is spelled in a macro", CE->getBeginLoc());
    Text = Lead(B, "") + Action;
    break;
  }
  default:
    return refuse("the result of " + E.Name + "() is " + resultUseName(E.Use).str() + "; only `return " + E.Name +
                      "(...)`, `if (" + E.Name + "(...)) return -E...;` and an ignored result are rewritten",
                  CE->getBeginLoc());
  }
  // One statement became several: as the unbraced body of an if, only the
  // first would stay under the condition (and -Wmisleading-indentation says
  // so). The body gets braces, kernel style: `if (c) {` ... `}`.
  if (Text.find(";\n") != std::string::npos &&
      !bracedIfNeeded(Replaced ? Replaced : CE, B, End, Text, E.Use == ResultUse::Ignored))
    return false;
  Edits.add(B, End - B, Text);
  return true;
}

namespace {
/// The statement whose direct child \p S is, under \p Root; null when none.
const Stmt *parentStatement(const Stmt *Root, const Stmt *S) {
  if (!Root)
    return nullptr;
  for (const Stmt *Child : Root->children()) {
    if (!Child)
      continue;
    if (Child == S)
      return Root;
    if (const Stmt *P = parentStatement(Child, S))
      return P;
  }
  return nullptr;
}
} // namespace

/// \p S, replaced by the statements of \p Text over [\p B, \p End), sits
/// where one statement is allowed (the body of an if without braces): the
/// replacement then covers from the if's ')' and brings the braces. A body of
/// an if/else chain or a loop is refused: kernel style wants braces on every
/// arm, and a mapping call in a loop is blocked before it comes here.
bool HandlerRewriter::bracedIfNeeded(const Stmt *S, unsigned &B, unsigned &End, std::string &Text,
                                     bool ExpressionOnly) {
  const Stmt *Child = S, *Parent = nullptr;
  // A label or case before the statement keeps it in the enclosing block.
  for (;;) {
    Parent = parentStatement(H.Summary.Function->getBody(), Child);
    if (!Parent || !(isa<LabelStmt>(Parent) || isa<SwitchCase>(Parent)))
      break;
    Child = Parent;
  }
  if (!Parent || isa<CompoundStmt>(Parent))
    return true;
  const auto *If = dyn_cast<IfStmt>(Parent);
  bool Chained = false;
  if (If)
    if (const Stmt *Outer = parentStatement(H.Summary.Function->getBody(), If))
      Chained = isa<IfStmt>(Outer) && cast<IfStmt>(Outer)->getElse() == If;
  if (!If || If->getThen() != Child || If->getElse() || Chained || Child != S)
    return refuse("the rewrite makes one statement several where only one is allowed (the body of " +
                      std::string(If ? "an if/else chain" : Parent->getStmtClassName()) +
                      " without braces); kernel style wants braces on every arm",
                  S->getBeginLoc());
  unsigned IfB, IfE, ParenE;
  if (!Edits.range(If->getSourceRange(), IfB, IfE) ||
      !Edits.range(SourceRange(If->getRParenLoc(), If->getRParenLoc()), IfE, ParenE))
    return refuse("the if around the mapping call is inside a macro", S->getBeginLoc());
  llvm::StringRef Between = Edits.buffer().slice(ParenE, B);
  if (!Between.trim().empty())
    return refuse("a comment between the if and its body would move into the braces the rewrite adds",
                  S->getBeginLoc());
  if (ExpressionOnly) { // the ';' after the call goes inside the braces too
    if (!Edits.statementEnd(S, End))
      return refuse("the mapping call is inside a macro", S->getBeginLoc());
    Text += ";";
  }
  Text = " {\n" + Edits.indentAt(B) + Text + "\n" + Edits.indentAt(IfB) + "}";
  B = ParenE;
  return true;
}

/// The map-kernel-pages action keeps the page array and reads it after the
/// hook returns (mm/memory.c map_kernel_pages_complete(), 7.3): the array
/// must not be the hook's own, nor freed or guarded by a lock in the hook.
bool HandlerRewriter::pageArrayOutlivesHook(const VmaEffect &E, const CallExpr *CE) {
  // EffectAnalysis found the local (VmaEffect::LocalSource) and the
  // Classifier blocks it (page-array-local): checked again here.
  if (!E.LocalSource.empty())
    return refuseInternal("the page array of " + E.Name + "() is the hook's local '" + E.LocalSource +
                              "'; the action reads it after the hook returns",
                          CE->getArg(1)->getBeginLoc());
  auto Held = [&](bool Release) {
    return llvm::find_if(H.Summary.Held,
                         [&](const HeldState &S) { return (S.What == HeldState::Kind::Release) == Release; });
  };
  if (auto Lock = Held(false); Lock != H.Summary.Held.end())
    return refuseInternal("the hook " + heldStateText(*Lock) + "; the action reads the page array of " + E.Name +
                              "() after the hook returns, without it",
                          Lock->Node ? Lock->Node->getBeginLoc() : Lock->Decl->getLocation());
  if (auto Release = Held(true); Release != H.Summary.Held.end())
    return refuseInternal("the hook also " + heldStateText(*Release) + "; the action reads the page array of " +
                              E.Name + "() after the hook returns, so nothing may be freed or put before that",
                          Release->Node->getBeginLoc());
  return true;
}

/// vm_insert_pages(vma, vma->vm_start, pages, &num) ->
/// mmap_action_map_kernel_pages(desc, desc->start, pages, num). The call
/// writes the number of pages it did not insert back to num (0 on success);
/// the action gives nothing back, so num must be a local the hook does not
/// read once the call could have changed it.
bool HandlerRewriter::planInsertPages(const VmaEffect &E, const CallExpr *CE, std::string &Action, std::string &Guard) {
  const Expr *StartArg = CE->getArg(unsigned(E.Api->StartArg)), *CountArg = CE->getArg(unsigned(E.Api->CountArg));
  if (!BodyFacts::field(StartArg, Facts.Vma, "vm_start", &Facts.HelperVmas))
    return refuse(E.Name + "() starts at " + sourceText(StartArg->getSourceRange(), SM, LO) +
                      ", not vma->vm_start; only a page array mapped from the start of the VMA is rewritten",
                  StartArg->getBeginLoc());
  const auto *Addr = dyn_cast<UnaryOperator>(CountArg->IgnoreParenImpCasts());
  const VarDecl *Num = Addr && Addr->getOpcode() == UO_AddrOf ? BodyFacts::localOf(Addr->getSubExpr()) : nullptr;
  std::string NumText = sourceText(CountArg->getSourceRange(), SM, LO);
  if (!Num || isa<ParmVarDecl>(Num))
    return refuseInternal("the count of " + E.Name + "() is " + NumText +
                              ", not the address of a local variable; the call writes back the pages it did not "
                              "insert, which the action does not",
                          CountArg->getBeginLoc());
  // Every other use of num: never its address, and no read after the call
  // unless the call returns (then nothing runs after it).
  VarReferences U = referencesTo(Num, H.Summary.Function->getBody());
  unsigned CallB, CallE;
  if (!Edits.range(CE->getSourceRange(), CallB, CallE))
    return refuse(E.Name + "() is spelled in a macro", CE->getBeginLoc());
  for (const DeclRefExpr *Ref : U.Refs) {
    unsigned B, End;
    if (!Edits.range(Ref->getSourceRange(), B, End))
      return refuse("'" + Num->getName().str() + "' is used inside a macro", Ref->getBeginLoc());
    if (B >= CallB && End <= CallE)
      continue; // the call's own &num
    if (U.written(Ref))
      return refuse("'" + Num->getName().str() +
                        "' is written or has its address taken elsewhere in the hook; "
                        "only a count set once, where it is declared, is rewritten",
                    Ref->getBeginLoc());
    if (B >= CallE && E.Use != ResultUse::Returned)
      return refuseInternal(
          "'" + Num->getName().str() + "' is read after " + E.Name +
              "(), which leaves there the number of pages it did not insert (0 on success); the action "
              "gives no count back",
          Ref->getBeginLoc());
  }
  std::string Pages;
  if (!renderExpr(CE->getArg(unsigned(E.Api->SourceArg)), Pages))
    return false;
  std::string Count = Num->getName().str();
  Action = E.Api->twinAt(Target).str() + "(desc, desc->start, " + Pages + ", " + Count + ")";
  // vm_insert_pages() fails with -EFAULT, in the hook, when the pages do not
  // fit; the action fails the same way before the VMA exists, where no
  // error_override applies: an error mapped to another errno needs the check
  // in the hook.
  Guard = "if (" + Count + " > vma_desc_pages(desc))\n%INDENT%\treturn %ERR%;";
  return true;
}

} // namespace vmaprep::rewriter

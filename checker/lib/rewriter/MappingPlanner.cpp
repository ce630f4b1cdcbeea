//===- MappingPlanner.cpp -------------------------------------------------===//
//
// Mapping calls as actions at the target level: remap_pfn_range() and
// io_remap_pfn_range() as the remap and ioremap actions, vm_iomap_memory()
// as the simple-ioremap action, vm_map_pages() and vm_insert_pages() as the
// map-kernel-pages action, with what the call's result did (returned,
// mapped to another error, ignored); or the plan refuses, saying what the
// action would do differently.
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

bool HandlerRewriter::planMapping(const VmaEffect &E, unsigned Index) {
  const auto *CE = cast<CallExpr>(E.Node);
  bool IsRemap = E.Name == "remap_pfn_range", IsIo = E.Name == "io_remap_pfn_range";
  bool IsIomap = E.Name == "vm_iomap_memory";
  bool IsMapPages = E.Name == "vm_map_pages" || E.Name == "vm_map_pages_zero";
  bool IsInsertPages = E.Name == "vm_insert_pages";
  if (!IsRemap && !IsIo && !IsIomap && !IsMapPages && !IsInsertPages)
    return refuseInternal(E.Name + "() has no action the rewriter emits yet", CE->getBeginLoc());
  if ((IsMapPages || IsInsertPages) && !P.MapKernelPages)
    return refuseInternal(E.Name + "() needs mmap_action_map_kernel_pages(), which API level " +
                              apiLevelName(Target).str() + " lacks",
                          CE->getBeginLoc());
  if (!IsMapPages && !IsInsertPages && ((IsIomap && !P.SimpleIoremap) || (!IsIomap && !P.RemapActions)))
    return refuseInternal(E.Name + "() needs an action API level " + apiLevelName(Target).str() + " lacks",
                          CE->getBeginLoc());
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
    if (IsInsertPages)
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
    if (!If || If->getElse() || !P.ErrorOverride)
      return P.ErrorOverride ? refuse("cannot rewrite the error check around " + E.Name + "()", CE->getBeginLoc())
                             : refuseInternal("turning the error into " + E.ErrorValue +
                                                  " needs desc->action.error_override (API level 7.1)",
                                              CE->getBeginLoc());
    if (const auto *Block = dyn_cast<CompoundStmt>(If->getThen()); Block && Block->size() != 1)
      return refuseInternal("the error path of " + E.Name + "() does more than return " + E.ErrorValue +
                                "; an error_override cannot keep it",
                            If->getBeginLoc());
    Replaced = If;
    if (!Edits.range(If->getSourceRange(), B, End) || !Edits.statementEnd(If->getThen(), End))
      return refuse("the error check is inside a macro", CE->getBeginLoc());
    Text = Lead(B, E.ErrorValue) + Action + ";\n" + Edits.indentAt(B) +
           "desc->action.error_override = " + E.ErrorValue + ";";
    note("the " + E.ErrorValue + " error mapping becomes desc->action.error_override");
    break;
  }
  case ResultUse::Ignored: {
    Plan.Differences.push_back("a failure of " + E.Name +
                               "() now fails the mmap; the legacy hook ignored it (the action reports it)");
    if (IsInsertPages)
      return refuseInternal("the result of vm_insert_pages() is ignored: the hook keeps the mapping with what it could "
                            "insert, while the action would fail the mmap",
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
  Edits.add(B, End - B, Text);
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
  if (!BodyFacts::field(CE->getArg(1), Facts.Vma, "vm_start", &Facts.HelperVmas))
    return refuse("vm_insert_pages() starts at " + sourceText(CE->getArg(1)->getSourceRange(), SM, LO) +
                      ", not vma->vm_start; only a page array mapped from the start of the VMA is rewritten",
                  CE->getArg(1)->getBeginLoc());
  const auto *Addr = dyn_cast<UnaryOperator>(CE->getArg(3)->IgnoreParenImpCasts());
  const VarDecl *Num = Addr && Addr->getOpcode() == UO_AddrOf ? BodyFacts::localOf(Addr->getSubExpr()) : nullptr;
  std::string NumText = sourceText(CE->getArg(3)->getSourceRange(), SM, LO);
  if (!Num || isa<ParmVarDecl>(Num))
    return refuseInternal("the count of vm_insert_pages() is " + NumText +
                              ", not the address of a local variable; the call writes back the pages it did not "
                              "insert, which the action does not",
                          CE->getArg(3)->getBeginLoc());
  // Every other use of num: never its address, and no read after the call
  // unless the call returns (then nothing runs after it).
  VarReferences U = referencesTo(Num, H.Summary.Function->getBody());
  unsigned CallB, CallE;
  if (!Edits.range(CE->getSourceRange(), CallB, CallE))
    return refuse("vm_insert_pages() is spelled in a macro", CE->getBeginLoc());
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
      return refuseInternal("'" + Num->getName().str() +
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

} // namespace vmaprep::rewriter

//===- FlagPlanner.cpp ----------------------------------------------------===//
//
// Flag tests and flag changes at the target level: `vma->vm_flags & VM_X`,
// vm_flags_set() and their kin become desc->vm_flags updates (before 7.0)
// or the bitmap helpers on VMA_*_BIT names (7.0+), or the plan refuses.
//
//===----------------------------------------------------------------------===//
#include "HandlerRewriter.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace vmaprep::rewriter {

std::string HandlerRewriter::flagChange(bool Set, llvm::StringRef MaskText, bool &Ok) {
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
  if (!Edits.range(MaskSide->getSourceRange(), B, End))
    return refuse("the flag mask is not spelled in the file", BO->getBeginLoc());
  std::vector<std::string> Flags;
  if (!splitFlagMask(Edits.buffer().substr(B, End - B), Flags))
    return refuse("the flag mask is not a list of VM_* names: " + Edits.buffer().substr(B, End - B).str(),
                  BO->getBeginLoc());
  // `(flags & M) == M` tests that every bit of M is set (dax's check_vma);
  // `!= M` that one is missing; a comparison with 0 is a truth value.
  const BinaryOperator *AllOf = nullptr;
  if (Facts.ComparedTo.count(BO)) {
    const BinaryOperator *Cmp = Facts.ComparedTo.at(BO);
    const Expr *Other = Cmp->getLHS()->IgnoreParenImpCasts() == BO ? Cmp->getRHS() : Cmp->getLHS();
    Expr::EvalResult R, Mask;
    bool Zero = Other->EvaluateAsInt(R, Ctx) && R.Val.getInt() == 0;
    bool SameMask =
        Other->EvaluateAsInt(R, Ctx) && MaskSide->EvaluateAsInt(Mask, Ctx) && R.Val.getInt() == Mask.Val.getInt();
    if (!Zero && !SameMask)
      return refuse("compares a flag mask with a value; the bitmap helpers only test bits", BO->getBeginLoc());
    if (SameMask)
      AllOf = Cmp;
  }
  std::string Helper = Flags.size() == 1 ? P.TestOneBit.str() : (AllOf ? P.TestAllBits : P.TestAnyBits).str();
  if (Helper.empty())
    return refuse("API level " + apiLevelName(Target).str() + " cannot test several flags at once", BO->getBeginLoc());
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
      if (!Edits.range(CE->getArg(1)->getSourceRange(), B, End))
        return refuse("the flag mask is spelled inside a macro", CE->getBeginLoc());
      Text = flagChange(E.Name == "vm_flags_set", Edits.buffer().substr(B, End - B), Ok);
    } else if (E.Name == "vm_flags_mod" || E.Name == "__vm_flags_mod") {
      unsigned B1, E1, B2, E2;
      if (!Edits.range(CE->getArg(1)->getSourceRange(), B1, E1) ||
          !Edits.range(CE->getArg(2)->getSourceRange(), B2, E2))
        return refuse("the flag mask is spelled inside a macro", CE->getBeginLoc());
      unsigned Start, Dummy;
      Edits.range(CE->getSourceRange(), Start, Dummy);
      bool Ok2 = true;
      Text = flagChange(true, Edits.buffer().substr(B1, E1 - B1), Ok) + ";\n" + Edits.indentAt(Start) +
             flagChange(false, Edits.buffer().substr(B2, E2 - B2), Ok2);
      Ok = Ok && Ok2;
    } else if (E.Name == "vma_set_flags_mask" || E.Name == "vma_clear_flags_mask") {
      // The 7.x macros vma_set_flags(vma, BITS...) / vma_clear_flags(): keep the bits.
      unsigned B, End;
      if (!Edits.range(CE->getSourceRange(), B, End))
        return refuse("a flag change the rewriter cannot locate", CE->getBeginLoc());
      llvm::StringRef Src = Edits.buffer().substr(B, End - B);
      llvm::StringRef Macro = E.Name == "vma_set_flags_mask" ? "vma_set_flags(" : "vma_clear_flags(";
      size_t Comma = Src.find(',');
      if (!Src.starts_with(Macro) || Comma == llvm::StringRef::npos)
        return refuse("a flag change the rewriter does not handle: " + E.Text, CE->getBeginLoc());
      Text = (E.Name == "vma_set_flags_mask" ? "vma_desc_set_flags(desc" : "vma_desc_clear_flags(desc") +
             Src.substr(Comma).str();
    } else {
      return refuseInternal("replaces all flags (" + E.Name + ")", CE->getBeginLoc());
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
  if (!Edits.range(BO->getRHS()->getSourceRange(), B, End))
    return refuse("the flag mask is spelled inside a macro", BO->getBeginLoc());
  std::string Text = flagChange(true, Edits.buffer().substr(B, End - B), Ok);
  if (!Ok)
    return refuse("the flag mask is not a list of VM_* names: " + E.Text, BO->getBeginLoc());
  return replace(BO->getSourceRange(), Text, BO->getBeginLoc());
}

} // namespace vmaprep::rewriter

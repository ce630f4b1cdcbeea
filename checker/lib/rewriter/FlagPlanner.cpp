//===- FlagPlanner.cpp ----------------------------------------------------===//
//
// Flag tests and flag changes at the target level: `vma->vm_flags & VM_X`,
// vm_flags_set() and their kin become desc->vm_flags updates (before 7.0)
// or the bitmap helpers on VMA_*_BIT names (7.0+), or the plan refuses.
//
//===----------------------------------------------------------------------===//
#include "HandlerRewriter.h"
#include "vmaprep/KernelApi.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/STLExtras.h"

using namespace clang;

namespace vmaprep::rewriter {

std::string HandlerRewriter::descFlags() const { return "desc->" + vmaFieldApi("vm_flags")->twinAt(Target).str(); }

std::string HandlerRewriter::flagChange(bool Set, llvm::StringRef MaskText, bool &Ok) {
  if (!P.BitmapFlags)
    return Set ? descFlags() + " |= " + MaskText.str() : descFlags() + " &= ~(" + MaskText.str() + ")";
  std::vector<std::string> Flags;
  Ok = splitFlagMask(MaskText, Flags);
  // The desc's bitmap helpers are the twins of the VMA's mask helpers.
  std::string Call = kernelFunction(Set ? "vm_flags_set" : "vm_flags_clear")->twinAt(Target).str() + "(desc";
  for (const std::string &F : Flags) {
    std::string Bit = flagBitName(F);
    if (Bit.empty())
      Ok = false;
    Call += ", " + Bit;
  }
  return Call + ")";
}

namespace {
/// A vma_flags_t bitmap (built by mk_vma_flags()) rather than a VM_* mask or
/// a VMA_*_BIT number.
bool isBitmapMask(const Expr *Arg) { return Arg->getType()->isRecordType(); }
} // namespace

bool HandlerRewriter::planFlagsTest(const VmaEffect &E) {
  const auto *BO = dyn_cast<BinaryOperator>(E.Node);
  if (!BO) {
    // vma_test(vma, BIT) in 7.x trees: a test of one bit becomes its
    // entry's desc twin, handed the bit.
    const auto *CE = dyn_cast<CallExpr>(E.Node);
    llvm::StringRef Twin = E.Api ? E.Api->twinAt(Target) : "";
    int BitArg = E.Api ? E.Api->setMaskArg() : -1;
    if (!CE || CE->getNumArgs() != 2 || Twin.empty() || BitArg < 0 || isBitmapMask(CE->getArg(unsigned(BitArg))))
      return refuse("a flag test the rewriter does not handle: " + E.Text, E.Node->getBeginLoc());
    std::string Bit;
    if (!renderExpr(CE->getArg(unsigned(BitArg)), Bit))
      return false;
    return replace(CE->getSourceRange(), Twin.str() + "(desc, " + Bit + ")", CE->getBeginLoc());
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
    return replace(ME->getSourceRange(), descFlags(), ME->getBeginLoc());
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
  // `!= M` that one is missing; a comparison with 0 is a truth value; a
  // comparison with a part V of M (ptp_vmclock's `!= VM_READ` under
  // VM_READ | VM_WRITE) tests V's bits set and M's others clear.
  const BinaryOperator *AllOf = nullptr;
  if (Facts.ComparedTo.count(BO)) {
    const BinaryOperator *Cmp = Facts.ComparedTo.at(BO);
    const Expr *Other = Cmp->getLHS()->IgnoreParenImpCasts() == BO ? Cmp->getRHS() : Cmp->getLHS();
    Expr::EvalResult R, Mask;
    if (!Other->EvaluateAsInt(R, Ctx) || !MaskSide->EvaluateAsInt(Mask, Ctx))
      return refuse("compares a flag mask with a value; the bitmap helpers only test bits", BO->getBeginLoc());
    const uint64_t Value = R.Val.getInt().getZExtValue(), MaskValue = Mask.Val.getInt().getZExtValue();
    if (Value == MaskValue)
      AllOf = Cmp;
    else if (Value != 0)
      return planMaskComparison(BO, Cmp, Other, Flags, (Value & ~MaskValue) == 0);
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

/// `(flags & M) == V` (or `!=`) where V names some of M's bits: V's bits
/// set and the rest of M's clear, spelled with the level's bit tests. The
/// comparison keeps its meaning exactly: `==` becomes `all(V) && !any(M - V)`,
/// `!=` its negation `!all(V) || any(M - V)`.
bool HandlerRewriter::planMaskComparison(const BinaryOperator *And, const BinaryOperator *Cmp, const Expr *Value,
                                         const std::vector<std::string> &MaskFlags, bool InsideMask) {
  unsigned B, End;
  if (!Edits.range(Value->getSourceRange(), B, End))
    return refuse("the compared flag value is not spelled in the file", Cmp->getBeginLoc());
  llvm::StringRef ValueText = Edits.buffer().substr(B, End - B);
  std::vector<std::string> Set;
  if (!InsideMask || !splitFlagMask(ValueText, Set) ||
      llvm::any_of(Set, [&](const std::string &F) { return !llvm::is_contained(MaskFlags, F); }))
    return refuse("compares a flag mask with a value that is not made of the mask's own VM_* names: " + ValueText.str(),
                  Cmp->getBeginLoc());
  std::vector<std::string> Clear;
  for (const std::string &F : MaskFlags)
    if (!llvm::is_contained(Set, F) && !llvm::is_contained(Clear, F))
      Clear.push_back(F);
  if (Set.empty() || Clear.empty())
    return refuse("compares a flag mask with a value whose names do not split it: " + ValueText.str(),
                  Cmp->getBeginLoc());
  // One bit is the single-bit test; several set bits must all be set, and
  // any of several clear bits breaks the match.
  auto Test = [&](const std::vector<std::string> &Bits, llvm::StringRef Several, std::string &Out) {
    std::string Helper = Bits.size() == 1 ? P.TestOneBit.str() : Several.str();
    if (Helper.empty())
      return refuse("API level " + apiLevelName(Target).str() + " cannot test several flags at once",
                    And->getBeginLoc());
    Out = Helper + "(desc";
    for (const std::string &F : Bits) {
      std::string Bit = flagBitName(F);
      if (Bit.empty())
        return refuse(F + " has no VMA_*_BIT name", And->getBeginLoc());
      Out += ", " + Bit;
    }
    Out += ")";
    return true;
  };
  std::string AllSet, AnyClear;
  if (!Test(Set, P.TestAllBits, AllSet) || !Test(Clear, P.TestAnyBits, AnyClear))
    return false;
  bool Equal = Cmp->getOpcode() == BO_EQ;
  std::string Text = Equal ? AllSet + " && !" + AnyClear : "!" + AllSet + " || " + AnyClear;
  // Parentheses where the comparison was an operand: `a || b` inside `&&`
  // would change its meaning, and `a && !b` inside `||` draws
  // -Wlogical-op-parentheses.
  bool Whole =
      Facts.ParenOf.count(Cmp) || Facts.IfOf.count(Cmp) || Facts.ReturnOf.count(Cmp) || Facts.StatementExprs.count(Cmp);
  if (!Whole)
    Text = "(" + Text + ")";
  return replace(Cmp->getSourceRange(), Text, And->getBeginLoc());
}

bool HandlerRewriter::planFlagsChange(const VmaEffect &E) {
  bool Ok = true;
  if (const auto *CE = dyn_cast<CallExpr>(E.Node)) {
    if (!Facts.StatementExprs.count(CE))
      return refuse("a flag change inside an expression: " + E.Text, CE->getBeginLoc());
    const KernelApi *Api = E.Api;
    if (!Api || Api->Blocker == KernelApiBlocker::FlagsReplaced)
      return refuseInternal("replaces all flags (" + E.Name + ")", CE->getBeginLoc());
    const int Masks[] = {Api->setMaskArg(), Api->clearMaskArg()};
    const int FirstMask = Masks[0] >= 0 ? Masks[0] : Masks[1];
    if (FirstMask < 0 || unsigned(FirstMask) >= CE->getNumArgs())
      return refuse("a flag change the rewriter does not handle: " + E.Text, CE->getBeginLoc());
    std::string Text;
    if (isBitmapMask(CE->getArg(unsigned(FirstMask)))) {
      // The 7.x variadic macros vma_set_flags(vma, BITS...) and
      // vma_clear_flags() expand to their _mask helper with the bitmap built
      // from bit names: the desc twin's macro takes the same bits. The twin's
      // bitmap spelling exists wherever the VMA's does.
      unsigned B, End;
      if (!*Api->Twin || !Edits.range(CE->getSourceRange(), B, End))
        return refuse("a flag change the rewriter cannot locate", CE->getBeginLoc());
      llvm::StringRef Src = Edits.buffer().substr(B, End - B);
      llvm::StringRef Variadic = E.Name;
      bool MaskHelper = Variadic.consume_back("_mask");
      size_t Comma = Src.find(',');
      if (!MaskHelper || !Src.starts_with((Variadic + "(").str()) || Comma == llvm::StringRef::npos)
        return refuse("a flag change the rewriter does not handle: " + E.Text, CE->getBeginLoc());
      Text = Api->Twin + ("(desc" + Src.substr(Comma)).str();
    } else {
      // VM_* masks: what the call sets, then what it clears.
      unsigned Start, Dummy;
      Edits.range(CE->getSourceRange(), Start, Dummy);
      for (int Role = 0; Role < 2; ++Role) {
        if (Masks[Role] < 0)
          continue;
        unsigned B, End;
        if (unsigned(Masks[Role]) >= CE->getNumArgs() ||
            !Edits.range(CE->getArg(unsigned(Masks[Role]))->getSourceRange(), B, End))
          return refuse("the flag mask is spelled inside a macro", CE->getBeginLoc());
        bool PartOk = true;
        std::string Part = flagChange(Role == 0, Edits.buffer().substr(B, End - B), PartOk);
        Ok = Ok && PartOk;
        Text += Text.empty() ? Part : ";\n" + Edits.indentAt(Start) + Part;
      }
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

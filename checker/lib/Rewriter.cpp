//===- Rewriter.cpp -------------------------------------------------------===//
//
// Edits are planned as byte ranges of the main file. Inner edits (a field
// access) are planned before the constructs that contain them (a mapping call
// that becomes an action); an outer edit renders its text from the original
// with the inner edits applied, and replaces them (rewriter/EditBuffer.h).
// Whatever the plan does not cover makes it refuse: a use of the VMA no edit
// rewrote, a range inside a macro body, a partial overlap. The planners of
// flags, mappings, ops tables, static helpers and the ->mapped callback are
// in rewriter/ (rewriter/HandlerRewriter.h lists them).
//
//===----------------------------------------------------------------------===//
#include "vmaprep/Rewriter.h"
#include "rewriter/HandlerRewriter.h"
#include "vmaprep/ApiDetection.h"
#include "vmaprep/Classifier.h"
#include "vmaprep/KernelApi.h"
#include "vmaprep/SourceResolution.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

using namespace clang;

namespace vmaprep {

std::string preparedName(llvm::StringRef Legacy) { return Legacy.str() + "_prepare"; }

std::string describeVariant(const ConfigurationVariant &V) {
  return "with " + V.Macro + (V.Defined ? " defined" : " undefined");
}

std::string predatesRefusal(llvm::StringRef Evidence) {
  return "the tree predates mmap_prepare (" + Evidence.str() + ")";
}

namespace rewriter {

HandlerRewriter::HandlerRewriter(const AnalyzedHandler &H, ASTContext &Ctx, ApiLevel Target, MigrationScope Scope)
    : H(H), Ctx(Ctx), SM(Ctx.getSourceManager()), LO(Ctx.getLangOpts()), P(profileFor(Target)), Target(Target),
      Scope(Scope), Edits(SM, LO), Main(SM.getMainFileID()) {}

MigrationPlan HandlerRewriter::run() {
  const FunctionDecl *FD = H.Summary.Function;
  Plan.Function = FD->getName().str();
  Plan.NewFunction = preparedName(Plan.Function);
  if (plan(FD)) {
    removeDeadLocals(FD);
    finish();
  }
  return settle();
}

MigrationPlan HandlerRewriter::settle() {
  if (Plan.Applicable && (!coversEveryConfiguration() || !coversOtherFiles()))
    Plan.Applicable = false;
  if (!Plan.Applicable) {
    Plan.Edits.clear();
    Plan.OtherFiles.clear();
    Plan.Differences.clear(); // of a rewrite that will not be made
  }
  return Plan;
}

void HandlerRewriter::note(const std::string &Change) {
  if (std::find(Plan.Changes.begin(), Plan.Changes.end(), Change) == Plan.Changes.end())
    Plan.Changes.push_back(Change);
}

bool HandlerRewriter::refuse(const std::string &Why, SourceLocation Loc) {
  if (Plan.Refusal.empty()) {
    Plan.Refusal = Why;
    Plan.RefusalSite = resolveSite(Loc, SM, LO);
  }
  return false;
}

bool HandlerRewriter::refuseVerdict(const std::string &Why, SourceLocation Loc) {
  if (Plan.Refusal.empty())
    Plan.Kind = RefusalKind::Semantic;
  return refuse(Why, Loc);
}

bool HandlerRewriter::refuseInternal(const std::string &Why, SourceLocation Loc) {
  return refuseVerdict("internal: the classifier should have refused: " + Why, Loc);
}

bool HandlerRewriter::renderExpr(const Expr *E, std::string &Out) {
  unsigned B, End;
  if (!Edits.range(E->getSourceRange(), B, End))
    return refuse("an operand is spelled inside a macro", E->getBeginLoc());
  Out = Edits.render(B, End);
  return true;
}

bool HandlerRewriter::replace(SourceRange R, std::string Text, SourceLocation Why) {
  unsigned B, E;
  if (!Edits.range(R, B, E))
    return refuse("the edit would land inside a macro expansion", Why);
  Edits.add(B, E - B, std::move(Text));
  return true;
}

/// A query's desc twin in the call's place: a desc helper's name is called
/// with the desc, any other twin is the expression itself (KernelApi.def).
std::string queryTwinCall(llvm::StringRef Twin) {
  bool Helper = llvm::all_of(Twin, [](char C) { return std::isalnum(static_cast<unsigned char>(C)) || C == '_'; });
  return Helper ? (Twin + "(desc)").str() : Twin.str();
}

namespace {
/// A setter of one VMA field handed its value (vma_set_file()): the
/// catalogue entry's first operand is the value.
bool isValueSetter(const VmaEffect &E) {
  return E.Kind == EffectKind::FieldWrite && E.Api && E.Api->isFunction() && E.Api->Operands[0] >= 0;
}
} // namespace

bool HandlerRewriter::isComposite(const VmaEffect &E) {
  return E.Kind == EffectKind::Mapping || E.Kind == EffectKind::Delegation || E.Kind == EffectKind::FlagsChange ||
         isValueSetter(E);
}

bool HandlerRewriter::plan(const FunctionDecl *FD) {
  Plan.File = resolveSite(FD->getLocation(), SM, LO).File;
  if (H.Handler.Kind != HookKind::LegacyMmap)
    return refuseVerdict("already an mmap_prepare handler", FD->getLocation());
  if (!H.Summary.BodyVisible) {
    // `.mmap = generic_file_mmap`: only the table changes.
    if (knownHandler(FD->getName()) != KnownHandler::HasPrepareTwin)
      return refuseVerdict("the handler's body is not in this file", FD->getLocation());
    Plan.NewFunction = kernelFunction(FD->getName())->twinAt(Target).str();
    Plan.File = resolveSite(SM.getLocForStartOfFile(Main), SM, LO).File;
    return planSites();
  }
  bool MovesState =
      H.Result.Kind == VerdictKind::ConvertibleWithMapped && levelHas(Target, ApiCapability::MappedCallback);
  if (H.Result.Kind != VerdictKind::AutoConvertible && !MovesState)
    return refuseVerdict(std::string("the verdict is ") + verdictName(H.Result.Kind).str() +
                             ", not auto-convertible at API level " + apiLevelName(Target).str() +
                             (H.Result.Reasons.empty() ? "" : " (" + H.Result.Reasons.front().Text + ")"),
                         FD->getLocation());
  if (SM.getFileID(SM.getExpansionLoc(FD->getLocation())) != Main)
    return refuse("the handler is defined in a header", FD->getLocation());
  if (FD->getLocation().isMacroID())
    return refuse("the handler's name comes from a macro", FD->getLocation());
  // With external linkage, other translation units may name the handler:
  // only a plan joined with every one of them (database scope) may change it.
  if (FD->getStorageClass() != SC_Static && Scope == MigrationScope::TranslationUnit)
    return refuse("the handler is not static: other files may call it", FD->getLocation());
  if (!hasLegacyMmapSignature(FD))
    return refuse("the handler does not have the legacy signature", FD->getLocation());

  Facts.File = FD->getParamDecl(0);
  Facts.Vma = FD->getParamDecl(1);
  EditedBodies.push_back({FD->getBody(), {Facts.Vma->getName().str(), Facts.File->getName().str()}});
  Facts.TraverseStmt(FD->getBody());
  if (Facts.UsesDescName)
    return refuse("the handler already uses the name 'desc'", FD->getLocation());

  if (!refuseOtherReferences(FD))
    return false;

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
    if (!Edits.range(Ref->getSourceRange(), B, E))
      return refuse("the VMA is used inside a macro", Ref->getBeginLoc());
    if (!Edits.covers(B, E))
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
    if (Body && Edits.range(Body->getSourceRange(), B, E))
      Bodies.push_back({B, E});
  }
  auto Covered = [&](unsigned Offset) {
    return std::any_of(Plan.Edits.begin(), Plan.Edits.end(),
                       [&](const TextEdit &T) { return T.Offset <= Offset && Offset < T.Offset + T.Length; });
  };
  for (const RawIdentifier &R : rawIdentifiers(SM, LO, Main)) {
    bool Renamed =
        Names.count(R.Name.str()) || (ConvertedHelpers.count(R.Name.str()) && !HelperNamesSeen.count(R.Offset));
    bool BodyUse = false;
    for (size_t I = 0; I < Bodies.size() && !Renamed && !R.AfterMember; ++I)
      if (Bodies[I].first <= R.Offset && R.Offset < Bodies[I].second)
        for (const std::string &P : EditedBodies[I].second)
          BodyUse |= !P.empty() && R.Name == P;
    if ((!Renamed && !BodyUse) || Covered(R.Offset))
      continue;
    // Another parse, with the macro flipped, compiles this code and plans its
    // edits (fix's configuration variants); a #define stays refused.
    if (!R.InDirective && !R.Macro.empty() && VariantMacros.count(R.Macro))
      continue;
    SourceLocation At = SM.getLocForStartOfFile(Main).getLocWithOffset(R.Offset);
    std::string What = Renamed ? "'" + R.Name.str() + "'" : "the hook's '" + R.Name.str() + "'";
    // Only a Kconfig symbol is flipped: another macro (`#ifdef pgprot_noncached`)
    // is the headers' own, and undefining it would parse a configuration
    // that does not exist.
    if (!R.Condition.empty() && !R.InDirective && llvm::StringRef(R.Macro).starts_with("CONFIG_") &&
        VariantMacros.empty())
      Plan.SkippedVariant = ConfigurationVariant{R.Macro, R.CompiledWhenDefined, R.Condition};
    if (R.InCondition)
      return refuse(What + " is also tested in a preprocessor condition (line " +
                        std::to_string(SM.getLineNumber(Main, R.Offset)) + ")",
                    At);
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

/// Other references to the handler: a direct call or a stored pointer would
/// keep the old signature alive.
bool HandlerRewriter::refuseOtherReferences(const FunctionDecl *FD) {
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
  for (const DeclRefExpr *Ref : Refs.Refs) {
    if (SiteExprs.count(Ref))
      continue;
    if (Scope == MigrationScope::Database && isExportedName(Ref->getLocation())) {
      if (!renameExport(Ref->getLocation()))
        return false;
      continue;
    }
    return refuse("the handler is used outside ops tables (called or stored); its signature cannot change",
                  Ref->getBeginLoc());
  }
  return true;
}

bool HandlerRewriter::planSignature(const FunctionDecl *FD) {
  for (const FunctionDecl *D : FD->redecls()) {
    if (Scope == MigrationScope::Database) {
      if (isExportedName(D->getLocation()))
        continue; // EXPORT_SYMBOL's `extern typeof(f) f;`: renamed with its argument
      if (!D->getLocation().isMacroID() && SM.getFileID(D->getLocation()) != Main) {
        if (!planPrototypeElsewhere(D))
          return false;
        continue;
      }
    }
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

/// A VMA field becomes its catalogue entry's desc field at the target level
/// (KernelApi.def's VMAPREP_VMA_FIELD rows): a read of a write-only field, a
/// write of an immutable one, or a field with no desc twin is refused.
bool HandlerRewriter::planFieldAccess(const MemberExpr *ME, bool Write) {
  llvm::StringRef F = ME->getMemberDecl()->getName();
  const KernelApi *Field = vmaFieldApi(F);
  llvm::StringRef To = Field ? Field->descFieldFor(Target, Write) : "";
  if (To.empty())
    return refuse(std::string(Write ? "writes" : "reads") + " vma->" + F.str() +
                      ", which the desc does not provide for that use",
                  ME->getBeginLoc());
  return replace(ME->getSourceRange(), ("desc->" + To).str(), ME->getBeginLoc());
}

/// A query helper handed the VMA (vma_pages(), vma_start_pgoff(), ...)
/// becomes its catalogue entry's desc twin at the target level
/// (KernelApi.def): a desc helper's name is called with the desc, a call
/// template (`daxdev_mapping_supported(desc, file_inode(desc->file), $1)`)
/// is filled with the call's arguments, any other twin is the expression
/// that takes the call's place.
bool HandlerRewriter::planQuery(const VmaEffect &E) {
  const auto *CE = dyn_cast<CallExpr>(E.Node);
  llvm::StringRef Twin = E.Api ? E.Api->twinAt(Target) : "";
  if (!CE || Twin.empty())
    return refuse("a VMA query the rewriter does not handle: " + E.Text, E.Node->getBeginLoc());
  if (isCallTwin(Twin)) {
    if (std::string Missing = missingTwin(Ctx, Twin); !Missing.empty())
      return refuseInternal(E.Name + "()'s twin " + Twin.str() + " is not in this tree: " + Missing, CE->getBeginLoc());
    std::string Text;
    if (!fillTwin(Twin, CE, Text))
      return false;
    note(E.Name + "() becomes " + Text.substr(0, Text.find('(')) + "()");
    return replace(CE->getSourceRange(), Text, CE->getBeginLoc());
  }
  if (CE->getNumArgs() != 1)
    return refuse("a VMA query the rewriter does not handle: " + E.Text, E.Node->getBeginLoc());
  return replace(CE->getSourceRange(), queryTwinCall(Twin), CE->getBeginLoc());
}

/// \p Twin with each `$N` replaced by the call's argument N as the edits
/// leave it; the VMA itself must not be one of them.
bool HandlerRewriter::fillTwin(llvm::StringRef Twin, const CallExpr *CE, std::string &Out) {
  Out.clear();
  for (size_t I = 0; I < Twin.size(); ++I) {
    if (Twin[I] != '$' || I + 1 >= Twin.size() || !std::isdigit(static_cast<unsigned char>(Twin[I + 1]))) {
      Out += Twin[I];
      continue;
    }
    unsigned Arg = unsigned(Twin[++I] - '0');
    std::string Text;
    if (Arg >= CE->getNumArgs() || !renderExpr(CE->getArg(Arg), Text))
      return Arg >= CE->getNumArgs()
                 ? refuse("the call has no argument " + std::to_string(Arg) + " for its twin", CE->getBeginLoc())
                 : false;
    const auto *Ref = dyn_cast<DeclRefExpr>(CE->getArg(Arg)->IgnoreParenImpCasts());
    if (Ref && Facts.isVma(Ref->getDecl()))
      return refuse("the VMA itself would be handed to the twin", CE->getBeginLoc());
    Out += Text;
  }
  return true;
}

/// A delegation (vma_set_anonymous(), generic_file_mmap(), ...) becomes its
/// catalogue entry's desc twin at the target level, called with the desc.
bool HandlerRewriter::planDelegation(const VmaEffect &E) {
  const auto *CE = dyn_cast<CallExpr>(E.Node);
  if (!CE)
    return refuse("a delegation the rewriter does not handle: " + E.Text, E.Node->getBeginLoc());
  llvm::StringRef Twin = E.Api ? E.Api->twinAt(Target) : "";
  if (Twin.empty())
    return refuseInternal(E.Name + "() has no desc variant at API level " + apiLevelName(Target).str(),
                          CE->getBeginLoc());
  note(E.Name + "() becomes " + Twin.str() + "()");
  return replace(CE->getSourceRange(), Twin.str() + "(desc)", CE->getBeginLoc());
}

bool HandlerRewriter::planEffect(const VmaEffect &E, unsigned Index) {
  if ((MovedOpen && !E.Via.empty() && E.Via.front().Callee == MovedOpen->getName()) || MovedToMapped.count(E.Node))
    return true; // planMappedCallback moved the call
  if (E.Kind == EffectKind::StateChange && E.Tag == EffectTag::Bookkeeping)
    return true; // stays in mmap_prepare as it is (MappedStateTrace.cpp)
  if (llvm::any_of(E.Via, [&](const CallStep &S) { return SplitHelpers.count(S.Callee); }))
    return true; // read in the split helper's core, which takes the values (planSplitHelper)
  if (!E.Via.empty()) {
    // What a converted helper does to the VMA is planned here as the
    // handler's own; state and escapes do not move with it.
    auto Unconverted = llvm::find_if(E.Via, [&](const CallStep &S) { return !ConvertedHelpers.count(S.Callee); });
    bool Movable =
        E.Kind != EffectKind::StateChange && E.Kind != EffectKind::Escape && E.Kind != EffectKind::ManualOpen;
    if (Unconverted != E.Via.end() || !Movable)
      return refuse("the handler reaches the VMA through " +
                        (Unconverted != E.Via.end() ? *Unconverted : E.Via.back()).Callee +
                        "(), which vmaprep does not convert with it (static helpers of this file that only the "
                        "converted code calls, with the VMA, are; what they do must be what the hook may do)",
                    E.Node->getBeginLoc());
  }
  switch (E.Kind) {
  case EffectKind::FieldRead: {
    const auto *ME = dyn_cast<MemberExpr>(E.Node);
    if (!ME)
      return planQuery(E);
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
            if (Edits.range(Paren->second->getSourceRange(), B, End)) {
              llvm::StringRef Before = Edits.buffer().take_front(B).rtrim();
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
    if (isValueSetter(E)) {
      // A setter becomes a write of its field's desc twin.
      const auto *CE = cast<CallExpr>(E.Node);
      const KernelApi *Field = vmaFieldApi(E.Name);
      llvm::StringRef To = Field ? Field->descFieldFor(Target, true) : "";
      std::string Value;
      if (To.empty())
        return refuse("a VMA write the rewriter does not handle: " + E.Text, E.Node->getBeginLoc());
      if (!renderExpr(CE->getArg(unsigned(E.Api->Operands[0])), Value))
        return false;
      // vma_set_file() takes a reference on the new file; a file stored in the desc must carry its own,
      // which the core takes over (mm/vma.c call_mmap_prepare() does not get it again), as upstream
      // drivers write it: desc->vm_file = get_file(f). The file is the one field whose setter does that.
      if (E.Name == "vm_file")
        Value = "get_file(" + Value + ")";
      return replace(CE->getSourceRange(), "desc->" + To.str() + " = " + Value, CE->getBeginLoc());
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
  case EffectKind::FlagsTest: return planFlagsTest(E);
  case EffectKind::FlagsRead: {
    const auto *ME = dyn_cast<MemberExpr>(E.Node);
    if (!P.BitmapFlags && ME)
      return replace(ME->getSourceRange(), descFlags(), ME->getBeginLoc());
    // A query of the flags value with a desc twin (is_cow_mapping(vma->vm_flags)):
    // the whole call becomes the twin, handed the desc.
    auto It = ME ? Facts.CowCallOf.find(ME) : Facts.CowCallOf.end();
    const FunctionDecl *Query = It != Facts.CowCallOf.end() ? It->second->getDirectCallee() : nullptr;
    const KernelApi *QueryApi = Query ? kernelFunction(Query->getName()) : nullptr;
    if (llvm::StringRef Twin = QueryApi ? QueryApi->twinAt(Target) : ""; !Twin.empty())
      return replace(It->second->getSourceRange(), queryTwinCall(Twin), It->second->getBeginLoc());
    // Any other read of the value (handed to a helper that takes a
    // vm_flags_t): the level's expression for the same value from the desc.
    const KernelApi *Value = fieldValueApi("vm_flags");
    llvm::StringRef Twin = Value ? Value->twinAt(Target) : "";
    if (!ME || Twin.empty())
      return refuse("reads the flags as a value (" + E.Text + "); the bitmap helpers only test bits",
                    E.Node->getBeginLoc());
    if (std::string Missing = missingTwin(Ctx, Twin); !Missing.empty())
      return refuseInternal("the flags value " + Twin.str() + " is not in this tree: " + Missing, ME->getBeginLoc());
    note("vma->vm_flags read as a value becomes " + Twin.str());
    return replace(ME->getSourceRange(), Twin.str(), ME->getBeginLoc());
  }
  case EffectKind::SizeQuery: return planQuery(E);
  case EffectKind::FlagsChange: return planFlagsChange(E);
  case EffectKind::Mapping: return planMapping(E, Index);
  case EffectKind::Delegation: return planDelegation(E);
  case EffectKind::StateChange:
    if (MovedToMapped.count(E.Node))
      return true; // planMappedCallback moved it
    [[fallthrough]];
  case EffectKind::Escape:
  case EffectKind::ManualOpen:
    return refuseInternal("the handler does something mmap_prepare cannot: " + E.Text, E.Node->getBeginLoc());
  }
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
      if (const auto *VD = dyn_cast<VarDecl>(D->getDecl()); VD && VD->hasLocalStorage() && !isa<ParmVarDecl>(VD))
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
        if (!Edits.range(Use->getSourceRange(), B, E)) {
          Dead = false;
          break;
        }
        const TextEdit *Outer = Edits.outermostCovering(B, E);
        if (!Outer || NamedIn(Outer->Text, VD->getName())) {
          Dead = false;
          break;
        }
      }
      unsigned B, End;
      if (!Dead || !Edits.range(DS->getSourceRange(), B, End) || Edits.covers(B, End))
        continue; // kept, or already gone with what it fed (->mapped)
      Edits.removeStatementLine(B, End);
      Removed.insert(VD);
      note("the local '" + VD->getName().str() + "', which only fed what the action no longer takes, goes");
      Changed = true;
    }
  }
}

void HandlerRewriter::separateDeclarations(std::vector<TextEdit> &Out) const {
  llvm::StringRef Text = Edits.buffer();
  // Whether an edit changes something in [B, E), and none reaches past it
  // (a statement the edits replace or remove whole is not this case).
  auto Touched = [&](unsigned B, unsigned E) {
    bool Any = false;
    for (const TextEdit &T : Out) {
      unsigned TE = T.Offset + T.Length;
      if (T.Offset < E && (TE > B || (T.Length == 0 && T.Offset >= B))) {
        if (T.Offset < B || TE > E)
          return false;
        Any = true;
      }
    }
    return Any;
  };
  std::vector<TextEdit> Blank;
  auto Visit = [&](const CompoundStmt *CS) {
    const Stmt *Prev = nullptr;
    for (const Stmt *S : CS->body()) {
      const Stmt *Decl = Prev;
      Prev = S;
      unsigned DB, DE, SB, SE;
      if (!Decl || !isa<DeclStmt>(Decl) || isa<DeclStmt>(S) || isa<NullStmt>(S) ||
          !Edits.range(Decl->getSourceRange(), DB, DE) || !Edits.statementEnd(Decl, DE) ||
          !Edits.range(S->getSourceRange(), SB, SE))
        continue;
      // The declaration ends on the line before the statement's first.
      unsigned DeclLineEnd = Edits.lineEnd(DE), StmtLine = Edits.lineStart(SB);
      if (DeclLineEnd + 1 != StmtLine || Text.substr(DE, DeclLineEnd - DE).trim().size() ||
          Text.substr(StmtLine, SB - StmtLine).trim().size())
        continue;
      if (Touched(Edits.lineStart(DB), DeclLineEnd) && Touched(StmtLine, Edits.lineEnd(SB)))
        Blank.push_back({StmtLine, 0, "\n"});
    }
  };
  struct Compounds : RecursiveASTVisitor<Compounds> {
    std::vector<const CompoundStmt *> Found;
    bool VisitCompoundStmt(CompoundStmt *CS) {
      Found.push_back(CS);
      return true;
    }
  } C;
  for (const auto &[Body, Params] : EditedBodies)
    if (Body)
      C.TraverseStmt(const_cast<Stmt *>(Body));
  llvm::SmallPtrSet<const CompoundStmt *, 8> Seen;
  for (const CompoundStmt *CS : C.Found)
    if (Seen.insert(CS).second)
      Visit(CS);
  // An edit that starts at the statement's line takes the blank line in
  // front of its text, so no two edits start at one offset.
  for (const TextEdit &B : Blank) {
    auto At = std::find_if(Out.begin(), Out.end(), [&](const TextEdit &T) { return T.Offset == B.Offset; });
    if (At != Out.end())
      At->Text.insert(0, B.Text);
    else
      Out.insert(std::upper_bound(Out.begin(), Out.end(), B,
                                  [](const TextEdit &X, const TextEdit &Y) { return X.Offset < Y.Offset; }),
                 B);
  }
}

void HandlerRewriter::dropRedundantParentheses(std::vector<TextEdit> &Out) const {
  // The lines the edits change: checkpatch reads them as added.
  auto OnChangedLine = [&](unsigned Offset) {
    unsigned B = Edits.lineStart(Offset), E = Edits.lineEnd(Offset);
    return llvm::any_of(Out, [&](const TextEdit &T) { return T.Offset <= E && T.Offset + T.Length >= B; });
  };
  auto Free = [&](unsigned Offset) { // no edit at or over this character
    return llvm::none_of(Out, [&](const TextEdit &T) {
      return T.Offset == Offset || (T.Offset < Offset && Offset < T.Offset + T.Length);
    });
  };
  struct Conditions : RecursiveASTVisitor<Conditions> {
    std::vector<const ParenExpr *> Found;
    bool VisitIfStmt(IfStmt *If) {
      collect(If->getCond());
      return true;
    }
    void collect(const Expr *E) {
      const auto *BO = dyn_cast<BinaryOperator>(E->IgnoreImplicit());
      if (!BO || !BO->isLogicalOp())
        return;
      for (const Expr *Side : {BO->getLHS(), BO->getRHS()}) {
        const auto *P = dyn_cast<ParenExpr>(Side->IgnoreImplicit());
        const auto *Inner = P ? dyn_cast<BinaryOperator>(P->getSubExpr()->IgnoreImplicit()) : nullptr;
        if (Inner && Inner->isComparisonOp())
          Found.push_back(P);
        else
          collect(Side);
      }
    }
  } C;
  for (const auto &[Body, Params] : EditedBodies)
    if (Body)
      C.TraverseStmt(const_cast<Stmt *>(Body));
  std::vector<TextEdit> Drops;
  for (const ParenExpr *P : C.Found) {
    unsigned LB, LE, RB, RE;
    if (!Edits.range(SourceRange(P->getLParen(), P->getLParen()), LB, LE) ||
        !Edits.range(SourceRange(P->getRParen(), P->getRParen()), RB, RE) || LE != LB + 1 || RE != RB + 1)
      continue;
    if (!OnChangedLine(LB) || !OnChangedLine(RB) || !Free(LB) || !Free(RB))
      continue;
    Drops.push_back({LB, 1, ""});
    Drops.push_back({RB, 1, ""});
  }
  for (const TextEdit &D : Drops)
    Out.insert(std::upper_bound(Out.begin(), Out.end(), D,
                                [](const TextEdit &X, const TextEdit &Y) { return X.Offset < Y.Offset; }),
               D);
}

void HandlerRewriter::finish() {
  std::vector<TextEdit> Out;
  if (!Edits.flatten(Out)) {
    refuse("two edits overlap", SourceLocation());
    return;
  }
  separateDeclarations(Out);
  dropRedundantParentheses(Out);
  Plan.Edits = std::move(Out);
  for (auto &[File, Other] : Elsewhere) {
    std::sort(Other.Edits.begin(), Other.Edits.end(),
              [](const TextEdit &A, const TextEdit &B) { return A.Offset < B.Offset; });
    Plan.OtherFiles.push_back(std::move(Other));
  }
  Elsewhere.clear();
  Plan.Applicable = true;
}

} // namespace rewriter

MigrationPlan planMigration(const AnalyzedHandler &Handler, const TranslationUnitAnalysis &, ASTContext &Ctx,
                            ApiLevel Target, MigrationScope Scope, const std::set<std::string> &Variants) {
  rewriter::HandlerRewriter R(Handler, Ctx, Target, Scope);
  R.VariantMacros = Variants;
  return R.run();
}

MigrationPlan planRegistration(const AnalyzedHandler &Handler, ASTContext &Ctx, ApiLevel Target) {
  return rewriter::HandlerRewriter(Handler, Ctx, Target, MigrationScope::Database).runRegistration();
}

} // namespace vmaprep

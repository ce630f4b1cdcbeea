//===- HelperPlanner.cpp - static helpers converted with their handler ----===//
//
// The static helpers of the main file the converted code hands the VMA to:
// converted with the handler (they take the desc, and so does every call),
// down chains of helpers, in the configurations the parse skipped as far as
// that is right without a parse, or split into a core that takes values and
// the helper that keeps the VMA for its other callers. All in the handler's
// one edit set.
//
//===----------------------------------------------------------------------===//
#include "HandlerRewriter.h"
#include "vmaprep/HandlerFinder.h"
#include "vmaprep/KernelApi.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/PrettyPrinter.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/STLExtras.h"
#include <map>
#include <set>
#include <tuple>

using namespace clang;

namespace vmaprep::rewriter {

namespace {
/// Whether \p Fn is named in the initializer of a vm_operations_struct.
bool isVmOpsCallback(const FunctionDecl *Fn) {
  struct Tables : RecursiveASTVisitor<Tables> {
    const FunctionDecl *Fn;
    bool Found = false;
    bool VisitVarDecl(VarDecl *VD) {
      const auto *RT = VD->getType()->getAs<RecordType>();
      if (!RT || RT->getDecl()->getName() != "vm_operations_struct" || !VD->getInit())
        return true;
      FunctionRefs Refs;
      Refs.Fn = Fn;
      Refs.TraverseStmt(VD->getInit());
      Found |= !Refs.Refs.empty();
      return !Found;
    }
  } T;
  T.Fn = Fn;
  T.TraverseDecl(Fn->getASTContext().getTranslationUnitDecl());
  return T.Found;
}

} // namespace

/// Static helpers of the main file the VMA is handed to, converted with the
/// handler: the helper takes the desc instead, and so does every call of it.
/// Found from the calls, not from the effects, so that a helper that ignores
/// its VMA in this configuration (/dev/mem's private_mapping_ok() under
/// CONFIG_MMU) converts too; followed down chains (a helper handing its VMA
/// to another). What they do to the VMA is planned as the handler's own
/// effects are (relay_mmap_buf() sets vm_ops, flags and private data), except
/// what cannot move with them (planEffect). A helper that something other
/// than the converted code uses keeps its signature, and the handler stays.
bool HandlerRewriter::planHelpers(const FunctionDecl *FD) {
  struct HelperCall {
    const FunctionDecl *Caller;
    const CallExpr *Call;
    unsigned Arg;
  };
  struct Helper {
    const FunctionDecl *Def = nullptr;
    const ParmVarDecl *Param = nullptr;
    unsigned ParamIndex = 0;
    std::vector<HelperCall> Calls;
  };
  // Converted bodies in discovery order, each with its VMA.
  std::vector<std::pair<const FunctionDecl *, const ParmVarDecl *>> Work{{FD, Facts.Vma}};
  std::map<const FunctionDecl *, Helper> Helpers; // by canonical declaration
  std::vector<const FunctionDecl *> Order;
  for (size_t W = 0; W < Work.size(); ++W) {
    struct Calls : RecursiveASTVisitor<Calls> {
      const ParmVarDecl *Vma;
      std::vector<HelperCall> Found;
      bool VisitCallExpr(CallExpr *CE) {
        for (unsigned I = 0; I < CE->getNumArgs(); ++I)
          if (const auto *A = dyn_cast<DeclRefExpr>(CE->getArg(I)->IgnoreParenImpCasts()); A && A->getDecl() == Vma)
            Found.push_back({nullptr, CE, I});
        return true;
      }
    } C;
    C.Vma = Work[W].second;
    C.TraverseStmt(Work[W].first->getBody());
    for (HelperCall HC : C.Found) {
      HC.Caller = Work[W].first->getCanonicalDecl();
      const FunctionDecl *Callee = HC.Call->getDirectCallee();
      const FunctionDecl *Def = Callee ? Callee->getDefinition() : nullptr;
      // What EffectAnalysis follows: a function with a body in the main file
      // that the catalogue does not know (a kernel API call is an effect).
      if (!Def || !Def->hasBody() || SM.getFileID(SM.getExpansionLoc(Def->getLocation())) != Main ||
          kernelFunction(Def->getName()))
        continue;
      std::string Name = Def->getName().str();
      auto [It, New] = Helpers.try_emplace(Def->getCanonicalDecl());
      Helper &H = It->second;
      if (New) {
        H.Def = Def;
        H.ParamIndex = HC.Arg;
        Order.push_back(Def->getCanonicalDecl());
        if (Def->getStorageClass() != SC_Static)
          return refuse(Name + "() takes the VMA and is not static: other files may call it", Def->getLocation());
        if (Def->getLocation().isMacroID())
          return refuse(Name + "()'s name comes from a macro", Def->getLocation());
        for (unsigned I = 0; I < Def->getNumParams(); ++I)
          if (isVmaPointer(Def->getParamDecl(I)->getType()) && I != HC.Arg)
            return refuse(Name + "() takes two VMAs", Def->getLocation());
        if (HC.Arg >= Def->getNumParams() || !isVmaPointer(Def->getParamDecl(HC.Arg)->getType()))
          return refuse(Name + "() takes the VMA as another type", HC.Call->getBeginLoc());
        H.Param = Def->getParamDecl(HC.Arg);
        Work.push_back({Def, H.Param});
      } else if (HC.Arg != H.ParamIndex) {
        return refuse(Name + "() takes two VMAs", HC.Call->getBeginLoc());
      }
      H.Calls.push_back(HC);
    }
  }

  // A helper converts when every use of it is a call from the converted
  // code passing its VMA: the handler, or helpers that convert themselves.
  std::map<const FunctionDecl *, size_t> RefCount;
  for (const FunctionDecl *Key : Order) {
    FunctionRefs Uses;
    Uses.Fn = Key;
    Uses.TraverseDecl(Ctx.getTranslationUnitDecl());
    RefCount[Key] = Uses.Refs.size();
  }
  std::set<const FunctionDecl *> Converted(Order.begin(), Order.end());
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (const FunctionDecl *Key : Order) {
      if (!Converted.count(Key))
        continue;
      size_t FromConverted = llvm::count_if(Helpers[Key].Calls, [&](const HelperCall &HC) {
        return HC.Caller == FD->getCanonicalDecl() || Converted.count(HC.Caller);
      });
      if (FromConverted != RefCount[Key]) {
        Converted.erase(Key);
        Changed = true;
      }
    }
  }
  for (const FunctionDecl *Key : Order) {
    Helper &H = Helpers[Key];
    std::string Name = H.Def->getName().str();
    if (!Converted.count(Key)) {
      // The handler's own vm_ops->open, called by hand, moves to ->mapped
      // (planMappedCallback) and keeps its signature.
      if (isVmOpsCallback(H.Def))
        continue;
      std::vector<const CallExpr *> FromConverted;
      for (const HelperCall &HC : H.Calls)
        if (HC.Caller == FD->getCanonicalDecl() || Converted.count(HC.Caller))
          FromConverted.push_back(HC.Call);
      if (!planSplitHelper(H.Def, H.Param, FromConverted))
        return false;
      continue;
    }
    for (const HelperCall &HC : H.Calls) {
      const Expr *Arg = HC.Call->getArg(HC.Arg)->IgnoreParenImpCasts();
      if (!replace(Arg->getSourceRange(), "desc", Arg->getBeginLoc()))
        return false;
      HelperNamesSeen.insert(SM.getFileOffset(SM.getExpansionLoc(HC.Call->getCallee()->getBeginLoc())));
    }
    bool Const = H.Param->getType()->getPointeeType().isConstQualified();
    std::string DescParam = Const ? "const struct vm_area_desc *desc" : "struct vm_area_desc *desc";
    for (const FunctionDecl *D : H.Def->redecls()) {
      if (SM.getFileID(SM.getExpansionLoc(D->getLocation())) != Main)
        return refuse("a declaration of " + Name + "() is in another file", D->getLocation());
      const ParmVarDecl *P = D->getParamDecl(H.ParamIndex);
      if (!replace(P->getSourceRange(), DescParam, P->getBeginLoc()))
        return false;
      HelperNamesSeen.insert(SM.getFileOffset(SM.getExpansionLoc(D->getLocation())));
    }
    Facts.HelperVmas.insert(H.Param);
    EditedBodies.push_back({H.Def->getBody(), {H.Param->getName().str()}});
    BodyFacts HelperFacts;
    HelperFacts.Vma = H.Param;
    HelperFacts.TraverseStmt(H.Def->getBody());
    if (HelperFacts.UsesDescName)
      return refuse(Name + "() already uses the name 'desc'", H.Def->getLocation());
    // The helper's facts join the handler's: the same edits cover both bodies.
    Facts.TraverseStmt(H.Def->getBody());
    ConvertedHelpers.insert(Name);
    if (!planSkippedDeclarations(Name))
      return false;
    note(Name + "() takes the desc instead of the VMA");
  }
  return true;
}

/// A helper the converted code hands the VMA to that other code calls too
/// (drivers/dax/device.c's check_vma(), which the fault handlers call): it is
/// split, as upstream split it, into a core that takes the values it reads
/// (`__check_vma(dev_dax, vm_flags, start, end, file, func)`), defined just
/// before it, and the helper, which keeps its signature for the other callers
/// and hands the core what it read from the VMA. The converted code calls the
/// core with the desc's values. Only a helper whose every use of the VMA is a
/// read of a field the desc has at the level splits this way: the values are
/// read once, at the call, which is what the helper read as long as nothing
/// in it writes the VMA.
bool HandlerRewriter::planSplitHelper(const FunctionDecl *Def, const ParmVarDecl *Param,
                                      const std::vector<const CallExpr *> &Calls) {
  std::string Name = Def->getName().str(), Core = "__" + Name;
  auto Refuse = [&](const std::string &Why, SourceLocation L) {
    return refuse(Name +
                      "() takes the VMA and is used elsewhere too, and cannot be split into a core that takes "
                      "values: " +
                      Why,
                  L);
  };
  if (Def->getPreviousDecl())
    return Refuse("it is declared before its definition", Def->getLocation());
  unsigned DeclB, DeclE, BodyB, BodyE;
  if (!Edits.range(Def->getSourceRange(), DeclB, DeclE) || !Edits.range(Def->getBody()->getSourceRange(), BodyB, BodyE))
    return Refuse("it is spelled in a macro", Def->getLocation());
  if (!Ctx.getTranslationUnitDecl()->lookup(&Ctx.Idents.get(Core)).empty())
    return Refuse("'" + Core + "' already exists", Def->getLocation());
  std::vector<RawIdentifier> Raw = rawIdentifiers(SM, LO, Main);
  if (llvm::any_of(Raw, [&](const RawIdentifier &R) { return R.Name == Core; }))
    return Refuse("'" + Core + "' is already used in this file", Def->getLocation());
  for (const CallExpr *Call : Calls) {
    unsigned B, E;
    if (!Edits.range(Call->getSourceRange(), B, E) || B < DeclB)
      return Refuse("it is called before its definition", Call->getBeginLoc());
  }
  // The core is defined beside the one definition this parse saw: a version
  // of the helper in code the preprocessor skipped (another branch of an
  // #ifdef, a #define) would leave the converted callers without a core there.
  std::set<unsigned> Seen{SM.getFileOffset(SM.getExpansionLoc(Def->getLocation()))};
  FunctionRefs Uses;
  Uses.Fn = Def;
  Uses.TraverseDecl(Ctx.getTranslationUnitDecl());
  for (const DeclRefExpr *Ref : Uses.Refs)
    Seen.insert(SM.getFileOffset(SM.getExpansionLoc(Ref->getBeginLoc())));
  for (const RawIdentifier &I : Raw)
    if (I.Name == Name && !I.AfterMember && !Seen.count(I.Offset))
      return Refuse("it is also declared or used in " +
                        (I.Condition.empty() ? std::string("code this parse did not compile")
                                             : "code under " + I.Condition + ", which this parse did not compile") +
                        ", where the core would not exist",
                    SM.getLocForStartOfFile(Main).getLocWithOffset(I.Offset));

  // Every use of the VMA is the base of a field read.
  struct Reads : RecursiveASTVisitor<Reads> {
    const ParmVarDecl *Param;
    unsigned Refs = 0;
    std::vector<const MemberExpr *> Fields;
    bool VisitDeclRefExpr(DeclRefExpr *D) {
      Refs += D->getDecl() == Param;
      return true;
    }
    bool VisitMemberExpr(MemberExpr *ME) {
      if (ME->getMemberDecl()->getName().empty())
        return true; // an anonymous union on the way to vm_flags
      const auto *Base = dyn_cast<DeclRefExpr>(accessedObject(ME));
      if (Base && Base->getDecl() == Param)
        Fields.push_back(ME);
      return true;
    }
  } R;
  R.Param = Param;
  R.TraverseStmt(Def->getBody());
  for (const VmaEffect &E : H.Summary.Effects) {
    if (E.Via.empty() || E.Via.back().Callee != Name)
      continue;
    bool Read = (E.Kind == EffectKind::FieldRead || E.Kind == EffectKind::FlagsRead) && isa<MemberExpr>(E.Node);
    if (!Read && E.Kind != EffectKind::FlagsTest)
      return Refuse("it does more with the VMA than read its fields (" + E.Text + ")", E.Node->getBeginLoc());
  }
  if (R.Refs != R.Fields.size())
    return Refuse("it does more with the VMA than read its fields", Param->getLocation());

  // One value parameter per field, in the order the body first reads them.
  struct Value {
    std::string Field, Param, Type, FromDesc;
  };
  std::vector<Value> Values;
  std::vector<std::tuple<unsigned, unsigned, std::string>> CoreEdits;
  llvm::sort(R.Fields, [&](const MemberExpr *A, const MemberExpr *B) {
    return SM.isBeforeInTranslationUnit(A->getBeginLoc(), B->getBeginLoc());
  });
  PrintingPolicy Policy(LO);
  for (const MemberExpr *ME : R.Fields) {
    std::string F = ME->getMemberDecl()->getName().str();
    auto Known = llvm::find_if(Values, [&](const Value &V) { return V.Field == F; });
    if (Known == Values.end()) {
      Value V;
      V.Field = F;
      V.Param = F == "vm_flags" || !llvm::StringRef(F).starts_with("vm_") ? F : F.substr(3);
      if (F == "vm_flags") {
        if (P.BitmapFlags)
          return Refuse("it reads vma->vm_flags, and at API level " + apiLevelName(Target).str() +
                            " the desc's flags are a bitmap that a value of the legacy flags cannot carry",
                        ME->getBeginLoc());
        V.FromDesc = descFlags();
      } else {
        const KernelApi *Field = vmaFieldApi(F);
        llvm::StringRef To = Field ? Field->descFieldFor(Target, false) : "";
        if (To.empty())
          return Refuse("it reads vma->" + F + ", which the desc does not provide for that use", ME->getBeginLoc());
        V.FromDesc = ("desc->" + To).str();
      }
      if (llvm::any_of(Raw, [&](const RawIdentifier &I) {
            return !I.AfterMember && I.Offset >= DeclB && I.Offset < DeclE && I.Name == V.Param;
          }))
        return Refuse("it already uses the name '" + V.Param + "'", ME->getBeginLoc());
      std::string Type = ME->getMemberDecl()->getType().getUnqualifiedType().getAsString(Policy);
      V.Type = Type + (llvm::StringRef(Type).ends_with("*") ? "" : " ") + V.Param;
      Values.push_back(V);
      Known = Values.end() - 1;
    }
    unsigned B, E;
    if (!Edits.range(ME->getSourceRange(), B, E))
      return Refuse("it reads the VMA inside a macro", ME->getBeginLoc());
    CoreEdits.push_back({B, E - B, Known->Param});
  }

  if (Values.empty())
    return Refuse("it does not use the VMA in this configuration, and a core without it would need the "
                  "configurations that do",
                  Param->getLocation());

  // The core: the helper's text with the values for the VMA.
  unsigned ParamB, ParamE, NameB, NameE;
  if (!Edits.range(Param->getSourceRange(), ParamB, ParamE) ||
      !Edits.range(SourceRange(Def->getLocation()), NameB, NameE))
    return Refuse("its declaration is spelled in a macro", Def->getLocation());
  std::string CoreParams, WrapperArgs, DescArgs;
  for (const Value &V : Values) {
    CoreParams += (CoreParams.empty() ? "" : ", ") + V.Type;
    WrapperArgs += (WrapperArgs.empty() ? "" : ", ") + Param->getName().str() + "->" + V.Field;
    DescArgs += (DescArgs.empty() ? "" : ", ") + V.FromDesc;
  }
  CoreEdits.push_back({ParamB, ParamE - ParamB, CoreParams});
  CoreEdits.push_back({NameB, NameE - NameB, Core});
  llvm::sort(CoreEdits);
  std::string CoreText;
  unsigned At = DeclB;
  for (auto &[Offset, Length, Text] : CoreEdits) {
    CoreText += Edits.buffer().slice(At, Offset).str() + Text;
    At = Offset + Length;
  }
  CoreText += Edits.buffer().slice(At, DeclE).str();

  // The helper hands the core what it read from the VMA.
  std::string Args;
  for (const ParmVarDecl *PD : Def->parameters()) {
    if (PD->getName().empty())
      return Refuse("a parameter has no name", PD->getLocation());
    Args += (Args.empty() ? "" : ", ") + (PD == Param ? WrapperArgs : PD->getName().str());
  }
  bool Void = Def->getReturnType()->isVoidType();
  Edits.add(DeclB, 0, CoreText + "\n\n");
  Edits.add(BodyB, BodyE - BodyB, "{\n\t" + std::string(Void ? "" : "return ") + Core + "(" + Args + ");\n}");
  for (const CallExpr *Call : Calls) {
    const Expr *Callee = Call->getCallee()->IgnoreParenImpCasts();
    const Expr *Arg = Call->getArg(Param->getFunctionScopeIndex())->IgnoreParenImpCasts();
    if (!replace(Callee->getSourceRange(), Core, Callee->getBeginLoc()) ||
        !replace(Arg->getSourceRange(), DescArgs, Arg->getBeginLoc()))
      return false;
  }
  SplitHelpers.insert(Name);
  note(Name + "() is split: " + Core + "() takes the values it read from the VMA; " + Name +
       "() keeps the VMA for its other callers");
  return true;
}

/// The declarations of a converted helper in code the preprocessor skipped in
/// this parse: /dev/mem's private_mapping_ok() is `return 1;` under
/// CONFIG_MMU and reads the flags under !CONFIG_MMU. Left as they are, they
/// would keep taking the VMA in the configuration that compiles them, where
/// the converted callers hand them the desc. Without a parse of that
/// configuration only what is right whatever the code around it means is
/// rewritten: the VMA parameter, and uses of it that are reads of a field
/// the desc has at the level (`vma->vm_pgoff`), or of the flags as a value
/// handed to a flags query with a desc twin. Anything else (a write, an
/// address, the VMA handed on, the name `desc` in use, a directive inside)
/// is refused, naming the condition. A use of the helper in skipped code
/// that is not a declaration (a call) stays for coversEveryConfiguration()
/// to refuse.
bool HandlerRewriter::planSkippedDeclarations(const std::string &Name) {
  for (const RawIdentifier &R : rawIdentifiers(SM, LO, Main)) {
    if (R.Name != Name || R.InDirective || R.AfterMember || HelperNamesSeen.count(R.Offset))
      continue;
    RawFunction F;
    if (!rawFunctionAt(SM, LO, Main, R.Offset, F))
      continue;
    SourceLocation At = SM.getLocForStartOfFile(Main).getLocWithOffset(R.Offset);
    std::string Where = R.Condition.empty() ? "code this parse did not compile"
                                            : "code under " + R.Condition + ", which this parse did not compile";
    const std::vector<RawToken> *VmaParam = nullptr;
    for (const std::vector<RawToken> &P : F.Params)
      if (llvm::any_of(P, [](const RawToken &T) { return T.is("vm_area_struct"); })) {
        if (VmaParam)
          return refuse(Name + "() takes two VMAs in " + Where, At);
        VmaParam = &P;
      }
    if (!VmaParam)
      continue; // another signature: coversEveryConfiguration() names it
    // `[const] struct vm_area_struct *[name]`
    const std::vector<RawToken> &Param = *VmaParam;
    size_t I = !Param.empty() && Param[0].is("const");
    bool Shape = Param.size() >= I + 3 && Param[I].is("struct") && Param[I + 1].is("vm_area_struct") &&
                 Param[I + 2].Kind == tok::star &&
                 (Param.size() == I + 3 || (Param.size() == I + 4 && Param[I + 3].Kind == tok::raw_identifier));
    if (!Shape)
      return refuse(Name + "() declares its VMA parameter in a way vmaprep does not rewrite in " + Where, At);
    llvm::StringRef Vma = Param.size() == I + 4 ? Param[I + 3].Text : "";
    auto ReplaceParam = [&] {
      Edits.add(Param.front().Offset, Param.back().Offset + Param.back().Length - Param.front().Offset,
                I ? "const struct vm_area_desc *desc" : "struct vm_area_desc *desc");
    };
    if (!F.Definition || Vma.empty()) {
      ReplaceParam();
      HelperNamesSeen.insert(R.Offset);
      continue;
    }
    std::vector<std::tuple<unsigned, unsigned, std::string>> BodyEdits;
    const std::vector<RawToken> &B = F.Body;
    for (size_t K = 0; K < B.size(); ++K) {
      if (B[K].is("desc"))
        return refuse(Name + "() already uses the name 'desc' in " + Where, At);
      if (!B[K].is(Vma) || (K > 0 && (B[K - 1].Kind == tok::arrow || B[K - 1].Kind == tok::period)))
        continue;
      SourceLocation UseAt = SM.getLocForStartOfFile(Main).getLocWithOffset(B[K].Offset);
      auto RefuseUse = [&](const std::string &What) {
        return refuse(Name + "()'s '" + Vma.str() + "' " + What + " in " + Where +
                          "; there vmaprep rewrites only reads of fields the desc has",
                      UseAt);
      };
      if (K + 2 >= B.size() || B[K + 1].Kind != tok::arrow || B[K + 2].Kind != tok::raw_identifier)
        return RefuseUse("is used other than to read a field");
      static const tok::TokenKind Writes[] = {tok::equal,         tok::plusequal,           tok::minusequal,
                                              tok::starequal,     tok::slashequal,          tok::percentequal,
                                              tok::ampequal,      tok::pipeequal,           tok::caretequal,
                                              tok::lesslessequal, tok::greatergreaterequal, tok::plusplus,
                                              tok::minusminus};
      bool Written = K + 3 < B.size() && llvm::is_contained(Writes, B[K + 3].Kind);
      bool Addressed =
          K > 0 && (B[K - 1].Kind == tok::amp || B[K - 1].Kind == tok::plusplus || B[K - 1].Kind == tok::minusminus);
      llvm::StringRef FieldName = B[K + 2].Text;
      if (Written || Addressed)
        return RefuseUse(std::string(Written ? "writes" : "takes the address of") + " vma->" + FieldName.str());
      unsigned End = B[K + 2].Offset + B[K + 2].Length;
      if (FieldName == "vm_flags") {
        if (!P.BitmapFlags) {
          BodyEdits.push_back({B[K].Offset, End - B[K].Offset, descFlags()});
          continue;
        }
        // QUERY ( vma -> vm_flags ): the query's desc twin at the level.
        const KernelApi *Query = K >= 2 && B[K - 1].Kind == tok::l_paren && K + 3 < B.size() &&
                                         B[K + 3].Kind == tok::r_paren && B[K - 2].Kind == tok::raw_identifier
                                     ? kernelFunction(B[K - 2].Text)
                                     : nullptr;
        llvm::StringRef Twin = Query && Query->Effect == EffectKind::FlagsRead ? Query->twinAt(Target) : "";
        if (Twin.empty())
          return RefuseUse("reads the flags as a value (the bitmap helpers only test bits)");
        unsigned QueryEnd = B[K + 3].Offset + B[K + 3].Length;
        BodyEdits.push_back({B[K - 2].Offset, QueryEnd - B[K - 2].Offset, queryTwinCall(Twin)});
        continue;
      }
      const KernelApi *Field = vmaFieldApi(FieldName);
      llvm::StringRef To = Field ? Field->descFieldFor(Target, false) : "";
      if (To.empty())
        return RefuseUse("reads vma->" + FieldName.str() + ", which the desc does not provide for that use");
      BodyEdits.push_back({B[K].Offset, End - B[K].Offset, ("desc->" + To).str()});
    }
    ReplaceParam();
    for (auto &[Offset, Length, Text] : BodyEdits)
      Edits.add(Offset, Length, Text);
    HelperNamesSeen.insert(R.Offset);
    note(Name + "() takes the desc in " + Where.substr(0, Where.find(',')) + " too");
  }
  return true;
}

} // namespace vmaprep::rewriter

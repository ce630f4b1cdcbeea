//===- MappedStateTrace.cpp - what a mapping call maps, and where from ----===//
//
// The last step of EffectAnalysis: for each mapping call of a legacy handler,
// the acquisitions whose value reaches what it maps (VmaEffect::FedBy).
//
//===----------------------------------------------------------------------===//
#include "MappedStateTrace.h"
#include "vmaprep/SourceResolution.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

using namespace clang;

namespace vmaprep {

namespace {

/// How a call may acquire what it returns or fills in.
enum class Acquisition {
  None,
  Allocation, // kzalloc(), alloc_page(), dma_alloc_coherent(), fw_iso_buffer_alloc(), pin_user_pages()
  Unknown,    // a body the TU does not have: an acquisition when what it gives lands in driver state
};

Acquisition acquisitionOf(const FunctionDecl *Callee) {
  llvm::StringRef N = Callee->getName();
  QualType Ret = Callee->getReturnType();
  if (Ret->isVoidType() || Ret->isBooleanType())
    return Acquisition::None; // gives nothing to map (mem_alloc_profiling_enabled() in kzalloc())
  if (N.contains("alloc") || N.contains("get_free_page") || N.contains("get_zeroed_page") ||
      N.starts_with("dma_map_") || N.starts_with("pin_user_pages") || N.starts_with("get_user_pages"))
    return Acquisition::Allocation;
  // Address conversions and driver-data lookups acquire nothing.
  if (N.contains("_to_") || N.starts_with("to_") || N.contains("drvdata") || N.contains("resource_") ||
      N.starts_with("__builtin"))
    return Acquisition::None;
  const FunctionDecl *Def = Callee->getDefinition();
  return !Def || !Def->hasBody() ? Acquisition::Unknown : Acquisition::None;
}

/// The operands of a mapping call that carry what it maps (its source and
/// its size or page count, from the catalogue), for the calls an action can
/// replace: only there does acquired state decide the verdict.
std::vector<unsigned> mappedOperands(const KernelApi *Api) {
  if (!Api || !Api->TwinRequired || !*Api->Twin || Api->SourceArg < 0)
    return {};
  int Amount = Api->SizeArg >= 0 ? Api->SizeArg : Api->CountArg;
  if (Amount < 0)
    return {unsigned(Api->SourceArg)};
  return {unsigned(Api->SourceArg), unsigned(Amount)};
}

/// For every mapping call in the handler's own body, the acquisitions whose
/// value reaches what it maps (its FedBy): through locals (initializers and
/// assignments, flow-insensitively), fields assigned in the body
/// (`dma_map->k_vaddr = __genwqe_alloc_consistent(...)`), and objects an
/// acquiring call was handed (`fw_iso_buffer_alloc(&client->buffer, n)` fills
/// `client->buffer.pages`). Such state cannot move to ->mapped, which runs
/// after the action has mapped it, and kept in prepare it leaks when the
/// mmap fails later. An allocation always counts; a call whose body is not
/// visible counts when what it gives is stored in driver state (a field
/// reached through a pointer), not when it fills in the hook's own local
/// (dfl-afu's afu_mmio_region_get_by_offset(..., &region) is a lookup).
} // namespace

void traceMappedState(const FunctionDecl *Def, ASTContext &Ctx, HandlerSummary &Summary) {
  const SourceManager &SM = Ctx.getSourceManager();
  auto Canon = [&](const Expr *E) {
    std::string T = sourceText(E->IgnoreParenCasts()->getSourceRange(), SM, Ctx.getLangOpts());
    T.erase(std::remove_if(T.begin(), T.end(), [](char C) { return std::isspace(static_cast<unsigned char>(C)); }),
            T.end());
    return T;
  };
  struct Body : RecursiveASTVisitor<Body> {
    std::vector<const CallExpr *> Calls;
    std::vector<std::pair<const Expr *, const Expr *>> Stores; // assigned, value
    std::vector<std::pair<const VarDecl *, const Expr *>> Inits;
    bool VisitCallExpr(CallExpr *CE) {
      Calls.push_back(CE);
      return true;
    }
    bool VisitBinaryOperator(BinaryOperator *BO) {
      if (BO->isAssignmentOp())
        Stores.push_back({BO->getLHS()->IgnoreParenImpCasts(), BO->getRHS()});
      return true;
    }
    bool VisitVarDecl(VarDecl *VD) {
      if (VD->hasLocalStorage() && VD->getInit())
        Inits.push_back({VD, VD->getInit()});
      return true;
    }
  } B;
  B.TraverseStmt(Def->getBody());
  // Every value path an expression reads: locals, member chains, and calls.
  struct Reads : RecursiveASTVisitor<Reads> {
    std::vector<const Expr *> Paths;
    std::vector<const CallExpr *> Calls;
    bool VisitDeclRefExpr(DeclRefExpr *D) {
      Paths.push_back(D);
      return true;
    }
    bool VisitMemberExpr(MemberExpr *M) {
      Paths.push_back(M);
      return true;
    }
    bool VisitCallExpr(CallExpr *CE) {
      Calls.push_back(CE);
      return true;
    }
  };
  for (VmaEffect &E : Summary.Effects) {
    const auto *Map = dyn_cast_or_null<CallExpr>(E.Node);
    if (E.Kind != EffectKind::Mapping || !E.Via.empty() || !Map)
      continue;
    // Each expression with whether its value is stored in driver state.
    std::vector<std::pair<const Expr *, bool>> Work;
    for (unsigned I : mappedOperands(E.Api))
      if (I < Map->getNumArgs())
        Work.push_back({Map->getArg(I), false});
    std::set<std::string> Seen;
    std::set<const CallExpr *> Found;
    auto Acquiring = [&](const CallExpr *C, bool IntoState) {
      const FunctionDecl *Callee = C->getDirectCallee();
      if (!Callee || C == Map)
        return false;
      Acquisition A = acquisitionOf(Callee);
      return A == Acquisition::Allocation || (A == Acquisition::Unknown && IntoState);
    };
    while (!Work.empty()) {
      auto [X, IntoState] = Work.back();
      Work.pop_back();
      Reads R;
      R.TraverseStmt(const_cast<Expr *>(X));
      for (const CallExpr *C : R.Calls)
        if (Acquiring(C, IntoState))
          Found.insert(C);
      for (const Expr *P : R.Paths) {
        if (const auto *D = dyn_cast<DeclRefExpr>(P)) {
          const auto *VD = dyn_cast<VarDecl>(D->getDecl());
          if (!VD || !VD->hasLocalStorage() || isa<ParmVarDecl>(VD))
            continue; // parameters and globals are not acquired here
        }
        std::string Path = Canon(P);
        if (!Seen.insert(Path).second)
          continue;
        bool Field = llvm::StringRef(Path).contains("->");
        for (const auto &[VD, Init] : B.Inits)
          if (VD->getName() == Path)
            Work.push_back({Init, false});
        for (const auto &[Lhs, Rhs] : B.Stores) // the path, or an element of it (pages[i])
          if (std::string L = Canon(Lhs); L == Path || llvm::StringRef(L).starts_with(Path + "["))
            Work.push_back({Rhs, Field});
        // An acquiring call handed the object, or a field of it, by address
        // fills it in.
        for (const CallExpr *C : B.Calls) {
          for (const Expr *Arg : C->arguments()) {
            const auto *UO = dyn_cast<UnaryOperator>(Arg->IgnoreParenCasts());
            if (!UO || UO->getOpcode() != UO_AddrOf)
              continue;
            std::string T = Canon(UO->getSubExpr());
            if (!Acquiring(C, llvm::StringRef(T).contains("->")))
              continue;
            llvm::StringRef PathRef(Path);
            if (PathRef == T || PathRef.starts_with(T + "->") || PathRef.starts_with(T + "."))
              Found.insert(C);
          }
        }
      }
    }
    for (const CallExpr *C : Found)
      E.FedBy.push_back({C->getDirectCallee()->getName().str(), resolveSite(C->getBeginLoc(), SM, Ctx.getLangOpts())});
    std::sort(E.FedBy.begin(), E.FedBy.end(), [](const CallStep &A, const CallStep &B) {
      return A.Where.Line != B.Where.Line ? A.Where.Line < B.Where.Line : A.Callee < B.Callee;
    });
    // One macro (kzalloc() in 7.x) can expand to the same call several times.
    E.FedBy.erase(std::unique(E.FedBy.begin(), E.FedBy.end(),
                              [](const CallStep &A, const CallStep &B) {
                                return A.Callee == B.Callee && A.Where.Line == B.Where.Line;
                              }),
                  E.FedBy.end());
  }
}

} // namespace vmaprep

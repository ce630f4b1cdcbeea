//===- EffectAnalysis.h - what an mmap handler does to the VMA ------------===//
//
// Summarises a handler body: every read and write of the VMA, every call that
// maps memory into it, every place the VMA escapes, and every operation that
// acquires state (which an mmap_prepare hook must not do). Static helpers in
// the TU that receive the VMA are summarised in place and their effects are
// attributed to the call site, with the chain of calls kept. Unknown callees
// are escapes: the analysis never assumes what it cannot see.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_EFFECTANALYSIS_H
#define VMAPREP_EFFECTANALYSIS_H

#include "vmaprep/EffectValues.h"
#include "vmaprep/KernelApi.h"
#include "vmaprep/SourceSite.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class Expr;
class FunctionDecl;
class MemberExpr;
class Stmt;
} // namespace clang

namespace vmaprep {

struct VmaEffect {
  EffectKind Kind = EffectKind::FieldRead;
  /// The API or field: "vm_flags_set", "vm_page_prot", "remap_pfn_range", ...
  std::string Name;
  /// Finer class, per kind (compare this, not Detail).
  EffectTag Tag = EffectTag::None;
  /// Tag for people and JSON: its name ("stored", "allocation", "desc", ...),
  /// or for EffectTag::Helper the helper's name (the helper that computed a
  /// field's value, e.g. "pgprot_noncached"; the callee of a query).
  std::string Detail;
  /// The catalogue entry of the call behind the effect (KernelApi.def), or
  /// null (field accesses, unknown callees, driver state).
  const KernelApi *Api = nullptr;
  /// Source text of the operands that matter (flag masks, pfn, size, value).
  std::vector<std::string> Operands;
  /// The whole expression's text.
  std::string Text;
  SourceSite Where;
  /// Calls from the handler down to the helper that has this effect; empty
  /// when the handler itself has it.
  std::vector<CallStep> Via;
  bool InLoop = false;
  MappingRange Range = MappingRange::Unknown;
  ResultUse Use = ResultUse::Other;
  std::string ErrorValue; // for ErrorMapped: the errno expression returned
  /// For a Mapping: the calls in the handler that acquire what it maps (an
  /// allocation, a call whose body is not visible), whose value reaches its
  /// pfn, size, address or page array; in source order.
  std::vector<CallStep> FedBy;
  /// The expression in the current TU's AST (valid only while it lives).
  const clang::Stmt *Node = nullptr;
};

struct HandlerSummary {
  const clang::FunctionDecl *Function = nullptr;
  bool BodyVisible = false;
  std::vector<VmaEffect> Effects;
};

/// Summarises \p Handler, whose parameters are (file, vma) for a legacy hook
/// or (desc) for mmap_prepare; for the latter only state changes and escapes
/// are collected.
HandlerSummary summarizeHandler(const clang::FunctionDecl *Handler, clang::ASTContext &Ctx);

/// The object \p ME accesses, past the anonymous structs and unions that 7.x
/// keeps vm_start, vm_end and vm_flags in (parentheses and casts skipped).
const clang::Expr *accessedObject(const clang::MemberExpr *ME);

} // namespace vmaprep

#endif

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
#include <optional>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class Expr;
class FunctionDecl;
class Decl;
class DeclRefExpr;
class MemberExpr;
class ReturnStmt;
class VarDecl;
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
  /// For a read of the mapping's extent (vm_start, vm_end, vm_pgoff,
  /// vma_pages()): the comparisons with integer constants that decide on
  /// it, directly or through a local it initialises.
  std::vector<ExtentBound> Bounds;
  /// For a Mapping whose size argument is an integer constant expression
  /// (`vm_iomap_memory(vma, addr, PAGE_SIZE)`): its value in bytes.
  std::optional<unsigned long long> SizeValue;
  /// For ErrorMapped: the error path does more than return (a message).
  bool ErrorPathDoesMore = false;
  /// ... and what an error hook, a function of its own run after the hook,
  /// could not do in its place, said of the first statement that is not a
  /// message (KernelApi.def's VMAPREP_MESSAGE) or a message that names one
  /// of the hook's locals or __func__ ("it calls mutex_unlock()"); empty
  /// when the path only prints messages.
  std::string ErrorPathExtra;
  /// For a mapping of a page array the action reads after the hook returns
  /// (vm_insert_pages(), vm_map_pages()): the hook's own local array it
  /// maps, or empty.
  std::string LocalSource;
  /// For vm_insert_pages(), whose count is written back: the count when it is
  /// not the address of a local variable, or empty.
  std::string CountNotLocal;
  /// ... and the local count when the handler reads it after the call
  /// (without returning the call's result), or empty, with where.
  std::string CountReadAfter;
  SourceSite CountReadSite;
  /// The expression in the current TU's AST (valid only while it lives).
  const clang::Stmt *Node = nullptr;
};

/// What the hook gives back or holds until it returns: a release or a lock
/// of the catalogue (KernelApi.def's VMAPREP_RELEASE and VMAPREP_LOCK rows,
/// counter decrements), or a local with a cleanup function (guard(),
/// __free()). Kept apart from the effects, which are what the hook does to
/// the VMA (and what the JSON lists).
struct HeldState {
  enum class Kind { Release, Lock, Cleanup };
  Kind What = Kind::Release;
  /// The callee (kfree, mutex_lock), or for Cleanup the cleanup function.
  std::string Name;
  /// For Cleanup: the variable.
  std::string Variable;
  /// The catalogue entry (null for counters and cleanups).
  const KernelStateOperation *Api = nullptr;
  SourceSite Where;
  std::vector<CallStep> Via;
  /// The call, or for Cleanup the variable, in the current TU's AST.
  const clang::Stmt *Node = nullptr;
  const clang::Decl *Decl = nullptr;
};

/// What the hook does with \p H, for people: "takes a lock (mutex_lock())",
/// "declares 'g', which unlock_ring() releases when the hook returns",
/// "releases something (kfree())"; with \p Where ("line 10") beside the
/// name.
std::string heldStateText(const HeldState &H, const std::string &Where = "");

/// A return statement of the handler's own body.
struct HandlerReturn {
  SourceSite Where;
  /// Returns the constant 0.
  bool Success = false;
  /// Returns what a mapping call returns (`return remap_pfn_range(...)`).
  bool ReturnsMapping = false;
  const clang::ReturnStmt *Node = nullptr;
};

/// How the paths of the hook's own body treat the per-mapping state it takes
/// (MappedStateTrace.cpp, traceStatePaths()): walked on its control-flow
/// graph, with the integer locals it assigns constants to followed, so that
/// `return ret` counts as a failure only where ret may be one.
struct StatePaths {
  /// Every path was walked; when not (no graph, too many paths), the lists
  /// are empty and consumers fall back to the order of the source.
  bool Walked = false;
  /// A return that may fail on a path where state is taken and not given
  /// back.
  std::vector<SourceSite> FailingAfterState;
  /// An acquisition whose own result decides a failing return
  /// (`if (!atomic_inc_unless_negative(&c)) return -EINVAL;`): in ->mapped
  /// it could fail after the VMA exists.
  std::vector<CallStep> FallibleAcquisitions;
  /// A release in the hook's own body: a catalogue release or counter
  /// decrement, or a call of a helper of the file that makes one.
  struct Release {
    std::string Name;
    SourceSite Where;
    /// Runs only after an acquisition it gives back (same operands), and
    /// only on paths that end in a failing return: with the acquisition in
    /// ->mapped, which runs only for a mapping that exists, it has nothing
    /// left to give back.
    bool ErrorPathOnly = false;
    const clang::Stmt *Node = nullptr;
  };
  std::vector<Release> Releases;
};

struct HandlerSummary {
  const clang::FunctionDecl *Function = nullptr;
  bool BodyVisible = false;
  std::vector<VmaEffect> Effects;
  /// Releases, locks and cleanups of the handler and of the helpers it
  /// hands the VMA to (those the rewriter converts with it), in walk order.
  std::vector<HeldState> Held;
  /// The handler's own returns, in source order.
  std::vector<HandlerReturn> Returns;
  StatePaths Paths;
};

/// Summarises \p Handler, whose parameters are (file, vma) for a legacy hook
/// or (desc) for mmap_prepare; for the latter only state changes and escapes
/// are collected.
HandlerSummary summarizeHandler(const clang::FunctionDecl *Handler, clang::ASTContext &Ctx);

/// Every reference to the local \p Var under \p Body, and those of them
/// written there (assigned, incremented, address taken).
struct VarReferences {
  std::vector<const clang::DeclRefExpr *> Refs;
  std::vector<const clang::Expr *> Written;
  bool written(const clang::Expr *Ref) const;
};
VarReferences referencesTo(const clang::VarDecl *Var, const clang::Stmt *Body);

/// The object \p ME accesses, past the anonymous structs and unions that 7.x
/// keeps vm_start, vm_end and vm_flags in (parentheses and casts skipped).
const clang::Expr *accessedObject(const clang::MemberExpr *ME);

} // namespace vmaprep

#endif

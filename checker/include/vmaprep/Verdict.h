//===- Verdict.h - a handler's verdict, AST-free --------------------------===//
//
// The verdict Classifier.h's classify() gives a handler, its reasons, and the
// words every front door uses for it. AST-free (vmaprep_values): the findings
// library reads and writes verdicts without Clang.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_VERDICT_H
#define VMAPREP_VERDICT_H

#include "vmaprep/ApiLevel.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>
#include <vector>

namespace vmaprep {

enum class VerdictKind {
  AutoConvertible,
  ConvertibleWithMapped,
  NeedsApiLevel,
  Blocked,
  AlreadyMmapPrepare,
  InvalidBothHooks,
};

/// Stable identifiers, used in JSON and SARIF: "auto-convertible", ...
llvm::StringRef verdictName(VerdictKind K);
/// For people: "auto-convertible", "convertible with a vm_ops->mapped callback", ...
llvm::StringRef verdictPhrase(VerdictKind K);

/// Does the verdict say the handler converts at its target level (as is, or
/// with a vm_ops->mapped callback)?
bool isConvertible(VerdictKind K);

struct Reason {
  /// Stable identifier of the reason ("page-insertion", "remap-action", ...).
  std::string Id;
  std::string Text;
  std::vector<unsigned> Effects; // indices into the summary's effects
};

struct Verdict {
  VerdictKind Kind = VerdictKind::AutoConvertible;
  /// For NeedsApiLevel (and as information for the others): the lowest level
  /// that can express every idiom the handler uses.
  std::optional<ApiLevel> NeededLevel;
  std::vector<Reason> Reasons;
  /// Breaches of the mmap_prepare contract (docs/kernel-api.md 1): state acquired
  /// in the hook, writes to immutable desc fields or to the raw action, a
  /// protection change after an action captured it, and ->mapped installed
  /// from a legacy hook. Empty when the handler keeps it.
  std::vector<Reason> Contract;
};

/// Why `vmaprep fix` leaves a handler alone. Semantic: the verdict says it
/// does not convert at the level (the Classifier's reasons), or, marked
/// "internal:", one of the rewriter's own semantic checks fired, which the
/// Classifier should have made first (a bug). Edit: the handler converts but
/// its text does not take the rewrite: a macro, overlapping edits, a name
/// that clashes, a declaration or table shape, code in another
/// configuration, a construct the rewriter has no edit for.
enum class RefusalKind { Edit, Semantic };
/// "edit", "semantic" (JSON).
llvm::StringRef refusalKindName(RefusalKind K);
std::optional<RefusalKind> parseRefusalKind(llvm::StringRef Name);

/// The one-line message every front door prints for a legacy handler:
/// "'foo_mmap' uses the deprecated file_operations->mmap hook; blocked: ...".
std::string legacyHandlerMessage(llvm::StringRef Function, const Verdict &V, ApiLevel Target);

/// "'foo_mmap_prepare' breaks the mmap_prepare contract: acquires state ...".
std::string contractBreachMessage(llvm::StringRef Function, const Reason &Breach);

/// "'foo_fb_mmap' is a fb_ops.fb_mmap hook; it takes a VMA and moves to
/// mmap_prepare only with its subsystem; with a prepare hook there it would be
/// blocked (...)": \p AsIfPrepare is its verdict as if the subsystem had a
/// prepare hook, null when its body is in another file.
std::string subsystemHookMessage(llvm::StringRef Function, llvm::StringRef Record, llvm::StringRef Member,
                                 const Verdict *AsIfPrepare);

} // namespace vmaprep

#endif

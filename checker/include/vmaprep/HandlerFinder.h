//===- HandlerFinder.h - every function registered as an mmap hook --------===//
//
// Finds the functions a translation unit registers in ops tables:
// file_operations .mmap (legacy) and .mmap_prepare (converted), through
// designated and positional initializers, arrays and nested initializers,
// and assignments (fops.mmap = f, p->mmap = f). Tables that set both hooks
// are an error in the kernel (mmap(2) fails with -ENODEV). Every other ops
// member that takes a VMA (fb_ops.fb_mmap, proc_ops.proc_mmap, ...) is
// inventoried as a subsystem hook: it cannot move to mmap_prepare on its own.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_HANDLERFINDER_H
#define VMAPREP_HANDLERFINDER_H

#include "vmaprep/HookValues.h"
#include "vmaprep/SourceSite.h"
#include "clang/AST/Decl.h"
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class Expr;
} // namespace clang

namespace vmaprep {

/// One place where an ops table member is set to a function.
struct OpsSite {
  std::string Record; // "file_operations"
  std::string Member; // "mmap", "mmap_prepare", "fb_mmap", ...
  std::string Table;  // "foo_fops", "foo_fops[1]", "dev->fops" (assignment)
  OpsSiteForm Form = OpsSiteForm::DesignatedInit;
  /// The designator (or assignment) through the handler's name; inMacro()
  /// when a macro produced it.
  SourceSite Where;
  /// AST of the current TU: the expression naming the function, and where the
  /// member is designated (invalid for positional initializers).
  const clang::Expr *Init = nullptr;
  clang::SourceLocation DesignatorLoc;
  /// The member's name token (`mmap` in `.mmap =` or `fops.mmap =`); invalid
  /// for positional initializers.
  clang::SourceLocation MemberNameLoc;
};

struct RegisteredHandler {
  const clang::FunctionDecl *Function = nullptr; // the definition if this TU has it
  HookKind Kind = HookKind::LegacyMmap;
  std::vector<OpsSite> Sites;
};

/// A non-file_operations member that takes a VMA.
struct SubsystemHook {
  const clang::FunctionDecl *Function = nullptr;
  OpsSite Site;
};

/// An mmap member set to something that is not a function name (a function
/// pointer variable, a call): reported, since no handler can be named.
struct UnresolvedSite {
  OpsSite Site;
  std::string Expression;
};

struct HandlerInventory {
  std::vector<RegisteredHandler> Handlers;
  /// Functions defined in this file with a hook's signature and external
  /// linkage that no table here names: a table in another translation unit
  /// may (ceph_mmap in fs/ceph/addr.c, registered in file.c). They have no
  /// sites; the whole-database join (FindingsMerger) pairs them with the
  /// registrations that could not see their bodies.
  std::vector<RegisteredHandler> ExternalDefinitions;
  std::vector<BothHooksTable> BothHooks;
  std::vector<SubsystemHook> SubsystemHooks;
  std::vector<UnresolvedSite> Unresolved;
};

HandlerInventory findHandlers(clang::ASTContext &Ctx);

/// True for `struct vm_area_struct *` (any qualifiers).
bool isVmaPointer(clang::QualType T);
/// True for a function whose signature is the legacy hook's:
/// int (struct file *, struct vm_area_struct *).
bool hasLegacyMmapSignature(const clang::FunctionDecl *FD);
/// True for a function whose signature is mmap_prepare's:
/// int (struct vm_area_desc *).
bool hasMmapPrepareSignature(const clang::FunctionDecl *FD);
/// True for a function with a `struct vm_area_struct *` or `struct
/// vm_area_desc *` parameter: only such a function can be registered as an
/// mmap hook of any kind, or be handed the VMA by one.
bool takesVmaOrDesc(const clang::FunctionDecl *FD);

} // namespace vmaprep

#endif

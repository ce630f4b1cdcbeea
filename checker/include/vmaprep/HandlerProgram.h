//===- HandlerProgram.h - a handler lowered to something the model can run ===//
//
// `vmaprep fix` proves a rewrite by running the original handler and its
// rewrite on the runtime model. Kernel files do not compile against the
// model's kernel API shim, so the handler is not compiled: its AST (parsed
// with the tree's own flags) is lowered to this small, self-contained program
// and interpreted. Integer constant expressions (VM_SHARED, PAGE_SHIFT, enum
// values) are folded by Clang with the tree's own definitions; calls to kernel
// APIs keep their name and are executed by the model; everything the handler
// reads from driver state becomes an opaque value named by the canonical text
// of how it was reached, so the original and the rewrite see the same value
// where they read the same thing ("file.private_data->phys").
//
// The program outlives the AST: the original is lowered while the first parse
// is alive and the rewrite while the verification parse is.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_HANDLERPROGRAM_H
#define VMAPREP_HANDLERPROGRAM_H

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class FunctionDecl;
} // namespace clang

namespace vmaprep {

/// What kind of value an expression has, for opaque values and truncation.
enum class ValueClass : uint8_t { Integer, Pointer, Record, Void };

struct ProgramStmt;

struct ProgramExpr {
  enum class Op : uint8_t {
    Constant,     // Value
    Param,        // Index
    Local,        // Index
    Global,       // Name: a variable outside the function (its value is opaque); Index 1: a vm_operations_struct
    Function,     // Name: a function designator (a callback, a table entry)
    Member,       // Args[0].Name; Arrow says whether the base is a pointer
    Index,        // Args[0][Args[1]]
    Unary,        // Name: "-", "~", "!", "+"
    Binary,       // Name: the operator, Args[0] op Args[1]; "&&" and "||" short-circuit
    Conditional,  // Args[0] ? Args[1] : Args[2]
    Assign,       // Name: "=" or the compound operator ("|="), Args[0] = Args[1]
    IncDec,       // Name: "++" or "--"; Prefix says which form
    AddressOf,    // &Args[0]
    Deref,        // *Args[0]
    Call,         // Name: the callee, Args: its arguments
    IndirectCall, // Args[0] is the callee expression, the rest its arguments
    FlagBits,     // a vma_flags_t built from VMA_*_BIT values: Value is the mask
    Cast,         // Args[0] converted to Class/Bits/Signed
    Comma,        // Args[0], Args[1]
    Statement,    // a GNU statement expression: Body, whose last expression is the value
    Unsupported,  // Name says what
  };
  Op Kind = Op::Unsupported;
  std::string Name;
  uint64_t Value = 0;
  unsigned Index = 0;
  ValueClass Class = ValueClass::Integer;
  unsigned Bits = 64; // width of an integer result
  bool Signed = false;
  bool Arrow = false;       // Member through a pointer
  bool Prefix = false;      // IncDec
  bool NotNull = false;     // an array member read as a pointer: its address, never null
  unsigned ElementSize = 1; // a pointer's pointee size, for pointer arithmetic
  std::string Where;        // file:line, for messages
  std::vector<ProgramExpr> Args;
  std::vector<ProgramStmt> Body; // Statement
};

struct ProgramStmt {
  enum class Op : uint8_t {
    Block,   // Children
    Expr,    // Value
    Declare, // Index = Value (Value may be absent: HasValue)
    If,      // Value ? Children[0] : Children[1] (Children[1] may be absent)
    Return,  // Value (HasValue)
    While,   // while (Value) Children[0]
    DoWhile, // do Children[0] while (Value)
    For,     // Children[0] init; Value cond (HasValue); Step (HasStep); Children[1] body
    Switch,  // switch (Value) Children[0]
    Case,    // Constant: Value.Value; then Children[0]
    Default, // Children[0]
    Label,   // Name: Children[0]
    Goto,    // Name
    Break,
    Continue,
    Unsupported, // Name says what
  };
  Op Kind = Op::Block;
  std::string Name;
  unsigned Index = 0;
  bool HasValue = false;
  bool HasStep = false;
  ProgramExpr Value;
  ProgramExpr Step;
  std::vector<ProgramStmt> Children;
  std::string Where;
};

struct ProgramFunction {
  std::string Name;
  std::vector<ValueClass> Params;
  unsigned Locals = 0;
  ValueClass Returns = ValueClass::Integer;
  ProgramStmt Body;
};

/// A vm_operations_struct defined in the TU: which callbacks the program can
/// run (the rest are left out of the model's copy).
struct ProgramOpsTable {
  std::string Name;
  std::vector<std::pair<std::string, std::string>> Callbacks; // member -> function in the program
};

struct HandlerProgram {
  std::string Entry;                      // the handler
  bool Prepare = false;                   // (desc) rather than (file, vma)
  std::vector<ProgramFunction> Functions; // the handler first, then what it reaches in the TU
  std::vector<ProgramOpsTable> OpsTables;
  /// Static locals a macro declares (pr_*_once()'s `__already_done`): the
  /// macro's bookkeeping, not driver state, so validation does not compare
  /// them (the same rule as EffectAnalysis's state writes).
  std::set<std::string> MacroStatics;
  /// Why the handler cannot be run, with where; empty when it can.
  std::string Unsupported;

  const ProgramFunction *function(const std::string &Name) const {
    for (const ProgramFunction &F : Functions)
      if (F.Name == Name)
        return &F;
    return nullptr;
  }
  const ProgramOpsTable *opsTable(const std::string &Name) const {
    for (const ProgramOpsTable &T : OpsTables)
      if (T.Name == Name)
        return &T;
    return nullptr;
  }
};

/// Lowers \p Handler and every function and vm_operations_struct table of the
/// TU it reaches.
HandlerProgram lowerHandler(const clang::FunctionDecl *Handler, clang::ASTContext &Ctx);

} // namespace vmaprep

#endif

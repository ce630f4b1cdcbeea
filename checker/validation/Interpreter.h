//===- Interpreter.h - the HandlerProgram interpreter, inside ------------===//
//
// Not an interface: what the files of the interpreter share. Values are
// numbers with a provenance: a model object (the VMA, the desc, the file, a
// heap block the handler allocated, a vm_operations_struct of the program),
// or an opaque value named by how it was reached. Kernel APIs the model
// implements are called on the model's own objects through the shim;
// acquisitions and releases go to the model's ledger, so leaks and the
// mmap_prepare contract are checked as for compiled handlers.
//
// One Interpreter runs one program; its parts live in one file each:
//   InterpreterValues.cpp  values and worlds: what an unknown reads as in
//                          each world, what is learned from comparisons, the
//                          real memory and objects behind values
//   KernelBindings.cpp     the kernel functions the interpreter runs on the
//                          model, one table looked up by function name
//   Evaluator.cpp          statements and expressions, calls of the
//                          program's own functions, reads and writes
//   ProgramExecution.cpp   the harness: the hooks and callbacks the model
//                          calls, and original against rewrite over worlds
//   SuccessSearch.cpp      driver state under which the original reaches its
//                          success return: the conditions on opaque reads
//                          that sent it to an error return, flipped
//
// Like the rest of the library, these files see the kernel shim and not
// Clang.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_VALIDATION_INTERPRETER_H
#define VMAPREP_VALIDATION_INTERPRETER_H

#include "vmaprep/HandlerProgram.h"
#include "vmaprep/model/Validator.h"

extern "C" {
#include <linux/fs.h>
#include <linux/mm.h>
}

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace vmaprep::interpreter {

struct CannotRun {
  std::string Why;
};

/// The handler dereferenced a null pointer: the kernel would oops. Both sides of a pair reach the same
/// crash when they read the same things, so a crash is an observable result like an error code.
struct Crash {};
constexpr int CrashResult = -EFAULT;

[[noreturn]] inline void cannotRun(const std::string &Why, const std::string &Where) {
  throw CannotRun{Why + (Where.empty() ? "" : " at " + Where)};
}

uint64_t hashOf(const std::string &Text, uint64_t Seed);

struct Symbolic;
using SymbolicRef = std::shared_ptr<const Symbolic>;

/// How a value was computed from opaque reads, kept while the success search records a run
/// (SuccessSearch.cpp): a branch condition's expression, which the search re-evaluates with one read
/// given another value to find driver state that takes the other branch. It mirrors what the evaluator
/// computed, so evaluating it with nothing substituted gives the concrete value.
struct Symbolic {
  enum class Kind : uint8_t {
    Read,     // Key: an opaque read; Value: what it read in this run; Pointer: of a pointer
    Constant, // Value
    Unary,    // Op ("-", "~", "!", "!!") of A
    Binary,   // A Op (B * Scale), done in Bits with Signed; a pointer difference divided by Divide
    Truncate, // A truncated to Bits, sign-extended when Signed
  };
  Kind K = Kind::Constant;
  std::string Op;
  std::string Key;
  uint64_t Value = 0;
  bool Signed = false;
  bool Pointer = false;
  unsigned Bits = 64;
  uint64_t Scale = 1;
  uint64_t Divide = 1;
  SymbolicRef A, B;
};

/// Driver state the success search learned: the value of each opaque read it had to change, by name.
/// A world with a learned state reads those names as given and everything else as world 0 does.
using LearnedState = std::map<std::string, uint64_t>;

/// A branch the handler took on a value computed from opaque reads, in one recorded run.
struct Decision {
  SymbolicRef Condition;
  bool Taken = false;
  std::string Where;
  unsigned Call = 0; // which hook call of the scenario (a setup mapping calls the hook too)
};

struct Value {
  enum Kind : uint8_t {
    Int,      // a number (also a pointer made from one)
    Opaque,   // something read outside the VMA: Key names it, I is the world's value (+ Offset)
    Vma,      // Obj: the model's vm_area_struct
    Desc,     // Obj: the model's vm_area_desc
    File,     // Obj: the model's struct file
    Heap,     // Obj: a block the handler allocated through the shim; Key names it
    Ops,      // Obj: the model's copy of a vm_operations_struct of the program; Key is its name
    Function, // Key: a function of the program
    LocalRef, // the address of local Index of frame Frame (Key: the local's name)
    Slot,     // Obj: a void ** the model handed a callback (->mapped's vm_private_data)
    FieldRef, // &vma->X or &desc->X: Obj is the VMA or desc (Index 0 or 1), Key the canonical field
  };
  Kind K = Int;
  uint64_t I = 0;
  uint64_t Offset = 0;
  unsigned Index = 0;
  unsigned Frame = 0; // LocalRef: which call's local
  void *Obj = nullptr;
  std::string Key;
  SymbolicRef Sym; // only while the success search records a run

  static Value number(uint64_t V) {
    Value R;
    R.I = V;
    return R;
  }
  /// A number computed from \p From (a symbolic expression, while recording).
  static Value derived(uint64_t V, SymbolicRef From) {
    Value R;
    R.I = V;
    R.Sym = std::move(From);
    return R;
  }
  static Value object(Kind K, void *Obj, std::string Key = "") {
    Value R;
    R.K = K;
    R.Obj = Obj;
    R.I = reinterpret_cast<uintptr_t>(Obj);
    R.Key = std::move(Key);
    return R;
  }
  bool truth() const { return K == Int || K == Opaque ? I != 0 : true; }
  /// The canonical text of this value, for naming what is read through it.
  std::string name() const;
};

/// The name both hooks share for a field of the VMA or the desc.
std::string canonicalField(const std::string &F);

/// Where a local lives: a scalar Value, or (for a struct) the members written.
struct Local {
  Value V;
  std::map<std::string, Value> Members;
};

enum class Flow { Normal, Return, Break, Continue, Goto };

class Interpreter;

/// The interpreter whose program the model is running: the model calls the hooks of a run
/// synchronously, on the thread that started it.
extern thread_local Interpreter *Current;

/// A call of a kernel function the interpreter runs on the model, as its binding sees it.
struct KernelCall {
  Interpreter &Interp;
  const std::string &Name;
  std::vector<Value> &Args;
  const std::string &Where; // the call, in words
  Value &Out;               // its result: 0 unless the binding sets it

  uint64_t num(size_t K) const { return K < Args.size() ? Args[K].I : 0; }
  struct vm_area_struct *vma(size_t K) const;
  struct vm_area_desc *desc(size_t K) const;
  /// An acquisition or release counted on the model's ledger; the call returns \p Result.
  bool ledger(model::Resource R, bool Acquire, uint64_t Result);
};

/// Runs one kernel function on the model. False: not a call it can run after all (the interpreter
/// then treats it as a function the model does not implement).
using KernelBinding = bool (*)(KernelCall &C);

class Interpreter {
public:
  Interpreter(const HandlerProgram &P, std::string Label);

  /// The driver in \p World; with \p State, a learned world: \p State's reads as given, the rest as in
  /// world 0.
  model::DriverUnderTest driver(unsigned World, const LearnedState *State = nullptr);

  std::string Failure; // why the program could not be run (the first time)
  int Succeeded = 0;   // hook calls that returned 0

  /// Values worth trying for what the handler reads, learned from what it compares them with
  /// (a size check, a flag test): without them a world rarely gets past a handler's checks. Keyed by
  /// the read's name with its numbers left out, so what is learned in one scenario applies in another.
  std::map<std::string, std::vector<uint64_t>> Candidates;
  bool Learning = false;
  bool IgnoredMappingFailure = false; // this run dropped a mapping call's error

  /// Recording for the success search: the branches on opaque values the hook took, and each hook
  /// call's result, in the scenario being run.
  bool Recording = false;
  std::vector<Decision> Decisions;
  std::vector<int> HookResults;
  /// The integers the hook read from outside the VMA, by name, with the value each read as.
  std::map<std::string, uint64_t> IntegerReads;
  const bool TraceReturns = getenv("VMAPREP_TRACE_INTERPRETER") != nullptr;

  /// Callbacks the program names but does not define (not runnable): the run would be unfaithful.
  std::string unrunnableCallbacks() const;
  const std::string &site() const { return AcquisitionSite; }

  /// The binding of the kernel function \p Name (KernelBindings.cpp); null when the interpreter
  /// does not run it on the model.
  static KernelBinding findKernelBinding(const std::string &Name);

private:
  friend struct KernelCall;

  const HandlerProgram &Program;
  std::string Label;
  struct file_operations Fops;
  std::map<std::string, std::unique_ptr<vm_operations_struct>> Tables;
  std::map<const vm_operations_struct *, const ProgramOpsTable *> TableOf;
  std::vector<std::string> Unrunnable;
  unsigned World = 0;
  const LearnedState *State = nullptr;
  bool InHook = false;                 // the hook itself runs (not a vm_ops callback): its branches are recorded
  std::map<std::string, Value> Memory; // driver state written, by name
  std::map<std::string, std::unique_ptr<char[]>> Backing; // real memory behind opaque pointers
  std::unordered_map<const void *, std::string> Named;    // real addresses handed to the model
  std::map<std::string, model::FileHandle> Files;         // files opened for opaque file pointers
  static inline const struct file_operations OtherFileOps = {};
  std::vector<std::unique_ptr<std::vector<struct page *>>> PageArrays; // kept until the actions complete
  long Steps = 0;
  static constexpr long StepLimit = 200000;

  struct Frame {
    std::vector<Value> Params;
    std::vector<Local> Locals;
    std::string GotoLabel;
    Value Result;
  };
  std::vector<Frame> Frames;
  std::vector<std::string> FrameNames; // the function of each frame, for acquisition sites
  std::string AcquisitionSite;         // while the ledger records an acquisition: where, in words
  std::string ErrorHook;               // the program's function the hook put in desc->action.error_hook

  // --- the harness: entry points the model calls (ProgramExecution.cpp) ---------------------------

  template <typename Fn> static auto guarded(Fn &&Body, decltype(Body()) OnFailure);
  /// The hook, as the model calls it.
  static int entry(std::vector<Value> Args);
  static int legacyEntry(struct file *F, struct vm_area_struct *V);
  static int prepareEntry(struct vm_area_desc *D);
  const std::string *callback(const vm_operations_struct *Ops, const char *Member) const;
  static void vmaCallback(struct vm_area_struct *V, const char *Member);
  static void openCallback(struct vm_area_struct *V);
  static void closeCallback(struct vm_area_struct *V);
  static int splitCallback(struct vm_area_struct *V, unsigned long Addr);
  static int mappedCallback(unsigned long Start, unsigned long End, pgoff_t Pgoff, const struct file *F,
                            void **Private);
  /// 6.19/7.0: desc->action.error_hook, as the model calls it with the action's error.
  static int errorHookCallback(int Err);
  static int mremapRefused(struct vm_area_struct *);
  static vm_fault_t faultRefused(struct vm_fault *);
  static const char *noName(struct vm_area_struct *);
  void install(vm_operations_struct &Ops, const std::string &Member, bool Runnable);
  /// A vm_operations_struct defined in another file: the model gets a table without callbacks, the same
  /// for both sides (what its callbacks do is not part of what the rewrite changes).
  Value externalTable(const std::string &Name);

  // --- values and worlds (InterpreterValues.cpp) --------------------------------------------------

  static std::string shapeOf(const std::string &Key);
  void learn(const Value &Read, const std::string &Op, uint64_t Other);
  /// A condition: `if (ret)` and `if (!p)` make 0 worth trying for what they test.
  bool test(const Value &V);
  /// A branch on \p V taken or not, for the success search.
  void decide(const Value &V, bool Taken, const std::string &Where);
  /// The value of something read from outside the VMA: the learned state's if it names it, else the
  /// world's.
  Value opaque(const std::string &Key, ValueClass Class);
  Value worldValue(const std::string &Key, ValueClass Class) const;
  /// Real memory for an opaque pointer the shim must dereference (a struct device, a kref).
  void *backing(const Value &V);
  /// A value the model stores (vm_private_data, a page pointer) or hands back.
  void *toPointer(const Value &V);
  Value fromPointer(const void *P, ValueClass Class);
  /// A real file for a file pointer the handler got from driver state (a backing file it installs).
  struct file *fileOf(const Value &V, const std::string &Where);
  struct page *pageOf(const Value &V);
  /// Page I of a page array: the element an Index on the array would read.
  struct page *pageAt(const Value &Array, uint64_t I);
  std::vector<struct page *> pageArray(const Value &Array, uint64_t N);
  static pgprot_t prot(uint64_t V) { return __pgprot(V); }
  vma_flags_t flagsOf(const Value &V);

  // --- kernel calls (KernelBindings.cpp) ----------------------------------------------------------

  /// Calls \p Name if the model implements it; false if it does not.
  bool kernelCall(const std::string &Name, std::vector<Value> &A, const ProgramExpr &Call, Value &Out);

  // --- the evaluator (Evaluator.cpp) --------------------------------------------------------------

  Frame &frame() { return Frames.back(); }
  Local &localOf(const Value &Ref);
  Value call(const std::string &Name, std::vector<Value> Args);
  void step(const std::string &Where);
  /// Finds the child of a block a jump lands on: a label, or a case of a switch.
  static bool lands(const ProgramStmt &S, const std::function<bool(const ProgramStmt &)> &Target);
  Flow execBlock(const ProgramStmt &S, size_t From);
  Flow exec(const ProgramStmt &S);
  static uint64_t truncate(uint64_t V, const ProgramExpr &E);
  /// A trap of the kernel's C (IntegerArithmetic.h) is a run that cannot be
  /// compared: refused, never computed.
  static uint64_t arith(const std::string &Op, uint64_t L, uint64_t R, bool Signed, unsigned Width,
                        const std::string &Where);
  /// Reads Base.Field (or Base->Field).
  Value member(const Value &Base, const ProgramExpr &E);
  /// The name of what a pointer points to: `*&x->count` is `x->count`.
  static std::string pointee(const Value &P);
  Value load(const Value &P, ValueClass Class);
  /// *&vma->X and *&desc->X, for a field whose address the handler passed on.
  Value fieldOf(const Value &Ref);
  void setField(const Value &Ref, const Value &V, const std::string &Where);
  /// Where an assignment stores.
  void store(const ProgramExpr &Target, const Value &V);
  const vm_operations_struct *opsOf(const Value &V, const std::string &Where);
  Value eval(const ProgramExpr &E);
  Value callExpr(const ProgramExpr &E);
  /// A call the model does not implement: its result is the world's value for the call, and a local
  /// whose address it is given is filled in with values named after it.
  Value opaqueCall(const std::string &Name, const std::vector<Value> &Args, const ProgramExpr &E);
};

/// Symbolic nodes (SuccessSearch.cpp); the evaluator builds them only while recording.
SymbolicRef symbolicRead(const std::string &Key, uint64_t V, bool Pointer);
/// \p V's expression, or the constant it is.
SymbolicRef symbolicOf(const Value &V);
SymbolicRef symbolicUnary(const std::string &Op, const Value &A);
SymbolicRef symbolicBinary(const std::string &Op, const Value &A, const Value &B, bool Signed, unsigned Bits,
                           uint64_t Scale = 1, uint64_t Divide = 1);
SymbolicRef symbolicTruncate(SymbolicRef A, unsigned Bits, bool Signed);
/// The value of \p S with the read named \p Key reading \p V instead (nothing substituted when \p Key is
/// empty); nullopt when the arithmetic traps.
std::optional<uint64_t> evaluateSymbolic(const Symbolic &S, const std::string &Key, uint64_t V);

/// A learned state run on a drawn world, or with one branch of its success path flipped (\p Flipped
/// names the read and its value), so that what the success path computes from the other reads is
/// compared too.
struct LearnedRun {
  unsigned World = 0;
  LearnedState State;
  std::string Flipped;
};

struct SuccessSearch {
  std::vector<LearnedState> States;
  /// For each state, the runs that spread it over its success path (successPathRuns()).
  std::vector<std::vector<LearnedRun>> SuccessPathRuns;
  /// The runs that spread world 0 over its success path, where it gets through a scenario of the matrix
  /// with no learned state (on world 0 or a drawn world, with a branch flipped or a read changed).
  std::vector<LearnedRun> WorldZeroRuns;
  /// The matrix, and the placements and follow-ups the original never got through, again on the shape
  /// of a scenario it accepted (a one-page doorbell forked, unmapped, mapped over and beside).
  std::vector<model::Scenario> Matrix;
};

/// Driver states under which the original reaches its success return in scenarios of \p Matrix where
/// world 0 sends it to an error return, found by running it again with the condition of a branch it
/// took on opaque reads flipped (one read given a value that takes the other branch, the latest branch
/// first). Each state was seen to make every hook call of some scenario succeed; at most \p Limit, chosen
/// to cover the most scenarios, each with the runs (on the drawn worlds of \p Worlds) that spread it.
SuccessSearch searchSuccessStates(Interpreter &Original, const std::vector<model::Scenario> &Matrix, size_t Limit,
                                  unsigned Worlds);

} // namespace vmaprep::interpreter

#endif

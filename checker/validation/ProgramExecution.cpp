//===- ProgramExecution.cpp - interpret lowered handlers on the model -----===//
//
// Values are numbers with a provenance: a model object (the VMA, the desc,
// the file, a heap block the handler allocated, a vm_operations_struct of the
// program), or an opaque value named by how it was reached. Kernel APIs the
// model implements are called on the model's own objects through the shim;
// acquisitions and releases go to the model's ledger, so leaks and the
// mmap_prepare contract are checked as for compiled handlers.
//
//===----------------------------------------------------------------------===//
#include "ProgramExecution.h"
#include "AcceptedDifferences.h"
#include "IntegerArithmetic.h"

#include "vmaprep/model/Validator.h"

extern "C" {
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
}

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <unordered_map>

namespace vmaprep {

using namespace vmaprep::model;

namespace {

struct CannotRun {
  std::string Why;
};

/// The handler dereferenced a null pointer: the kernel would oops. Both sides of a pair reach the same
/// crash when they read the same things, so a crash is an observable result like an error code.
struct Crash {};
constexpr int CrashResult = -EFAULT;

[[noreturn]] void cannotRun(const std::string &Why, const std::string &Where) {
  throw CannotRun{Why + (Where.empty() ? "" : " at " + Where)};
}

uint64_t hashOf(const std::string &Text, uint64_t Seed) {
  uint64_t H = 1469598103934665603ULL ^ (Seed * 0x9E3779B97F4A7C15ULL);
  for (unsigned char C : Text) {
    H ^= C;
    H *= 1099511628211ULL;
  }
  H ^= H >> 29;
  H *= 0xBF58476D1CE4E5B9ULL;
  return H ^ (H >> 32);
}

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

  static Value number(uint64_t V) {
    Value R;
    R.I = V;
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
  std::string name() const {
    switch (K) {
    case Int:
      return std::to_string(static_cast<int64_t>(I));
    case Opaque:
      return Offset ? Key + "+" + std::to_string(Offset) : Key;
    case Vma:
      return "vma";
    case Desc:
      return "desc";
    case File:
      return "file";
    case Heap:
    case Ops:
    case Function:
      return Key;
    case LocalRef:
      return "&" + Key;
    case Slot:
      return "slot";
    case FieldRef:
      return "&vma." + Key;
    }
    return "?";
  }
};

/// The name both hooks share for a field of the VMA or the desc.
std::string canonicalField(const std::string &F) {
  static const std::map<std::string, std::string> Names = {
      {"vm_start", "start"},       {"vm_end", "end"},         {"vm_pgoff", "pgoff"},
      {"vm_flags", "flags"},       {"__vm_flags", "flags"},   {"vma_flags", "flags"},
      {"vm_page_prot", "page_prot"}, {"vm_file", "file"},     {"vm_ops", "vm_ops"},
      {"vm_private_data", "private_data"}};
  auto It = Names.find(F);
  return It == Names.end() ? F : It->second;
}

/// Where a local lives: a scalar Value, or (for a struct) the members written.
struct Local {
  Value V;
  std::map<std::string, Value> Members;
};

enum class Flow { Normal, Return, Break, Continue, Goto };

class Interpreter;
thread_local Interpreter *Current = nullptr;

class Interpreter {
public:
  Interpreter(const HandlerProgram &P, std::string Label) : Program(P), Label(std::move(Label)) {
    for (const ProgramOpsTable &T : P.OpsTables) {
      auto Ops = std::make_unique<vm_operations_struct>();
      std::memset(Ops.get(), 0, sizeof(*Ops));
      for (const auto &[Member, Fn] : T.Callbacks)
        install(*Ops, Member, P.function(Fn) != nullptr);
      TableOf[Ops.get()] = &T;
      Tables[T.Name] = std::move(Ops);
    }
    std::memset(&Fops, 0, sizeof(Fops));
    if (P.Prepare)
      Fops.mmap_prepare = &prepareEntry;
    else
      Fops.mmap = &legacyEntry;
  }

  DriverUnderTest driver(unsigned World) {
    DriverUnderTest D;
    D.name = Label;
    D.file.fops = &Fops;
    D.file.kapi = VMAPREP_KAPI_LATEST;
    D.setup = [this, World] {
      Current = this; // the model calls the hooks of this run synchronously, on this thread
      this->World = World;
      Memory.clear();
      Backing.clear();
      Named.clear();
      Frames.clear();
      FrameNames.clear();
      IgnoredMappingFailure = false;
      return 0;
    };
    D.teardown = [this] { Files.clear(); };
    D.describe_state = [this] {
      std::vector<std::string> Lines;
      for (const auto &[Name, V] : Memory) // std::map: sorted, so the two sides line up
        Lines.push_back(Name + "=" + V.name());
      return Lines;
    };
    D.name_pointer = [this](const void *P) -> std::string {
      auto It = Named.find(P);
      if (It != Named.end())
        return It->second;
      for (const auto &[Name, Ops] : Tables)
        if (Ops.get() == P)
          return "ops " + Name;
      return "";
    };
    return D;
  }

  std::string Failure; // why the program could not be run (the first time)
  int Succeeded = 0;   // hook calls that returned 0

  /// Values worth trying for what the handler reads, learned from what it compares them with
  /// (a size check, a flag test): without them a world rarely gets past a handler's checks. Keyed by
  /// the read's name with its numbers left out, so what is learned in one scenario applies in another.
  std::map<std::string, std::vector<uint64_t>> Candidates;
  bool Learning = false;
  bool IgnoredMappingFailure = false; // this run dropped a mapping call's error
  const bool TraceReturns = getenv("VMAPREP_TRACE_INTERPRETER") != nullptr;

private:
  const HandlerProgram &Program;
  std::string Label;
  struct file_operations Fops;
  std::map<std::string, std::unique_ptr<vm_operations_struct>> Tables;
  std::map<const vm_operations_struct *, const ProgramOpsTable *> TableOf;
  unsigned World = 0;
  std::map<std::string, Value> Memory;                       // driver state written, by name
  std::map<std::string, std::unique_ptr<char[]>> Backing;    // real memory behind opaque pointers
  std::unordered_map<const void *, std::string> Named;       // real addresses handed to the model
  std::map<std::string, FileHandle> Files;                   // files opened for opaque file pointers
  static inline const struct file_operations OtherFileOps = {};
  long Steps = 0;
  static constexpr long StepLimit = 200000;

  struct Frame {
    std::vector<Value> Params;
    std::vector<Local> Locals;
    std::string GotoLabel;
    Value Result;
  };

  // --- entry points the model calls ---------------------------------------------------------------

  template <typename Fn> static auto guarded(Fn &&Body, decltype(Body()) OnFailure) {
    Interpreter *Self = Current;
    try {
      return Body();
    } catch (const CannotRun &E) {
      if (Self && Self->Failure.empty())
        Self->Failure = E.Why;
    } catch (const Crash &) {
      if (Self) {
        Self->Frames.clear();
        Self->FrameNames.clear();
      }
      return decltype(Body())(CrashResult);
    }
    return OnFailure;
  }

  /// The hook, as the model calls it.
  static int entry(std::vector<Value> Args) {
    return guarded([&] {
      Interpreter &I = *Current;
      const int R = int(I.call(I.Program.Entry, std::move(Args)).I);
      I.Succeeded += R == 0;
      return R;
    }, -EINVAL);
  }
  static int legacyEntry(struct file *F, struct vm_area_struct *V) {
    return entry({Value::object(Value::File, F), Value::object(Value::Vma, V)});
  }
  static int prepareEntry(struct vm_area_desc *D) { return entry({Value::object(Value::Desc, D)}); }
  const std::string *callback(const vm_operations_struct *Ops, const char *Member) const {
    auto It = TableOf.find(Ops);
    if (It == TableOf.end())
      return nullptr;
    for (const auto &[M, Fn] : It->second->Callbacks)
      if (M == Member)
        return &Fn;
    return nullptr;
  }
  static void vmaCallback(struct vm_area_struct *V, const char *Member) {
    guarded([&] {
      if (const std::string *Fn = Current->callback(V->vm_ops, Member))
        Current->call(*Fn, {Value::object(Value::Vma, V)});
      return 0;
    }, 0);
  }
  static void openCallback(struct vm_area_struct *V) { vmaCallback(V, "open"); }
  static void closeCallback(struct vm_area_struct *V) { vmaCallback(V, "close"); }
  static int splitCallback(struct vm_area_struct *V, unsigned long Addr) {
    return guarded([&] {
      const std::string *Fn = Current->callback(V->vm_ops, "may_split");
      return Fn ? int(Current->call(*Fn, {Value::object(Value::Vma, V), Value::number(Addr)}).I) : 0;
    }, -EINVAL);
  }
  static int mappedCallback(unsigned long Start, unsigned long End, pgoff_t Pgoff, const struct file *F,
                            void **Private);
  static int mremapRefused(struct vm_area_struct *) { return -EINVAL; }
  static vm_fault_t faultRefused(struct vm_fault *) { return VM_FAULT_SIGBUS; }
  static const char *noName(struct vm_area_struct *) { return "vmaprep-program"; }

  void install(vm_operations_struct &Ops, const std::string &Member, bool Runnable) {
    // The callbacks the model calls are run; the others only need to be present (the trace compares
    // which callbacks a table has).
    if (Member == "open")
      Ops.open = Runnable ? &openCallback : nullptr;
    else if (Member == "close")
      Ops.close = Runnable ? &closeCallback : nullptr;
    else if (Member == "mapped")
      Ops.mapped = Runnable ? &mappedCallback : nullptr;
    else if (Member == "may_split")
      Ops.may_split = &splitCallback;
    else if (Member == "mremap")
      Ops.mremap = &mremapRefused;
    else if (Member == "fault")
      Ops.fault = &faultRefused;
    else if (Member == "page_mkwrite")
      Ops.page_mkwrite = &faultRefused;
    else if (Member == "pfn_mkwrite")
      Ops.pfn_mkwrite = &faultRefused;
    else if (Member == "name")
      Ops.name = &noName;
    if ((Member == "open" || Member == "close" || Member == "mapped") && !Runnable)
      Unrunnable.push_back(Member);
  }
  std::vector<std::string> Unrunnable;

  /// A vm_operations_struct defined in another file: the model gets a table without callbacks, the same
  /// for both sides (what its callbacks do is not part of what the rewrite changes).
  Value externalTable(const std::string &Name) {
    std::unique_ptr<vm_operations_struct> &Ops = Tables[Name];
    if (!Ops) {
      Ops = std::make_unique<vm_operations_struct>();
      std::memset(Ops.get(), 0, sizeof(*Ops));
    }
    return Value::object(Value::Ops, Ops.get(), Name);
  }

public:
  /// Callbacks the program names but does not define (not runnable): the run would be unfaithful.
  std::string unrunnableCallbacks() const {
    std::string Out;
    for (const std::string &M : Unrunnable)
      Out += (Out.empty() ? "" : ", ") + M;
    return Out;
  }
  const std::string &site() const { return AcquisitionSite; }

private:
  // --- values -------------------------------------------------------------------------------------

  static std::string shapeOf(const std::string &Key) {
    std::string Out;
    for (char C : Key)
      if (!(C >= '0' && C <= '9'))
        Out += C;
      else if (Out.empty() || Out.back() != '#')
        Out += '#';
    return Out;
  }

  void learn(const Value &Read, const std::string &Op, uint64_t Other) {
    if (!Learning || Read.K != Value::Opaque || Read.Key.empty())
      return;
    std::vector<uint64_t> &C = Candidates[shapeOf(Read.Key)];
    auto Add = [&](uint64_t V) {
      if (C.size() < 16 && std::find(C.begin(), C.end(), V) == C.end())
        C.push_back(V);
    };
    if (Op == "==" || Op == "!=") {
      Add(Other);
    } else if (Op == "<" || Op == ">" || Op == "<=" || Op == ">=") {
      Add(Other);
      Add(Other + 1);
      Add(Other - 1);
    } else if (Op == "&") {
      Add(Other);
      Add(~uint64_t(0)); // every bit a handler tests
      Add(0);
    }
  }

  /// A condition: `if (ret)` and `if (!p)` make 0 worth trying for what they test.
  bool test(const Value &V) {
    learn(V, "==", 0);
    return V.truth();
  }

  /// The world's value for something read from outside the VMA.
  Value opaque(const std::string &Key, ValueClass Class) {
    Value V;
    V.K = Value::Opaque;
    V.Key = Key;
    const uint64_t H = hashOf(Key, World);
    if (Class == ValueClass::Integer && World != 0) {
      auto It = Candidates.find(shapeOf(Key));
      if (It != Candidates.end() && !It->second.empty()) {
        const size_t Pick = (H >> 17) % (It->second.size() + 1);
        if (Pick < It->second.size()) {
          V.I = It->second[Pick];
          return V;
        }
      }
    }
    if (Class == ValueClass::Pointer) {
      V.I = World && H % 8 == 0 ? 0 : 0xffff888000000000ULL | ((hashOf(Key, 0) & 0xffffffULL) << 12);
      if (!V.I)
        V.K = Value::Int;
      return V;
    }
    if (World == 0) {
      V.I = 0;
      return V;
    }
    switch ((H >> 3) % 7) {
    case 0:
      V.I = 0;
      break;
    case 1:
      V.I = 1;
      break;
    case 2:
      V.I = PAGE_SIZE * (1 + (H >> 8) % 4);
      break;
    case 3:
      V.I = (H >> 8) & 0xfff;
      break;
    case 4:
      V.I = uint64_t(-EINVAL);
      break;
    case 5:
      V.I = ((H >> 8) & 0xfffff) << PAGE_SHIFT;
      break;
    default:
      V.I = 1 + ((H >> 8) & 3);
      break;
    }
    return V;
  }

  /// Real memory for an opaque pointer the shim must dereference (a struct device, a kref).
  void *backing(const Value &V) {
    if (V.K == Value::Heap || V.K == Value::File)
      return V.Obj;
    if (V.K != Value::Opaque)
      return reinterpret_cast<void *>(V.I);
    std::unique_ptr<char[]> &Block = Backing[V.Key];
    if (!Block) {
      Block.reset(new char[4096]());
      Named[Block.get()] = V.Key;
    }
    return Block.get() + V.Offset;
  }

  /// A value the model stores (vm_private_data, a page pointer) or hands back.
  void *toPointer(const Value &V) {
    switch (V.K) {
    case Value::Int:
      return reinterpret_cast<void *>(V.I);
    case Value::Opaque:
      return backing(V);
    default:
      return V.Obj;
    }
  }
  Value fromPointer(const void *P, ValueClass Class) {
    if (!P)
      return Value::number(0);
    for (const auto &[Key, Block] : Backing)
      if (Block.get() == P) {
        Value V = opaque(Key, Class);
        V.K = Value::Opaque;
        return V;
      }
    for (const auto &[Name, Ops] : Tables)
      if (Ops.get() == P)
        return Value::object(Value::Ops, Ops.get(), Name);
    auto It = Named.find(P);
    if (It != Named.end())
      return Value::object(Value::Heap, const_cast<void *>(P), It->second);
    return Value::number(reinterpret_cast<uintptr_t>(P));
  }

  /// A real file for a file pointer the handler got from driver state (a backing file it installs).
  struct file *fileOf(const Value &V, const std::string &Where) {
    if (V.K == Value::File)
      return static_cast<struct file *>(V.Obj);
    if (V.K == Value::Int && V.I == 0)
      throw Crash{};
    if (V.K != Value::Opaque)
      cannotRun("a file pointer the interpreter cannot follow", Where);
    FileHandle &F = Files[V.name()];
    if (!F.get()) {
      FileSpec Spec;
      Spec.fops = &OtherFileOps;
      F = FileHandle::open(Spec);
      if (!F.get())
        cannotRun("the model could not open a file for " + V.name(), Where);
    }
    return F.get();
  }

  struct page *pageOf(const Value &V) {
    if (V.K == Value::Opaque)
      return pfn_to_page(0x100000 + (hashOf(V.name(), 0) & 0xfffff) * 64);
    if (V.K == Value::Int && V.I)
      return pfn_to_page(V.I >> PAGE_SHIFT);
    cannotRun("a page pointer the interpreter cannot follow", "");
  }
  /// Page I of a page array: the element an Index on the array would read.
  struct page *pageAt(const Value &Array, uint64_t I) {
    if (Array.K == Value::Int && Array.I == 0)
      throw Crash{}; // the kernel reads pages[0] of a NULL array
    if (Array.K != Value::Opaque)
      cannotRun("a page array that is not driver state", "");
    // A page array's elements are never null (the driver filled it before mapping it).
    Value Element;
    Element.K = Value::Opaque;
    Element.Key = Array.Key + "[" + std::to_string(Array.Offset / sizeof(void *) + I) + "]";
    return pageOf(Element);
  }
  std::vector<struct page *> pageArray(const Value &Array, uint64_t N) {
    if (N > 4096)
      cannotRun("a page array of more than 4096 pages", "");
    std::vector<struct page *> Pages;
    for (uint64_t I = 0; I < N; ++I)
      Pages.push_back(pageAt(Array, I));
    return Pages;
  }

  static pgprot_t prot(uint64_t V) { return __pgprot(V); }
  static bool isAtomicCounterOp(const std::string &N) {
    return N.rfind("atomic_", 0) == 0 || N.rfind("atomic64_", 0) == 0;
  }

  vma_flags_t flagsOf(const Value &V) {
    vma_flags_t F;
    std::memset(&F, 0, sizeof(F));
    F.__vma_flags[0] = V.I;
    return F;
  }

  struct vm_area_struct *vmaArg(const std::vector<Value> &A, size_t I, const std::string &Callee) {
    if (I >= A.size() || A[I].K != Value::Vma)
      cannotRun("'" + Callee + "' without the VMA", "");
    return static_cast<struct vm_area_struct *>(A[I].Obj);
  }
  struct vm_area_desc *descArg(const std::vector<Value> &A, size_t I, const std::string &Callee) {
    if (I >= A.size() || A[I].K != Value::Desc)
      cannotRun("'" + Callee + "' without the desc", "");
    return static_cast<struct vm_area_desc *>(A[I].Obj);
  }
  static uint64_t num(const std::vector<Value> &A, size_t I) { return I < A.size() ? A[I].I : 0; }

  // --- the kernel API the model implements ----------------------------------------------------------

  /// Calls \p Name if the model implements it; false if it does not.
  bool kernelCall(const std::string &Name, std::vector<Value> &A, const ProgramExpr &Call, Value &Out) {
    using Resource = vmaprep::model::Resource;
    auto ledger = [&](Resource R, bool Acquire, uint64_t Result) {
      if (Acquire) {
        AcquisitionSite = Frames.empty() ? Call.Where : FrameNames.back() + "() at " + Call.Where;
        Kernel::current().ledger.acquire(R);
        AcquisitionSite.clear();
      } else {
        Kernel::current().ledger.release(R);
      }
      Out = Value::number(Result);
      return true;
    };
    const std::string &N = Name;
    // VMA (legacy hook)
    if (N == "vm_flags_set" || N == "vm_flags_clear" || N == "vm_flags_reset" || N == "vm_flags_init") {
      struct vm_area_struct *V = vmaArg(A, 0, N);
      if (N == "vm_flags_set")
        vm_flags_set(V, num(A, 1));
      else if (N == "vm_flags_clear")
        vm_flags_clear(V, num(A, 1));
      else
        vm_flags_reset(V, num(A, 1));
      return true;
    }
    if (N == "vma_set_flags_mask" || N == "__vmaprep_vma_set_flags_mask") {
      vm_flags_set(vmaArg(A, 0, N), num(A, 1)); // bit n of the mask is VM flag 1 << n
      return true;
    }
    if (N == "vma_clear_flags_mask" || N == "__vmaprep_vma_clear_flags_mask") {
      vm_flags_clear(vmaArg(A, 0, N), num(A, 1));
      return true;
    }
    if (N == "vm_flags_mod") {
      vm_flags_mod(vmaArg(A, 0, N), num(A, 1), num(A, 2));
      return true;
    }
    if (N == "vma_pages") {
      Out = Value::number(vma_pages(vmaArg(A, 0, N)));
      return true;
    }
    if (N == "remap_pfn_range" || N == "io_remap_pfn_range") {
      struct vm_area_struct *V = vmaArg(A, 0, N);
      Out = Value::number(uint64_t(int64_t(N == "remap_pfn_range"
                                               ? remap_pfn_range(V, num(A, 1), num(A, 2), num(A, 3), prot(num(A, 4)))
                                               : io_remap_pfn_range(V, num(A, 1), num(A, 2), num(A, 3),
                                                                    prot(num(A, 4))))));
      return true;
    }
    if (N == "vm_iomap_memory") {
      Out = Value::number(uint64_t(int64_t(vm_iomap_memory(vmaArg(A, 0, N), num(A, 1), num(A, 2)))));
      return true;
    }
    if (N == "vm_map_pages" || N == "vm_map_pages_zero") {
      // vm_map_pages() maps pages[vm_pgoff ..) of a num-page array: build the part it can read, with
      // its count capped at the end of that part (the bound checks come out the same).
      struct vm_area_struct *V = vmaArg(A, 0, N);
      const uint64_t Offset = N == "vm_map_pages" ? V->vm_pgoff : 0;
      const uint64_t Count = std::min<uint64_t>(num(A, 2), Offset + vma_pages(V));
      const uint64_t From = std::min(Offset, Count);
      if (Count - From > 4096)
        cannotRun("a page array of more than 4096 pages", Call.Where);
      Value Window = A.at(1);
      Window.Offset += From * sizeof(void *);
      std::vector<struct page *> Pages = pageArray(Window, Count - From);
      // Only [From, Count) is read: Base[From] is Pages[0]. Computed as an
      // address, not by pointer arithmetic, which would leave the vector (and
      // is undefined on the null data() of an empty one).
      auto *Base = reinterpret_cast<struct page **>(reinterpret_cast<uintptr_t>(Pages.data()) -
                                                    From * sizeof(struct page *));
      int R = N == "vm_map_pages" ? vm_map_pages(V, Base, Count) : vm_map_pages_zero(V, Base, Count);
      Out = Value::number(uint64_t(int64_t(R)));
      return true;
    }
    if (N == "vm_insert_page") {
      Out = Value::number(uint64_t(int64_t(vm_insert_page(vmaArg(A, 0, N), num(A, 1), pageOf(A.at(2))))));
      return true;
    }
    if (N == "vm_insert_pages") {
      if (A.size() < 4 || A[3].K != Value::LocalRef)
        cannotRun("vm_insert_pages with a count that is not a local", Call.Where);
      Local &Count = localOf(A[3]);
      unsigned long Num = Count.V.I;
      struct vm_area_struct *V = vmaArg(A, 0, N);
      if (Num > ~0UL / PAGE_SIZE) {
        // addr + num pages wraps: out of the VMA, and nothing is read.
        Out = Value::number(uint64_t(int64_t(-EFAULT)));
        return true;
      }
      // Only pages inside the VMA are ever read (the range is checked first).
      std::vector<struct page *> Pages = pageArray(A[2], std::min<uint64_t>(Num, vma_pages(V)));
      int R = vm_insert_pages(V, num(A, 1), Pages.data(), &Num);
      Count.V = Value::number(Num);
      Out = Value::number(uint64_t(int64_t(R)));
      return true;
    }
    if (N == "vma_set_file") {
      vma_set_file(vmaArg(A, 0, N), fileOf(A.at(1), Call.Where));
      return true;
    }
    if (N == "vma_set_anonymous") {
      vma_set_anonymous(vmaArg(A, 0, N));
      return true;
    }
    if (N == "generic_file_mmap" || N == "generic_file_readonly_mmap") {
      if (A.empty() || A[0].K != Value::File)
        cannotRun("'" + N + "' on a file other than the mapped one", Call.Where);
      struct file *F = static_cast<struct file *>(A[0].Obj);
      Out = Value::number(uint64_t(int64_t(N == "generic_file_mmap" ? generic_file_mmap(F, vmaArg(A, 1, N))
                                                                     : generic_file_readonly_mmap(F, vmaArg(A, 1, N)))));
      return true;
    }
    if (N == "shmem_zero_setup") {
      Out = Value::number(uint64_t(int64_t(shmem_zero_setup(vmaArg(A, 0, N)))));
      return true;
    }
    // desc (mmap_prepare)
    if (N == "vma_desc_size" || N == "vma_desc_pages") {
      struct vm_area_desc *D = descArg(A, 0, N);
      Out = Value::number(N == "vma_desc_size" ? vma_desc_size(D) : vma_desc_pages(D));
      return true;
    }
    if (N == "vma_desc_set_flags_mask" || N == "vma_desc_clear_flags_mask") {
      struct vm_area_desc *D = descArg(A, 0, N);
      if (N == "vma_desc_set_flags_mask")
        vma_desc_set_flags_mask(D, flagsOf(A.at(1)));
      else
        vma_desc_clear_flags_mask(D, flagsOf(A.at(1)));
      return true;
    }
    if (N == "vma_desc_test_any_mask" || N == "vma_desc_test_all_mask") {
      struct vm_area_desc *D = descArg(A, 0, N);
      Out = Value::number(N == "vma_desc_test_any_mask" ? vma_desc_test_any_mask(D, flagsOf(A.at(1)))
                                                        : vma_desc_test_all_mask(D, flagsOf(A.at(1))));
      return true;
    }
    if (N == "vma_desc_test" || N == "vma_desc_test_flags") {
      struct vm_area_desc *D = descArg(A, 0, N);
      Out = Value::number(num(A, 1) < 64 ? (D->vma_flags.__vma_flags[0] >> num(A, 1)) & 1 : 0);
      return true;
    }
    if (N == "is_cow_mapping") {
      Out = Value::number(is_cow_mapping(num(A, 0)));
      return true;
    }
    if (N == "vma_desc_is_cow_mapping") {
      Out = Value::number(vma_desc_is_cow_mapping(descArg(A, 0, N)));
      return true;
    }
    if (N == "vma_test") {
      Out = Value::number(num(A, 1) < 64 ? (vmaArg(A, 0, N)->vm_flags >> num(A, 1)) & 1 : 0);
      return true;
    }
    if (N == "vma_desc_set_anonymous") {
      vma_desc_set_anonymous(descArg(A, 0, N));
      return true;
    }
    if (N == "generic_file_mmap_prepare" || N == "generic_file_readonly_mmap_prepare") {
      struct vm_area_desc *D = descArg(A, 0, N);
      Out = Value::number(uint64_t(int64_t(N == "generic_file_mmap_prepare" ? generic_file_mmap_prepare(D)
                                                                            : generic_file_readonly_mmap_prepare(D))));
      return true;
    }
    if (N == "shmem_zero_setup_desc") {
      Out = Value::number(uint64_t(int64_t(shmem_zero_setup_desc(descArg(A, 0, N)))));
      return true;
    }
    if (N == "mmap_action_remap") {
      mmap_action_remap(descArg(A, 0, N), num(A, 1), num(A, 2), num(A, 3));
      return true;
    }
    if (N == "mmap_action_remap_full") {
      mmap_action_remap_full(descArg(A, 0, N), num(A, 1));
      return true;
    }
    if (N == "mmap_action_ioremap") {
      mmap_action_ioremap(descArg(A, 0, N), num(A, 1), num(A, 2), num(A, 3));
      return true;
    }
    if (N == "mmap_action_ioremap_full") {
      mmap_action_ioremap_full(descArg(A, 0, N), num(A, 1));
      return true;
    }
    if (N == "mmap_action_simple_ioremap") {
      mmap_action_simple_ioremap(descArg(A, 0, N), num(A, 1), num(A, 2));
      return true;
    }
    if (N == "mmap_action_map_kernel_pages" || N == "mmap_action_map_kernel_pages_full") {
      // The action keeps the array until it completes: it must outlive this call.
      struct vm_area_desc *D = descArg(A, 0, N);
      const bool Full = N == "mmap_action_map_kernel_pages_full";
      const Value &Array = A.at(Full ? 1 : 2);
      const uint64_t Count = Full ? vma_desc_pages(D) : num(A, 3);
      // The action checks its range before it reads: pages past the desc are never read.
      auto Pages = std::make_unique<std::vector<struct page *>>(
          pageArray(Array, std::min<uint64_t>(Count, vma_desc_pages(D))));
      struct page **Data = Pages->data();
      PageArrays.push_back(std::move(Pages));
      if (Full)
        mmap_action_map_kernel_pages_full(D, Data);
      else
        mmap_action_map_kernel_pages(D, num(A, 1), Data, Count);
      return true;
    }
    // atomic_t counters (what afs really used): plain driver state the model's ledger does not count,
    // compared as driver state after the mmap and after teardown.
    if (isAtomicCounterOp(N)) {
      std::string Op = N.substr(N.find('_') + 1);
      if (N.rfind("atomic64_", 0) == 0 || N.rfind("atomic_long_", 0) == 0)
        Op = N.substr(N.find('_', N.find('_') + 1) + 1);
      const bool CountFirst = Op == "add" || Op == "sub" || Op == "add_return" || Op == "sub_return";
      const Value &Ptr = A.at(CountFirst ? 1 : 0);
      const uint64_t Old = load(Ptr, ValueClass::Integer).I;
      uint64_t New = Old;
      if (Op == "read") {
        Out = Value::number(Old);
        return true;
      }
      if (Op == "set") New = num(A, 1);
      else if (Op == "inc" || Op == "inc_return") New = Old + 1;
      else if (Op == "dec" || Op == "dec_return" || Op == "dec_and_test") New = Old - 1;
      else if (Op == "add" || Op == "add_return") New = Old + num(A, 0);
      else if (Op == "sub" || Op == "sub_return") New = Old - num(A, 0);
      else if (Op == "inc_not_zero") New = Old ? Old + 1 : Old;
      else return false;
      const unsigned Bits = N.rfind("atomic_", 0) == 0 && N.rfind("atomic_long_", 0) != 0 ? 32 : 64;
      if (Bits == 32)
        New = uint64_t(int64_t(int32_t(uint32_t(New))));
      Memory[pointee(Ptr)] = Value::number(New);
      if (Op == "dec_and_test")
        Out = Value::number(New == 0);
      else if (Op == "inc_not_zero")
        Out = Value::number(Old != 0);
      else
        Out = Value::number(New);
      return true;
    }
    // What a handler acquires and releases: counted on the model's ledger.
    if (N == "kmalloc" || N == "kzalloc" || N == "kcalloc" || N == "kmalloc_array" || N == "vmalloc" ||
        N == "vzalloc" || N == "kvmalloc" || N == "kvzalloc" || N == "vmalloc_user" || N == "kvcalloc") {
      const bool TwoSizes = N == "kcalloc" || N == "kmalloc_array" || N == "kvcalloc";
      const uint64_t Size = TwoSizes ? num(A, 0) * num(A, 1) : num(A, 0);
      AcquisitionSite = FrameNames.empty() ? Call.Where : FrameNames.back() + "() at " + Call.Where;
      void *P = kzalloc(Size ? Size : 1, 0);
      AcquisitionSite.clear();
      if (!P) {
        Out = Value::number(0);
        return true;
      }
      Out = Value::object(Value::Heap, P, Kernel::current().describe_heap_pointer(P));
      Named[P] = Out.Key;
      return true;
    }
    if (N == "kfree" || N == "vfree" || N == "kvfree" || N == "kfree_sensitive") {
      if (!A.empty() && A[0].K == Value::Heap)
        kfree(A[0].Obj);
      else if (!A.empty() && A[0].truth() && A[0].K != Value::Opaque)
        cannotRun("'" + N + "' of memory the handler did not allocate", Call.Where);
      return true;
    }
    if (N == "kref_get")
      return ledger(Resource::Kref, true, 0);
    if (N == "kref_get_unless_zero")
      return ledger(Resource::Kref, true, 1);
    if (N == "kref_put")
      return ledger(Resource::Kref, false, 0);
    if (N == "refcount_inc")
      return ledger(Resource::Refcount, true, 0);
    if (N == "refcount_inc_not_zero")
      return ledger(Resource::Refcount, true, 1);
    if (N == "refcount_dec" || N == "refcount_dec_and_test")
      return ledger(Resource::Refcount, false, 0);
    if (N == "pm_runtime_get" || N == "pm_runtime_get_sync" || N == "pm_runtime_resume_and_get" ||
        N == "pm_runtime_get_noresume")
      return ledger(Resource::PmRuntime, true, 0);
    if (N == "pm_runtime_put" || N == "pm_runtime_put_sync" || N == "pm_runtime_put_autosuspend" ||
        N == "pm_runtime_put_noidle")
      return ledger(Resource::PmRuntime, false, 0);
    if (N == "try_module_get" || N == "__module_get")
      return ledger(Resource::Module, true, 1);
    if (N == "module_put")
      return ledger(Resource::Module, false, 0);
    if (N == "get_device") {
      ledger(Resource::Device, true, 0);
      Out = A.empty() ? Value::number(0) : A[0];
      return true;
    }
    if (N == "put_device")
      return ledger(Resource::Device, false, 0);
    if (N == "get_file" && !A.empty()) {
      struct file *F = fileOf(A[0], Call.Where);
      get_file(F);
      Out = A[0].K == Value::File ? A[0] : Value::object(Value::File, F);
      return true;
    }
    if (N == "fput" && !A.empty()) {
      fput(fileOf(A[0], Call.Where));
      return true;
    }
    return false;
  }
  std::vector<std::unique_ptr<std::vector<struct page *>>> PageArrays;

  // --- the interpreter ----------------------------------------------------------------------------

  std::vector<Frame> Frames;
  std::vector<std::string> FrameNames; // the function of each frame, for acquisition sites
  std::string AcquisitionSite;         // while the ledger records an acquisition: where, in words
  Frame &frame() { return Frames.back(); }
  Local &localOf(const Value &Ref) {
    if (Ref.Frame >= Frames.size())
      cannotRun("the address of a local of a call that returned", "");
    return Frames[Ref.Frame].Locals.at(Ref.Index);
  }

  Value call(const std::string &Name, std::vector<Value> Args) {
    const ProgramFunction *F = Program.function(Name);
    if (!F)
      cannotRun("'" + Name + "' is not in the program", "");
    if (Frames.size() > 32)
      cannotRun("recursion deeper than 32 calls into '" + Name + "'", "");
    if (Frames.empty())
      Steps = 0; // the budget is per call from the model (a hook, a callback)
    Frame Fr;
    Fr.Params = std::move(Args);
    Fr.Params.resize(F->Params.size());
    Fr.Locals.resize(F->Locals);
    Frames.push_back(std::move(Fr));
    FrameNames.push_back(Name);
    Flow Result = exec(F->Body);
    Value R = Result == Flow::Return ? frame().Result : Value::number(0);
    if (Result == Flow::Goto)
      cannotRun("a goto to label '" + frame().GotoLabel + "' outside its block", "");
    Frames.pop_back();
    FrameNames.pop_back();
    return R;
  }

  void step(const std::string &Where) {
    if (++Steps > StepLimit)
      cannotRun("more than " + std::to_string(StepLimit) + " steps (a loop that does not end?)", Where);
  }

  /// Finds the child of a block a jump lands on: a label, or a case of a switch.
  static bool lands(const ProgramStmt &S, const std::function<bool(const ProgramStmt &)> &Target) {
    const ProgramStmt *P = &S;
    while (true) {
      if (Target(*P))
        return true;
      if ((P->Kind == ProgramStmt::Op::Label || P->Kind == ProgramStmt::Op::Case ||
           P->Kind == ProgramStmt::Op::Default) &&
          !P->Children.empty())
        P = &P->Children[0];
      else
        return false;
    }
  }

  Flow execBlock(const ProgramStmt &S, size_t From) {
    for (size_t I = From; I < S.Children.size(); ++I) {
      Flow F = exec(S.Children[I]);
      if (F == Flow::Goto) {
        const std::string Label = frame().GotoLabel;
        size_t J = 0;
        for (; J < S.Children.size(); ++J)
          if (lands(S.Children[J], [&](const ProgramStmt &C) {
                return C.Kind == ProgramStmt::Op::Label && C.Name == Label;
              }))
            break;
        if (J == S.Children.size())
          return F;
        I = J - 1;
        continue;
      }
      if (F != Flow::Normal)
        return F;
    }
    return Flow::Normal;
  }

  Flow exec(const ProgramStmt &S) {
    step(S.Where);
    switch (S.Kind) {
    case ProgramStmt::Op::Block:
      return execBlock(S, 0);
    case ProgramStmt::Op::Expr: {
      const Value V = eval(S.Value);
      // `vm_iomap_memory(...);` whose error the handler drops: an action reports it (the difference
      // upstream accepted for stm); runProgramValidation() needs to know the original did this.
      if (S.Value.Kind == ProgramExpr::Op::Call && isMappingCall(S.Value.Name) && V.I != 0)
        IgnoredMappingFailure = true;
      return Flow::Normal;
    }
    case ProgramStmt::Op::Declare: {
      Local &L = frame().Locals.at(S.Index);
      L.Members.clear();
      if (S.HasValue) {
        L.V = eval(S.Value);
      } else {
        // An uninitialised local: named, so a call that fills it in can be told apart.
        L.V = Value();
        L.V.K = Value::Opaque;
        L.V.Key = "local " + S.Name;
      }
      return Flow::Normal;
    }
    case ProgramStmt::Op::If:
      if (test(eval(S.Value)))
        return exec(S.Children[0]);
      return S.Children.size() > 1 ? exec(S.Children[1]) : Flow::Normal;
    case ProgramStmt::Op::Return:
      frame().Result = S.HasValue ? eval(S.Value) : Value::number(0);
      if (TraceReturns) // VMAPREP_TRACE_INTERPRETER=1: which return each call took, to see how far worlds get
        fprintf(stderr, "vmaprep: interpreter: %s world %u: return %lld at %s\n", Label.c_str(), World,
                (long long)frame().Result.I, S.Where.c_str());
      return Flow::Return;
    case ProgramStmt::Op::While:
    case ProgramStmt::Op::DoWhile:
    case ProgramStmt::Op::For: {
      const bool IsFor = S.Kind == ProgramStmt::Op::For;
      if (IsFor) {
        Flow Init = exec(S.Children[0]);
        if (Init != Flow::Normal)
          return Init;
      }
      const ProgramStmt &Body = S.Children[IsFor ? 1 : 0];
      bool First = S.Kind == ProgramStmt::Op::DoWhile;
      while (true) {
        step(S.Where);
        if (!First && S.HasValue && !eval(S.Value).truth())
          break;
        First = false;
        Flow F = exec(Body);
        if (F == Flow::Break)
          break;
        if (F == Flow::Return || F == Flow::Goto)
          return F;
        if (S.HasStep)
          eval(S.Step);
      }
      return Flow::Normal;
    }
    case ProgramStmt::Op::Switch: {
      const uint64_t V = eval(S.Value).I;
      const ProgramStmt &Body = S.Children[0];
      if (Body.Kind != ProgramStmt::Op::Block)
        cannotRun("a switch whose body is not a block", S.Where);
      size_t Default = Body.Children.size(), Match = Body.Children.size();
      for (size_t J = 0; J < Body.Children.size() && Match == Body.Children.size(); ++J) {
        if (lands(Body.Children[J],
                  [&](const ProgramStmt &C) { return C.Kind == ProgramStmt::Op::Case && C.Value.Value == V; }))
          Match = J;
        else if (Default == Body.Children.size() &&
                 lands(Body.Children[J], [](const ProgramStmt &C) { return C.Kind == ProgramStmt::Op::Default; }))
          Default = J;
      }
      if (Match == Body.Children.size())
        Match = Default;
      Flow F = execBlock(Body, Match);
      return F == Flow::Break ? Flow::Normal : F;
    }
    case ProgramStmt::Op::Case:
    case ProgramStmt::Op::Default:
    case ProgramStmt::Op::Label:
      return S.Children.empty() ? Flow::Normal : exec(S.Children[0]);
    case ProgramStmt::Op::Goto:
      frame().GotoLabel = S.Name;
      return Flow::Goto;
    case ProgramStmt::Op::Break:
      return Flow::Break;
    case ProgramStmt::Op::Continue:
      return Flow::Continue;
    case ProgramStmt::Op::Unsupported:
      cannotRun(S.Name, S.Where);
    }
    return Flow::Normal;
  }

  static uint64_t truncate(uint64_t V, const ProgramExpr &E) {
    if (E.Class != ValueClass::Integer)
      return V;
    return truncateInteger(V, E.Bits, E.Signed);
  }

  /// A trap of the kernel's C (IntegerArithmetic.h) is a run that cannot be
  /// compared: refused, never computed.
  static uint64_t arith(const std::string &Op, uint64_t L, uint64_t R, bool Signed, unsigned Width,
                        const std::string &Where) {
    ArithmeticResult Result = integerArithmetic(Op, L, R, Signed, Width);
    if (!Result.Trap.empty())
      cannotRun(Result.Trap, Where);
    return Result.Value;
  }

  /// Reads Base.Field (or Base->Field).
  Value member(const Value &Base, const ProgramExpr &E) {
    const std::string &F = E.Name;
    if (E.Arrow && Base.K == Value::Int && Base.I == 0)
      throw Crash{};
    if (Base.K == Value::Vma) {
      auto *V = static_cast<struct vm_area_struct *>(Base.Obj);
      if (F == "vm_start") return Value::number(V->vm_start);
      if (F == "vm_end") return Value::number(V->vm_end);
      if (F == "vm_pgoff") return Value::number(V->vm_pgoff);
      if (F == "vm_flags" || F == "__vm_flags") return Value::number(V->vm_flags);
      if (F == "vm_page_prot") return Value::number(pgprot_val(V->vm_page_prot));
      if (F == "vm_file") return V->vm_file ? Value::object(Value::File, V->vm_file) : Value::number(0);
      if (F == "vm_ops") return fromPointer(V->vm_ops, ValueClass::Pointer);
      if (F == "vm_private_data") return fromPointer(V->vm_private_data, ValueClass::Pointer);
      if (F == "vm_mm") return opaque("mm", ValueClass::Pointer);
      cannotRun("a read of vma->" + F, E.Where);
    }
    if (Base.K == Value::Desc) {
      auto *D = static_cast<struct vm_area_desc *>(Base.Obj);
      if (F == "start") return Value::number(D->start);
      if (F == "end") return Value::number(D->end);
      if (F == "pgoff") return Value::number(D->pgoff);
      if (F == "vm_flags" || F == "vma_flags") return Value::number(D->vma_flags.__vma_flags[0]);
      if (F == "page_prot") return Value::number(pgprot_val(D->page_prot));
      if (F == "file") return Value::object(Value::File, D->file);
      if (F == "vm_file") return D->vm_file ? Value::object(Value::File, D->vm_file) : Value::number(0);
      if (F == "vm_ops") return fromPointer(D->vm_ops, ValueClass::Pointer);
      if (F == "private_data") return fromPointer(D->private_data, ValueClass::Pointer);
      if (F == "mm") return opaque("mm", ValueClass::Pointer);
      cannotRun("a read of desc->" + F, E.Where);
    }
    if (Base.K == Value::File) {
      auto *File = static_cast<struct file *>(Base.Obj);
      if (F == "f_mode") return Value::number(File->f_mode);
      if (F == "f_flags") return Value::number(File->f_flags);
    }
    if (Base.K == Value::Ops) {
      const std::string *Fn = callback(static_cast<const vm_operations_struct *>(Base.Obj), F.c_str());
      if (Fn) {
        Value V;
        V.K = Value::Function;
        V.Key = *Fn;
        return V;
      }
      return Value::number(0);
    }
    const std::string Key = Base.name() + (E.Arrow ? "->" : ".") + F;
    auto It = Memory.find(Key);
    if (It != Memory.end())
      return It->second;
    if (E.Index == 1 && !E.Arrow)
      return Base; // the one field of a one-field struct (pgprot_val) is the struct's value
    Value V = opaque(Key, E.Class);
    if (E.NotNull && V.K == Value::Int && V.I == 0) {
      V = opaque(Key, E.Class); // an array inside the struct: its address is the struct's, never null
      V.K = Value::Opaque;
      V.I = 0xffff888000000000ULL | ((hashOf(Key, 0) & 0xffffffULL) << 12);
    }
    return V;
  }

  /// The name of what a pointer points to: `*&x->count` is `x->count`.
  static std::string pointee(const Value &P) {
    if (P.K == Value::Opaque && P.Offset == 0 && !P.Key.empty() && P.Key[0] == '&')
      return P.Key.substr(1);
    return "*" + P.name();
  }
  Value load(const Value &P, ValueClass Class) {
    const std::string Name = pointee(P);
    auto It = Memory.find(Name);
    return It != Memory.end() ? It->second : opaque(Name, Class);
  }

  /// *&vma->X and *&desc->X, for a field whose address the handler passed on.
  Value fieldOf(const Value &Ref) {
    if (Ref.Key != "page_prot")
      cannotRun("a read through the address of the field '" + Ref.Key + "'", "");
    ProgramExpr Read;
    Read.Name = Ref.Index ? "page_prot" : "vm_page_prot";
    Read.Arrow = true;
    return member(Value::object(Ref.Index ? Value::Desc : Value::Vma, Ref.Obj), Read);
  }
  void setField(const Value &Ref, const Value &V, const std::string &Where) {
    if (Ref.Key != "page_prot")
      cannotRun("a write through the address of the field '" + Ref.Key + "'", Where);
    if (Ref.Index)
      static_cast<struct vm_area_desc *>(Ref.Obj)->page_prot = prot(V.I);
    else
      static_cast<struct vm_area_struct *>(Ref.Obj)->vm_page_prot = prot(V.I);
  }

  /// Where an assignment stores.
  void store(const ProgramExpr &Target, const Value &V) {
    switch (Target.Kind) {
    case ProgramExpr::Op::Local: {
      Local &L = frame().Locals.at(Target.Index);
      L.V = V;
      L.Members.clear();
      return;
    }
    case ProgramExpr::Op::Param:
      frame().Params.at(Target.Index) = V;
      return;
    case ProgramExpr::Op::Deref: {
      Value P = eval(Target.Args[0]);
      if (P.K == Value::Slot) {
        *static_cast<void **>(P.Obj) = toPointer(V);
        return;
      }
      if (P.K == Value::LocalRef) {
        Local &L = localOf(P);
        L.V = V;
        L.Members.clear();
        return;
      }
      if (P.K == Value::FieldRef) {
        setField(P, V, Target.Where);
        return;
      }
      Memory[pointee(P)] = V;
      return;
    }
    case ProgramExpr::Op::Member: {
      const ProgramExpr &BaseExpr = Target.Args[0];
      if (!Target.Arrow && BaseExpr.Kind == ProgramExpr::Op::Member) {
        // desc->action.error_override, vma->vm_page_prot.pgprot
        const Value Outer = eval(BaseExpr.Args[0]);
        if (Outer.K == Value::Desc && BaseExpr.Name == "action") {
          auto *D = static_cast<struct vm_area_desc *>(Outer.Obj);
          if (Target.Name == "error_override") {
            D->action.error_override = int(V.I);
            return;
          }
          cannotRun("a write to desc->action." + Target.Name, Target.Where);
        }
        if (Outer.K == Value::Vma || Outer.K == Value::Desc)
          cannotRun("a write inside " + std::string(Outer.K == Value::Vma ? "vma->" : "desc->") + BaseExpr.Name,
                    Target.Where);
      }
      const Value Base = eval(BaseExpr);
      const std::string &F = Target.Name;
      if (Base.K == Value::Vma) {
        auto *Vma = static_cast<struct vm_area_struct *>(Base.Obj);
        if (F == "vm_page_prot") Vma->vm_page_prot = prot(V.I);
        else if (F == "vm_ops") Vma->vm_ops = opsOf(V, Target.Where);
        else if (F == "vm_private_data") Vma->vm_private_data = toPointer(V);
        else if (F == "vm_pgoff") Vma->vm_pgoff = V.I;
        else cannotRun("a write to vma->" + F, Target.Where);
        return;
      }
      if (Base.K == Value::Desc) {
        auto *D = static_cast<struct vm_area_desc *>(Base.Obj);
        if (F == "page_prot") D->page_prot = prot(V.I);
        else if (F == "vm_ops") D->vm_ops = opsOf(V, Target.Where);
        else if (F == "private_data") D->private_data = toPointer(V);
        else if (F == "pgoff") D->pgoff = V.I;
        else if (F == "vm_flags" || F == "vma_flags") D->vma_flags.__vma_flags[0] = V.I;
        else if (F == "vm_file" || F == "file") *const_cast<struct file **>(&D->vm_file) = fileOf(V, Target.Where);
        else cannotRun("a write to desc->" + F, Target.Where);
        return;
      }
      if (BaseExpr.Kind == ProgramExpr::Op::Local && !Target.Arrow) {
        frame().Locals.at(BaseExpr.Index).Members[F] = V;
        return;
      }
      if (Base.K == Value::LocalRef && Target.Arrow) {
        localOf(Base).Members[F] = V;
        return;
      }
      Memory[Base.name() + (Target.Arrow ? "->" : ".") + F] = V;
      return;
    }
    case ProgramExpr::Op::Index: {
      const Value Base = eval(Target.Args[0]);
      const Value I = eval(Target.Args[1]);
      Memory[Base.name() + "[" + std::to_string(I.I) + "]"] = V;
      return;
    }
    case ProgramExpr::Op::Global:
      Memory[Target.Name] = V;
      return;
    default:
      cannotRun("an assignment to this kind of expression", Target.Where);
    }
  }

  const vm_operations_struct *opsOf(const Value &V, const std::string &Where) {
    if (V.K == Value::Ops)
      return static_cast<const vm_operations_struct *>(V.Obj);
    if (V.K == Value::Int && V.I == 0)
      return nullptr;
    cannotRun("vm_ops set to something other than a table of this file", Where);
  }

  Value eval(const ProgramExpr &E) {
    switch (E.Kind) {
    case ProgramExpr::Op::Constant:
      return Value::number(E.Value);
    case ProgramExpr::Op::Param:
      return frame().Params.at(E.Index);
    case ProgramExpr::Op::Local:
      return frame().Locals.at(E.Index).V;
    case ProgramExpr::Op::Global: {
      auto It = Memory.find(E.Name);
      if (It != Memory.end())
        return It->second;
      return opaque(E.Name, E.Class);
    }
    case ProgramExpr::Op::Function: {
      Value V;
      V.K = Value::Function;
      V.Key = E.Name;
      V.I = hashOf(E.Name, 0) | 1;
      return V;
    }
    case ProgramExpr::Op::Member: {
      // A member of a struct local, or of one reached through its address, that the code wrote.
      if (!E.Arrow && E.Args[0].Kind == ProgramExpr::Op::Local) {
        const Local &L = frame().Locals.at(E.Args[0].Index);
        auto It = L.Members.find(E.Name);
        if (It != L.Members.end())
          return It->second;
      }
      const Value Base = eval(E.Args[0]);
      if (E.Arrow && Base.K == Value::LocalRef) {
        const Local &L = localOf(Base);
        auto It = L.Members.find(E.Name);
        if (It != L.Members.end())
          return It->second;
        ProgramExpr Direct = E;
        Direct.Arrow = false;
        return member(L.V, Direct);
      }
      return member(Base, E);
    }
    case ProgramExpr::Op::Index: {
      const Value Base = eval(E.Args[0]);
      const Value I = eval(E.Args[1]);
      const std::string Key = Base.name() + "[" + std::to_string(I.I) + "]";
      auto It = Memory.find(Key);
      return It != Memory.end() ? It->second : opaque(Key, E.Class);
    }
    case ProgramExpr::Op::Unary: {
      const Value V = eval(E.Args[0]);
      if (E.Name == "!")
        return Value::number(!test(V));
      if (E.Name == "-")
        return Value::number(truncate(-V.I, E));
      if (E.Name == "~")
        return Value::number(truncate(~V.I, E));
      return V;
    }
    case ProgramExpr::Op::Binary: {
      if (E.Name == "&&")
        return Value::number(eval(E.Args[0]).truth() && eval(E.Args[1]).truth());
      if (E.Name == "||")
        return Value::number(eval(E.Args[0]).truth() || eval(E.Args[1]).truth());
      const Value L = eval(E.Args[0]);
      const Value R = eval(E.Args[1]);
      if (Learning) {
        if (L.K == Value::Opaque && R.K != Value::Opaque)
          learn(L, E.Name, R.I);
        else if (R.K == Value::Opaque && L.K != Value::Opaque)
          learn(R, E.Name, L.I);
      }
      // Pointer arithmetic keeps what the pointer points into.
      if (E.Class == ValueClass::Pointer && L.K == Value::Opaque && (E.Name == "+" || E.Name == "-")) {
        Value Out = L;
        const uint64_t Bytes = R.I * E.ElementSize;
        Out.Offset = E.Name == "+" ? L.Offset + Bytes : L.Offset - Bytes;
        Out.I = E.Name == "+" ? L.I + Bytes : L.I - Bytes;
        return Out;
      }
      uint64_t RV = R.I;
      if (E.Class == ValueClass::Pointer && (E.Name == "+" || E.Name == "-"))
        RV *= E.ElementSize;
      const bool Signed = E.Args[0].Signed && E.Args[1].Signed;
      // A shift is done in the promoted left operand's type, which is the
      // result's; other operators in the common type, the result's too
      // (comparisons aside, which cannot trap).
      uint64_t V = arith(E.Name, L.I, RV, Signed || (E.Args[0].Signed && E.Args[0].Bits > E.Args[1].Bits),
                         E.Bits, E.Where);
      if (E.Name == "-" && E.Args[0].Class == ValueClass::Pointer && E.Args[1].Class == ValueClass::Pointer &&
          E.ElementSize > 1)
        V = uint64_t(int64_t(V) / int64_t(E.ElementSize));
      return Value::number(truncate(V, E));
    }
    case ProgramExpr::Op::Conditional:
      return eval(E.Args[0]).truth() ? eval(E.Args[1]) : eval(E.Args[2]);
    case ProgramExpr::Op::Assign: {
      Value V = eval(E.Args[1]);
      if (E.Name != "=") {
        const Value Old = eval(E.Args[0]);
        const std::string Op = E.Name.substr(0, E.Name.size() - 1);
        const bool Shift = Op == "<<" || Op == ">>";
        const unsigned Width = Shift ? E.Args[0].Bits : std::max(E.Args[0].Bits, E.Args[1].Bits);
        V = Value::number(truncate(arith(Op, Old.I, V.I, E.Signed, Width, E.Where), E));
      } else if (E.Class == ValueClass::Integer && (V.K == Value::Int || V.K == Value::Opaque)) {
        const uint64_t T = truncate(V.I, E);
        if (T != V.I)
          V = Value::number(T);
      }
      store(E.Args[0], V);
      return V;
    }
    case ProgramExpr::Op::IncDec: {
      const Value Old = eval(E.Args[0]);
      const uint64_t Delta = E.Class == ValueClass::Pointer ? E.ElementSize : 1;
      Value New = Old;
      if (Old.K == Value::Opaque && E.Class == ValueClass::Pointer) {
        New.Offset = E.Name == "++" ? Old.Offset + Delta : Old.Offset - Delta;
      } else {
        New = Value::number(truncate(E.Name == "++" ? Old.I + Delta : Old.I - Delta, E));
      }
      store(E.Args[0], New);
      return E.Prefix ? New : Old;
    }
    case ProgramExpr::Op::AddressOf: {
      const ProgramExpr &Of = E.Args[0];
      if (Of.Kind == ProgramExpr::Op::Local) {
        Value V;
        V.K = Value::LocalRef;
        V.Index = Of.Index;
        V.Frame = unsigned(Frames.size() - 1);
        V.Key = Of.Name;
        V.I = 0x7000000000ULL + Of.Index * 0x1000;
        return V;
      }
      if (Of.Kind == ProgramExpr::Op::Global) {
        auto T = Tables.find(Of.Name);
        if (T != Tables.end())
          return Value::object(Value::Ops, T->second.get(), T->first);
        if (Of.Index == 1) // a vm_operations_struct
          return externalTable(Of.Name);
        return opaque("&" + Of.Name, ValueClass::Pointer);
      }
      if (Of.Kind == ProgramExpr::Op::Function)
        return eval(Of);
      if (Of.Kind == ProgramExpr::Op::Member) {
        const Value Base = eval(Of.Args[0]);
        if (Base.K == Value::Vma || Base.K == Value::Desc) {
          Value V = Value::object(Value::FieldRef, Base.Obj, canonicalField(Of.Name));
          V.Index = Base.K == Value::Desc;
          return V;
        }
        if (Base.K == Value::File)
          return opaque("&file." + Of.Name, ValueClass::Pointer);
        Value V = opaque("&" + Base.name() + (Of.Arrow ? "->" : ".") + Of.Name, ValueClass::Pointer);
        V.K = Value::Opaque;
        return V;
      }
      if (Of.Kind == ProgramExpr::Op::Index || Of.Kind == ProgramExpr::Op::Deref) {
        const Value Base = eval(Of.Args[0]);
        if (Of.Kind == ProgramExpr::Op::Deref)
          return Base;
        Value I = eval(Of.Args[1]);
        Value Out = Base;
        Out.Offset += I.I * (Of.Args[0].ElementSize ? Of.Args[0].ElementSize : 1);
        Out.I += I.I * (Of.Args[0].ElementSize ? Of.Args[0].ElementSize : 1);
        return Out;
      }
      cannotRun("the address of this kind of expression", E.Where);
    }
    case ProgramExpr::Op::Deref: {
      const Value P = eval(E.Args[0]);
      if (P.K == Value::Slot)
        return fromPointer(*static_cast<void **>(P.Obj), E.Class);
      if (P.K == Value::LocalRef)
        return localOf(P).V;
      if (P.K == Value::Function)
        return P;
      if (P.K == Value::FieldRef)
        return fieldOf(P);
      if (P.K == Value::Int && P.I == 0)
        throw Crash{};
      return load(P, E.Class);
    }
    case ProgramExpr::Op::Call:
      return callExpr(E);
    case ProgramExpr::Op::IndirectCall: {
      const Value Callee = eval(E.Args[0]);
      std::vector<Value> Args;
      for (size_t I = 1; I < E.Args.size(); ++I)
        Args.push_back(eval(E.Args[I]));
      if (Callee.K == Value::Function && Program.function(Callee.Key))
        return call(Callee.Key, std::move(Args));
      if (Callee.K == Value::Int && Callee.I == 0)
        cannotRun("a call through a null function pointer", E.Where);
      return opaqueCall("(*" + Callee.name() + ")", Args, E);
    }
    case ProgramExpr::Op::FlagBits:
      return Value::number(E.Value);
    case ProgramExpr::Op::Cast: {
      Value V = eval(E.Args[0]);
      if (E.Class == ValueClass::Integer && E.Bits == 1)
        return Value::number(V.truth());
      if (E.Class == ValueClass::Integer && (V.K == Value::Int || V.K == Value::Opaque)) {
        const uint64_t T = truncate(V.I, E);
        if (T != V.I || V.K == Value::Opaque) {
          Value Out = V;
          Out.I = T;
          return Out;
        }
      }
      return V;
    }
    case ProgramExpr::Op::Comma:
      eval(E.Args[0]);
      return eval(E.Args[1]);
    case ProgramExpr::Op::Statement: {
      // The value of a statement expression is its last expression statement's.
      const ProgramStmt &Body = E.Body.at(0);
      Value Last;
      for (const ProgramStmt &S : Body.Children) {
        if (S.Kind == ProgramStmt::Op::Expr) {
          Last = eval(S.Value);
          continue;
        }
        Flow F = exec(S);
        if (F != Flow::Normal)
          cannotRun("control flow leaving a statement expression", E.Where);
      }
      return Last;
    }
    case ProgramExpr::Op::Unsupported:
      cannotRun(E.Name, E.Where);
    }
    return Value();
  }

  Value callExpr(const ProgramExpr &E) {
    std::vector<Value> Args;
    for (const ProgramExpr &A : E.Args)
      Args.push_back(eval(A));
    if (Program.function(E.Name))
      return call(E.Name, std::move(Args));
    Value Out;
    if (kernelCall(E.Name, Args, E, Out))
      return Out;
    return opaqueCall(E.Name, Args, E);
  }

  /// A call the model does not implement: its result is the world's value for the call, and a local
  /// whose address it is given is filled in with values named after it.
  Value opaqueCall(const std::string &Name, const std::vector<Value> &Args, const ProgramExpr &E) {
    std::string Key = Name + "(";
    for (size_t I = 0; I < Args.size(); ++I) {
      if (Args[I].K == Value::Vma || Args[I].K == Value::Desc)
        cannotRun("the " + std::string(Args[I].K == Value::Vma ? "VMA" : "desc") + " passed to '" + Name +
                      "', which the model does not implement",
                  E.Where);
      Key += (I ? ", " : "") + Args[I].name();
    }
    Key += ")";
    for (size_t I = 0; I < Args.size(); ++I)
      if (Args[I].K == Value::LocalRef) {
        Local &L = localOf(Args[I]);
        L.Members.clear();
        L.V = Value();
        L.V.K = Value::Opaque;
        L.V.Key = Key + "#" + std::to_string(I);
        L.V.I = opaque(L.V.Key, ValueClass::Integer).I;
      }
    if (E.Class == ValueClass::Void)
      return Value::number(0);
    return opaque(Key, E.Class);
  }

};

int Interpreter::mappedCallback(unsigned long Start, unsigned long End, pgoff_t Pgoff, const struct file *F,
                                void **Private) {
  return guarded([&] {
    // The model calls ->mapped of the new VMA's table; find which of ours it is by its private slot's
    // owner: the only table with ->mapped that the program installed.
    Interpreter &I = *Current;
    for (const auto &[Ops, Table] : I.TableOf)
      for (const auto &[Member, Fn] : Table->Callbacks)
        if (Member == "mapped" && I.Program.function(Fn)) {
          Value Slot = Value::object(Value::Slot, Private);
          return int(I.call(Fn, {Value::number(Start), Value::number(End), Value::number(Pgoff),
                                 Value::object(Value::File, const_cast<struct file *>(F)), Slot})
                         .I);
        }
    return 0;
  }, -EINVAL);
}

} // namespace

ValidateRun runProgramValidation(const HandlerProgram &Original, const HandlerProgram &Rewrite, unsigned Worlds,
                                 bool AcceptMerge) {
  ValidateRun Out;
  for (const HandlerProgram *P : {&Original, &Rewrite})
    if (!P->Unsupported.empty()) {
      Out.Error = P->Unsupported;
      return Out;
    }
  Interpreter Orig(Original, "original"), New(Rewrite, "rewrite");
  // Contract problems name where the hook acquired what it left held, in the handler's own words.
  struct SiteCapture {
    SiteCapture() {
      Ledger::capture_sites = true;
      Ledger::site_note = [] { return Current ? Current->site() : std::string(); };
    }
    ~SiteCapture() {
      Ledger::capture_sites = false;
      Ledger::site_note = nullptr;
    }
  } Capture;
  for (Interpreter *I : {&Orig, &New})
    if (std::string Missing = I->unrunnableCallbacks(); !Missing.empty()) {
      Out.Error = "the " + std::string(I == &Orig ? "original" : "rewrite") +
                  "'s vm_operations_struct has callbacks defined outside this file (" + Missing + ")";
      return Out;
    }
  const std::vector<Scenario> Matrix = validation_matrix();
  for (const Scenario &S : Matrix)
    Out.ScenarioNames.push_back(S.name);
  // Learn what the original compares its inputs with, over the matrix in eight worlds, in rounds (up to
  // six, until two rounds in a row learn nothing new) so that checks behind the first ones are reached too; both
  // sides then draw from the same values.
  Orig.Learning = true;
  auto Learned = [&] {
    size_t N = 0;
    for (const auto &[Shape, Values] : Orig.Candidates)
      N += Values.size();
    return N;
  };
  for (unsigned Round = 0, Before = 0, Idle = 0; Round < 6; ++Round) {
    for (unsigned World = 1; World <= 8; ++World) {
      DriverUnderTest Probe = Orig.driver(1000 + Round * 16 + World);
      for (size_t S = 0; S < Matrix.size() && Orig.Failure.empty(); ++S) {
        try {
          run_scenario(Probe, Matrix[S]);
        } catch (const std::exception &) {
          // Reported when the comparison runs it again.
        }
      }
    }
    if (!Orig.Failure.empty()) {
      // The original cannot be run: no world will get further.
      Out.Error = "the original cannot be run: " + Orig.Failure;
      Current = nullptr;
      return Out;
    }
    // Two rounds in a row that learn nothing: more would reach no further.
    Idle = Learned() == Before ? Idle + 1 : 0;
    if (Idle == 2)
      break;
    Before = unsigned(Learned());
  }
  Orig.Learning = false;
  Orig.Failure.clear();
  Orig.Succeeded = 0;
  New.Candidates = Orig.Candidates;
  for (unsigned World = 0; World < Worlds; ++World) {
    const DriverUnderTest A = Orig.driver(World), B = New.driver(World);
    try {
      const ValidationReport Report = validate(A, B, Matrix);
      Out.Scenarios += Report.scenarios;
      for (const Divergence &D : Report.divergences) {
        ValidateDivergence V{D.scenario + " [world " + std::to_string(World) + "]", D.difference.field,
                             D.difference.original, D.difference.rewrite, D.original_line, D.rewrite_line};
        if (AcceptMerge && isIntendedMerge(V)) {
          ++Out.AcceptedMerges;
          continue;
        }
        if (AcceptMerge && failsWhereOriginalMapped(V)) {
          // The rewrite fails where the original went on: intended if the original dropped a mapping
          // call's error in this scenario (the action reports it). Run the original alone to see.
          const int Succeeded = Orig.Succeeded;
          for (const Scenario &S : Matrix)
            if (S.name == D.scenario) {
              run_scenario(A, S);
              break;
            }
          Orig.Succeeded = Succeeded;
          if (Orig.IgnoredMappingFailure) {
            ++Out.AcceptedIgnoredFailures;
            continue;
          }
        }
        Out.Divergences.push_back(std::move(V));
      }
      for (std::string P : Report.problems) {
        // "<scenario> [<driver>]: <what>": the world goes with the scenario.
        const size_t Cut = P.find(" [");
        P.insert(Cut == std::string::npos ? 0 : Cut, " [world " + std::to_string(World) + "]");
        Out.Problems.push_back(std::move(P));
      }
    } catch (const std::exception &E) {
      Out.Error = std::string("the model stopped: ") + E.what();
    }
    for (Interpreter *I : {&Orig, &New})
      if (!I->Failure.empty() && Out.Error.empty())
        Out.Error = "the " + std::string(I == &Orig ? "original" : "rewrite") + " cannot be run: " + I->Failure;
    if (!Out.Error.empty() || !Out.Divergences.empty() || !Out.Problems.empty())
      break;
  }
  Current = nullptr;
  Out.SucceededRuns = Orig.Succeeded;
  return Out;
}

} // namespace vmaprep

//===- InterpreterValues.cpp - values and worlds of the interpreter -------===//
//
// What a handler reads from outside the VMA, world by world: an opaque value
// is a function of the world and of the canonical name of what was read, so
// the original and the rewrite see the same values wherever they read the
// same thing; world 1 and up draw from values learned from what the original
// compares its reads with. And the real memory and model objects behind
// values, for the shim functions that dereference them.
//
//===----------------------------------------------------------------------===//
#include "validation/Interpreter.h"

#include <algorithm>
#include <cstring>

namespace vmaprep::interpreter {

using namespace vmaprep::model;

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

std::string Value::name() const {
  switch (K) {
  case Int: return std::to_string(static_cast<int64_t>(I));
  case Opaque: // container_of() is a negative offset
    if (!Offset)
      return Key;
    return Key + (int64_t(Offset) < 0 ? "-" + std::to_string(-Offset) : "+" + std::to_string(Offset));
  case Vma: return "vma";
  case Desc: return "desc";
  case File: return "file";
  case Heap:
  case Ops:
  case Function: return Key;
  case LocalRef: return "&" + Key;
  case Slot: return "slot";
  case FieldRef: return "&vma." + Key;
  }
  return "?";
}

std::string canonicalField(const std::string &F) {
  static const std::map<std::string, std::string> Names = {
      {"vm_start", "start"},         {"vm_end", "end"},
      {"vm_pgoff", "pgoff"},         {"vm_flags", "flags"},
      {"__vm_flags", "flags"},       {"vma_flags", "flags"},
      {"vm_page_prot", "page_prot"}, {"vm_file", "file"},
      {"vm_ops", "vm_ops"},          {"vm_private_data", "private_data"}};
  auto It = Names.find(F);
  return It == Names.end() ? F : It->second;
}

std::string Interpreter::shapeOf(const std::string &Key) {
  std::string Out;
  for (char C : Key)
    if (!(C >= '0' && C <= '9'))
      Out += C;
    else if (Out.empty() || Out.back() != '#')
      Out += '#';
  return Out;
}

void Interpreter::learn(const Value &Read, const std::string &Op, uint64_t Other) {
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

bool Interpreter::test(const Value &V) {
  learn(V, "==", 0);
  return V.truth();
}

void Interpreter::decide(const Value &V, bool Taken, const std::string &Where) {
  if (!Recording || !InHook || !V.Sym || Decisions.size() >= 1024)
    return;
  // The expression must give what the run computed, or flipping it would steer by a wrong map.
  const std::optional<uint64_t> Again = evaluateSymbolic(*V.Sym, "", 0);
  if (!Again || (*Again != 0) != Taken)
    return;
  Decisions.push_back({V.Sym, Taken, Where, unsigned(HookResults.size())});
}

Value Interpreter::opaque(const std::string &Key, ValueClass Class) {
  Value V = worldValue(Key, Class);
  if (State) {
    auto It = State->find(Key);
    if (It != State->end()) {
      V.I = It->second;
      V.K = Class == ValueClass::Pointer && V.I == 0 ? Value::Int : Value::Opaque;
    }
  }
  if (Recording && (Class == ValueClass::Integer || Class == ValueClass::Pointer))
    V.Sym = symbolicRead(Key, V.I, Class == ValueClass::Pointer);
  if (Recording && InHook && Class == ValueClass::Integer)
    IntegerReads.emplace(Key, V.I);
  return V;
}

Value Interpreter::worldValue(const std::string &Key, ValueClass Class) const {
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
  case 0: V.I = 0; break;
  case 1: V.I = 1; break;
  case 2: V.I = PAGE_SIZE * (1 + (H >> 8) % 4); break;
  case 3: V.I = (H >> 8) & 0xfff; break;
  case 4: V.I = uint64_t(-EINVAL); break;
  case 5: V.I = ((H >> 8) & 0xfffff) << PAGE_SHIFT; break;
  default: V.I = 1 + ((H >> 8) & 3); break;
  }
  return V;
}

void *Interpreter::backing(const Value &V) {
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

void *Interpreter::toPointer(const Value &V) {
  switch (V.K) {
  case Value::Int: return reinterpret_cast<void *>(V.I);
  case Value::Opaque: return backing(V);
  default: return V.Obj;
  }
}

Value Interpreter::fromPointer(const void *P, ValueClass Class) {
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

struct file *Interpreter::fileOf(const Value &V, const std::string &Where) {
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

struct page *Interpreter::pageOf(const Value &V) {
  if (V.K == Value::Opaque)
    return pfn_to_page(0x100000 + (hashOf(V.name(), 0) & 0xfffff) * 64);
  if (V.K == Value::Int && V.I)
    return pfn_to_page(V.I >> PAGE_SHIFT);
  cannotRun("a page pointer the interpreter cannot follow", "");
}

struct page *Interpreter::pageAt(const Value &Array, uint64_t I) {
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

std::vector<struct page *> Interpreter::pageArray(const Value &Array, uint64_t N) {
  if (N > 4096)
    cannotRun("a page array of more than 4096 pages", "");
  std::vector<struct page *> Pages;
  Pages.reserve(N);
  for (uint64_t I = 0; I < N; ++I)
    Pages.push_back(pageAt(Array, I));
  return Pages;
}

vma_flags_t Interpreter::flagsOf(const Value &V) {
  vma_flags_t F;
  std::memset(&F, 0, sizeof(F));
  F.__vma_flags[0] = V.I;
  return F;
}

} // namespace vmaprep::interpreter

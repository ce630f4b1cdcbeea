//===- Evaluator.cpp - statements and expressions of a HandlerProgram ----===//
//
// Runs the program's functions statement by statement on the interpreter's
// values: control flow, the kernel's C integer arithmetic
// (IntegerArithmetic.h), reads and writes of the VMA, the desc, locals and
// driver state, calls of the program's own functions, of the kernel
// functions bound to the model (KernelBindings.cpp), and of everything else
// as opaque calls.
//
//===----------------------------------------------------------------------===//
#include "validation/AcceptedDifferences.h"
#include "validation/IntegerArithmetic.h"
#include "validation/Interpreter.h"

#include <algorithm>
#include <cstdio>

namespace vmaprep::interpreter {

namespace {

/// \p S as the evaluator truncates a value of \p E's type.
SymbolicRef truncatedSymbolic(SymbolicRef S, const ProgramExpr &E) {
  return E.Class == ValueClass::Integer ? symbolicTruncate(std::move(S), E.Bits, E.Signed) : S;
}

} // namespace

Local &Interpreter::localOf(const Value &Ref) {
  if (Ref.Frame >= Frames.size())
    cannotRun("the address of a local of a call that returned", "");
  return Frames[Ref.Frame].Locals.at(Ref.Index);
}

Value Interpreter::call(const std::string &Name, std::vector<Value> Args) {
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

void Interpreter::step(const std::string &Where) {
  if (++Steps > StepLimit)
    cannotRun("more than " + std::to_string(StepLimit) + " steps (a loop that does not end?)", Where);
}

bool Interpreter::lands(const ProgramStmt &S, const std::function<bool(const ProgramStmt &)> &Target) {
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

Flow Interpreter::execBlock(const ProgramStmt &S, size_t From) {
  for (size_t I = From; I < S.Children.size(); ++I) {
    Flow F = exec(S.Children[I]);
    if (F == Flow::Goto) {
      const std::string Label = frame().GotoLabel;
      size_t J = 0;
      for (; J < S.Children.size(); ++J)
        if (lands(S.Children[J],
                  [&](const ProgramStmt &C) { return C.Kind == ProgramStmt::Op::Label && C.Name == Label; }))
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

Flow Interpreter::exec(const ProgramStmt &S) {
  step(S.Where);
  switch (S.Kind) {
  case ProgramStmt::Op::Block: return execBlock(S, 0);
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
  case ProgramStmt::Op::If: {
    const Value Condition = eval(S.Value);
    const bool Taken = test(Condition);
    decide(Condition, Taken, S.Where);
    if (Taken)
      return exec(S.Children[0]);
    return S.Children.size() > 1 ? exec(S.Children[1]) : Flow::Normal;
  }
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
      if (!First && S.HasValue) {
        const Value Condition = eval(S.Value);
        decide(Condition, Condition.truth(), S.Where);
        if (!Condition.truth())
          break;
      }
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
  case ProgramStmt::Op::Label: return S.Children.empty() ? Flow::Normal : exec(S.Children[0]);
  case ProgramStmt::Op::Goto: frame().GotoLabel = S.Name; return Flow::Goto;
  case ProgramStmt::Op::Break: return Flow::Break;
  case ProgramStmt::Op::Continue: return Flow::Continue;
  case ProgramStmt::Op::Unsupported: cannotRun(S.Name, S.Where);
  }
  return Flow::Normal;
}

uint64_t Interpreter::truncate(uint64_t V, const ProgramExpr &E) {
  if (E.Class != ValueClass::Integer)
    return V;
  return truncateInteger(V, E.Bits, E.Signed);
}

uint64_t Interpreter::arith(const std::string &Op, uint64_t L, uint64_t R, bool Signed, unsigned Width,
                            const std::string &Where) {
  ArithmeticResult Result = integerArithmetic(Op, L, R, Signed, Width);
  if (!Result.Trap.empty())
    cannotRun(Result.Trap, Where);
  return Result.Value;
}

Value Interpreter::member(const Value &Base, const ProgramExpr &E) {
  const std::string &F = E.Name;
  if (E.Arrow && Base.K == Value::Int && Base.I == 0)
    throw Crash{};
  if (Base.K == Value::Vma) {
    auto *V = static_cast<struct vm_area_struct *>(Base.Obj);
    if (F == "vm_start")
      return Value::number(V->vm_start);
    if (F == "vm_end")
      return Value::number(V->vm_end);
    if (F == "vm_pgoff")
      return Value::number(V->vm_pgoff);
    if (F == "vm_flags" || F == "__vm_flags")
      return Value::number(V->vm_flags);
    if (F == "vm_page_prot")
      return Value::number(pgprot_val(V->vm_page_prot));
    if (F == "vm_file")
      return V->vm_file ? Value::object(Value::File, V->vm_file) : Value::number(0);
    if (F == "vm_ops")
      return fromPointer(V->vm_ops, ValueClass::Pointer);
    if (F == "vm_private_data")
      return fromPointer(V->vm_private_data, ValueClass::Pointer);
    if (F == "vm_mm")
      return opaque("mm", ValueClass::Pointer);
    cannotRun("a read of vma->" + F, E.Where);
  }
  if (Base.K == Value::Desc) {
    auto *D = static_cast<struct vm_area_desc *>(Base.Obj);
    if (F == "start")
      return Value::number(D->start);
    if (F == "end")
      return Value::number(D->end);
    if (F == "pgoff")
      return Value::number(D->pgoff);
    if (F == "vm_flags" || F == "vma_flags")
      return Value::number(D->vma_flags.__vma_flags[0]);
    if (F == "page_prot")
      return Value::number(pgprot_val(D->page_prot));
    if (F == "file")
      return Value::object(Value::File, D->file);
    if (F == "vm_file")
      return D->vm_file ? Value::object(Value::File, D->vm_file) : Value::number(0);
    if (F == "vm_ops")
      return fromPointer(D->vm_ops, ValueClass::Pointer);
    if (F == "private_data")
      return fromPointer(D->private_data, ValueClass::Pointer);
    if (F == "mm")
      return opaque("mm", ValueClass::Pointer);
    cannotRun("a read of desc->" + F, E.Where);
  }
  if (Base.K == Value::File) {
    auto *File = static_cast<struct file *>(Base.Obj);
    if (F == "f_mode")
      return Value::number(File->f_mode);
    if (F == "f_flags")
      return Value::number(File->f_flags);
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
    V.Sym = nullptr; // an address, not a value the search can choose
  }
  return V;
}

std::string Interpreter::pointee(const Value &P) {
  // `&d->users` with d null is an address computed without a read; the read
  // or write through it (atomic_inc(&d->users)) is the oops.
  if (P.K == Value::Opaque && P.Key.rfind("&0->", 0) == 0)
    throw Crash{};
  if (P.K == Value::Opaque && P.Offset == 0 && !P.Key.empty() && P.Key[0] == '&')
    return P.Key.substr(1);
  return "*" + P.name();
}

Value Interpreter::load(const Value &P, ValueClass Class) {
  const std::string Name = pointee(P);
  auto It = Memory.find(Name);
  return It != Memory.end() ? It->second : opaque(Name, Class);
}

Value Interpreter::fieldOf(const Value &Ref) {
  if (Ref.Key != "page_prot")
    cannotRun("a read through the address of the field '" + Ref.Key + "'", "");
  ProgramExpr Read;
  Read.Name = Ref.Index ? "page_prot" : "vm_page_prot";
  Read.Arrow = true;
  return member(Value::object(Ref.Index ? Value::Desc : Value::Vma, Ref.Obj), Read);
}

void Interpreter::setField(const Value &Ref, const Value &V, const std::string &Where) {
  if (Ref.Key != "page_prot")
    cannotRun("a write through the address of the field '" + Ref.Key + "'", Where);
  if (Ref.Index)
    static_cast<struct vm_area_desc *>(Ref.Obj)->page_prot = prot(V.I);
  else
    static_cast<struct vm_area_struct *>(Ref.Obj)->vm_page_prot = prot(V.I);
}

void Interpreter::store(const ProgramExpr &Target, const Value &V) {
  switch (Target.Kind) {
  case ProgramExpr::Op::Local: {
    Local &L = frame().Locals.at(Target.Index);
    L.V = V;
    L.Members.clear();
    return;
  }
  case ProgramExpr::Op::Param: frame().Params.at(Target.Index) = V; return;
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
        if (Target.Name == "error_hook") {
          // 6.19/7.0: the function the core hands the action's error to (mm/util.c mmap_action_complete()).
          if (V.K != Value::Function || !Program.function(V.Key))
            cannotRun("an error hook that is not a function of the program", Target.Where);
          ErrorHook = V.Key;
          D->action.__VMAPREP_HIDDEN(error_hook) = &errorHookCallback;
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
      if (F == "vm_page_prot")
        Vma->vm_page_prot = prot(V.I);
      else if (F == "vm_ops")
        Vma->vm_ops = opsOf(V, Target.Where);
      else if (F == "vm_private_data")
        Vma->vm_private_data = toPointer(V);
      else if (F == "vm_pgoff")
        Vma->vm_pgoff = V.I;
      else
        cannotRun("a write to vma->" + F, Target.Where);
      return;
    }
    if (Base.K == Value::Desc) {
      auto *D = static_cast<struct vm_area_desc *>(Base.Obj);
      if (F == "page_prot")
        D->page_prot = prot(V.I);
      else if (F == "vm_ops")
        D->vm_ops = opsOf(V, Target.Where);
      else if (F == "private_data")
        D->private_data = toPointer(V);
      else if (F == "pgoff")
        D->pgoff = V.I;
      else if (F == "vm_flags" || F == "vma_flags")
        D->vma_flags.__vma_flags[0] = V.I;
      else if (F == "vm_file" || F == "file")
        *const_cast<struct file **>(&D->vm_file) = fileOf(V, Target.Where);
      else
        cannotRun("a write to desc->" + F, Target.Where);
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
  case ProgramExpr::Op::Global: Memory[Target.Name] = V; return;
  default: cannotRun("an assignment to this kind of expression", Target.Where);
  }
}

const vm_operations_struct *Interpreter::opsOf(const Value &V, const std::string &Where) {
  if (V.K == Value::Ops)
    return static_cast<const vm_operations_struct *>(V.Obj);
  if (V.K == Value::Int && V.I == 0)
    return nullptr;
  cannotRun("vm_ops set to something other than a table of this file", Where);
}

Value Interpreter::eval(const ProgramExpr &E) {
  switch (E.Kind) {
  case ProgramExpr::Op::Constant: return Value::number(E.Value);
  case ProgramExpr::Op::Param: return frame().Params.at(E.Index);
  case ProgramExpr::Op::Local: return frame().Locals.at(E.Index).V;
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
    Value V = eval(E.Args[0]);
    const bool Symbolic = Recording && V.Sym;
    if (E.Name == "!")
      return Value::derived(!test(V), Symbolic ? symbolicUnary("!", V) : nullptr);
    if (E.Name == "-" || E.Name == "~")
      return Value::derived(truncate(E.Name == "-" ? -V.I : ~V.I, E),
                            Symbolic ? truncatedSymbolic(symbolicUnary(E.Name, V), E) : nullptr);
    return V;
  }
  case ProgramExpr::Op::Binary: {
    if (E.Name == "&&" || E.Name == "||") {
      // Each operand evaluated is a branch: `a || b || c` is three checks the search can pass one by one.
      const bool Or = E.Name == "||";
      const Value First = eval(E.Args[0]);
      const bool FirstTruth = First.truth();
      decide(First, FirstTruth, E.Where);
      if (FirstTruth == Or)
        return Value::number(FirstTruth);
      const Value Second = eval(E.Args[1]);
      const bool SecondTruth = Second.truth();
      decide(Second, SecondTruth, E.Where);
      return Value::number(SecondTruth);
    }
    const Value L = eval(E.Args[0]);
    const Value R = eval(E.Args[1]);
    if (Learning) {
      if (L.K == Value::Opaque && R.K != Value::Opaque)
        learn(L, E.Name, R.I);
      else if (R.K == Value::Opaque && L.K != Value::Opaque)
        learn(R, E.Name, L.I);
    }
    // Pointer arithmetic keeps what the pointer points into.
    const bool Symbolic = Recording && (L.Sym || R.Sym);
    if (E.Class == ValueClass::Pointer && L.K == Value::Opaque && (E.Name == "+" || E.Name == "-")) {
      Value Out = L;
      const uint64_t Bytes = R.I * E.ElementSize;
      Out.Offset = E.Name == "+" ? L.Offset + Bytes : L.Offset - Bytes;
      Out.I = E.Name == "+" ? L.I + Bytes : L.I - Bytes;
      Out.Sym = Symbolic ? symbolicBinary(E.Name, L, R, false, 64, E.ElementSize) : nullptr;
      return Out;
    }
    uint64_t RV = R.I;
    if (E.Class == ValueClass::Pointer && (E.Name == "+" || E.Name == "-"))
      RV *= E.ElementSize;
    const bool Signed = E.Args[0].Signed && E.Args[1].Signed;
    // A shift is done in the promoted left operand's type, which is the
    // result's; other operators in the common type, the result's too
    // (comparisons aside, which cannot trap).
    const bool ArithSigned = Signed || (E.Args[0].Signed && E.Args[0].Bits > E.Args[1].Bits);
    uint64_t V = arith(E.Name, L.I, RV, ArithSigned, E.Bits, E.Where);
    const bool PointerDifference = E.Name == "-" && E.Args[0].Class == ValueClass::Pointer &&
                                   E.Args[1].Class == ValueClass::Pointer && E.ElementSize > 1;
    if (PointerDifference)
      V = uint64_t(int64_t(V) / int64_t(E.ElementSize));
    if (!Symbolic)
      return Value::number(truncate(V, E));
    const bool Scaled = E.Class == ValueClass::Pointer && (E.Name == "+" || E.Name == "-");
    return Value::derived(
        truncate(V, E), truncatedSymbolic(symbolicBinary(E.Name, L, R, ArithSigned, E.Bits, Scaled ? E.ElementSize : 1,
                                                         PointerDifference ? E.ElementSize : 1),
                                          E));
  }
  case ProgramExpr::Op::Conditional: {
    const Value Condition = eval(E.Args[0]);
    decide(Condition, Condition.truth(), E.Where);
    return Condition.truth() ? eval(E.Args[1]) : eval(E.Args[2]);
  }
  case ProgramExpr::Op::Assign: {
    Value V = eval(E.Args[1]);
    if (E.Name != "=") {
      const Value Old = eval(E.Args[0]);
      const std::string Op = E.Name.substr(0, E.Name.size() - 1);
      const bool Shift = Op == "<<" || Op == ">>";
      const unsigned Width = Shift ? E.Args[0].Bits : std::max(E.Args[0].Bits, E.Args[1].Bits);
      const uint64_t Result = truncate(arith(Op, Old.I, V.I, E.Signed, Width, E.Where), E);
      V = Value::derived(Result, Recording && (Old.Sym || V.Sym)
                                     ? truncatedSymbolic(symbolicBinary(Op, Old, V, E.Signed, Width), E)
                                     : nullptr);
    } else if (E.Class == ValueClass::Integer && (V.K == Value::Int || V.K == Value::Opaque)) {
      const uint64_t T = truncate(V.I, E);
      if (T != V.I)
        V = Value::derived(T, Recording && V.Sym ? truncatedSymbolic(V.Sym, E) : nullptr);
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
      New = Value::derived(
          truncate(E.Name == "++" ? Old.I + Delta : Old.I - Delta, E),
          Recording && Old.Sym
              ? truncatedSymbolic(symbolicBinary(E.Name.substr(0, 1), Old, Value::number(Delta), false, 64), E)
              : nullptr);
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
      V.I = 0x7000000000ULL + Of.Index * 0x1000ULL;
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
      Value Base = eval(Of.Args[0]);
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
    Value P = eval(E.Args[0]);
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
  case ProgramExpr::Op::Call: return callExpr(E);
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
  case ProgramExpr::Op::FlagBits: return Value::number(E.Value);
  case ProgramExpr::Op::Cast: {
    Value V = eval(E.Args[0]);
    if (E.Class == ValueClass::Integer && E.Bits == 1)
      return Value::derived(V.truth(), Recording && V.Sym ? symbolicUnary("!!", V) : nullptr);
    if (E.Class == ValueClass::Integer && (V.K == Value::Int || V.K == Value::Opaque)) {
      const uint64_t T = truncate(V.I, E);
      if (T != V.I || V.K == Value::Opaque) {
        Value Out = V;
        Out.I = T;
        if (Out.Sym)
          Out.Sym = truncatedSymbolic(V.Sym, E);
        return Out;
      }
    }
    return V;
  }
  case ProgramExpr::Op::Comma: eval(E.Args[0]); return eval(E.Args[1]);
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
  case ProgramExpr::Op::Unsupported: cannotRun(E.Name, E.Where);
  }
  return Value();
}

Value Interpreter::callExpr(const ProgramExpr &E) {
  std::vector<Value> Args;
  Args.reserve(E.Args.size());
  for (const ProgramExpr &A : E.Args)
    Args.push_back(eval(A));
  if (Program.function(E.Name))
    return call(E.Name, std::move(Args));
  Value Out;
  if (kernelCall(E.Name, Args, E, Out))
    return Out;
  return opaqueCall(E.Name, Args, E);
}

Value Interpreter::opaqueCall(const std::string &Name, const std::vector<Value> &Args, const ProgramExpr &E) {
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
      const Value Filled = opaque(L.V.Key, ValueClass::Integer);
      L.V.I = Filled.I;
      L.V.Sym = Filled.Sym;
    }
  if (E.Class == ValueClass::Void)
    return Value::number(0);
  return opaque(Key, E.Class);
}

} // namespace vmaprep::interpreter

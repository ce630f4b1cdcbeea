//===- ProgramExecution.cpp - run lowered handlers on the model ------------===//
//
// The harness of the interpreter: the file_operations and vm_operations the
// model calls, which enter the program (a crash of the handler or a construct
// the interpreter cannot run is caught here), and runProgramValidation(),
// which learns what the original compares its reads with and then runs the
// original and the rewrite side by side over the validation matrix, world by
// world, keeping only the differences AcceptedDifferences.h does not accept.
//
//===----------------------------------------------------------------------===//
#include "validation/ProgramExecution.h"
#include "validation/AcceptedDifferences.h"
#include "validation/Interpreter.h"

#include <cstring>
#include <exception>

namespace vmaprep::interpreter {

using namespace vmaprep::model;

thread_local Interpreter *Current = nullptr;

Interpreter::Interpreter(const HandlerProgram &P, std::string Label) : Program(P), Label(std::move(Label)) {
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

DriverUnderTest Interpreter::driver(unsigned World) {
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
    Lines.reserve(Memory.size());
    for (const auto &[Name, V] : Memory) // std::map: sorted, so the two sides line up
      // A counter taken and given back (the error path of afs_file_mmap())
      // holds what an untouched one reads: the same state.
      if (!Program.MacroStatics.count(Name) && !(V.K == Value::Int && V.I == opaque(Name, ValueClass::Integer).I))
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

template <typename Fn> auto Interpreter::guarded(Fn &&Body, decltype(Body()) OnFailure) {
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

int Interpreter::entry(std::vector<Value> Args) {
  return guarded(
      [&] {
        Interpreter &I = *Current;
        const int R = int(I.call(I.Program.Entry, std::move(Args)).I);
        I.Succeeded += R == 0;
        return R;
      },
      -EINVAL);
}

int Interpreter::legacyEntry(struct file *F, struct vm_area_struct *V) {
  return entry({Value::object(Value::File, F), Value::object(Value::Vma, V)});
}

int Interpreter::prepareEntry(struct vm_area_desc *D) { return entry({Value::object(Value::Desc, D)}); }

const std::string *Interpreter::callback(const vm_operations_struct *Ops, const char *Member) const {
  auto It = TableOf.find(Ops);
  if (It == TableOf.end())
    return nullptr;
  for (const auto &[M, Fn] : It->second->Callbacks)
    if (M == Member)
      return &Fn;
  return nullptr;
}

void Interpreter::vmaCallback(struct vm_area_struct *V, const char *Member) {
  guarded(
      [&] {
        if (const std::string *Fn = Current->callback(V->vm_ops, Member))
          Current->call(*Fn, {Value::object(Value::Vma, V)});
        return 0;
      },
      0);
}

void Interpreter::openCallback(struct vm_area_struct *V) { vmaCallback(V, "open"); }

void Interpreter::closeCallback(struct vm_area_struct *V) { vmaCallback(V, "close"); }

int Interpreter::splitCallback(struct vm_area_struct *V, unsigned long Addr) {
  return guarded(
      [&] {
        const std::string *Fn = Current->callback(V->vm_ops, "may_split");
        return Fn ? int(Current->call(*Fn, {Value::object(Value::Vma, V), Value::number(Addr)}).I) : 0;
      },
      -EINVAL);
}

int Interpreter::mappedCallback(unsigned long Start, unsigned long End, pgoff_t Pgoff, const struct file *F,
                                void **Private) {
  return guarded(
      [&] {
        // The model calls ->mapped of the new VMA's table; find which of ours it is by its private slot's
        // owner: the only table with ->mapped that the program installed.
        Interpreter &I = *Current;
        for (const auto &[Ops, Table] : I.TableOf)
          for (const auto &[Member, Fn] : Table->Callbacks)
            if (Member == "mapped" && I.Program.function(Fn)) {
              Value Slot = Value::object(Value::Slot, static_cast<void *>(Private));
              return int(I.call(Fn, {Value::number(Start), Value::number(End), Value::number(Pgoff),
                                     Value::object(Value::File, const_cast<struct file *>(F)), Slot})
                             .I);
            }
        return 0;
      },
      -EINVAL);
}

int Interpreter::errorHookCallback(int Err) {
  return guarded([&] { return int(Current->call(Current->ErrorHook, {Value::number(uint64_t(int64_t(Err)))}).I); },
                 Err);
}

int Interpreter::mremapRefused(struct vm_area_struct *) { return -EINVAL; }

vm_fault_t Interpreter::faultRefused(struct vm_fault *) { return VM_FAULT_SIGBUS; }

const char *Interpreter::noName(struct vm_area_struct *) { return "vmaprep-program"; }

void Interpreter::install(vm_operations_struct &Ops, const std::string &Member, bool Runnable) {
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

Value Interpreter::externalTable(const std::string &Name) {
  std::unique_ptr<vm_operations_struct> &Ops = Tables[Name];
  if (!Ops) {
    Ops = std::make_unique<vm_operations_struct>();
    std::memset(Ops.get(), 0, sizeof(*Ops));
  }
  return Value::object(Value::Ops, Ops.get(), Name);
}

std::string Interpreter::unrunnableCallbacks() const {
  std::string Out;
  for (const std::string &M : Unrunnable)
    Out += (Out.empty() ? "" : ", ") + M;
  return Out;
}

} // namespace vmaprep::interpreter

namespace vmaprep {

using namespace vmaprep::model;
using interpreter::Current;
using interpreter::Interpreter;

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
        // A probe only learns values, and what it reached before an exception is learned; the exception
        // is reported when the comparison runs the scenario again.
        try {
          run_scenario(Probe, Matrix[S]);
        } catch (const std::exception &) { // NOLINT(bugprone-empty-catch): deliberate, as said above
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
        ValidateDivergence V{D.scenario + " [world " + std::to_string(World) + "]",
                             D.difference.field,
                             D.difference.original,
                             D.difference.rewrite,
                             D.original_line,
                             D.rewrite_line};
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

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
#include "validation/IntegerArithmetic.h"
#include "validation/Interpreter.h"

#include <cstdio>
#include <cstring>
#include <exception>
#include <set>

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

DriverUnderTest Interpreter::driver(unsigned World, const LearnedState *State) {
  DriverUnderTest D;
  D.name = Label;
  D.file.fops = &Fops;
  D.file.kapi = VMAPREP_KAPI_LATEST;
  D.setup = [this, World, State] {
    Current = this; // the model calls the hooks of this run synchronously, on this thread
    this->World = World;
    this->State = State;
    Decisions.clear();
    HookResults.clear();
    IntegerReads.clear();
    InHook = false;
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
  Interpreter &Self = *Current;
  Self.InHook = true;
  const int R = guarded(
      [&] {
        Interpreter &I = *Current;
        const int R = int(I.call(I.Program.Entry, std::move(Args)).I);
        I.Succeeded += R == 0;
        return R;
      },
      -EINVAL);
  Self.InHook = false;
  if (Self.Recording)
    Self.HookResults.push_back(R);
  return R;
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
using interpreter::LearnedState;
using interpreter::SuccessSearch;

namespace {

bool mayReturnSuccessFrom(const HandlerProgram &P, const ProgramStmt &S, std::set<std::string> &Visiting);

bool mayReturnSuccessOf(const HandlerProgram &P, const std::string &Function, std::set<std::string> &Visiting) {
  const ProgramFunction *F = P.function(Function);
  if (!F)
    return true; // a kernel function (generic_file_mmap): the model runs the kernel's own
  if (!Visiting.insert(Function).second)
    return false; // recursion adds no new return
  const bool May = mayReturnSuccessFrom(P, F->Body, Visiting);
  Visiting.erase(Function);
  return May;
}

bool mayReturnSuccessFrom(const HandlerProgram &P, const ProgramStmt &S, std::set<std::string> &Visiting) {
  switch (S.Kind) {
  case ProgramStmt::Op::Return: {
    if (!S.HasValue)
      return true;
    const ProgramExpr &V = S.Value;
    if (V.Kind == ProgramExpr::Op::Constant)
      return int64_t(truncateInteger(V.Value, V.Bits, V.Signed)) >= 0;
    if (V.Kind == ProgramExpr::Op::Call && P.function(V.Name))
      return mayReturnSuccessOf(P, V.Name, Visiting);
    return true;
  }
  case ProgramStmt::Op::If:
    if (S.Value.Kind == ProgramExpr::Op::Constant) { // `if (0)`: one branch only
      if (S.Value.Value != 0)
        return mayReturnSuccessFrom(P, S.Children[0], Visiting);
      return S.Children.size() > 1 && mayReturnSuccessFrom(P, S.Children[1], Visiting);
    }
    break;
  default: break;
  }
  for (const ProgramStmt &C : S.Children)
    if (mayReturnSuccessFrom(P, C, Visiting))
      return true;
  return false;
}

} // namespace

/// A number as a reader of a learned state wants it: an errno or a count in decimal, an address in hex.
static std::string learnedValueText(uint64_t V) {
  if (V < (uint64_t(1) << 20) || (int64_t(V) >= -4095 && int64_t(V) < 0))
    return std::to_string(int64_t(V));
  char Hex[24];
  snprintf(Hex, sizeof(Hex), "0x%llx", static_cast<unsigned long long>(V));
  return Hex;
}

bool mayReturnSuccess(const HandlerProgram &P) {
  std::set<std::string> Visiting;
  return mayReturnSuccessOf(P, P.Entry, Visiting);
}

ValidateRun runProgramValidation(const HandlerProgram &Original, const HandlerProgram &Rewrite, unsigned Worlds,
                                 bool AcceptMerge) {
  ValidateRun Out;
  Out.OriginalMaySucceed = mayReturnSuccess(Original);
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
  const std::vector<Scenario> BaseMatrix = validation_matrix();
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
      for (size_t S = 0; S < BaseMatrix.size() && Orig.Failure.empty(); ++S) {
        // A probe only learns values, and what it reached before an exception is learned; the exception
        // is reported when the comparison runs the scenario again.
        try {
          run_scenario(Probe, BaseMatrix[S]);
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
  // Driver state under which the original gets past its checks to its success return, where world 0
  // does not (SuccessSearch.cpp): run as worlds of their own after the drawn ones, for both sides.
  const SuccessSearch Search = interpreter::searchSuccessStates(Orig, BaseMatrix, MaxLearnedWorlds, Worlds);
  const std::vector<LearnedState> &States = Search.States;
  const std::vector<Scenario> &Matrix = Search.Matrix;
  Out.ScenarioNames.clear();
  for (const Scenario &S : Matrix)
    Out.ScenarioNames.push_back(S.name);
  Orig.Failure.clear();
  Orig.Succeeded = 0;
  New.Candidates = Orig.Candidates;
  for (const LearnedState &State : States) {
    std::string Text;
    for (const auto &[Name, V] : State)
      Text += (Text.empty() ? "" : ", ") + Name + "=" + learnedValueText(V);
    Out.LearnedStates.push_back(std::move(Text));
  }
  // Each learned state runs on world 0, where it was found, and on the drawn worlds (also with one branch
  // of its success path flipped) in which it got through a scenario too whose other reads (a pfn, what a
  // protection helper returns) take the success path's branches the other way or change what it maps; a
  // run there that fails a check the state did not set is an error-path run like any other.
  struct WorldRun {
    unsigned World;
    const LearnedState *State;
    std::string Name;
  };
  std::vector<WorldRun> Runs;
  Runs.reserve(Worlds);
  for (unsigned World = 0; World < Worlds; ++World)
    Runs.push_back({World, nullptr, "world " + std::to_string(World)});
  // World 0 spread over its success path (a drawn world with a branch flipped, a read given other bits).
  for (const interpreter::LearnedRun &Spread : Search.WorldZeroRuns)
    Runs.push_back({Spread.World, &Spread.State, "world " + std::to_string(Spread.World) + " with " + Spread.Flipped});
  for (size_t K = 0; K < States.size(); ++K) {
    const std::string Name = "learned world " + std::to_string(K + 1);
    Runs.push_back({0, &States[K], Name});
    for (const interpreter::LearnedRun &Spread : Search.SuccessPathRuns[K])
      Runs.push_back({Spread.World, &Spread.State,
                      Name + (Spread.World ? " on world " + std::to_string(Spread.World) : "") +
                          (Spread.Flipped.empty() ? "" : " with " + Spread.Flipped)});
  }
  for (const WorldRun &R : Runs) {
    const unsigned World = R.World;
    const LearnedState *State = R.State;
    const std::string &WorldName = R.Name;
    const DriverUnderTest A = Orig.driver(World, State), B = New.driver(World, State);
    try {
      const ValidationReport Report = validate(A, B, Matrix);
      Out.Scenarios += Report.scenarios;
      for (const Divergence &D : Report.divergences) {
        ValidateDivergence V{D.scenario + " [" + WorldName + "]",
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
        P.insert(Cut == std::string::npos ? 0 : Cut, " [" + WorldName + "]");
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
  Out.LearnedWorlds = unsigned(States.size());
  return Out;
}

} // namespace vmaprep

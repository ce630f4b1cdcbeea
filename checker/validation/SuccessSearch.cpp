//===- SuccessSearch.cpp - driver state that reaches the success return ---===//
//
// A handler compares the VMA with device values held in driver state (a
// size, a physical address, a doorbell's offset, a capability): read from
// outside the VMA, they are opaque, and worlds that draw them at random rarely
// pass every check, so validation compares the handler's error paths only.
// The search finds driver state that gets through: it runs a scenario with
// the original recording each branch it takes on a value computed from opaque
// reads (as an expression over those reads), and when a hook call returns an
// error it flips one of that call's branches, the latest first: one read is
// given a value that makes the expression take the other way (a constant of
// the condition, another read's value, a page multiple, ...), and the
// scenario runs again. A run that does not take the same branches before the
// flipped one is dropped. What makes every hook call of the scenario succeed
// is a learned state; the next scenario starts from it, so constraints learned
// in one scenario (`size > dev->size`) are kept or revised in the next.
//
// Nothing is assumed about a handler: a learned state is only a value for
// some of what it reads, and every success counted later is a real run of the
// handler in that state, for the original and the rewrite alike.
//
//===----------------------------------------------------------------------===//
#include "validation/IntegerArithmetic.h"
#include "validation/Interpreter.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <exception>
#include <set>

namespace vmaprep::interpreter {

using namespace vmaprep::model;

SymbolicRef symbolicRead(const std::string &Key, uint64_t V, bool Pointer) {
  auto S = std::make_shared<Symbolic>();
  S->K = Symbolic::Kind::Read;
  S->Key = Key;
  S->Value = V;
  S->Pointer = Pointer;
  return S;
}

SymbolicRef symbolicOf(const Value &V) {
  if (V.Sym)
    return V.Sym;
  auto S = std::make_shared<Symbolic>();
  S->Value = V.I;
  return S;
}

SymbolicRef symbolicUnary(const std::string &Op, const Value &A) {
  auto S = std::make_shared<Symbolic>();
  S->K = Symbolic::Kind::Unary;
  S->Op = Op;
  S->A = symbolicOf(A);
  return S;
}

SymbolicRef symbolicBinary(const std::string &Op, const Value &A, const Value &B, bool Signed, unsigned Bits,
                           uint64_t Scale, uint64_t Divide) {
  auto S = std::make_shared<Symbolic>();
  S->K = Symbolic::Kind::Binary;
  S->Op = Op;
  S->A = symbolicOf(A);
  S->B = symbolicOf(B);
  S->Signed = Signed;
  S->Bits = Bits;
  S->Scale = Scale;
  S->Divide = Divide;
  return S;
}

SymbolicRef symbolicTruncate(SymbolicRef A, unsigned Bits, bool Signed) {
  auto S = std::make_shared<Symbolic>();
  S->K = Symbolic::Kind::Truncate;
  S->A = std::move(A);
  S->Bits = Bits;
  S->Signed = Signed;
  return S;
}

std::optional<uint64_t> evaluateSymbolic(const Symbolic &S, const std::string &Key, uint64_t V) {
  switch (S.K) {
  case Symbolic::Kind::Read: return !Key.empty() && S.Key == Key ? V : S.Value;
  case Symbolic::Kind::Constant: return S.Value;
  case Symbolic::Kind::Unary: {
    const std::optional<uint64_t> A = evaluateSymbolic(*S.A, Key, V);
    if (!A)
      return std::nullopt;
    if (S.Op == "-")
      return -*A;
    if (S.Op == "~")
      return ~*A;
    return S.Op == "!" ? uint64_t(*A == 0) : uint64_t(*A != 0);
  }
  case Symbolic::Kind::Binary: {
    const std::optional<uint64_t> A = evaluateSymbolic(*S.A, Key, V), B = evaluateSymbolic(*S.B, Key, V);
    if (!A || !B)
      return std::nullopt;
    const ArithmeticResult R = integerArithmetic(S.Op, *A, *B * S.Scale, S.Signed, S.Bits);
    if (!R.Trap.empty())
      return std::nullopt;
    return S.Divide > 1 ? uint64_t(int64_t(R.Value) / int64_t(S.Divide)) : R.Value;
  }
  case Symbolic::Kind::Truncate: {
    const std::optional<uint64_t> A = evaluateSymbolic(*S.A, Key, V);
    if (!A)
      return std::nullopt;
    return truncateInteger(*A, S.Bits, S.Signed);
  }
  }
  return std::nullopt;
}

namespace {

void collect(const Symbolic &S, std::vector<const Symbolic *> &Reads, std::vector<uint64_t> &Constants) {
  switch (S.K) {
  case Symbolic::Kind::Read:
    if (std::none_of(Reads.begin(), Reads.end(), [&](const Symbolic *R) { return R->Key == S.Key; }))
      Reads.push_back(&S);
    return;
  case Symbolic::Kind::Constant: Constants.push_back(S.Value); return;
  default: break;
  }
  if (S.A)
    collect(*S.A, Reads, Constants);
  if (S.B)
    collect(*S.B, Reads, Constants);
}

/// A value for one read of \p D's condition under which the condition takes the other branch: the
/// condition's constants and their neighbours first (a size it is compared with, the value a mask
/// tests), then the other reads' values (a pointer compared with another), then values drivers hold.
std::optional<std::pair<std::string, uint64_t>> flip(const Decision &D) {
  std::vector<const Symbolic *> Reads;
  std::vector<uint64_t> Constants;
  collect(*D.Condition, Reads, Constants);
  for (const Symbolic *Read : Reads) {
    std::vector<uint64_t> Tries;
    auto Try = [&](uint64_t V) {
      if (V != Read->Value && std::find(Tries.begin(), Tries.end(), V) == Tries.end())
        Tries.push_back(V);
    };
    for (uint64_t C : Constants) {
      Try(C);
      Try(C + 1);
      Try(C - 1);
    }
    for (const Symbolic *Other : Reads)
      Try(Other->Value);
    if (Read->Pointer)
      Try(0xffff888000000000ULL | ((hashOf(Read->Key, 0) & 0xffffffULL) << 12));
    for (uint64_t V : {uint64_t(0), uint64_t(1), uint64_t(PAGE_SIZE), uint64_t(2 * PAGE_SIZE), uint64_t(4 * PAGE_SIZE),
                       uint64_t(1) << 32, ~uint64_t(0)})
      Try(V);
    Try(Read->Value & ~uint64_t(PAGE_SIZE - 1));
    Try(Read->Value + PAGE_SIZE);
    for (uint64_t V : Tries) {
      const std::optional<uint64_t> R = evaluateSymbolic(*D.Condition, Read->Key, V);
      if (R && (*R != 0) != D.Taken)
        return std::make_pair(Read->Key, V);
    }
  }
  return std::nullopt;
}

struct Outcome {
  std::vector<Decision> Decisions;
  std::vector<int> Results;                     // each hook call's
  std::vector<std::string> Trace;               // what the validator compares
  std::map<std::string, uint64_t> IntegerReads; // what the hook read, as it read it
  bool Unrunnable = false;                      // the interpreter stopped on something it does not model

  /// The first hook call that failed, or -1.
  int firstFailure() const {
    for (size_t K = 0; K < Results.size(); ++K)
      if (Results[K] != 0)
        return int(K);
    return -1;
  }
  bool succeeded() const { return !Unrunnable && !Results.empty() && firstFailure() < 0; }
};

Outcome runRecorded(Interpreter &I, const Scenario &S, const LearnedState &State, unsigned World = 0) {
  const DriverUnderTest D = I.driver(World, &State);
  I.Recording = true;
  Outcome O;
  try {
    O.Trace = run_scenario(D, S).trace;
  } catch (const std::exception &) { // NOLINT(bugprone-empty-catch): a run the model refused teaches nothing
  }
  I.Recording = false;
  O.Decisions = std::move(I.Decisions);
  O.Results = std::move(I.HookResults);
  O.IntegerReads = std::move(I.IntegerReads);
  I.Decisions.clear();
  I.HookResults.clear();
  I.IntegerReads.clear();
  if (!I.Failure.empty()) {
    O.Unrunnable = true;
    I.Failure.clear();
  }
  return O;
}

/// Whether \p Child took \p Parent's branches up to \p Flipped and the other way there.
bool followsFlip(const Outcome &Parent, const Outcome &Child, size_t Flipped) {
  if (Child.Decisions.size() <= Flipped)
    return false;
  for (size_t K = 0; K <= Flipped; ++K) {
    const Decision &P = Parent.Decisions[K], &C = Child.Decisions[K];
    if (P.Where != C.Where || P.Call != C.Call || (P.Taken != C.Taken) != (K == Flipped))
      return false;
  }
  return true;
}

struct Node {
  LearnedState State;
  std::shared_ptr<const Outcome> Parent;
  size_t Flipped = 0;
};

/// Children of \p From: one per branch of its first failing hook call at or after \p Bound that can be
/// flipped, pushed so that the latest is tried first.
void expand(const LearnedState &Base, const std::shared_ptr<const Outcome> &From, size_t Bound,
            std::vector<Node> &Stack, std::set<LearnedState> &Seen) {
  const int Failing = From->firstFailure();
  for (size_t K = Bound; K < From->Decisions.size(); ++K) {
    const Decision &D = From->Decisions[K];
    if (int(D.Call) != Failing)
      continue;
    const std::optional<std::pair<std::string, uint64_t>> Flip = flip(D);
    if (!Flip)
      continue;
    LearnedState Next = Base;
    Next[Flip->first] = Flip->second;
    if (Seen.insert(Next).second)
      Stack.push_back({std::move(Next), From, K});
  }
}

/// A token of a trace line split into the field it is and its value: `prot=0x8000000000000005` and a raw
/// page-table pfn `pfn:0x8d95d` by what comes before `=` or `:`, a token without either (a VMA's range, a
/// PTE's kind, an errno) by its position in the line.
std::pair<std::string, std::string> traceField(const std::string &Token, size_t Position) {
  const size_t Cut = Token.find_first_of("=:");
  if (Cut == std::string::npos)
    return {"#" + std::to_string(Position), Token};
  return {Token.substr(0, Cut), Token.substr(Cut + 1)};
}

/// \p Text as a number (`0x...` or decimal, as the trace prints them), or nullopt.
std::optional<uint64_t> traceNumber(const std::string &Text) {
  if (Text.empty() || !(isdigit(static_cast<unsigned char>(Text[0])) || Text[0] == '-'))
    return std::nullopt;
  char *End = nullptr;
  errno = 0;
  const uint64_t V = strtoull(Text.c_str(), &End, 0);
  if (errno || *End)
    return std::nullopt;
  return V;
}

/// What \p Run shows that \p Base does not: each branch it takes the other way, and each field of its
/// trace (`prot=` of a mapped VMA's line, a PTE's `pfn:`, the mmap's result) that has another value, and
/// of a numeric field each bit that differs. The bits matter because what is compared keeps some of a
/// value's bits and drops others: a rewrite that records the protection a PTE was mapped with in the VMA
/// shows there only the bits vma_set_page_prot() keeps (the cache mode), so a run whose protection
/// changes in other bits only (a page multiple from cachemode2protval()) shows nothing where one that
/// changes those bits does.
std::set<std::string> differences(const Outcome &Base, const Outcome &Run) {
  std::set<std::pair<std::string, bool>> Taken;
  for (const Decision &D : Base.Decisions)
    Taken.insert({D.Where, D.Taken});
  std::set<std::string> Out;
  for (const Decision &D : Run.Decisions)
    if (!Taken.count({D.Where, D.Taken}))
      Out.insert("branch " + D.Where + (D.Taken ? " taken" : " not taken"));
  auto Fields = [](const std::string &Line) {
    std::vector<std::string> Tokens;
    for (size_t From = 0; From < Line.size();) {
      const size_t To = std::min(Line.find(' ', From), Line.size());
      Tokens.push_back(Line.substr(From, To - From));
      From = To + 1;
    }
    return Tokens;
  };
  for (size_t K = 0; K < Run.Trace.size(); ++K) {
    const std::vector<std::string> Mine = Fields(Run.Trace[K]),
                                   Theirs = K < Base.Trace.size() ? Fields(Base.Trace[K]) : std::vector<std::string>();
    for (size_t J = 0; J < Mine.size(); ++J) {
      if (J < Theirs.size() && Mine[J] == Theirs[J])
        continue;
      const auto [Name, Value] = traceField(Mine[J], J);
      const std::string Field = "trace line " + std::to_string(K) + " " + Name;
      Out.insert(Field);
      if (J >= Theirs.size())
        continue;
      const auto [TheirName, TheirValue] = traceField(Theirs[J], J);
      const std::optional<uint64_t> A = traceNumber(Value), B = traceNumber(TheirValue);
      if (TheirName != Name || !A || !B)
        continue;
      for (unsigned Bit = 0; Bit < 64; ++Bit)
        if (((*A ^ *B) >> Bit) & 1)
          Out.insert(Field + " bit " + std::to_string(Bit));
    }
  }
  return Out;
}

/// The runs that spread \p State over its success path, a world-0 run of it in \p Where being the
/// baseline, so that what the success path computes from the reads the state leaves alone is compared
/// too: the drawn worlds (1 to \p Worlds - 1) in which it gets through \p Where; each branch of the
/// baseline flipped (in world 0 and the drawn worlds); and, in world 0, on the state and each flipped one
/// that gets through, each integer read it leaves alone given other bits (its complement, a page more).
/// Of the runs that get through, enough (greedily, most new first) that every branch taken the other
/// way than in the baseline, and every field of the trace that changes, and every bit of a numeric one,
/// in any of them is taken or changed in one. A dropped `pgprot_noncached()` shows only where
/// `boot_cpu_data.x86 > 3` (a branch: world 0 reads 0) and `cachemode2protval()` gives bits the
/// protection lacks (no branch: a read); a protection recorded in the VMA that the original gave its PTEs
/// only shows where those are cache-mode bits. An empty \p State is world 0 itself, whose drawn worlds
/// are compared anyway: what they show is covered already, and they are not returned.
std::vector<LearnedRun> successPathRuns(Interpreter &Original, const Scenario &Where, const LearnedState &State,
                                        unsigned Worlds) {
  struct Candidate {
    LearnedRun Run;
    std::set<std::string> Shows;
  };
  std::vector<Candidate> Candidates;
  std::set<std::string> Covered;
  const Outcome Base = runRecorded(Original, Where, State);
  std::set<LearnedState> Seen{State};
  auto Try = [&](const LearnedState &S, unsigned World, const std::string &Name) {
    Outcome O = runRecorded(Original, Where, S, World);
    if (!O.succeeded())
      return O;
    std::set<std::string> Shows = differences(Base, O);
    if (S.empty()) // a drawn world as it is
      Covered.insert(Shows.begin(), Shows.end());
    else
      Candidates.push_back({{World, S, Name}, std::move(Shows)});
    return O;
  };
  std::vector<std::pair<LearnedState, std::string>> Through{{State, ""}};
  for (unsigned World = 1; World < Worlds; ++World)
    Try(State, World, "");
  for (const Decision &D : Base.Decisions) {
    const std::optional<std::pair<std::string, uint64_t>> Flip = flip(D);
    if (!Flip)
      continue;
    LearnedState Next = State;
    Next[Flip->first] = Flip->second;
    if (!Seen.insert(Next).second)
      continue;
    const std::string Name = Flip->first + "=" + std::to_string(int64_t(Flip->second));
    if (Try(Next, 0, Name).succeeded())
      Through.push_back({Next, Name});
    for (unsigned World = 1; World < Worlds; ++World)
      Try(Next, World, Name);
  }
  for (const auto &[From, FromName] : Through) {
    const Outcome O = runRecorded(Original, Where, From);
    for (const auto &[Key, V] : O.IntegerReads) {
      if (From.count(Key))
        continue;
      for (const uint64_t Other : {~V, V + PAGE_SIZE}) {
        LearnedState Next = From;
        Next[Key] = Other;
        if (!Seen.insert(Next).second)
          continue;
        std::string Name = FromName.empty() ? "" : FromName + ", ";
        Name += Key + "=" + std::to_string(int64_t(Other));
        Try(Next, 0, Name);
      }
    }
  }
  std::vector<LearnedRun> Out;
  for (;;) {
    const Candidate *Best = nullptr;
    size_t BestGain = 0;
    for (const Candidate &C : Candidates) {
      const size_t Gain = size_t(
          std::count_if(C.Shows.begin(), C.Shows.end(), [&](const std::string &D) { return !Covered.count(D); }));
      if (Gain > BestGain) {
        Best = &C;
        BestGain = Gain;
      }
    }
    if (!Best)
      break;
    Out.push_back(Best->Run);
    Covered.insert(Best->Shows.begin(), Best->Shows.end());
  }
  return Out;
}

} // namespace

namespace {

/// The search over \p Scenarios, continuing from \p Found (the latest is where it starts); marks the
/// scenarios whose every hook call succeeded in world 0 or in a state it found.
void search(Interpreter &Original, const std::vector<Scenario> &Scenarios, std::vector<LearnedState> &Found,
            std::vector<bool> &Succeeded, unsigned &Runs) {
  // Bounds on the re-runs: per scenario (a check on the VMA alone, `size > PAGE_SIZE`, leaves nothing to
  // flip; a chain of a dozen firmware-table checks needs a run each) and in all.
  constexpr unsigned RunsPerScenario = 48, RunsInAll = 1500;
  LearnedState Current = Found.empty() ? LearnedState() : Found.back();
  Succeeded.resize(Scenarios.size());
  for (size_t Index = 0; Index < Scenarios.size() && Runs < RunsInAll; ++Index) {
    const Scenario &S = Scenarios[Index];
    auto Root = std::make_shared<const Outcome>(runRecorded(Original, S, Current));
    ++Runs;
    if (Root->succeeded())
      Succeeded[Index] = true;
    if (Root->Unrunnable || Root->Results.empty() || Root->succeeded())
      continue;
    // A state learned in an earlier scenario may suit this one better than the latest does.
    for (auto It = Found.rbegin(); It != Found.rend() && !Succeeded[Index] && Runs < RunsInAll; ++It)
      if (*It != Current && (++Runs, runRecorded(Original, S, *It).succeeded())) {
        Current = *It;
        Succeeded[Index] = true;
      }
    if (Succeeded[Index])
      continue;
    std::vector<Node> Stack;
    std::set<LearnedState> Seen{Current};
    expand(Current, Root, 0, Stack, Seen);
    for (unsigned Budget = RunsPerScenario; !Stack.empty() && Budget > 0 && Runs < RunsInAll; --Budget) {
      Node N = std::move(Stack.back());
      Stack.pop_back();
      auto O = std::make_shared<const Outcome>(runRecorded(Original, S, N.State));
      ++Runs;
      if (O->Unrunnable || !followsFlip(*N.Parent, *O, N.Flipped))
        continue;
      if (O->succeeded()) {
        Current = N.State;
        Found.push_back(Current);
        Succeeded[Index] = true;
        break;
      }
      // A later hook call fails now (a setup mapping passed): its branches are all new.
      const bool LaterCall = O->firstFailure() > N.Parent->firstFailure();
      expand(N.State, O, LaterCall ? 0 : N.Flipped + 1, Stack, Seen);
    }
  }
}

/// The placements and follow-ups of \p Matrix that never succeeded, again on the shape of a scenario that
/// did: a handler that accepts one page only (a doorbell, a portal) has its fork, munmap, mprotect and
/// neighbours exercised on a mapping it made, not only refused on a shape it never accepts.
std::vector<Scenario> acceptedShapeScenarios(const std::vector<Scenario> &Matrix, const std::vector<bool> &Succeeded) {
  const Scenario *Shape = nullptr, *ShapeWithOffset = nullptr;
  for (size_t K = 0; K < Matrix.size(); ++K) {
    const Scenario &S = Matrix[K];
    if (!Succeeded[K] || S.setup != Scenario::Setup::None || S.after != Scenario::After::Nothing || S.length ||
        S.max_map_count || S.file_kind || S.read_only_file)
      continue;
    if (!Shape)
      Shape = &S;
    if (!ShapeWithOffset && S.pgoff >= 1)
      ShapeWithOffset = &S;
  }
  std::vector<Scenario> Out;
  if (!Shape)
    return Out;
  for (size_t K = 0; K < Matrix.size(); ++K) {
    const Scenario &S = Matrix[K];
    if (Succeeded[K] || (S.setup == Scenario::Setup::None && S.after == Scenario::After::Nothing) || S.max_map_count)
      continue;
    // A neighbour with contiguous offsets sits one page below: the shape needs an offset of a page or more.
    const Scenario *From = S.setup == Scenario::Setup::MergeableNeighbour ? ShapeWithOffset : Shape;
    if (!From || (S.after == Scenario::After::UnmapMiddlePage && From->pages < 3))
      continue;
    Scenario Derived = *From;
    Derived.setup = S.setup;
    Derived.after = S.after;
    Derived.name = From->name + S.name.substr(S.name.find(S.setup == Scenario::Setup::None ? " then " : " shared ") +
                                              (S.setup == Scenario::Setup::None ? 0 : 7));
    Out.push_back(std::move(Derived));
  }
  return Out;
}

} // namespace

SuccessSearch searchSuccessStates(Interpreter &Original, const std::vector<Scenario> &Matrix, size_t Limit,
                                  unsigned Worlds) {
  SuccessSearch Out;
  std::vector<LearnedState> Found;
  std::vector<bool> Succeeded;
  unsigned Runs = 0;
  search(Original, Matrix, Found, Succeeded, Runs);
  Out.Matrix = Matrix;
  for (Scenario &S : acceptedShapeScenarios(Matrix, Succeeded))
    Out.Matrix.push_back(std::move(S));
  if (Out.Matrix.size() > Matrix.size()) {
    std::vector<Scenario> Added(Out.Matrix.begin() + long(Matrix.size()), Out.Matrix.end());
    std::vector<bool> AddedSucceeded;
    search(Original, Added, Found, AddedSucceeded, Runs);
  }
  // World 0 itself, where it gets through a scenario of the matrix without a learned state: what its
  // success path computes from reads no check constrains (a pfn, a protection helper's result) is spread
  // the same way, or no search having been needed would leave it compared on the drawn worlds alone.
  for (const Scenario &S : Matrix)
    if (const Outcome O = runRecorded(Original, S, {}); O.Unrunnable || O.succeeded()) {
      if (O.succeeded())
        Out.WorldZeroRuns = successPathRuns(Original, S, {}, Worlds);
      break;
    }
  if (Found.empty())
    return Out;
  // Keep the states that cover the most scenarios, each seen to succeed there again.
  std::vector<std::set<size_t>> Covers(Found.size());
  for (size_t K = 0; K < Found.size(); ++K)
    for (size_t J = 0; J < Out.Matrix.size(); ++J) {
      const Outcome O = runRecorded(Original, Out.Matrix[J], Found[K]);
      if (O.Unrunnable) {
        Covers[K].clear(); // a state that leads where the interpreter cannot follow is no use
        break;
      }
      if (O.succeeded())
        Covers[K].insert(J);
    }
  std::set<size_t> Covered;
  while (Out.States.size() < Limit) {
    size_t Best = Found.size(), BestGain = 0;
    for (size_t K = 0; K < Found.size(); ++K) {
      size_t Gain = 0;
      for (size_t J : Covers[K])
        Gain += !Covered.count(J);
      if (Gain > BestGain) {
        Best = K;
        BestGain = Gain;
      }
    }
    if (Best == Found.size())
      break;
    Covered.insert(Covers[Best].begin(), Covers[Best].end());
    Out.States.push_back(Found[Best]);
    Out.SuccessPathRuns.push_back(successPathRuns(Original, Out.Matrix[*Covers[Best].begin()], Found[Best], Worlds));
  }
  return Out;
}

} // namespace vmaprep::interpreter

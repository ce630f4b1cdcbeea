//===- CrashIsolation.cpp -------------------------------------------------===//
#include "driver/CrashIsolation.h"

#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/thread.h"
#include <atomic>
#include <csignal>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>

namespace vmaprep {

namespace {

std::atomic<bool> Recovered{false};

/// The signals CrashRecoveryContext handles (its own list).
constexpr int RecoveredSignals[] = {SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGSEGV, SIGTRAP};

/// Once per process: install the recovery handlers, and let them run on the
/// alternate stack (CrashRecoveryContext installs them without SA_ONSTACK, so
/// a stack overflow would kill the process before the handler ran).
void enableRecovery() {
  static std::once_flag Once;
  std::call_once(Once, [] {
    llvm::CrashRecoveryContext::Enable();
    for (int Signal : RecoveredSignals) {
      struct sigaction Action;
      if (sigaction(Signal, nullptr, &Action) == 0) {
        Action.sa_flags |= SA_ONSTACK;
        sigaction(Signal, &Action, nullptr);
      }
    }
  });
}

std::string describe(int RetCode) {
  if (RetCode > 128) {
    int Signal = RetCode - 128;
    std::string What = "signal " + std::to_string(Signal) + " (" + strsignal(Signal);
    if (Signal == SIGSEGV)
      What += ": a stack overflow or a bad memory access";
    return What + ")";
  }
  return "a fatal error (exit code " + std::to_string(RetCode) + ")";
}

} // namespace

std::string runIsolated(llvm::function_ref<void()> Work) {
  enableRecovery();
  // The alternate stack outlives the thread that uses it: a crash leaves the
  // thread by longjmp, past any cleanup inside it.
  constexpr size_t AltStackSize = 256 << 10;
  std::unique_ptr<char[]> AltStack(new char[AltStackSize]);
  llvm::CrashRecoveryContext Recovery;
  bool Returned = false;
  llvm::thread Worker(std::optional<unsigned>(IsolatedStackSize), [&] {
    stack_t Stack, Previous;
    Stack.ss_sp = AltStack.get();
    Stack.ss_size = AltStackSize;
    Stack.ss_flags = 0;
    sigaltstack(&Stack, &Previous);
    Returned = Recovery.RunSafely(Work);
    // After a crash too: the thread must not end on a stack it does not own.
    // ASan unmaps the alternate stack it finds at a thread's end as its own
    // (and dies when that fails): give it back the one it set.
    sigaltstack(&Previous, nullptr);
  });
  Worker.join();
  if (Returned)
    return "";
  Recovered = true;
  return describe(Recovery.RetCode);
}

bool crashesRecovered() { return Recovered; }

} // namespace vmaprep

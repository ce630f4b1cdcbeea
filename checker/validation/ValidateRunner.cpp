//===- ValidateRunner.cpp -------------------------------------------------===//
#include "validation/ValidateRunner.h"

#include "vmaprep/model/Validator.h"

#include <dlfcn.h>
#include <link.h>
#include <unistd.h>

#include <cstring>
#include <exception>
#include <memory>

namespace vmaprep {

using namespace vmaprep::model;

namespace {

// What the generated wrapper exports (ValidateCommand.cpp writes it).
using FopsGetter = const struct file_operations *(*)();
using SetupFn = int (*)();
using TeardownFn = void (*)();
using SetupGetter = SetupFn (*)();
using TeardownGetter = TeardownFn (*)();

// The writable data of a loaded object (.data, .bss; not the RELRO part, which the loader made read-only),
// saved once after loading and copied back before each scenario: every scenario starts with the driver's
// static state as a fresh module load has it, not as the previous scenario (or a leak in it) left it.
class StaticState {
public:
  bool save(void *Handle) {
    struct link_map *Map = nullptr;
    if (dlinfo(Handle, RTLD_DI_LINKMAP, static_cast<void *>(&Map)) != 0 || !Map)
      return false;
    Base = Map->l_addr;
    dl_iterate_phdr(
        [](struct dl_phdr_info *Info, size_t, void *Data) -> int {
          auto *Self = static_cast<StaticState *>(Data);
          if (Info->dlpi_addr != Self->Base)
            return 0;
          const uintptr_t Page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
          uintptr_t RelroEnd = 0;
          for (int I = 0; I < Info->dlpi_phnum; ++I)
            if (Info->dlpi_phdr[I].p_type == PT_GNU_RELRO)
              RelroEnd =
                  (Info->dlpi_addr + Info->dlpi_phdr[I].p_vaddr + Info->dlpi_phdr[I].p_memsz + Page - 1) & ~(Page - 1);
          for (int I = 0; I < Info->dlpi_phnum; ++I) {
            const ElfW(Phdr) &P = Info->dlpi_phdr[I];
            if (P.p_type != PT_LOAD || !(P.p_flags & PF_W))
              continue;
            uintptr_t Lo = Info->dlpi_addr + P.p_vaddr;
            const uintptr_t Hi = Lo + P.p_memsz;
            if (Lo < RelroEnd)
              Lo = RelroEnd;
            if (Lo >= Hi)
              continue;
            const char *From = reinterpret_cast<const char *>(Lo);
            Self->Segments.push_back({reinterpret_cast<char *>(Lo), std::vector<char>(From, From + (Hi - Lo))});
          }
          return 1;
        },
        this);
    return true;
  }
  void restore() const {
    for (const Segment &S : Segments)
      std::memcpy(S.Address, S.Bytes.data(), S.Bytes.size());
  }

private:
  struct Segment {
    char *Address;
    std::vector<char> Bytes;
  };
  ElfW(Addr) Base = 0;
  std::vector<Segment> Segments;
};

class LoadedDriver {
public:
  ~LoadedDriver() {
    if (Handle)
      dlclose(Handle);
  }
  std::string load(const std::string &Path, const std::string &Name) {
    Handle = dlopen(Path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!Handle)
      return std::string("cannot load ") + Name + ": " + dlerror();
    auto Fops = reinterpret_cast<FopsGetter>(dlsym(Handle, "vmaprep_validate_fops"));
    auto Kapi = static_cast<const int *>(dlsym(Handle, "vmaprep_validate_kapi"));
    if (!Fops || !Kapi)
      return Name + ": the compiled object does not export the validation entry points";
    Driver.name = Name;
    Driver.file.fops = Fops();
    Driver.file.kapi = *Kapi;
    if (!State->save(Handle))
      return Name + ": cannot find the loaded object's data";
    // The harness (--harness) may give the driver's device state a setup and teardown per scenario.
    SetupFn HarnessSetup = nullptr;
    if (auto Get = reinterpret_cast<SetupGetter>(dlsym(Handle, "vmaprep_validate_setup_hook")))
      HarnessSetup = Get();
    Driver.setup = [State = State, HarnessSetup] {
      State->restore();
      return HarnessSetup ? HarnessSetup() : 0;
    };
    if (auto Get = reinterpret_cast<TeardownGetter>(dlsym(Handle, "vmaprep_validate_teardown_hook")))
      if (TeardownFn Fn = Get())
        Driver.teardown = Fn;
    return "";
  }
  DriverUnderTest Driver;

private:
  void *Handle = nullptr;
  std::shared_ptr<StaticState> State = std::make_shared<StaticState>();
};

} // namespace

ValidateRun runValidation(const std::string &OriginalObject, const std::string &RewriteObject,
                          const std::string &OriginalName, const std::string &RewriteName, unsigned ScenarioLimit,
                          SiteDescriber Describer) {
  ValidateRun Out;
  LoadedDriver Original, Rewrite;
  if (std::string E = Original.load(OriginalObject, OriginalName); !E.empty()) {
    Out.Error = E;
    return Out;
  }
  if (std::string E = Rewrite.load(RewriteObject, RewriteName); !E.empty()) {
    Out.Error = E;
    return Out;
  }
  std::vector<Scenario> Matrix = validation_matrix();
  if (ScenarioLimit && ScenarioLimit < Matrix.size())
    Matrix.resize(ScenarioLimit);
  for (const Scenario &S : Matrix)
    Out.ScenarioNames.push_back(S.name);

  Ledger::capture_sites = true;
  Ledger::site_describer = Describer;
  try {
    const ValidationReport Report = validate(Original.Driver, Rewrite.Driver, Matrix);
    Out.Scenarios = Report.scenarios;
    for (const Divergence &D : Report.divergences)
      Out.Divergences.push_back({D.scenario, D.difference.field, D.difference.original, D.difference.rewrite,
                                 D.original_line, D.rewrite_line});
    Out.Problems = Report.problems;
  } catch (const std::exception &E) {
    // An invariant the model checks after every operation broke: the handler corrupted the address space.
    Out.Error = std::string("the model stopped: ") + E.what();
  }
  Ledger::capture_sites = false;
  Ledger::site_describer = nullptr;
  return Out;
}

} // namespace vmaprep

// Scenario runner, canonical traces and the comparison of an original handler with its rewrite.
#include "vmaprep/model/Validator.h"

#include <sstream>

#include "vmaprep/model/AddressSpace.h"

namespace vmaprep::model {

namespace {

constexpr unsigned long kBase = 0x40000000UL;  // the scenario's range always starts here (MAP_FIXED)

std::string hex(unsigned long value) {
  std::ostringstream out;
  out << "0x" << std::hex << value;
  return out.str();
}

std::string scenario_label(const Scenario& s) {
  std::ostringstream out;
  out << (s.name.empty() ? "scenario" : s.name);
  return out.str();
}

std::string describe_ops(const vm_operations_struct* ops, const DriverUnderTest& driver) {
  if (!ops) return "none";
  if (const char* name = shim_vm_ops_name(ops)) return name;
  // Callbacks by presence: a rewrite may use a different table (one that adds ->mapped) with the same
  // behaviour, so ->mapped itself is not part of the comparison.
  std::string out = "driver{";
  if (driver.name_pointer) {
    const std::string name = driver.name_pointer(ops);
    if (!name.empty()) out = "driver " + name + "{";
  }
  auto add = [&](bool present, const char* name) {
    if (present) out += std::string(name) + " ";
  };
  add(ops->open, "open");
  add(ops->close, "close");
  add(ops->may_split, "may_split");
  add(ops->mremap, "mremap");
  add(ops->mprotect, "mprotect");
  add(ops->fault, "fault");
  add(ops->page_mkwrite, "page_mkwrite");
  add(ops->pfn_mkwrite, "pfn_mkwrite");
  add(ops->access, "access");
  add(ops->name, "name");
  // A table with no callback but ->mapped does what the core's dummy does
  // (a generated one for a hook that installed none: docs/checks/legacy-mmap.md).
  if (out.back() == '{' && ops->mapped) return "dummy";
  return out + "}";
}

class Run {
 public:
  Run(const DriverUnderTest& driver, const Scenario& scenario)
      : driver_(driver), scenario_(scenario), scope_(kernel_) {}

  // Returns false when the driver could not be set up (reported as a problem).
  bool prepare() {
    if (driver_.setup && driver_.setup() != 0) {
      problems_.push_back("driver setup failed");
      return false;
    }
    baseline_ = kernel_.ledger.outstanding_all();
    int error = 0;
    FileSpec spec = driver_.file;
    if (scenario_.read_only_file) spec.mode &= ~FMODE_WRITE;
    if (scenario_.file_kind) spec.kind = *scenario_.file_kind;
    file_ = FileHandle::open(spec, &error);
    if (!file_.get()) {
      problems_.push_back("open failed: " + std::to_string(error));
      return false;
    }
    AddressSpaceConfig config;
    if (scenario_.max_map_count > 0) config.max_map_count = scenario_.max_map_count;
    as_ = std::make_unique<AddressSpace>(config);
    return true;
  }

  long map(unsigned long addr, unsigned long pages, unsigned long pgoff, unsigned long bytes = 0) {
    WriteGuard lock = as_->write_lock();
    return as_->mmap(lock, file_.get(), addr, bytes ? bytes : pages * PAGE_SIZE, scenario_.prot,
                     scenario_.map_type | MAP_FIXED, pgoff * PAGE_SIZE);
  }
  // The scenario's own mapping (the setup mappings are whole pages).
  long map_scenario() { return map(kBase, scenario_.pages, scenario_.pgoff, scenario_.length); }

  long setup_mappings() {
    switch (scenario_.setup) {
      case Scenario::Setup::None: return 0;
      case Scenario::Setup::ExistingMapping: return map(kBase, scenario_.pages, scenario_.pgoff);
      case Scenario::Setup::MergeableNeighbour:
        if (scenario_.pgoff < 1) return 0;
        return map(kBase - PAGE_SIZE, 1, scenario_.pgoff - 1);
    }
    return 0;
  }

  std::string ledger_delta() const {
    const Ledger::Counts now = kernel_.ledger.outstanding_all();
    std::string out;
    for (int i = 0; i < kResourceKinds; ++i) {
      const long delta = now[i] - baseline_[i];
      if (delta) out += std::string(resource_name(static_cast<Resource>(i))) + "=" + std::to_string(delta) + " ";
    }
    return out.empty() ? "balanced" : out;
  }
  Ledger::Counts ledger_now() const { return kernel_.ledger.outstanding_all(); }
  // What is held now that was not before: releases (a MAP_FIXED that closed the old mapping) do not count.
  bool acquired_since(const Ledger::Counts& before) const {
    const Ledger::Counts now = ledger_now();
    for (int i = 0; i < kResourceKinds; ++i)
      if (now[i] > before[i]) return true;
    return false;
  }
  std::string acquired_since_text(const Ledger::Counts& before) const {
    const Ledger::Counts now = ledger_now();
    std::string out;
    for (int i = 0; i < kResourceKinds; ++i)
      if (now[i] > before[i])
        out += std::string(out.empty() ? "" : " ") + resource_name(static_cast<Resource>(i)) + "=" +
               std::to_string(now[i] - before[i]);
    return out;
  }

  // The VMAs and page-table entries of the scenario's range and its neighbour page on either side.
  void snapshot(AddressSpace& as, const char* label, std::vector<std::string>& trace) const {
    ReadGuard lock = as.read_lock();
    const unsigned long lo = kBase - PAGE_SIZE;
    const unsigned long hi = kBase + (scenario_.pages + 1) * PAGE_SIZE;
    for (const VmaRef& ref : as.vmas(lock)) {
      const vm_area_struct* v = ref.get();
      if (v->vm_end <= lo || v->vm_start >= hi) continue;
      std::ostringstream line;
      line << label << " vma [" << static_cast<long>(v->vm_start - kBase) << "," << static_cast<long>(v->vm_end - kBase)
           << ") pgoff=" << describe_pgoff(v) << " flags=" << hex(v->vm_flags)
           << " prot=" << hex(pgprot_val(v->vm_page_prot)) << " file=" << describe_file(v->vm_file)
           << " ops=" << describe_ops(v->vm_ops, driver_) << " private=" << describe_private(v);
      trace.push_back(line.str());
    }
    const PageTable& ptes = as.page_table(lock);
    for (auto it = ptes.lower_bound(lo); it != ptes.end() && it->first < hi; ++it) {
      std::ostringstream line;
      line << label << " pte " << static_cast<long>(it->first - kBase) << " " << kernel_.describe_pfn(it->second.pfn)
           << " prot=" << hex(pgprot_val(it->second.prot)) << " " << pte_kind_name(it->second.kind);
      trace.push_back(line.str());
    }
    // What a read of each mapped page of the range gets, as a process touching it would see it: the same
    // VMAs can read differently (a /dev/zero shmem file ends where the mapping's size does, so at an offset
    // its pages give SIGBUS where anonymous memory reads zeros). A page no VMA covers has no line, so a range
    // left unmapped still has an empty snapshot.
    for (unsigned long addr = kBase; addr < kBase + scenario_.pages * PAGE_SIZE; addr += PAGE_SIZE)
      if (as.find_vma_intersection(lock, addr, addr + PAGE_SIZE))
        trace.push_back(std::string(label) + " page " + std::to_string(addr - kBase) +
                        " read=" + read_result_name(as.read_fault(lock, addr)));
  }

  // A CoW remap stores the pfn in vm_pgoff (remap_pfn_range()): name it like a page-table pfn.
  std::string describe_pgoff(const vm_area_struct* v) const {
    if ((v->vm_flags & VM_PFNMAP) && is_cow_mapping(v->vm_flags)) return kernel_.describe_pfn(v->vm_pgoff);
    return std::to_string(v->vm_pgoff);
  }

  std::string describe_file(const struct file* f) const {
    if (!f) return "none";
    if (f == file_.get()) return "file";
    if (is_shmem_file(f)) return "shmem";
    return "other";
  }

  std::string describe_private(const vm_area_struct* v) const {
    const void* p = v->vm_private_data;
    if (!p) return "null";
    if (driver_.name_pointer) {
      const std::string name = driver_.name_pointer(p);
      if (!name.empty()) return name;
    }
    if (p == file_.get()->private_data) return "file.private_data";
    const std::string heap = kernel_.describe_heap_pointer(p);
    return heap.empty() ? "static" : heap;
  }

  void finish(std::vector<std::string>& trace) {
    as_.reset();
    file_.reset();
    trace.push_back("after teardown: " + ledger_delta());
    if (driver_.teardown) driver_.teardown();
  }

  Kernel& kernel() { return kernel_; }
  AddressSpace& as() { return *as_; }
  std::vector<std::string>& problems() { return problems_; }

 private:
  const DriverUnderTest& driver_;
  const Scenario& scenario_;
  Kernel kernel_;
  KernelScope scope_;
  FileHandle file_;
  std::unique_ptr<AddressSpace> as_;
  Ledger::Counts baseline_{};
  std::vector<std::string> problems_;
};

// The driver's own state, for drivers that can report it (an interpreted driver: what it wrote outside
// the VMA, by name): a count a rewrite moved to ->mapped must end where the original's does.
void add_driver_state(const DriverUnderTest& driver, const char* label, std::vector<std::string>& trace) {
  if (!driver.describe_state) return;
  for (const std::string& line : driver.describe_state()) trace.push_back(std::string(label) + ": " + line);
}

bool prepare_hook(const DriverUnderTest& driver) { return driver.file.fops && driver.file.fops->mmap_prepare; }

}  // namespace

std::vector<Scenario> standard_scenarios(unsigned long max_pages) {
  std::vector<Scenario> out;
  const unsigned long prots[] = {PROT_READ, PROT_READ | PROT_WRITE};
  const unsigned long types[] = {MAP_SHARED, MAP_PRIVATE};
  for (unsigned long pages = 1; pages <= max_pages; ++pages)
    for (unsigned long pgoff : {0UL, 1UL})
      for (unsigned long prot : prots)
        for (unsigned long type : types) {
          Scenario s;
          s.pages = pages;
          s.pgoff = pgoff;
          s.prot = prot;
          s.map_type = type;
          std::ostringstream name;
          name << pages << "p off" << pgoff << (prot & PROT_WRITE ? " rw" : " ro")
               << (type == MAP_SHARED ? " shared" : " private");
          s.name = name.str();
          out.push_back(s);
        }
  // Placement and follow-ups on a representative shape.
  const std::pair<Scenario::Setup, const char*> setups[] = {
      {Scenario::Setup::ExistingMapping, "over existing"},
      {Scenario::Setup::MergeableNeighbour, "next to own mapping"}};
  for (const auto& [setup, label] : setups) {
    Scenario s;
    s.pages = 2;
    s.pgoff = 1;
    s.setup = setup;
    s.name = std::string("2p off1 rw shared ") + label;
    out.push_back(s);
  }
  const std::pair<Scenario::After, const char*> afters[] = {
      {Scenario::After::Fork, "then fork"},
      {Scenario::After::UnmapFirstPage, "then unmap first page"},
      {Scenario::After::UnmapMiddlePage, "then unmap middle page"},
      {Scenario::After::ProtectReadOnly, "then mprotect ro"}};
  for (const auto& [after, label] : afters) {
    Scenario s;
    s.pages = 3;
    s.after = after;
    s.name = std::string("3p off0 rw shared ") + label;
    out.push_back(s);
  }
  return out;
}

std::vector<Scenario> edge_scenarios() {
  std::vector<Scenario> out;
  auto add = [&](const char* name, auto&& adjust) {
    Scenario s;
    s.name = name;
    adjust(s);
    out.push_back(s);
  };
  add("1p+100 unaligned rw shared", [](Scenario& s) {
    s.pages = 2;
    s.length = PAGE_SIZE + 100;
  });
  // The offset limits of mm/mmap.c file_mmap_size_max(), per kind of file: the kernel calls the hook of a
  // character device with offsets a regular file refuses.
  const struct {
    const char* name;
    unsigned long pgoff;
    FileKind kind;
  } offset_limits[] = {
      {"2p off-overflow rw shared regular", 0x7fffffffffffffffUL >> PAGE_SHIFT, FileKind::Regular},  // -EOVERFLOW
      {"2p off-overflow rw shared chr", 0x7fffffffffffffffUL >> PAGE_SHIFT, FileKind::Char},         // hook
      {"2p off-max rw shared chr", (1UL << 52) - 2, FileKind::Char},                                 // -EOVERFLOW
      {"2p off-max rw shared unsigned-offset", (1UL << 52) - 2, FileKind::UnsignedOffset},           // hook
  };
  for (const auto& limit : offset_limits)
    add(limit.name, [&](Scenario& s) {
      s.pages = 2;
      s.pgoff = limit.pgoff;
      s.file_kind = limit.kind;
    });
  add("2p off-large rw shared", [](Scenario& s) {
    s.pages = 2;
    s.pgoff = 1UL << 32;  // valid for the core; the handler must refuse or honour it
  });
  add("2p off0 ro shared ro-file", [](Scenario& s) {
    s.pages = 2;
    s.prot = PROT_READ;
    s.read_only_file = true;
  });
  add("2p off0 rw shared ro-file", [](Scenario& s) {
    s.pages = 2;
    s.read_only_file = true;
  });
  add("2p off0 rw private ro-file", [](Scenario& s) {
    s.pages = 2;
    s.map_type = MAP_PRIVATE;
    s.read_only_file = true;
  });
  // At an offset: a handler that backs the read-only file's shared mapping with a file of the mapping's size
  // (shmem_zero_setup()) gives SIGBUS on the read where anonymous memory reads zeros.
  add("1p off1 ro shared ro-file", [](Scenario& s) {
    s.pgoff = 1;
    s.prot = PROT_READ;
    s.read_only_file = true;
  });
  add("1p off0 wo shared", [](Scenario& s) {
    s.prot = PROT_WRITE;  // no VM_READ: what doorbell pages (vhost-vdpa) accept
  });
  add("3p off0 rw shared at max_map_count then unmap middle page", [](Scenario& s) {
    s.pages = 3;
    s.max_map_count = 1;  // the mapping itself: the split of a partial munmap is refused
    s.after = Scenario::After::UnmapMiddlePage;
  });
  return out;
}

std::vector<Scenario> validation_matrix(unsigned long max_pages) {
  std::vector<Scenario> out = standard_scenarios(max_pages);
  for (Scenario& s : edge_scenarios()) out.push_back(std::move(s));
  return out;
}

ScenarioRun run_scenario(const DriverUnderTest& driver, const Scenario& scenario) {
  ScenarioRun result;
  Run run(driver, scenario);
  if (!run.prepare()) {
    result.problems = run.problems();
    return result;
  }
  auto& trace = result.trace;
  trace.push_back("setup: " + std::to_string(run.setup_mappings()));
  const Ledger::Counts before = run.ledger_now();
  const std::size_t sites_before = run.kernel().ledger.sites.size();
  const std::size_t vmas_before = [&] {
    ReadGuard lock = run.as().read_lock();
    return run.as().vmas(lock).size();
  }();
  const long result_value = run.map_scenario();
  trace.push_back("mmap: " + std::string(result_value >= 0 ? "ok" : std::to_string(result_value)));
  run.snapshot(run.as(), "mapped", trace);
  trace.push_back("ledger after mmap: " + run.ledger_delta());
  add_driver_state(driver, "state after mmap", trace);

  // The mmap_prepare contract: when the mapping failed, or merged (so no new VMA and no ->mapped), the hook
  // must not have left anything acquired.
  const std::size_t vmas_after = [&] {
    ReadGuard lock = run.as().read_lock();
    return run.as().vmas(lock).size();
  }();
  const bool merged =
      result_value >= 0 && scenario.setup == Scenario::Setup::MergeableNeighbour && vmas_after == vmas_before;
  if (prepare_hook(driver) && (result_value < 0 || merged) && run.acquired_since(before)) {
    const std::string sites = run.kernel().ledger.describe_sites(sites_before, before);
    result.problems.push_back(std::string("mmap_prepare contract: resources outstanding after a ") +
                              (merged ? "merged" : "failed") + " mapping: " + run.acquired_since_text(before) +
                              (sites.empty() ? "" : " (" + sites + ")"));
  }

  if (result_value >= 0) {
    switch (scenario.after) {
      case Scenario::After::Nothing: break;
      case Scenario::After::Fork: {
        int error = 0;
        std::unique_ptr<AddressSpace> child;
        {
          WriteGuard lock = run.as().write_lock();
          child = run.as().fork(lock, &error);
        }
        trace.push_back("fork: " + std::to_string(error));
        if (child) run.snapshot(*child, "child", trace);
        trace.push_back("ledger with child: " + run.ledger_delta());
        child.reset();
        trace.push_back("ledger after child exit: " + run.ledger_delta());
        break;
      }
      case Scenario::After::UnmapFirstPage:
      case Scenario::After::UnmapMiddlePage: {
        const unsigned long addr = kBase + (scenario.after == Scenario::After::UnmapMiddlePage ? PAGE_SIZE : 0);
        WriteGuard lock = run.as().write_lock();
        trace.push_back("munmap: " + std::to_string(run.as().munmap(lock, addr, PAGE_SIZE)));
        lock.unlock();
        run.snapshot(run.as(), "unmapped", trace);
        trace.push_back("ledger after munmap: " + run.ledger_delta());
        break;
      }
      case Scenario::After::ProtectReadOnly: {
        WriteGuard lock = run.as().write_lock();
        trace.push_back("mprotect: " + std::to_string(run.as().mprotect(lock, kBase, PAGE_SIZE, PROT_READ)));
        lock.unlock();
        run.snapshot(run.as(), "protected", trace);
        break;
      }
    }
  }
  trace.push_back("warnings: " + std::to_string(run.kernel().warnings.size()));
  run.finish(trace);
  if (trace.back() != "after teardown: balanced") result.problems.push_back("leak: " + trace.back());
  add_driver_state(driver, "state after teardown", trace);
  for (const std::string& p : run.problems()) result.problems.push_back(p);
  for (const std::string& function : run.kernel().calls_not_modelled) {
    std::string problem = driver.name.empty() ? "the driver" : driver.name;
    problem.append(" calls ").append(function).append("(), which the model does not implement");
    result.not_modelled.push_back(std::move(problem));
  }
  return result;
}

std::vector<std::string> sweep_failures(const DriverUnderTest& driver, const Scenario& scenario) {
  std::vector<std::string> problems;
  for (long n = 0; n < 64; ++n) {
    Run run(driver, scenario);
    if (!run.prepare()) return run.problems();
    if (run.setup_mappings() < 0) return problems;
    std::vector<std::string> before_state;
    run.snapshot(run.as(), "", before_state);
    const Ledger::Counts before = run.ledger_now();
    const std::size_t sites_before = run.kernel().ledger.sites.size();
    run.kernel().faults.fail_nth_allocation(n);
    const long result = run.map_scenario();
    const bool fired = run.kernel().faults.fired();
    if (fired) {
      const std::string where =
          "allocation " + std::to_string(n) + " (" + run.kernel().faults.sites_in_last_operation()[n] + ")";
      std::vector<std::string> after_state;
      run.snapshot(run.as(), "", after_state);
      // Over an existing mapping the kernel may leave the range unmapped (vms_abort_munmap_vmas()).
      const bool gap_allowed = scenario.setup == Scenario::Setup::ExistingMapping;
      if (result >= 0 && after_state != before_state && !gap_allowed) {
        // A failure the handler absorbed: fine as long as nothing leaks; the state is the success state.
      } else if (result < 0 && after_state != before_state && !(gap_allowed && after_state.empty())) {
        problems.push_back(where + ": failed mmap changed the address space");
      }
      if (result < 0 && run.acquired_since(before)) {
        const std::string sites = run.kernel().ledger.describe_sites(sites_before, before);
        problems.push_back(where + ": resources outstanding after the failed mmap: " + run.acquired_since_text(before) +
                           (sites.empty() ? "" : " (" + sites + ")"));
      }
    }
    std::vector<std::string> trace;
    run.finish(trace);
    if (trace.back() != "after teardown: balanced")
      problems.push_back("allocation " + std::to_string(n) + ": leak: " + trace.back());
    if (!fired) break;
  }
  return problems;
}

FieldDifference first_field_difference(const std::string& a, const std::string& b) {
  auto split = [](const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string token; in >> token;) out.push_back(token);
    return out;
  };
  const std::vector<std::string> ta = split(a), tb = split(b);
  std::size_t i = 0;
  while (i < ta.size() && i < tb.size() && ta[i] == tb[i]) ++i;
  auto join = [](const std::vector<std::string>& t, std::size_t from, std::size_t to) {
    std::string out;
    for (std::size_t k = from; k < to && k < t.size(); ++k) out += (out.empty() ? "" : " ") + t[k];
    return out;
  };
  // Different kinds of line (or one trace ended): the whole lines are the values.
  if (i == 0 || i >= ta.size() || i >= tb.size()) return {"line", a, b};
  const std::string context = join(ta, 0, i);
  if (ta[i - 1].back() == ':')  // "mmap: ok", "ledger after mmap: kmalloc=1 ": the rest is the value
    return {context.substr(0, context.size() - 1), join(ta, i, ta.size()), join(tb, i, tb.size())};
  const std::size_t ea = ta[i].find('='), eb = tb[i].find('=');
  if (ea != std::string::npos && eb != std::string::npos && ta[i].compare(0, ea, tb[i], 0, eb) == 0) {
    // "<label> vma [a,b) ... key=value": name the object by its leading tokens, not the other fields.
    std::string object;
    for (std::size_t k = 0; k < i && ta[k].find('=') == std::string::npos; ++k)
      object += (object.empty() ? "" : " ") + ta[k];
    return {object + " " + ta[i].substr(0, ea), ta[i].substr(ea + 1), tb[i].substr(eb + 1)};
  }
  if (ta[i].front() == '[') return {context + " range", ta[i], tb[i]};
  if (i >= 2 && ta[1] == "pte") return {context + (i == 3 ? " pfn" : " kind"), ta[i], tb[i]};
  return {context, join(ta, i, ta.size()), join(tb, i, tb.size())};
}

std::string ValidationReport::describe() const {
  std::ostringstream out;
  out << scenarios << " scenarios, " << mismatches.size() << " mismatches, " << problems.size() << " problems\n";
  for (const auto& m : mismatches) out << "  mismatch: " << m << "\n";
  for (const auto& p : problems) out << "  problem: " << p << "\n";
  return out.str();
}

ValidationReport validate(const DriverUnderTest& original, const DriverUnderTest& rewrite,
                          const std::vector<Scenario>& scenarios) {
  ValidationReport report;
  for (const Scenario& scenario : scenarios) {
    ++report.scenarios;
    const ScenarioRun a = run_scenario(original, scenario);
    const ScenarioRun b = run_scenario(rewrite, scenario);
    const std::string label = scenario_label(scenario);
    const std::size_t n = std::max(a.trace.size(), b.trace.size());
    for (std::size_t i = 0; i < n; ++i) {
      const std::string la = i < a.trace.size() ? a.trace[i] : "<end>";
      const std::string lb = i < b.trace.size() ? b.trace[i] : "<end>";
      if (la != lb) {
        std::string mismatch = label;
        mismatch.append(": original `").append(la).append("` / rewrite `").append(lb).append("`");
        report.mismatches.push_back(std::move(mismatch));
        report.divergences.push_back({label, la, lb, first_field_difference(la, lb)});
        break;  // the first difference explains the rest
      }
    }
    std::string where = label;
    where.append(" [").append(rewrite.name).append("]: ");
    for (const auto& p : b.problems) report.problems.push_back(where + p);
    // What the model cannot follow makes any comparison moot, the original's as much as the rewrite's.
    std::string original_where = label;
    original_where.append(" [").append(original.name).append("]: ");
    for (const auto& p : a.not_modelled) report.problems.push_back(original_where + p);
    for (const auto& p : b.not_modelled) report.problems.push_back(where + p);
    for (const auto& p : sweep_failures(rewrite, scenario)) report.problems.push_back(where + p);
  }
  return report;
}

}  // namespace vmaprep::model

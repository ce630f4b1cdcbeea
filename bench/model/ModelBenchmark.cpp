// Cost of the model's operations at 1k, 16k and 65530 VMAs (the default vm.max_map_count).
// The address space is populated with one-page anonymous VMAs separated by holes so nothing merges,
// placed low so that top-down placement of new mappings does not have to walk them. Invariants are
// checked in Local mode (the touched neighbourhood), as the full walk is O(n) by design.
#include <benchmark/benchmark.h>

#include <random>

#include "vmaprep/model/AddressSpace.h"

using namespace vmaprep::model;

namespace {

constexpr unsigned long kBase = 0x10000000UL;

struct Populated {
  Kernel kernel;
  KernelScope scope{kernel};
  std::unique_ptr<AddressSpace> as;

  // count VMAs of one page, `stride` pages apart.
  Populated(long count, unsigned long stride) {
    AddressSpaceConfig config;
    config.invariants = InvariantMode::Local;
    config.max_map_count = 70000;  // room for the operation on top of 65530 VMAs
    as = std::make_unique<AddressSpace>(config);
    WriteGuard lock = as->write_lock();
    for (long i = 0; i < count; ++i) {
      const long r = as->mmap(lock, nullptr, kBase + i * stride * PAGE_SIZE, PAGE_SIZE, PROT_READ,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
      if (r < 0) std::abort();
    }
  }
};

void BM_MmapMunmap(benchmark::State& state) {
  Populated p(state.range(0), 2);
  WriteGuard lock = p.as->write_lock();
  for (auto _ : state) {
    const long addr = p.as->mmap(lock, nullptr, 0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, 0);
    benchmark::DoNotOptimize(addr);
    p.as->munmap(lock, static_cast<unsigned long>(addr), PAGE_SIZE);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("mmap+munmap pairs");
}

// MAP_FIXED into a hole in the middle of the populated range: the tree work happens among the VMAs.
void BM_MmapFixedMunmap(benchmark::State& state) {
  Populated p(state.range(0), 2);
  WriteGuard lock = p.as->write_lock();
  const unsigned long hole = kBase + (state.range(0) / 2 * 2 + 1) * PAGE_SIZE - 2 * PAGE_SIZE;
  for (auto _ : state) {
    const long addr =
        p.as->mmap(lock, nullptr, hole, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
    benchmark::DoNotOptimize(addr);
    p.as->munmap(lock, hole, PAGE_SIZE);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("mmap+munmap pairs");
}

// A three-page mapping filling a hole, its middle page unmapped (two splits), then the rest.
void BM_MunmapWithSplits(benchmark::State& state) {
  Populated p(state.range(0), 4);
  WriteGuard lock = p.as->write_lock();
  const unsigned long hole = kBase + (state.range(0) / 2 * 4 + 1) * PAGE_SIZE;
  for (auto _ : state) {
    p.as->mmap(lock, nullptr, hole, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
    p.as->munmap(lock, hole + PAGE_SIZE, PAGE_SIZE);
    p.as->munmap(lock, hole, 3 * PAGE_SIZE);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("mmap + split munmap + munmap");
}

// Uniformly random addresses: every lookup is a fresh descent, bound by cache misses once the tree
// outgrows the caches.
void BM_FindVma(benchmark::State& state) {
  Populated p(state.range(0), 2);
  ReadGuard lock = p.as->read_lock();
  std::mt19937_64 rng(42);
  const unsigned long span = static_cast<unsigned long>(state.range(0)) * 2 * PAGE_SIZE;
  for (auto _ : state) {
    VmaRef vma = p.as->find_vma(lock, kBase + rng() % span);
    benchmark::DoNotOptimize(vma);
  }
  state.SetItemsProcessed(state.iterations());
}

// Each lookup one VMA above the previous one, wrapping: the access pattern of a walk over the address
// space or of faults marching through a mapping.
void BM_FindVmaNearby(benchmark::State& state) {
  Populated p(state.range(0), 2);
  ReadGuard lock = p.as->read_lock();
  const unsigned long span = static_cast<unsigned long>(state.range(0)) * 2 * PAGE_SIZE;
  unsigned long offset = 0;
  for (auto _ : state) {
    VmaRef vma = p.as->find_vma(lock, kBase + offset);
    benchmark::DoNotOptimize(vma);
    offset += 2 * PAGE_SIZE;
    if (offset >= span) offset = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Fork(benchmark::State& state) {
  Populated p(state.range(0), 2);
  p.as->set_invariant_mode(InvariantMode::Off);
  WriteGuard lock = p.as->write_lock();
  for (auto _ : state) {
    int error = 0;
    auto child = p.as->fork(lock, &error);
    benchmark::DoNotOptimize(child);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetLabel("items = VMAs copied (child teardown included)");
}

#define VMAPREP_SIZES ->Arg(1000)->Arg(16000)->Arg(65530)
BENCHMARK(BM_MmapMunmap) VMAPREP_SIZES;
BENCHMARK(BM_MmapFixedMunmap) VMAPREP_SIZES;
BENCHMARK(BM_MunmapWithSplits) VMAPREP_SIZES;
BENCHMARK(BM_FindVma) VMAPREP_SIZES;
BENCHMARK(BM_FindVmaNearby) VMAPREP_SIZES;
BENCHMARK(BM_Fork) VMAPREP_SIZES->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

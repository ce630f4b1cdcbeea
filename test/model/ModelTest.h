// Shared GoogleTest fixture: a fresh Kernel (ledger, fault injector, pages) made current, fixture
// counters reset, and an AddressSpace with full invariant checking after every operation.
#pragma once

#include <gtest/gtest.h>

#include "vmaprep/model/AddressSpace.h"
#include "vmaprep/model/Shim.h"

extern "C" {
#include "fixtures/fixtures.h"
}

namespace vmaprep::model::test {

inline constexpr unsigned long kPage = PAGE_SIZE;

class ModelTest : public ::testing::Test {
 protected:
  ModelTest() : scope_(kernel_) {
    fixture_reset();
    fixture_device = {};
  }

  // mmap under a fresh write lock.
  long map(struct file* file, unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
           unsigned long offset = 0) {
    WriteGuard lock = as_.write_lock();
    return as_.mmap(lock, file, addr, len, prot, flags, offset);
  }
  long map_anon(unsigned long addr, unsigned long len, unsigned long flags = MAP_PRIVATE,
                unsigned long prot = PROT_READ | PROT_WRITE) {
    return map(nullptr, addr, len, prot, flags | MAP_ANONYMOUS);
  }
  int unmap(unsigned long start, unsigned long len) {
    WriteGuard lock = as_.write_lock();
    return as_.munmap(lock, start, len);
  }
  std::vector<VmaState> state() {
    ReadGuard lock = as_.read_lock();
    return as_.state(lock);
  }
  PageTable ptes() {
    ReadGuard lock = as_.read_lock();
    return as_.page_table(lock);
  }
  FileHandle open(const struct file_operations* fops, int kapi = VMAPREP_KAPI_LATEST,
                  fmode_t mode = FMODE_READ | FMODE_WRITE) {
    FileSpec spec;
    spec.fops = fops;
    spec.kapi = kapi;
    spec.mode = mode;
    return FileHandle::open(spec);
  }

  Kernel kernel_;
  KernelScope scope_;
  AddressSpace as_;
};

}  // namespace vmaprep::model::test

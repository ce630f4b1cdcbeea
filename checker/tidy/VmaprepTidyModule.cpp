//===- VmaprepTidyModule.cpp - the vmaprep clang-tidy module --------------===//
//
// Loaded with clang-tidy-19 --load=libVmaprepTidy.so. The module links
// nothing from LLVM or Clang: its symbols resolve against the clang-tidy
// executable and the libclang-cpp/libLLVM it loaded (docs/toolchain.md).
//
//===----------------------------------------------------------------------===//
#include "ClangTidyModule.h"
#include "ClangTidyModuleRegistry.h"
#include "LegacyMmapCheck.h"
#include "PrepareContractCheck.h"

namespace clang::tidy::vmaprep {

class VmaprepModule : public ClangTidyModule {
public:
  void addCheckFactories(ClangTidyCheckFactories &Factories) override {
    Factories.registerCheck<LegacyMmapCheck>("vmaprep-legacy-mmap");
    Factories.registerCheck<PrepareContractCheck>("vmaprep-prepare-contract");
  }
};

static ClangTidyModuleRegistry::Add<VmaprepModule> X("vmaprep-module",
                                                     "Checks for the mmap to mmap_prepare migration.");

} // namespace clang::tidy::vmaprep

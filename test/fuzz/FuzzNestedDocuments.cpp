//===- FuzzNestedDocuments.cpp - the JSON and YAML readers' guard ---------===//
//
// Whatever checkNesting() lets through, LLVM's JSON parser (merge, report,
// baselines) and YAML parser (.vmaprep.yaml, the compile database) must
// parse without overflowing the stack; what it refuses must really nest
// deeper than the limit in brackets or lines.
//
//===----------------------------------------------------------------------===//
#include "findings/NestingLimit.h"

#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLParser.h"

#include <cstdint>
#include <string>

using namespace vmaprep;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  if (Size == 0)
    return 0;
  const bool Yaml = Data[0] & 1;
  const llvm::StringRef Text(reinterpret_cast<const char *>(Data + 1), Size - 1);
  // A small limit, so the fuzzer reaches it with short inputs.
  if (!checkNesting(Text, Yaml, /*Limit=*/64).empty())
    return 0;
  if (Yaml) {
    llvm::SourceMgr SM;
    SM.setDiagHandler([](const llvm::SMDiagnostic &, void *) {});
    llvm::yaml::Stream S(Text, SM);
    for (llvm::yaml::Document &D : S)
      if (llvm::yaml::Node *N = D.getRoot())
        N->skip();
    std::string Error;
    (void)clang::tooling::JSONCompilationDatabase::loadFromBuffer(Text, Error,
                                                                  clang::tooling::JSONCommandLineSyntax::AutoDetect);
  } else {
    llvm::Expected<llvm::json::Value> V = llvm::json::parse(Text);
    if (!V)
      llvm::consumeError(V.takeError());
  }
  return 0;
}

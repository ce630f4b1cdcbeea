//===- Baseline.cpp - known findings that do not fail a run ---------------===//
//
// A baseline is the set of findings a tree had when it was recorded, keyed
// by the same fingerprint as SARIF (Fingerprint.h): rule, repo-relative path,
// function and verdict (table for table findings). Lines do not go in, so a
// baselined handler stays baselined when code around it moves; a change of
// verdict is a new finding. The file is JSON, one finding per entry with its
// readable parts next to the fingerprint, sorted, so a diff of it in review
// reads as "this handler got better / worse".
//
//===----------------------------------------------------------------------===//
#include "findings/FindingFilters.h"
#include "findings/SafeFileWriter.h"

#include "findings/NestingLimit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include <tuple>

namespace vmaprep {

static const char *const BaselineSchema = "vmaprep-baseline";
static const int BaselineVersion = 1;

std::string parseBaseline(llvm::StringRef Text, Baseline &Out) {
  auto Bad = [](const std::string &What) { return "malformed baseline: " + What; };
  if (std::string Deep = checkNesting(Text, /*Yaml=*/false); !Deep.empty())
    return Bad(Deep);
  llvm::Expected<llvm::json::Value> Doc = llvm::json::parse(Text);
  if (!Doc)
    return Bad("not valid JSON: " + llvm::toString(Doc.takeError()));
  const llvm::json::Object *Root = Doc->getAsObject();
  if (!Root || Root->getString("schema") != llvm::StringRef(BaselineSchema))
    return Bad("no \"schema\": \"vmaprep-baseline\"");
  if (Root->getInteger("version") != BaselineVersion)
    return Bad("unsupported \"version\" (this vmaprep reads 1)");
  const llvm::json::Array *Findings = Root->getArray("findings");
  if (!Findings)
    return Bad("\"findings\" is not an array");
  Baseline B;
  for (size_t I = 0; I < Findings->size(); ++I) {
    const llvm::json::Object *F = (*Findings)[I].getAsObject();
    std::optional<llvm::StringRef> Fp = F ? F->getString("fingerprint") : std::nullopt;
    // What Fingerprint.cpp writes; anything else could never match a finding,
    // and a hand-edited entry that silently matches nothing hides nothing.
    auto IsLowerHex = [](char C) { return llvm::isDigit(C) || (C >= 'a' && C <= 'f'); };
    if (!Fp || Fp->size() != 64 || !llvm::all_of(*Fp, IsLowerHex))
      return Bad("findings[" + std::to_string(I) + "].fingerprint: expected 64 lowercase hex digits");
    B.Fingerprints.insert(Fp->str());
  }
  Out = std::move(B);
  return "";
}

std::string readBaseline(const std::string &Path, Baseline &Out) {
  auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buffer)
    return Path + ": cannot read baseline: " + Buffer.getError().message() + " (write one with --update-baseline)";
  if (std::string Err = parseBaseline((*Buffer)->getBuffer(), Out); !Err.empty())
    return Path + ": " + Err;
  return "";
}

std::string writeBaseline(const std::string &Path, const CheckResult &R, const std::string &Root, unsigned &Written) {
  std::vector<FindingKey> Keys;
  forEachFinding(R, [&](const FindingRef &F) { Keys.push_back(F.key(Root)); });
  // By file, then by the name a reader looks for (function or table).
  auto Order = [](const FindingKey &K) {
    const std::string &Name = K.Function.empty() ? K.Table : K.Function;
    return std::tie(K.Path, Name, K.Member, K.Expression, K.Verdict, K.Rule, K.Fingerprint);
  };
  std::sort(Keys.begin(), Keys.end(), [&](const FindingKey &A, const FindingKey &B) { return Order(A) < Order(B); });
  Keys.erase(std::unique(Keys.begin(), Keys.end(),
                         [](const FindingKey &A, const FindingKey &B) { return A.Fingerprint == B.Fingerprint; }),
             Keys.end());
  Written = unsigned(Keys.size());

  llvm::json::Array Findings;
  for (const FindingKey &K : Keys) {
    llvm::json::Object O{{"fingerprint", K.Fingerprint}, {"rule", K.Rule}, {"path", K.Path}};
    // JSON holds a name that is not UTF-8 with U+FFFD, naming another file:
    // its bytes too, as in check's JSON ("file_bytes").
    if (!llvm::json::isUTF8(K.Path))
      O["path_bytes"] = llvm::toHex(K.Path, /*LowerCase=*/true);
    auto Put = [&](llvm::StringRef Name, const std::string &V) {
      if (!V.empty())
        O[Name] = V;
    };
    Put("function", K.Function);
    Put("table", K.Table);
    Put("member", K.Member);
    Put("expression", K.Expression);
    Put("verdict", K.Verdict);
    Findings.push_back(std::move(O));
  }
  llvm::json::Value Doc =
      llvm::json::Object{{"schema", BaselineSchema}, {"version", BaselineVersion}, {"findings", std::move(Findings)}};
  // A run that dies or fills the disk half-way leaves the previous
  // baseline, never half of a new one.
  std::string Text = llvm::formatv("{0:2}", Doc).str() + "\n";
  if (std::string Err = writeFileSafely(Path, Text); !Err.empty())
    return "cannot write the baseline: " + Err;
  return "";
}

unsigned applyBaseline(CheckResult &R, const Baseline &B, const std::string &Root) {
  return removeFindings(R, [&](const FindingRef &F) { return B.Fingerprints.count(F.key(Root).Fingerprint) > 0; });
}

} // namespace vmaprep

//===- JsonInput.cpp - read back `vmaprep check --format json` ------------===//
//
// Strict about what it needs (the findings' identities and verdicts), lenient
// about what it does not: fields JsonOutput.cpp may add later are ignored, as
// the schema promises. An error says where in the document it is.
//
//===----------------------------------------------------------------------===//
#include "findings/JsonInput.h"
#include "findings/FindingFilters.h"
#include "findings/NestingLimit.h"

#include "vmaprep/Verdict.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <vector>

namespace vmaprep {

namespace {

template <typename Enum, typename NameFn> bool enumFromName(llvm::StringRef Name, Enum Last, NameFn NameOf, Enum &Out) {
  for (int I = 0; I <= int(Last); ++I)
    if (NameOf(Enum(I)) == Name) {
      Out = Enum(I);
      return true;
    }
  return false;
}

/// Reads fields of one object; the first problem is kept with its path.
class Reader {
public:
  Reader(std::string &Error) : Error(Error) {}

  bool failed() const { return !Error.empty(); }
  void fail(const std::string &Path, const std::string &What) {
    if (Error.empty())
      Error = Path + ": " + What;
  }

  const llvm::json::Object *object(const llvm::json::Value *V, const std::string &Path) {
    if (const llvm::json::Object *O = V ? V->getAsObject() : nullptr)
      return O;
    fail(Path, V ? "expected an object" : "missing");
    return nullptr;
  }
  const llvm::json::Array *array(const llvm::json::Object &O, llvm::StringRef Key, const std::string &Path,
                                 bool Required = true) {
    const llvm::json::Value *V = O.get(Key);
    if (!V && !Required)
      return nullptr;
    if (const llvm::json::Array *A = V ? V->getAsArray() : nullptr)
      return A;
    fail(Path + "." + Key.str(), V ? "expected an array" : "missing");
    return nullptr;
  }
  std::string str(const llvm::json::Object &O, llvm::StringRef Key, const std::string &Path, bool Required = true) {
    const llvm::json::Value *V = O.get(Key);
    if (!V || V->kind() == llvm::json::Value::Null) {
      if (Required)
        fail(Path + "." + Key.str(), "missing");
      return "";
    }
    if (auto S = V->getAsString())
      return S->str();
    fail(Path + "." + Key.str(), "expected a string");
    return "";
  }
  unsigned num(const llvm::json::Object &O, llvm::StringRef Key, const std::string &Path, bool Required = true) {
    const llvm::json::Value *V = O.get(Key);
    if (!V) {
      if (Required)
        fail(Path + "." + Key.str(), "missing");
      return 0;
    }
    if (auto N = V->getAsInteger(); N && *N >= 0 && *N <= std::numeric_limits<unsigned>::max())
      return unsigned(*N);
    fail(Path + "." + Key.str(), "expected a non-negative integer");
    return 0;
  }
  bool boolean(const llvm::json::Object &O, llvm::StringRef Key, const std::string &Path) {
    const llvm::json::Value *V = O.get(Key);
    if (!V)
      return false;
    if (auto B = V->getAsBoolean())
      return *B;
    fail(Path + "." + Key.str(), "expected true or false");
    return false;
  }

  /// "file", or the exact bytes of a path that is not UTF-8 ("file_bytes").
  std::string path(const llvm::json::Object &O, const std::string &Path, bool Required = true) {
    std::string Text = str(O, "file", Path, Required);
    std::string Hex = str(O, "file_bytes", Path, false);
    if (Hex.empty())
      return Text;
    std::string Bytes;
    if (!llvm::tryGetFromHex(Hex, Bytes))
      fail(Path + ".file_bytes", "expected hex digits");
    return Bytes;
  }

  SourceSite site(const llvm::json::Object &O, const std::string &Path) {
    SourceSite S;
    S.File = path(O, Path);
    S.Line = num(O, "line", Path);
    S.Column = num(O, "column", Path);
    S.EndLine = num(O, "end_line", Path, false);
    S.EndColumn = num(O, "end_column", Path, false);
    S.Macro = str(O, "macro", Path, false);
    return S;
  }

  OpsSiteReport opsSite(const llvm::json::Object &O, const std::string &Path) {
    OpsSiteReport S;
    S.Record = str(O, "record", Path);
    S.Member = str(O, "member", Path);
    S.Table = str(O, "table", Path);
    S.Form = str(O, "form", Path, false);
    S.Where = site(O, Path);
    return S;
  }

  template <typename Enum, typename NameFn>
  Enum enumField(const llvm::json::Object &O, llvm::StringRef Key, const std::string &Path, Enum Last, NameFn NameOf,
                 Enum Default, bool Required = true) {
    std::string Name = str(O, Key, Path, Required);
    Enum Out = Default;
    if (Name.empty() || failed())
      return Out;
    if (!enumFromName(Name, Last, NameOf, Out))
      fail(Path + "." + Key.str(), "unknown value '" + Name + "'");
    return Out;
  }

  EffectReport effect(const llvm::json::Object &O, const std::string &Path) {
    EffectReport E;
    E.Kind = enumField(O, "kind", Path, EffectKind::StateChange, effectKindName, EffectKind::FieldRead);
    E.Name = str(O, "name", Path, false);
    E.Detail = str(O, "detail", Path, false);
    E.Text = str(O, "text", Path, false);
    E.ErrorValue = str(O, "error_value", Path, false);
    E.InLoop = boolean(O, "in_loop", Path);
    E.Range = enumField(O, "range", Path, MappingRange::Unknown, mappingRangeName, MappingRange::Unknown, false);
    E.Use = enumField(O, "result_use", Path, ResultUse::Other, resultUseName, ResultUse::Other, false);
    if (const llvm::json::Array *Ops = array(O, "operands", Path, false))
      for (const llvm::json::Value &V : *Ops)
        if (auto S = V.getAsString())
          E.Operands.push_back(S->str());
    // "fed_by": mappings only.
    for (auto [Key, Into] : {std::pair{"via", &E.Via}, std::pair{"fed_by", &E.FedBy}})
      if (const llvm::json::Array *Steps = array(O, Key, Path, false))
        for (size_t I = 0; I < Steps->size(); ++I) {
          std::string P = Path + "." + Key + "[" + std::to_string(I) + "]";
          if (const llvm::json::Object *S = object(&(*Steps)[I], P))
            Into->push_back({str(*S, "callee", P), site(*S, P)});
        }
    if (std::optional<int64_t> Size = O.getInteger("size_value"))
      E.SizeValue = static_cast<unsigned long long>(*Size);
    if (const llvm::json::Array *Bounds = array(O, "bounds", Path, false))
      for (size_t I = 0; I < Bounds->size(); ++I) {
        std::string P = Path + ".bounds[" + std::to_string(I) + "]";
        if (const llvm::json::Object *B = object(&(*Bounds)[I], P)) {
          ExtentBound Bound;
          Bound.PerSize = B->getInteger("size").value_or(0);
          Bound.PerPage = B->getInteger("pages").value_or(0);
          Bound.Constant = B->getInteger("constant").value_or(0);
          Bound.Divisor = B->getInteger("divisor").value_or(1);
          if (Bound.Divisor <= 0)
            fail(P + ".divisor", "expected a positive integer");
          Bound.PerPgoff = B->getInteger("pgoff").value_or(0);
          Bound.Op = str(*B, "op", P);
          Bound.Value = B->getInteger("value").value_or(0);
          E.Bounds.push_back(std::move(Bound));
        }
      }
    E.Where = site(O, Path);
    return E;
  }

  HandlerReport handler(const llvm::json::Object &O, const std::string &Path) {
    HandlerReport H;
    H.Function = str(O, "function", Path);
    H.Where = site(O, Path);
    H.Kind = enumField(O, "hook", Path, HookKind::MmapPrepare, hookKindName, HookKind::LegacyMmap);
    H.BodyVisible = boolean(O, "body_visible", Path);
    H.IsStatic = boolean(O, "static", Path);
    H.Result.Kind =
        enumField(O, "verdict", Path, VerdictKind::InvalidBothHooks, verdictName, VerdictKind::AutoConvertible);
    std::string Needed = str(O, "needed_api_level", Path, false);
    if (!Needed.empty()) {
      H.Result.NeededLevel = parseApiLevel(Needed);
      if (!H.Result.NeededLevel)
        fail(Path + ".needed_api_level", "unknown API level '" + Needed + "'");
    }
    if (H.Result.Kind == VerdictKind::NeedsApiLevel && !H.Result.NeededLevel && !failed())
      fail(Path + ".needed_api_level", "missing (verdict needs-api-level names the level it needs)");
    // "declarations" (optional: documents written before it existed).
    if (const llvm::json::Array *Decls = array(O, "declarations", Path, false))
      for (size_t I = 0; I < Decls->size(); ++I) {
        std::string P = Path + ".declarations[" + std::to_string(I) + "]";
        if (const llvm::json::Object *S = object(&(*Decls)[I], P))
          H.Declarations.push_back(site(*S, P));
      }
    if (const llvm::json::Array *Ops = array(O, "ops", Path))
      for (size_t I = 0; I < Ops->size(); ++I) {
        std::string P = Path + ".ops[" + std::to_string(I) + "]";
        if (const llvm::json::Object *S = object(&(*Ops)[I], P))
          H.Sites.push_back(opsSite(*S, P));
      }
    // "reasons", and "contract" (optional: documents written before it existed).
    for (auto [Key, Required, Into] :
         {std::tuple{"reasons", true, &H.Result.Reasons}, std::tuple{"contract", false, &H.Result.Contract}}) {
      const llvm::json::Array *Reasons = array(O, Key, Path, Required);
      if (!Reasons)
        continue;
      for (size_t I = 0; I < Reasons->size(); ++I) {
        std::string P = Path + "." + Key + "[" + std::to_string(I) + "]";
        const llvm::json::Object *RO = object(&(*Reasons)[I], P);
        if (!RO)
          continue;
        Reason Rs{str(*RO, "id", P), str(*RO, "text", P, false), {}};
        if (const llvm::json::Array *Cited = array(*RO, "effects", P, false))
          for (const llvm::json::Value &V : *Cited) {
            auto N = V.getAsInteger();
            if (!N || *N < 0)
              fail(P + ".effects", "expected effect indices");
            else
              Rs.Effects.push_back(unsigned(*N));
          }
        Into->push_back(std::move(Rs));
      }
    }
    if (const llvm::json::Array *Effects = array(O, "effects", Path))
      for (size_t I = 0; I < Effects->size(); ++I) {
        std::string P = Path + ".effects[" + std::to_string(I) + "]";
        if (const llvm::json::Object *E = object(&(*Effects)[I], P))
          H.Effects.push_back(effect(*E, P));
      }
    // "rewrite" (optional: documents written before it existed; null for
    // mmap_prepare handlers).
    if (const llvm::json::Value *V = O.get("rewrite"); V && V->kind() != llvm::json::Value::Null) {
      std::string P = Path + ".rewrite";
      if (const llvm::json::Object *RO = object(V, P)) {
        RewriteOutlook Rw;
        Rw.Available = boolean(*RO, "available", P);
        Rw.NewFunction = str(*RO, "new_function", P, false);
        if (const llvm::json::Value *RV = RO->get("refusal"); RV && RV->kind() != llvm::json::Value::Null)
          if (const llvm::json::Object *RF = object(RV, P + ".refusal")) {
            Rw.Refusal = str(*RF, "text", P + ".refusal");
            // "kind" (optional: documents written before it existed).
            if (auto Kind = parseRefusalKind(str(*RF, "kind", P + ".refusal", false)))
              Rw.Kind = *Kind;
            if (RF->get("file"))
              Rw.RefusalSite = site(*RF, P + ".refusal");
          }
        // "registration" (optional: only registrations of a handler defined
        // in another TU have it).
        if (const llvm::json::Value *RV = RO->get("registration"); RV && RV->kind() != llvm::json::Value::Null)
          if (const llvm::json::Object *RG = object(RV, P + ".registration")) {
            RegistrationOutlook Part;
            Part.Available = boolean(*RG, "available", P + ".registration");
            if (const llvm::json::Value *F = RG->get("refusal"); F && F->kind() != llvm::json::Value::Null)
              if (const llvm::json::Object *RF = object(F, P + ".registration.refusal")) {
                Part.Refusal = str(*RF, "text", P + ".registration.refusal");
                if (RF->get("file"))
                  Part.RefusalSite = site(*RF, P + ".registration.refusal");
              }
            Rw.Registration = std::move(Part);
          }
        if (const llvm::json::Array *Ds = array(*RO, "differences", P, false))
          for (const llvm::json::Value &D : *Ds)
            if (auto Text = D.getAsString())
              Rw.Differences.push_back(Text->str());
        H.Rewrite = std::move(Rw);
      }
    }
    for (const Reason &Rs : H.Result.Reasons)
      for (unsigned I : Rs.Effects)
        if (I >= H.Effects.size())
          fail(Path + ".reasons", "cites effect " + std::to_string(I) + ", which does not exist");
    return H;
  }

private:
  std::string &Error;
};

/// Finds the top-level "handlers" array of \p Text: \p Rest is the document
/// with the array replaced by null, \p Elements the text of each element. A whole
/// tree's document is mostly handlers, and llvm::json's tree of it costs about
/// 23 times the text: parsed one handler at a time, merge and report need the
/// text plus one handler's tree. False (and the caller parses the whole text)
/// when the text is not laid out as expected.
/// JSON's whitespace, which is not StringRef::trim()'s ('\v' and '\f' are not
/// JSON: an element must not become valid by trimming).
const char *const JsonWhitespace = " \t\n\r";

bool splitHandlers(llvm::StringRef Text, std::string &Rest, std::vector<llvm::StringRef> &Elements) {
  unsigned Depth = 0;
  size_t KeyStart = llvm::StringRef::npos, KeyEnd = 0;
  for (size_t I = 0; I < Text.size(); ++I) {
    const char C = Text[I];
    if (C == '"') {
      const size_t Start = I;
      for (++I; I < Text.size() && Text[I] != '"'; ++I)
        if (Text[I] == '\\')
          ++I;
      if (Depth == 1) {
        KeyStart = Start;
        KeyEnd = I + 1;
      }
      continue;
    }
    if (C == '{' || C == '[') {
      ++Depth;
      if (Depth != 2 || C != '[' || KeyStart == llvm::StringRef::npos ||
          Text.slice(KeyStart, KeyEnd) != "\"handlers\"" || Text.slice(KeyEnd, I).trim(JsonWhitespace) != ":")
        continue;
      // The array: split at the commas between its elements.
      const size_t Open = I;
      size_t ElementStart = I + 1;
      unsigned Inner = 0;
      for (++I; I < Text.size(); ++I) {
        const char D = Text[I];
        if (D == '"') {
          for (++I; I < Text.size() && Text[I] != '"'; ++I)
            if (Text[I] == '\\')
              ++I;
        } else if (D == '{' || D == '[') {
          ++Inner;
        } else if ((D == '}' || D == ']') && Inner > 0) {
          --Inner;
        } else if (D == ',' && Inner == 0) {
          Elements.push_back(Text.slice(ElementStart, I).trim(JsonWhitespace));
          ElementStart = I + 1;
        } else if (D == ']') {
          if (!Text.slice(ElementStart, I).trim(JsonWhitespace).empty())
            Elements.push_back(Text.slice(ElementStart, I).trim(JsonWhitespace));
          else if (!Elements.empty())
            return false; // a comma before ']': not JSON, as the whole parse says
          Rest = (Text.take_front(Open) + "null" + Text.drop_front(I + 1)).str();
          return true;
        }
      }
      return false;
    }
    if (C == '}' || C == ']') {
      if (Depth == 0)
        return false;
      --Depth;
    }
    if (C == ',' || C == '{')
      KeyStart = llvm::StringRef::npos;
  }
  return false;
}

} // namespace

namespace {

std::string readCheckJson(llvm::StringRef Text, CheckResult &Out, bool MaySplit) {
  std::string Rest;
  std::vector<llvm::StringRef> HandlerTexts;
  const bool Split = MaySplit && splitHandlers(Text, Rest, HandlerTexts);
  llvm::Expected<llvm::json::Value> Doc = llvm::json::parse(Split ? llvm::StringRef(Rest) : Text);
  if (!Doc)
    return "not valid JSON: " + llvm::toString(Doc.takeError());
  std::string Error;
  Reader In(Error);
  const llvm::json::Object *Root = In.object(&*Doc, "document");
  if (!Root)
    return "not a vmaprep JSON document (expected an object)";
  // The key twice: the object holds one of them, which need not be the
  // split one. Read as a whole parse does.
  if (const llvm::json::Value *H = Root->get("handlers"); Split && (!H || H->kind() != llvm::json::Value::Null))
    return readCheckJson(Text, Out, /*MaySplit=*/false);
  if (In.str(*Root, "schema", "", false) != "vmaprep-check")
    return "not a vmaprep check document (no \"schema\": \"vmaprep-check\")";
  unsigned Version = In.num(*Root, "version", "");
  if (In.failed())
    return "bad \"version\"";
  if (Version != 1)
    return "schema version " + std::to_string(Version) + " is not supported (this vmaprep reads 1)";

  CheckResult R;
  std::string Api = In.str(*Root, "api_level", "api_level");
  if (auto L = parseApiLevel(Api))
    R.Target = *L;
  else if (!In.failed())
    In.fail("api_level", "unknown API level '" + Api + "'");

  auto Each = [&](llvm::StringRef Key, auto Fn) {
    if (Split && Key == "handlers")
      return; // read from HandlerTexts below
    const llvm::json::Array *A = In.array(*Root, Key, "", /*Required=*/Key == "handlers");
    if (!A)
      return;
    for (size_t I = 0; I < A->size() && !In.failed(); ++I) {
      std::string P = Key.str() + "[" + std::to_string(I) + "]";
      if (const llvm::json::Object *O = In.object(&(*A)[I], P))
        Fn(*O, P);
    }
  };
  Each("handlers", [&](const llvm::json::Object &O, const std::string &P) { R.Handlers.push_back(In.handler(O, P)); });
  for (size_t I = 0; I < HandlerTexts.size() && !In.failed(); ++I) {
    std::string P = "handlers[" + std::to_string(I) + "]";
    llvm::Expected<llvm::json::Value> H = llvm::json::parse(HandlerTexts[I]);
    if (!H) {
      In.fail(P, "not valid JSON: " + llvm::toString(H.takeError()));
      break;
    }
    if (const llvm::json::Object *O = In.object(&*H, P))
      R.Handlers.push_back(In.handler(*O, P));
  }
  Each("external_definitions",
       [&](const llvm::json::Object &O, const std::string &P) { R.ExternalDefinitions.push_back(In.handler(O, P)); });
  Each("external_uses", [&](const llvm::json::Object &O, const std::string &P) {
    ExternalHandlerUse U;
    U.Function = In.str(O, "function", P);
    U.Where = In.site(O, P);
    if (const llvm::json::Array *Decls = In.array(O, "declarations", P, false))
      for (size_t I = 0; I < Decls->size(); ++I) {
        std::string DP = P + ".declarations[" + std::to_string(I) + "]";
        if (const llvm::json::Object *S = In.object(&(*Decls)[I], DP))
          U.Declarations.push_back(In.site(*S, DP));
      }
    R.ExternalUses.push_back(std::move(U));
  });
  Each("subsystem_hooks", [&](const llvm::json::Object &O, const std::string &P) {
    SubsystemHookReport H{In.str(O, "function", P), In.opsSite(O, P), false, {}};
    // "body_visible", "verdict", "reasons" (optional: documents written before they existed).
    if (const llvm::json::Value *V = O.get("verdict"); V && V->getAsString()) {
      H.BodyVisible = true;
      H.Result.Kind =
          In.enumField(O, "verdict", P, VerdictKind::InvalidBothHooks, verdictName, VerdictKind::AutoConvertible);
      if (const llvm::json::Array *Reasons = O.getArray("reasons"))
        for (const llvm::json::Value &RV : *Reasons)
          if (const llvm::json::Object *RO = RV.getAsObject())
            H.Result.Reasons.push_back(
                {RO->getString("id").value_or("").str(), RO->getString("text").value_or("").str(), {}});
    }
    R.SubsystemHooks.push_back(std::move(H));
  });
  Each("tables_with_both_hooks", [&](const llvm::json::Object &O, const std::string &P) {
    R.BothHooks.push_back({In.str(O, "table", P), In.site(O, P), In.str(O, "mmap", P), In.str(O, "mmap_prepare", P)});
  });
  Each("unresolved", [&](const llvm::json::Object &O, const std::string &P) {
    R.Unresolved.push_back({In.opsSite(O, P), In.str(O, "expression", P, false)});
  });
  Each("errors", [&](const llvm::json::Object &O, const std::string &P) {
    R.Errors.push_back({In.path(O, P, false), In.str(O, "message", P)});
  });
  if (const llvm::json::Array *Detected = In.array(*Root, "api_detection", "", false))
    for (const llvm::json::Value &V : *Detected)
      if (auto S = V.getAsString())
        R.ApiDetections.push_back(S->str());
  if (const llvm::json::Array *Dropped = In.array(*Root, "dropped_flags", "", false))
    for (const llvm::json::Value &V : *Dropped)
      if (auto S = V.getAsString())
        R.DroppedFlags.insert(S->str());
  if (const llvm::json::Object *Summary = Root->getObject("summary")) {
    R.FilesAnalysed = In.num(*Summary, "files_analysed", "summary", false);
    R.DuplicateEntries = In.num(*Summary, "duplicate_database_entries", "summary", false);
    R.FilesSkippedByPrefilter = In.num(*Summary, "files_skipped_by_prefilter", "summary", false);
    R.FilesExcluded = In.num(*Summary, "files_excluded", "summary", false);
    R.Suppressed = In.num(*Summary, "suppressed_by_nolint", "summary", false);
    R.Baselined = In.num(*Summary, "baselined", "summary", false);
    R.OutsideChangedLines = In.num(*Summary, "outside_changed_lines", "summary", false);
  }
  if (In.failed())
    return Error;
  Out = std::move(R);
  return "";
}

} // namespace

std::string readCheckJson(llvm::StringRef Text, CheckResult &Out) {
  if (std::string Deep = checkNesting(Text, /*Yaml=*/false); !Deep.empty())
    return Deep;
  return readCheckJson(Text, Out, /*MaySplit=*/true);
}

std::string readCheckJsonFile(const std::string &Path, CheckResult &Out) {
  auto Buffer = llvm::MemoryBuffer::getFileOrSTDIN(Path, /*IsText=*/true);
  if (!Buffer)
    return Path + ": cannot read: " + Buffer.getError().message();
  if (std::string Err = readCheckJson((*Buffer)->getBuffer(), Out); !Err.empty())
    return Path + ": malformed vmaprep JSON: " + Err;
  return "";
}

std::string mergeResults(std::vector<CheckResult> &&Parts, CheckResult &Out) {
  CheckResult M;
  if (!Parts.empty())
    M.Target = Parts.front().Target;
  FindingsMerger Merger(M);
  for (CheckResult &P : Parts) {
    if (P.Target != M.Target)
      return "the inputs were checked at different API levels (" + apiLevelName(M.Target).str() + " and " +
             apiLevelName(P.Target).str() + ")";
    Merger.add({std::move(P.Handlers), std::move(P.ExternalDefinitions), std::move(P.ExternalUses),
                std::move(P.SubsystemHooks), std::move(P.BothHooks), std::move(P.Unresolved)});
    for (InputError &E : P.Errors)
      M.Errors.push_back(std::move(E));
    M.DroppedFlags.insert(P.DroppedFlags.begin(), P.DroppedFlags.end());
    for (std::string &D : P.ApiDetections)
      if (std::find(M.ApiDetections.begin(), M.ApiDetections.end(), D) == M.ApiDetections.end())
        M.ApiDetections.push_back(std::move(D));
    M.FilesAnalysed += P.FilesAnalysed;
    M.DuplicateEntries += P.DuplicateEntries;
    M.FilesSkippedByPrefilter += P.FilesSkippedByPrefilter;
    M.FilesExcluded += P.FilesExcluded;
    M.Suppressed += P.Suppressed;
    M.Baselined += P.Baselined;
    M.OutsideChangedLines += P.OutsideChangedLines;
  }
  Merger.finish();
  sortFindings(M);
  Out = std::move(M);
  return "";
}

} // namespace vmaprep

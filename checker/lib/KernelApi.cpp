//===- KernelApi.cpp - the catalogue as lookup tables ---------------------===//
#include "vmaprep/KernelApi.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace vmaprep {

llvm::StringRef effectTagName(EffectTag T) {
  switch (T) {
  case EffectTag::None: return "";
  case EffectTag::Helper: return "";
  case EffectTag::Stored: return "stored";
  case EffectTag::AddressTaken: return "address-taken";
  case EffectTag::Copied: return "copied";
  case EffectTag::Expression: return "expression";
  case EffectTag::Returned: return "returned";
  case EffectTag::UnknownCallee: return "unknown-callee";
  case EffectTag::HeaderInline: return "header-inline";
  case EffectTag::Subsystem: return "subsystem";
  case EffectTag::FunctionPointer: return "function-pointer";
  case EffectTag::MmPassed: return "mm-passed";
  case EffectTag::Recursion: return "recursion";
  case EffectTag::CallDepth: return "call-depth";
  case EffectTag::Allocation: return "allocation";
  case EffectTag::Reference: return "reference";
  case EffectTag::RuntimePm: return "runtime-pm";
  case EffectTag::ModuleRef: return "module-ref";
  case EffectTag::DeviceRef: return "device-ref";
  case EffectTag::FileRef: return "file-ref";
  case EffectTag::ListInsert: return "list-insert";
  case EffectTag::StateWrite: return "state-write";
  case EffectTag::Bookkeeping: return "bookkeeping";
  case EffectTag::DescField: return "desc";
  case EffectTag::OpsWithMapped: return "ops-with-mapped";
  case EffectTag::Compound: return "compound";
  case EffectTag::Increment: return "increment";
  case EffectTag::Action: return "action";
  }
  return "?";
}

namespace {

const KernelApi Catalogue[] = {
#define VMAPREP_KERNEL_API(Name, Form, Effect, EffectName, Tag, Op1, Op2, Op3, Start, Size, Source, Count, Whole,      \
                           Blocker, TwinRequired, Twin, TwinFrom, Twin2, Twin2From, Release)                           \
  {#Name,                                                                                                              \
   KernelApiForm::Form,                                                                                                \
   EffectKind::Effect,                                                                                                 \
   EffectName,                                                                                                         \
   EffectTag::Tag,                                                                                                     \
   {Op1, Op2, Op3},                                                                                                    \
   Start,                                                                                                              \
   Size,                                                                                                               \
   Source,                                                                                                             \
   Count,                                                                                                              \
   Whole,                                                                                                              \
   KernelApiBlocker::Blocker,                                                                                          \
   TwinRequired,                                                                                                       \
   Twin,                                                                                                               \
   ApiCapability::TwinFrom,                                                                                            \
   Twin2,                                                                                                              \
   ApiCapability::Twin2From,                                                                                           \
   Release},
#include "vmaprep/KernelApi.def"
};

constexpr KernelStateOperation StateOperations[] = {
#define VMAPREP_STATE_OPERATION(Name, Operation, Kind, Counterpart)                                                    \
  {#Name, KernelApiStateOperation::Operation, EffectTag::Kind, Counterpart},
#include "vmaprep/KernelApi.def"
};

enum class PrefixFamily { Subsystem, Counter, Action };
struct NamePrefix {
  const char *Prefix;
  PrefixFamily Family;
};
constexpr NamePrefix Prefixes[] = {
#define VMAPREP_NAME_PREFIX(Prefix, Family) {Prefix, PrefixFamily::Family},
#include "vmaprep/KernelApi.def"
};

bool hasPrefixOf(llvm::StringRef Name, PrefixFamily Family) {
  for (const NamePrefix &P : Prefixes)
    if (P.Family == Family && Name.starts_with(P.Prefix))
      return true;
  return false;
}

const llvm::StringMap<const KernelApi *> &index(KernelApiForm Form) {
  auto Build = [](KernelApiForm F) {
    llvm::StringMap<const KernelApi *> M;
    for (const KernelApi &A : Catalogue)
      if (A.Form == F)
        M[A.Name] = &A;
    return M;
  };
  static const llvm::StringMap<const KernelApi *> Functions = Build(KernelApiForm::Function);
  static const llvm::StringMap<const KernelApi *> Fields = Build(KernelApiForm::VmaField);
  static const llvm::StringMap<const KernelApi *> ActionFields = Build(KernelApiForm::ActionField);
  static const llvm::StringMap<const KernelApi *> FieldValues = Build(KernelApiForm::FieldValue);
  switch (Form) {
  case KernelApiForm::Function: return Functions;
  case KernelApiForm::VmaField: return Fields;
  case KernelApiForm::ActionField: return ActionFields;
  case KernelApiForm::FieldValue: return FieldValues;
  }
  return Functions;
}

const KernelApi *find(KernelApiForm Form, llvm::StringRef Name) {
  const auto &M = index(Form);
  auto It = M.find(Name);
  return It == M.end() ? nullptr : It->second;
}

} // namespace

llvm::StringRef KernelApi::twinAt(ApiLevel Level) const {
  if (*Twin2 && levelHas(Level, Twin2From))
    return Twin2;
  if (*Twin && levelHas(Level, TwinFrom))
    return Twin;
  return "";
}

llvm::StringRef KernelApi::descFieldFor(ApiLevel Level, bool Write) const {
  if (Form != KernelApiForm::VmaField || Blocker == KernelApiBlocker::NoDescField ||
      (Write && Blocker == KernelApiBlocker::ImmutableField) || (!Write && Blocker == KernelApiBlocker::WriteOnlyField))
    return "";
  return twinAt(Level);
}

const KernelApi *kernelFunction(llvm::StringRef Name) { return find(KernelApiForm::Function, Name); }
const KernelApi *vmaFieldApi(llvm::StringRef Name) { return find(KernelApiForm::VmaField, Name); }
const KernelApi *actionFieldApi(llvm::StringRef Name) { return find(KernelApiForm::ActionField, Name); }
const KernelApi *fieldValueApi(llvm::StringRef Name) { return find(KernelApiForm::FieldValue, Name); }

bool isCallTwin(llvm::StringRef Twin, llvm::StringRef *Callee) {
  size_t Open = Twin.find('(');
  llvm::StringRef Name = Twin.take_front(Open);
  bool Call = Open != llvm::StringRef::npos && Open > 0 && Twin.ends_with(")") &&
              Name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
                  llvm::StringRef::npos;
  if (Call && Callee)
    *Callee = Name;
  return Call;
}

bool isImmutableDescField(llvm::StringRef Field, ApiLevel Level) {
  for (const KernelApi &A : Catalogue) {
    if (A.Form != KernelApiForm::VmaField || A.Blocker == KernelApiBlocker::NoDescField)
      continue;
    if (A.Blocker == KernelApiBlocker::ImmutableField && A.twinAt(Level) == Field)
      return true;
    bool Renamed = *A.Twin2 && levelHas(Level, A.Twin2From);
    if (Renamed && Field == A.Twin)
      return true;
  }
  return false;
}

const KernelStateOperation *stateOperation(llvm::StringRef Name) {
  static const llvm::StringMap<const KernelStateOperation *> Index = [] {
    llvm::StringMap<const KernelStateOperation *> M;
    for (const KernelStateOperation &Op : StateOperations)
      M[Op.Name] = &Op;
    return M;
  }();
  auto It = Index.find(Name);
  return It == Index.end() ? nullptr : It->second;
}

bool isMessageCall(llvm::StringRef Name) {
  static const llvm::StringSet<> Messages = {
#define VMAPREP_MESSAGE(Name) #Name,
#include "vmaprep/KernelApi.def"
  };
  return Messages.count(Name);
}

bool isSubsystemHelper(llvm::StringRef Name) { return hasPrefixOf(Name, PrefixFamily::Subsystem); }

/// Decrements and puts give back what an acquisition took.
static bool countsDown(llvm::StringRef Name) {
  return Name.contains("dec") || Name.contains("sub") || Name.contains("put");
}

bool isCounterAcquisition(llvm::StringRef Name) {
  return hasPrefixOf(Name, PrefixFamily::Counter) && !countsDown(Name) && !Name.contains("read") &&
         !Name.ends_with("_init");
}

bool isCounterRelease(llvm::StringRef Name) { return hasPrefixOf(Name, PrefixFamily::Counter) && countsDown(Name); }

bool isActionHelper(llvm::StringRef Name) { return hasPrefixOf(Name, PrefixFamily::Action); }

} // namespace vmaprep

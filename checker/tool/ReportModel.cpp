//===- ReportModel.cpp ----------------------------------------------------===//
#include "ReportModel.h"

#include "PatchSeries.h"
#include "findings/Paths.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include <algorithm>
#include <cmath>
#include <tuple>

namespace vmaprep::report {

// Okabe and Ito's palette, which readers with any common colour-vision
// deficiency tell apart (no red against green).
const CategoryInfo Categories[NumCategories] = {
    {"already-mmap-prepare", "already mmap_prepare", "already", "#009e73"},
    {"auto-convertible", "auto-convertible", "auto", "#56b4e9"},
    {"convertible-with-mapped", "convertible with ->mapped", "->mapped", "#0072b2"},
    {"needs-api-level", "waiting for an API level", "API level", "#e69f00"},
    {"blocked", "blocked", "blocked", "#d55e00"},
    {"invalid-both-hooks", "both hooks set (invalid)", "invalid", "#cc79a7"},
};

Category categoryOf(VerdictKind K) {
  switch (K) {
  case VerdictKind::AlreadyMmapPrepare: return Already;
  case VerdictKind::AutoConvertible: return Auto;
  case VerdictKind::ConvertibleWithMapped: return Mapped;
  case VerdictKind::NeedsApiLevel: return WaitingApi;
  case VerdictKind::Blocked: return Blocked;
  case VerdictKind::InvalidBothHooks: return Invalid;
  }
  return Blocked;
}

static std::string subsystemOf(const std::string &Rel, bool Relative, unsigned Depth) {
  if (!Relative)
    return "(outside the root)";
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  llvm::StringRef(Rel).split(Parts, '/', -1, /*KeepEmpty=*/false);
  if (Parts.size() <= 1)
    return "(top level)";
  Parts.pop_back(); // the file name
  if (Parts.size() > Depth)
    Parts.resize(Depth);
  return llvm::join(Parts, "/");
}

static void buildHookMembers(const CheckResult &R, Model &M) {
  std::map<std::string, HookMember> Members;
  std::map<std::string, std::set<std::string>> Seen; // member -> implementations counted
  for (const SubsystemHookReport &H : R.SubsystemHooks) {
    HookMember &Member = Members[H.Site.Record + "." + H.Site.Member];
    ++Member.Registrations;
    // A body elsewhere is one shared function (vb2_fop_mmap, drm_gem_mmap);
    // a body here may be a static function of the same name as another
    // file's.
    std::string Key = H.BodyVisible ? H.Site.Where.File + "|" + H.Function : "|" + H.Function;
    if (!Seen[H.Site.Record + "." + H.Site.Member].insert(Key).second)
      continue;
    if (!H.BodyVisible) {
      ++Member.BodyElsewhere;
      continue;
    }
    Category C = categoryOf(H.Result.Kind);
    ++Member.Count[C];
    if (C == Blocked) {
      std::set<std::string> Ids;
      for (const Reason &Rs : H.Result.Reasons)
        if (Ids.insert(Rs.Id).second)
          ++Member.Reasons[Rs.Id];
    }
  }
  for (auto &[Name, Member] : Members) {
    Member.Name = Name;
    M.Hooks.push_back(std::move(Member));
  }
  std::stable_sort(M.Hooks.begin(), M.Hooks.end(),
                   [](const HookMember &A, const HookMember &B) { return A.implementations() > B.implementations(); });
}

std::string hookReasons(const HookMember &H) {
  std::vector<std::pair<std::string, unsigned>> ByCount(H.Reasons.begin(), H.Reasons.end());
  std::stable_sort(ByCount.begin(), ByCount.end(), [](const auto &A, const auto &B) { return A.second > B.second; });
  std::string S;
  for (const auto &[Id, N] : ByCount)
    S += (S.empty() ? "" : ", ") + Id + " (" + std::to_string(N) + ")";
  return S;
}

Model buildModel(const CheckResult &R, const ReportOptions &O) {
  Model M;
  M.Overall.Name = "all";
  std::map<std::string, Group> Groups;
  // Kernel work is organised by MAINTAINERS entry; paths are the fallback
  // (no MAINTAINERS, or a file no entry covers).
  MaintainersIndex Maintainers(O.Root);
  M.ByMaintainers = !Maintainers.empty();
  for (const HandlerReport &H : R.Handlers) {
    std::string Rel = relativeToRoot(H.Where.File, O.Root);
    // Only paths relative to the tree: a report goes to mailing lists.
    Entry E{&H, Rel.empty() ? llvm::sys::path::filename(H.Where.File).str() : Rel, !Rel.empty()};
    std::string Sub = subsystemOf(E.Path, E.Relative, O.Depth);
    if (E.Relative && M.ByMaintainers)
      if (std::string Entry = Maintainers.entryFor(E.Path).Entry; !Entry.empty())
        Sub = Entry;
    Group &G = Groups[Sub];
    G.Name = Sub;
    Category C = categoryOf(H.Result.Kind);
    ++G.Count[C];
    ++M.Overall.Count[C];
    G.Entries.push_back(E);
    M.Files.insert(H.Where.File);
    if (C == Blocked) {
      std::set<std::string> Seen;
      for (const Reason &Rs : H.Result.Reasons)
        if (Seen.insert(Rs.Id).second) {
          BlockedReason &B = M.Reasons[Rs.Id];
          ++B.Handlers;
          if (B.Example.empty())
            B.Example = Rs.Text;
          B.Subsystems.insert(Sub);
        }
      if (H.Result.Reasons.empty())
        ++M.Reasons["unknown"].Handlers, M.Reasons["unknown"].Subsystems.insert(Sub);
    }
  }
  for (auto &[Name, G] : Groups) {
    llvm::sort(G.Entries, [](const Entry &A, const Entry &B) {
      return std::tie(A.Path, A.H->Where.Line, A.H->Function) < std::tie(B.Path, B.H->Where.Line, B.H->Function);
    });
    M.Subsystems.push_back(std::move(G));
  }
  // Most work left first (handlers not yet on mmap_prepare), then by name.
  std::stable_sort(M.Subsystems.begin(), M.Subsystems.end(), [](const Group &A, const Group &B) {
    return std::make_tuple(-int(A.remaining()), -int(A.total()), A.Name) <
           std::make_tuple(-int(B.remaining()), -int(B.total()), B.Name);
  });
  buildHookMembers(R, M);
  for (const Group &G : M.Subsystems)
    for (const Entry &E : G.Entries)
      if (E.H->Result.Kind == VerdictKind::NeedsApiLevel)
        M.Waiting[E.H->Result.NeededLevel ? apiLevelName(*E.H->Result.NeededLevel).str() : "?"].push_back(&E);
  return M;
}

std::string href(const Entry &E, const ReportOptions &O) {
  // Percent-encoded: the link names the file's exact bytes, where the text
  // beside it (UTF-8, as the page is) may show U+FFFD.
  std::string Path = uriPathEncode(E.Path);
  return (E.Relative ? O.LinkBase + Path : Path) + "#L" + std::to_string(E.H->Where.Line);
}

std::string utf8Text(llvm::StringRef Text) { return llvm::json::isUTF8(Text) ? Text.str() : llvm::json::fixUTF8(Text); }

std::string percent(unsigned N, unsigned Of) { return Of ? std::to_string(std::lround(100.0 * N / Of)) + "%" : "-"; }

std::string detailOf(const HandlerReport &H) {
  std::string S;
  if (H.Result.Kind == VerdictKind::NeedsApiLevel && H.Result.NeededLevel)
    S = "needs " + apiLevelName(*H.Result.NeededLevel).str();
  if (H.Result.Kind == VerdictKind::Blocked || H.Result.Kind == VerdictKind::InvalidBothHooks) {
    std::set<std::string> Seen;
    for (const Reason &Rs : H.Result.Reasons)
      if (Seen.insert(Rs.Id).second)
        S += (S.empty() ? "" : ", ") + Rs.Id;
  }
  if (!H.BodyVisible && H.Kind == HookKind::LegacyMmap)
    S += std::string(S.empty() ? "" : "; ") + "body not in the analysed files";
  // For a convertible verdict, whether `vmaprep fix` rewrites it (check's rewrite outlook).
  if (H.Rewrite &&
      (H.Result.Kind == VerdictKind::AutoConvertible || H.Result.Kind == VerdictKind::ConvertibleWithMapped))
    S += std::string(S.empty() ? "" : "; ") +
         (H.Rewrite->Available ? "vmaprep fix rewrites it" : "vmaprep fix does not rewrite it: " + H.Rewrite->Refusal);
  return S;
}

std::string header(const CheckResult &R, const Model &M, const ReportOptions &O) {
  return std::to_string(R.Handlers.size()) + " file_operations mmap handlers in " + std::to_string(M.Files.size()) +
         " files (" + std::to_string(R.FilesAnalysed) + " translation units analysed), API level " +
         apiLevelName(R.Target).str() +
         (M.ByMaintainers ? ", grouped by MAINTAINERS entry (by path at depth " + std::to_string(O.Depth) +
                                " where no entry covers a file)"
                          : ", subsystems at depth " + std::to_string(O.Depth)) +
         ", sorted by handlers left to convert";
}

} // namespace vmaprep::report

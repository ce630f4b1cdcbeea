//===- ReportModel.h - what `vmaprep report` counts -----------------------===//
//
// One model of where a tree stands (per subsystem or MAINTAINERS entry and
// overall: counts per verdict category, blocked reasons, handlers waiting for
// an API level), rendered by ReportMarkdown.cpp and ReportHtml.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_TOOL_REPORTMODEL_H
#define VMAPREP_TOOL_REPORTMODEL_H

#include "ReportCommand.h"
#include "vmaprep/Classifier.h"
#include "llvm/ADT/StringRef.h"
#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace vmaprep::report {

enum Category { Already, Auto, Mapped, WaitingApi, Blocked, Invalid, NumCategories };

struct CategoryInfo {
  const char *Id;
  const char *Label;
  const char *Short; // table header
  const char *Color;
};

/// Each category's id, label, table header and colour.
extern const CategoryInfo Categories[NumCategories];

Category categoryOf(VerdictKind K);

struct Entry {
  const HandlerReport *H;
  std::string Path; // relative to the root, or absolute when outside it
  bool Relative;
};

struct Group {
  std::string Name;
  std::array<unsigned, NumCategories> Count{};
  std::vector<Entry> Entries;
  unsigned total() const {
    unsigned N = 0;
    for (unsigned C : Count)
      N += C;
    return N;
  }
  unsigned remaining() const { return total() - Count[Already]; }
  unsigned percentDone() const { return total() ? unsigned((100.0 * Count[Already]) / total() + 0.5) : 0; }
};

struct BlockedReason {
  unsigned Handlers = 0;
  std::string Example;
  std::set<std::string> Subsystems;
};

/// One subsystem hook (fb_ops.fb_mmap, dma_buf_ops.mmap, ...): its
/// implementations, classified as if the subsystem had a prepare hook, which
/// is what converting that subsystem would cost.
struct HookMember {
  std::string Name; // "fb_ops.fb_mmap"
  /// Implementations (a function whose body is in another file counts once,
  /// however many tables name it; a static one once per file) by category.
  std::array<unsigned, NumCategories> Count{};
  unsigned BodyElsewhere = 0;              // no verdict: the body is in a file not analysed with the table
  unsigned Registrations = 0;              // ops sites naming one of them
  std::map<std::string, unsigned> Reasons; // blocked implementations, by reason id
  unsigned implementations() const {
    unsigned N = BodyElsewhere;
    for (unsigned C : Count)
      N += C;
    return N;
  }
};

struct Model {
  std::vector<Group> Subsystems; // by name
  Group Overall;
  std::map<std::string, BlockedReason> Reasons;              // blocked handlers, by reason id
  std::map<std::string, std::vector<const Entry *>> Waiting; // by needed API level
  std::set<std::string> Files;
  bool ByMaintainers = false;    // groups are MAINTAINERS entries
  std::vector<HookMember> Hooks; // most implementations first
};

Model buildModel(const CheckResult &R, const ReportOptions &O);

/// The link to a handler: the link base and its path, with its line.
std::string href(const Entry &E, const ReportOptions &O);
/// \p Text as UTF-8, which the pages are: a file name that is not shows
/// U+FFFD there (its link, href(), keeps the exact bytes).
std::string utf8Text(llvm::StringRef Text);
/// "42%", or "-" when \p Of is 0.
std::string percent(unsigned N, unsigned Of);
/// What a table row says beside a handler's verdict (needed level, reasons,
/// whether `vmaprep fix` rewrites it).
std::string detailOf(const HandlerReport &H);
/// The categories a hook implementation can fall in (it is never already
/// converted, and has no table with both hooks), in column order.
inline constexpr unsigned HookCategories[] = {Auto, Mapped, WaitingApi, Blocked};
/// What the subsystem hook table counts, under its heading.
inline constexpr const char *HookSectionIntro =
    "A subsystem hook takes a VMA where its subsystem calls it (fb_ops.fb_mmap, dma_buf_ops.mmap, ...) and moves to "
    "mmap_prepare only when that subsystem gets a prepare hook. Each implementation is classified as if it had one: "
    "what converting the subsystem would cost. An implementation whose body is in a file not analysed with its table "
    "has no verdict.";
/// A hook member's blocking reasons, most frequent first: "dma-mmap (3), page-insertion (1)".
std::string hookReasons(const HookMember &H);
/// The sentence under the title: what was counted, at which level, grouped how.
std::string header(const CheckResult &R, const Model &M, const ReportOptions &O);

} // namespace vmaprep::report

#endif

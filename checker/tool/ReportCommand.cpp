//===- ReportCommand.cpp - `vmaprep report` -------------------------------===//
//
// One model (per-subsystem and overall counts, blocked reasons, handler
// lists), two renderers. The HTML page is self-contained: inline CSS, a chart
// drawn as inline SVG by this program (so it shows with scripts off too), a
// few lines of inline script that only add table sorting, and a
// Content-Security-Policy that forbids every network load.
//
//===----------------------------------------------------------------------===//
#include "ReportCommand.h"

#include "CompilationInputs.h"
#include "JsonInput.h"
#include "PatchSeries.h"
#include "SafeFileWriter.h"
#include "SarifOutput.h"
#include "vmaprep/Classifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include <array>
#include <map>
#include <set>

namespace vmaprep {

const char *const ReportUsage = R"(usage: vmaprep report -p BUILD_DIR [FILES...] [--api LEVEL] [-j N] [options]
       vmaprep report --from-json CHECK.json... [options]

Where a tree stands in the mmap_prepare migration: per subsystem and overall,
how many handlers already use mmap_prepare, are auto-convertible, convertible
with vm_ops->mapped, waiting for an API level, or blocked (by reason), with a
link to every handler.

options:
  -p DIR             run the check over this compile database
  --from-json FILE   read `vmaprep check --format json` output (one or more
                     files, e.g. shards; merged like `vmaprep merge`)
  --api LEVEL, -j N  as for `vmaprep check` (with -p)
  --depth N          directories that name a subsystem (default 2: drivers/char, fs/ext4)
  --format FORMAT    markdown (default) or html
  -o FILE            write to FILE (atomically) instead of standard output
  --root DIR         paths are shown relative to DIR (default: the compile
                     database's directory; with --from-json the current
                     directory, or the deepest directory holding every handler)
  --link-base URL    prefix of handler links, e.g. https://elixir.bootlin.com/linux/v6.12/source/
                     (default: paths relative to the root)
  --title TEXT       the report's title
  -h, --help         this help

exit codes: 0 report written (translation units that could not be analysed are
listed in it and on stderr), 2 usage or input error, or nothing could be analysed
(an empty compile database, no file that compiles)
)";

namespace {

enum Category { Already, Auto, Mapped, WaitingApi, Blocked, Invalid, NumCategories };

struct CategoryInfo {
  const char *Id;
  const char *Label;
  const char *Short; // table header
  const char *Color;
};

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
  unsigned percentDone() const {
    return total() ? unsigned((100.0 * Count[Already]) / total() + 0.5) : 0;
  }
};

struct BlockedReason {
  unsigned Handlers = 0;
  std::string Example;
  std::set<std::string> Subsystems;
};

struct Model {
  std::vector<Group> Subsystems; // by name
  Group Overall;
  std::map<std::string, BlockedReason> Reasons;        // blocked handlers, by reason id
  std::map<std::string, std::vector<const Entry *>> Waiting; // by needed API level
  std::set<std::string> Files;
  bool ByMaintainers = false; // groups are MAINTAINERS entries
};

std::string subsystemOf(const std::string &Rel, bool Relative, unsigned Depth) {
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
      return std::tie(A.Path, A.H->Where.Line, A.H->Function) <
             std::tie(B.Path, B.H->Where.Line, B.H->Function);
    });
    M.Subsystems.push_back(std::move(G));
  }
  // Most work left first (handlers not yet on mmap_prepare), then by name.
  std::stable_sort(M.Subsystems.begin(), M.Subsystems.end(), [](const Group &A, const Group &B) {
    return std::make_tuple(-int(A.remaining()), -int(A.total()), A.Name) <
           std::make_tuple(-int(B.remaining()), -int(B.total()), B.Name);
  });
  for (const Group &G : M.Subsystems)
    for (const Entry &E : G.Entries)
      if (E.H->Result.Kind == VerdictKind::NeedsApiLevel)
        M.Waiting[E.H->Result.NeededLevel ? apiLevelName(*E.H->Result.NeededLevel).str() : "?"]
            .push_back(&E);
  return M;
}

std::string href(const Entry &E, const ReportOptions &O) {
  std::string Base = E.Relative ? O.LinkBase + E.Path : E.Path;
  return Base + "#L" + std::to_string(E.H->Where.Line);
}

std::string percent(unsigned N, unsigned Of) {
  return Of ? std::to_string(unsigned((100.0 * N) / Of + 0.5)) + "%" : "-";
}

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
  if (H.Rewrite && (H.Result.Kind == VerdictKind::AutoConvertible ||
                    H.Result.Kind == VerdictKind::ConvertibleWithMapped))
    S += std::string(S.empty() ? "" : "; ") +
         (H.Rewrite->Available ? "vmaprep fix rewrites it" : "vmaprep fix does not rewrite it: " + H.Rewrite->Refusal);
  return S;
}

std::string header(const CheckResult &R, const Model &M, const ReportOptions &O) {
  return std::to_string(R.Handlers.size()) + " file_operations mmap handlers in " +
         std::to_string(M.Files.size()) + " files (" + std::to_string(R.FilesAnalysed) +
         " translation units analysed), API level " + apiLevelName(R.Target).str() +
         (M.ByMaintainers ? ", grouped by MAINTAINERS entry (by path at depth " + std::to_string(O.Depth) +
                                " where no entry covers a file)"
                          : ", subsystems at depth " + std::to_string(O.Depth)) +
         ", sorted by handlers left to convert";
}

// ---- Markdown ---------------------------------------------------------------

std::string mdCell(llvm::StringRef S) {
  std::string Out;
  for (char C : S) {
    // Intraword underscores are not emphasis in CommonMark: leave
    // mmap_prepare readable in a terminal.
    if (C == '|' || C == '\\' || C == '*' || C == '`' || C == '[' || C == ']' || C == '<')
      Out += '\\';
    Out += C == '\n' ? ' ' : C;
  }
  return Out;
}

std::string mdCode(llvm::StringRef S) {
  std::string Out = "`";
  for (char C : S)
    Out += C == '`' ? '\'' : C == '|' ? '/' : C;
  return Out + "`";
}

std::string progressBar(unsigned Done, unsigned Total) {
  const unsigned Width = 20;
  unsigned Filled = Total ? (Done * Width + Total / 2) / Total : 0;
  return "[" + std::string(Filled, '#') + std::string(Width - Filled, '.') + "]";
}

} // namespace

void writeMarkdownReport(const CheckResult &R, const ReportOptions &O, llvm::raw_ostream &OS) {
  Model M = buildModel(R, O);
  const Group &All = M.Overall;
  OS << "# " << mdCell(O.Title) << "\n\n" << mdCell(header(R, M, O)) << ".\n\n";
  OS << "**Converted: " << All.Count[Already] << " of " << All.total() << " ("
     << percent(All.Count[Already], All.total()) << ")** `"
     << progressBar(All.Count[Already], All.total()) << "`\n\n";

  OS << "| status | handlers | share |\n|---|---:|---:|\n";
  for (unsigned C = 0; C < NumCategories; ++C)
    if (C != Invalid || All.Count[C])
      OS << "| " << mdCell(Categories[C].Label) << " | " << All.Count[C] << " | "
         << percent(All.Count[C], All.total()) << " |\n";
  OS << "| **total** | **" << All.total() << "** | |\n\n";

  OS << "## By subsystem\n\n| subsystem | handlers |";
  for (unsigned C = 0; C < NumCategories; ++C)
    if (C != Invalid || All.Count[C])
      OS << " " << mdCell(Categories[C].Short) << " |";
  OS << " converted |\n|---|---:|";
  for (unsigned C = 0; C < NumCategories; ++C)
    if (C != Invalid || All.Count[C])
      OS << "---:|";
  OS << "---:|\n";
  auto Row = [&](const Group &G, bool Bold) {
    std::string B = Bold ? "**" : "";
    OS << "| " << B << mdCell(G.Name) << B << " | " << B << G.total() << B << " |";
    for (unsigned C = 0; C < NumCategories; ++C)
      if (C != Invalid || All.Count[C])
        OS << " " << G.Count[C] << " |";
    OS << " " << percent(G.Count[Already], G.total()) << " |\n";
  };
  for (const Group &G : M.Subsystems)
    Row(G, false);
  Row(All, true);
  OS << "\n";

  if (!M.Reasons.empty()) {
    OS << "## Blocked, by reason\n\nA handler blocked for several reasons counts under each.\n\n"
       << "| reason | handlers | example | subsystems |\n|---|---:|---|---|\n";
    for (const auto &[Id, B] : M.Reasons)
      OS << "| " << mdCode(Id) << " | " << B.Handlers << " | " << mdCell(B.Example) << " | "
         << mdCell(llvm::join(B.Subsystems, ", ")) << " |\n";
    OS << "\n";
  }
  if (!M.Waiting.empty()) {
    OS << "## Waiting for an API level\n\n| API level | handlers |\n|---|---|\n";
    for (const auto &[Level, Entries] : M.Waiting) {
      OS << "| " << Level << " | ";
      for (size_t I = 0; I < Entries.size(); ++I)
        OS << (I ? ", " : "") << "[" << mdCode(Entries[I]->H->Function) << "](" << href(*Entries[I], O)
           << ")";
      OS << " |\n";
    }
    OS << "\n";
  }

  OS << "## Handlers\n";
  for (const Group &G : M.Subsystems) {
    OS << "\n### " << mdCell(G.Name) << "\n\n| handler | hook | location | status | detail |\n"
       << "|---|---|---|---|---|\n";
    for (const Entry &E : G.Entries)
      OS << "| " << mdCode(E.H->Function) << " | ." << mdCell(hookKindName(E.H->Kind)) << " | ["
         << mdCell(E.Path) << ":" << E.H->Where.Line << "](" << href(E, O) << ") | "
         << Categories[categoryOf(E.H->Result.Kind)].Label << " | " << mdCell(detailOf(*E.H))
         << " |\n";
  }
  if (!R.Errors.empty()) {
    OS << "\n## Not analysed\n\n";
    for (const InputError &E : R.Errors)
      OS << "- " << mdCell(E.File) << ": " << mdCell(E.Message) << "\n";
  }
}

// ---- HTML -------------------------------------------------------------------

namespace {

std::string html(llvm::StringRef S) {
  std::string Out;
  for (char C : S) {
    switch (C) {
    case '&': Out += "&amp;"; break;
    case '<': Out += "&lt;"; break;
    case '>': Out += "&gt;"; break;
    case '"': Out += "&quot;"; break;
    case '\'': Out += "&#39;"; break;
    default: Out += C;
    }
  }
  return Out;
}

const char *const Style = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}
.meta{color:#555;margin:0 0 16px}
table{border-collapse:collapse;margin:8px 0}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}
td.n,th.n{text-align:right}
thead th{background:#f2f2f2;cursor:pointer;user-select:none}
tfoot td{font-weight:bold;background:#fafafa}
.swatch{display:inline-block;width:10px;height:10px;margin-right:5px;vertical-align:baseline}
details{margin:6px 0}summary{cursor:pointer;font-weight:600}
code{font-family:ui-monospace,monospace;font-size:13px}
#chart text{font:12px system-ui,sans-serif;fill:#222}
)";

// Sorting only: the page is complete without it.
const char *const Script = R"(
(function(){
  document.querySelectorAll('table.sortable').forEach(function(t){
    t.querySelectorAll('thead th').forEach(function(th,i){
      th.addEventListener('click',function(){
        var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows);
        var dir=th.dataset.dir==='asc'?-1:1;th.dataset.dir=dir>0?'asc':'desc';
        rows.sort(function(x,y){
          var a=x.cells[i].dataset.v||x.cells[i].textContent,c=y.cells[i].dataset.v||y.cells[i].textContent;
          var na=parseFloat(a),nc=parseFloat(c);
          if(!isNaN(na)&&!isNaN(nc))return dir*(na-nc);
          return dir*a.localeCompare(c);
        });
        rows.forEach(function(r){b.appendChild(r);});
      });
    });
  });
  document.documentElement.setAttribute('data-report-ready','1');
})();
)";

void svgChart(const Model &M, llvm::raw_ostream &OS) {
  const double LabelW = 230, BarW = 560, RowH = 20, Gap = 6, LegendH = 28, CountW = 70;
  std::vector<const Group *> Rows{&M.Overall};
  for (const Group &G : M.Subsystems)
    Rows.push_back(&G);
  double Height = LegendH + Rows.size() * (RowH + Gap) + 4;
  // One scale for every bar (the overall one is the longest): a bar's length
  // is its handler count, so volume shows.
  unsigned Scale = std::max(1u, M.Overall.total());
  double Width = LabelW + BarW + CountW;
  OS << llvm::formatv("<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" "
                      "height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" "
                      "aria-label=\"handlers per subsystem by migration status\">\n",
                      Width, Height);
  double X = 0;
  for (unsigned C = 0; C < NumCategories; ++C) {
    if (C == Invalid && !M.Overall.Count[C])
      continue;
    OS << llvm::formatv("<g class=\"legend\"><rect x=\"{0}\" y=\"6\" width=\"12\" height=\"12\" "
                        "fill=\"{1}\"/><text x=\"{2}\" y=\"16\">{3}</text></g>\n",
                        X, Categories[C].Color, X + 16, html(Categories[C].Label));
    X += 16 + 7.2 * std::strlen(Categories[C].Label) + 18;
  }
  double Y = LegendH;
  for (const Group *G : Rows) {
    unsigned Total = G->total();
    OS << "<g class=\"bar\" data-subsystem=\"" << html(G->Name) << "\" data-total=\"" << Total
       << "\">";
    OS << llvm::formatv("<text x=\"{0}\" y=\"{1}\" text-anchor=\"end\"{3}>{2}</text>", LabelW - 8,
                        Y + 14, html(G->Name), G == &M.Overall ? " font-weight=\"bold\"" : "");
    double SegX = LabelW;
    for (unsigned C = 0; C < NumCategories; ++C) {
      if (!G->Count[C] || !Total)
        continue;
      double W = BarW * G->Count[C] / Scale;
      OS << llvm::formatv("<rect class=\"seg\" data-status=\"{0}\" x=\"{1:F2}\" y=\"{2}\" "
                          "width=\"{3:F2}\" height=\"{4}\" fill=\"{5}\"><title>{6}: {7} {8}</title></rect>",
                          Categories[C].Id, SegX, Y, W, RowH, Categories[C].Color, html(G->Name),
                          G->Count[C], html(Categories[C].Label));
      SegX += W;
    }
    OS << llvm::formatv("<text x=\"{0}\" y=\"{1}\">{2} ({3}%)</text></g>\n", LabelW + BarW + 6,
                        Y + 14, Total, G->percentDone());
    Y += RowH + Gap;
  }
  OS << "</svg>\n";
}

} // namespace

void writeHtmlReport(const CheckResult &R, const ReportOptions &O, llvm::raw_ostream &OS) {
  Model M = buildModel(R, O);
  const Group &All = M.Overall;
  std::vector<unsigned> Shown;
  for (unsigned C = 0; C < NumCategories; ++C)
    if (C != Invalid || All.Count[C])
      Shown.push_back(C);

  OS << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
     << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
     << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
     << "<meta name=\"generator\" content=\"vmaprep report\">\n"
     << "<title>" << html(O.Title) << "</title>\n<style>" << Style << "</style>\n</head>\n<body>\n"
     << "<h1>" << html(O.Title) << "</h1>\n<p class=\"meta\">" << html(header(R, M, O))
     << ".</p>\n";

  OS << "<section id=\"overall\"><h2>Overall: " << All.Count[Already] << " of " << All.total()
     << " converted (" << percent(All.Count[Already], All.total()) << ")</h2>\n"
     << "<table id=\"overall-table\"><thead><tr><th>status</th><th class=\"n\">handlers</th>"
        "<th class=\"n\">share</th></tr></thead><tbody>\n";
  for (unsigned C : Shown)
    OS << "<tr data-status=\"" << Categories[C].Id << "\"><td><span class=\"swatch\" style=\"background:"
       << Categories[C].Color << "\"></span>" << html(Categories[C].Label) << "</td><td class=\"n\">"
       << All.Count[C] << "</td><td class=\"n\">" << percent(All.Count[C], All.total())
       << "</td></tr>\n";
  OS << "</tbody><tfoot><tr><td>total</td><td class=\"n\">" << All.total()
     << "</td><td></td></tr></tfoot></table></section>\n";

  OS << "<section id=\"by-subsystem\"><h2>By subsystem</h2>\n";
  svgChart(M, OS);
  OS << "<table id=\"subsystems\" class=\"sortable\"><thead><tr><th>subsystem</th>"
        "<th class=\"n\">handlers</th>";
  for (unsigned C : Shown)
    OS << "<th class=\"n\">" << html(Categories[C].Short) << "</th>";
  OS << "<th class=\"n\">converted</th></tr></thead>\n<tbody>\n";
  auto Row = [&](const Group &G, const char *Class) {
    OS << "<tr class=\"" << Class << "\" data-subsystem=\"" << html(G.Name) << "\"><td>"
       << (std::strcmp(Class, "subsystem") == 0
               ? "<a href=\"#sub-" + html(G.Name) + "\">" + html(G.Name) + "</a>"
               : html(G.Name))
       << "</td><td class=\"n\">" << G.total() << "</td>";
    for (unsigned C : Shown)
      OS << "<td class=\"n\">" << G.Count[C] << "</td>";
    OS << "<td class=\"n\" data-v=\"" << G.percentDone() << "\">"
       << percent(G.Count[Already], G.total()) << "</td></tr>\n";
  };
  for (const Group &G : M.Subsystems)
    Row(G, "subsystem");
  OS << "</tbody>\n<tfoot>\n";
  Row(All, "overall");
  OS << "</tfoot></table></section>\n";

  if (!M.Reasons.empty()) {
    OS << "<section id=\"reasons\"><h2>Blocked, by reason</h2>\n<p>A handler blocked for several "
          "reasons counts under each.</p>\n<table id=\"reasons-table\" class=\"sortable\"><thead><tr>"
          "<th>reason</th><th class=\"n\">handlers</th><th>example</th><th>subsystems</th></tr>"
          "</thead><tbody>\n";
    for (const auto &[Id, B] : M.Reasons)
      OS << "<tr data-reason=\"" << html(Id) << "\"><td><code>" << html(Id) << "</code></td><td class=\"n\">"
         << B.Handlers << "</td><td>" << html(B.Example) << "</td><td>"
         << html(llvm::join(B.Subsystems, ", ")) << "</td></tr>\n";
    OS << "</tbody></table></section>\n";
  }
  if (!M.Waiting.empty()) {
    OS << "<section id=\"waiting\"><h2>Waiting for an API level</h2>\n<table><thead><tr><th>API "
          "level</th><th>handlers</th></tr></thead><tbody>\n";
    for (const auto &[Level, Entries] : M.Waiting) {
      OS << "<tr><td>" << html(Level) << "</td><td>";
      for (size_t I = 0; I < Entries.size(); ++I)
        OS << (I ? ", " : "") << "<a href=\"" << html(href(*Entries[I], O)) << "\"><code>"
           << html(Entries[I]->H->Function) << "</code></a>";
      OS << "</td></tr>\n";
    }
    OS << "</tbody></table></section>\n";
  }

  OS << "<section id=\"handlers\"><h2>Handlers</h2>\n";
  for (const Group &G : M.Subsystems) {
    OS << "<details id=\"sub-" << html(G.Name) << "\" open><summary>" << html(G.Name) << " ("
       << G.total() << ")</summary>\n<table class=\"handlers sortable\"><thead><tr><th>handler</th>"
          "<th>hook</th><th>location</th><th>status</th><th>detail</th></tr></thead><tbody>\n";
    for (const Entry &E : G.Entries) {
      Category C = categoryOf(E.H->Result.Kind);
      OS << "<tr class=\"handler\" data-status=\"" << Categories[C].Id << "\"><td><code>"
         << html(E.H->Function) << "</code></td><td>." << hookKindName(E.H->Kind)
         << "</td><td><a href=\"" << html(href(E, O)) << "\">" << html(E.Path) << ":"
         << E.H->Where.Line << "</a></td><td><span class=\"swatch\" style=\"background:"
         << Categories[C].Color << "\"></span>" << html(Categories[C].Label) << "</td><td>"
         << html(detailOf(*E.H)) << "</td></tr>\n";
    }
    OS << "</tbody></table></details>\n";
  }
  OS << "</section>\n";
  if (!R.Errors.empty()) {
    OS << "<section id=\"errors\"><h2>Not analysed</h2><ul>\n";
    for (const InputError &E : R.Errors)
      OS << "<li><code>" << html(E.File) << "</code>: " << html(E.Message) << "</li>\n";
    OS << "</ul></section>\n";
  }
  OS << "<script>" << Script << "</script>\n</body>\n</html>\n";
}

// ---- the command ------------------------------------------------------------

namespace {

int reportError(const std::string &Message) {
  llvm::errs() << "vmaprep: error: " << Message << "\n"
               << "run 'vmaprep report --help' for usage\n";
  return 2;
}

/// The deepest directory that holds every handler's file.
std::string commonDirectory(const CheckResult &R) {
  std::string Common;
  bool First = true;
  for (const HandlerReport &H : R.Handlers) {
    llvm::StringRef Dir = llvm::sys::path::parent_path(H.Where.File);
    if (First) {
      Common = Dir.str();
      First = false;
      continue;
    }
    while (!Common.empty() && Common != "/" && relativeToRoot(Dir.str() + "/x", Common).empty())
      Common = llvm::sys::path::parent_path(Common).str();
  }
  return Common;
}

} // namespace

int runReportCommand(int Argc, const char **Argv) {
  std::string BuildPath, Format = "markdown", OutFile, Root, V;
  std::vector<std::string> Files, JsonFiles;
  bool FromJson = false;
  CheckOptions Check;
  ReportOptions Options;
  for (int I = 0; I < Argc; ++I) {
    llvm::StringRef A(Argv[I]);
    auto Value = [&](llvm::StringRef Flag, std::string &Dest) -> bool {
      llvm::StringRef Rest = A;
      if (Rest.consume_front(Flag) && !Rest.empty()) {
        Rest.consume_front("=");
        Dest = Rest.str();
        return true;
      }
      if (I + 1 >= Argc)
        return false;
      Dest = Argv[++I];
      return true;
    };
    auto Is = [&](llvm::StringRef Flag) {
      return A == Flag || (A.starts_with(Flag) && A.drop_front(Flag.size()).starts_with("="));
    };
    if (A == "-h" || A == "--help") {
      llvm::outs() << ReportUsage;
      return 0;
    }
    if (A == "-p" || (A.starts_with("-p") && !A.starts_with("--"))) {
      if (!Value("-p", BuildPath))
        return reportError("-p needs a value");
    } else if (A == "-o" || (A.starts_with("-o") && !A.starts_with("--"))) {
      if (!Value("-o", OutFile))
        return reportError("-o needs a value");
    } else if (A == "-j" || (A.starts_with("-j") && !A.starts_with("--"))) {
      if (!Value("-j", V) || llvm::StringRef(V).getAsInteger(10, Check.Jobs) || Check.Jobs == 0)
        return reportError("-j needs a positive number");
    } else if (Is("--from-json")) {
      FromJson = true;
      if (A != "--from-json") {
        Value("--from-json", V);
        JsonFiles.push_back(V);
      }
    } else if (Is("--format")) {
      if (!Value("--format", Format))
        return reportError("--format needs a value");
      if (Format == "md")
        Format = "markdown";
      if (Format != "markdown" && Format != "html")
        return reportError("unknown format '" + Format + "' (markdown or html)");
    } else if (Is("--depth")) {
      if (!Value("--depth", V) || llvm::StringRef(V).getAsInteger(10, Options.Depth) ||
          Options.Depth == 0)
        return reportError("--depth needs a positive number");
    } else if (Is("--api")) {
      if (!Value("--api", V))
        return reportError("--api needs a value");
      if (auto L = parseApiLevel(V))
        Check.Target = *L;
      else
        return reportError("unknown API level '" + V + "' (" + apiLevelList() + ")");
    } else if (Is("--root")) {
      if (!Value("--root", Root))
        return reportError("--root needs a value");
    } else if (Is("--link-base")) {
      if (!Value("--link-base", Options.LinkBase))
        return reportError("--link-base needs a value");
    } else if (Is("--title")) {
      if (!Value("--title", Options.Title))
        return reportError("--title needs a value");
    } else if (A.starts_with("-") && A != "-") {
      return reportError("unknown option '" + A.str() + "'");
    } else {
      (FromJson ? JsonFiles : Files).push_back(A.str());
    }
  }
  if (FromJson == !BuildPath.empty())
    return reportError("give either -p BUILD_DIR or --from-json FILE...");
  if (FromJson && JsonFiles.empty())
    return reportError("--from-json needs at least one file");

  CheckResult Result;
  bool NothingAnalysed = false;
  if (FromJson) {
    std::vector<CheckResult> Parts(JsonFiles.size());
    bool Bad = false;
    for (size_t I = 0; I < JsonFiles.size(); ++I)
      if (std::string Err = readCheckJsonFile(JsonFiles[I], Parts[I]); !Err.empty()) {
        llvm::errs() << "vmaprep: error: " << Err << "\n";
        Bad = true;
      }
    if (Bad)
      return 2;
    if (std::string Err = mergeResults(std::move(Parts), Result); !Err.empty()) {
      llvm::errs() << "vmaprep: error: " << Err << "\n";
      return 2;
    }
    if (!Root.empty()) {
      Options.Root = resolveSourceRoot(Root, "");
    } else {
      std::string Cwd = resolveSourceRoot("", "");
      bool AllUnder = true;
      for (const HandlerReport &H : Result.Handlers)
        AllUnder &= !relativeToRoot(H.Where.File, Cwd).empty();
      std::string Common = commonDirectory(Result);
      Options.Root = AllUnder || Common.empty() ? Cwd : Common;
    }
  } else {
    CompilationInputs Inputs = loadInputs(BuildPath, nullptr, Files);
    if (!Inputs.Database) {
      for (const InputError &E : Inputs.Errors)
        llvm::errs() << "vmaprep: error: " << E.File << ": " << E.Message << "\n";
      return 2;
    }
    Result = runCheck(Inputs, Check);
    Options.Root = resolveSourceRoot(Root, BuildPath);
    // A report of nothing (an empty database, an unbuilt tree, no file that
    // compiles) must not pass a CI step; files that could not be analysed
    // beside others that could are listed in the report and exit 0.
    NothingAnalysed = Result.FilesAnalysed == 0 && !Result.Errors.empty();
  }
  for (const InputError &E : Result.Errors)
    llvm::errs() << "vmaprep: error: " << E.File << ": " << E.Message << "\n";

  auto Write = [&](llvm::raw_ostream &OS) {
    if (Format == "html")
      writeHtmlReport(Result, Options, OS);
    else
      writeMarkdownReport(Result, Options, OS);
  };
  int Rc = NothingAnalysed ? 2 : 0;
  if (OutFile.empty() || OutFile == "-") {
    Write(llvm::outs());
    llvm::outs().flush();
    return Rc;
  }
  std::string Page;
  llvm::raw_string_ostream PageOS(Page);
  Write(PageOS);
  PageOS.flush();
  if (std::string Err = writeFileSafely(OutFile, Page); !Err.empty()) {
    llvm::errs() << "vmaprep: error: " << Err << "\n";
    return 2;
  }
  return Rc;
}

} // namespace vmaprep

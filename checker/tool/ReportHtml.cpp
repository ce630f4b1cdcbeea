//===- ReportHtml.cpp - the report as one self-contained HTML page --------===//
//
// Inline CSS, a chart drawn as inline SVG by this program (so it shows with
// scripts off too), a few lines of inline script that only add table sorting,
// and a Content-Security-Policy that forbids every network load.
//
//===----------------------------------------------------------------------===//
#include "ReportModel.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

namespace vmaprep {

using namespace report;

namespace {

std::string html(llvm::StringRef S) {
  std::string Out;
  for (char C : utf8Text(S)) {
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
    OS << "<g class=\"bar\" data-subsystem=\"" << html(G->Name) << "\" data-total=\"" << Total << "\">";
    OS << llvm::formatv("<text x=\"{0}\" y=\"{1}\" text-anchor=\"end\"{3}>{2}</text>", LabelW - 8, Y + 14,
                        html(G->Name), G == &M.Overall ? " font-weight=\"bold\"" : "");
    double SegX = LabelW;
    for (unsigned C = 0; C < NumCategories; ++C) {
      if (!G->Count[C] || !Total)
        continue;
      double W = BarW * G->Count[C] / Scale;
      OS << llvm::formatv("<rect class=\"seg\" data-status=\"{0}\" x=\"{1:F2}\" y=\"{2}\" "
                          "width=\"{3:F2}\" height=\"{4}\" fill=\"{5}\"><title>{6}: {7} {8}</title></rect>",
                          Categories[C].Id, SegX, Y, W, RowH, Categories[C].Color, html(G->Name), G->Count[C],
                          html(Categories[C].Label));
      SegX += W;
    }
    OS << llvm::formatv("<text x=\"{0}\" y=\"{1}\">{2} ({3}%)</text></g>\n", LabelW + BarW + 6, Y + 14, Total,
                        G->percentDone());
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
     << "<h1>" << html(O.Title) << "</h1>\n<p class=\"meta\">" << html(header(R, M, O)) << ".</p>\n";

  OS << "<section id=\"overall\"><h2>Overall: " << All.Count[Already] << " of " << All.total() << " converted ("
     << percent(All.Count[Already], All.total()) << ")</h2>\n"
     << "<table id=\"overall-table\"><thead><tr><th>status</th><th class=\"n\">handlers</th>"
        "<th class=\"n\">share</th></tr></thead><tbody>\n";
  for (unsigned C : Shown)
    OS << "<tr data-status=\"" << Categories[C].Id
       << "\"><td><span class=\"swatch\" style=\"background:" << Categories[C].Color << "\"></span>"
       << html(Categories[C].Label) << "</td><td class=\"n\">" << All.Count[C] << "</td><td class=\"n\">"
       << percent(All.Count[C], All.total()) << "</td></tr>\n";
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
       << (std::strcmp(Class, "subsystem") == 0 ? "<a href=\"#sub-" + html(G.Name) + "\">" + html(G.Name) + "</a>"
                                                : html(G.Name))
       << "</td><td class=\"n\">" << G.total() << "</td>";
    for (unsigned C : Shown)
      OS << "<td class=\"n\">" << G.Count[C] << "</td>";
    OS << "<td class=\"n\" data-v=\"" << G.percentDone() << "\">" << percent(G.Count[Already], G.total())
       << "</td></tr>\n";
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
         << B.Handlers << "</td><td>" << html(B.Example) << "</td><td>" << html(llvm::join(B.Subsystems, ", "))
         << "</td></tr>\n";
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

  if (!M.Hooks.empty()) {
    OS << "<section id=\"hooks\"><h2>Subsystem hooks</h2>\n<p>" << html(HookSectionIntro)
       << "</p>\n<table id=\"hooks-table\" class=\"sortable\"><thead><tr><th>hook</th>"
          "<th class=\"n\">implementations</th>";
    for (unsigned C : HookCategories)
      OS << "<th class=\"n\">" << html(Categories[C].Short) << "</th>";
    OS << "<th class=\"n\">body elsewhere</th><th class=\"n\">tables</th><th>blocked by</th></tr></thead><tbody>\n";
    for (const HookMember &H : M.Hooks) {
      OS << "<tr class=\"hook\" data-hook=\"" << html(H.Name) << "\"><td><code>" << html(H.Name)
         << "</code></td><td class=\"n\">" << H.implementations() << "</td>";
      for (unsigned C : HookCategories)
        OS << "<td class=\"n\">" << H.Count[C] << "</td>";
      OS << "<td class=\"n\">" << H.BodyElsewhere << "</td><td class=\"n\">" << H.Registrations << "</td><td>"
         << html(hookReasons(H)) << "</td></tr>\n";
    }
    OS << "</tbody></table></section>\n";
  }

  OS << "<section id=\"handlers\"><h2>Handlers</h2>\n";
  for (const Group &G : M.Subsystems) {
    OS << "<details id=\"sub-" << html(G.Name) << "\" open><summary>" << html(G.Name) << " (" << G.total()
       << ")</summary>\n<table class=\"handlers sortable\"><thead><tr><th>handler</th>"
          "<th>hook</th><th>location</th><th>status</th><th>detail</th></tr></thead><tbody>\n";
    for (const Entry &E : G.Entries) {
      Category C = categoryOf(E.H->Result.Kind);
      OS << "<tr class=\"handler\" data-status=\"" << Categories[C].Id << "\"><td><code>" << html(E.H->Function)
         << "</code></td><td>." << hookKindName(E.H->Kind) << "</td><td><a href=\"" << html(href(E, O)) << "\">"
         << html(E.Path) << ":" << E.H->Where.Line
         << "</a></td><td><span class=\"swatch\" style=\"background:" << Categories[C].Color << "\"></span>"
         << html(Categories[C].Label) << "</td><td>" << html(detailOf(*E.H)) << "</td></tr>\n";
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

} // namespace vmaprep

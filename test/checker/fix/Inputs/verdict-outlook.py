"""Reads `vmaprep check --format json` documents and holds the verdict to its
word: every handler whose verdict is auto-convertible or convertible-with-mapped
is rewritten (rewrite.available) or refused for an edit-level reason
(rewrite.refusal.kind "edit"); the Classifier makes every semantic refusal
(docs/checks/legacy-mmap.md). Prints one SEMANTIC line per handler that breaks
that, one INTERNAL line per refusal the rewriter's safety net made ("internal:
the classifier should have refused"), whatever the verdict, then how many
convertible verdicts it read, so a run that read none does not pass.
    verdict-outlook.py CHECK_JSON...
"""
import json
import sys

convertible = 0
for path in sys.argv[1:]:
    with open(path) as f:
        doc = json.load(f)
    for h in doc["handlers"]:
        rewrite = h.get("rewrite")
        if rewrite is None:
            continue
        refusal = rewrite.get("refusal") or {}
        where = "%s %s" % (path.rsplit("/", 1)[-1], h["function"])
        if refusal.get("text", "").startswith("internal:"):
            print("INTERNAL %s: %s" % (where, refusal["text"]))
        if h["verdict"] not in ("auto-convertible", "convertible-with-mapped"):
            continue
        convertible += 1
        if not rewrite["available"] and refusal.get("kind") != "edit":
            print("SEMANTIC %s (%s): %s [%s]" % (where, h["verdict"], refusal.get("text"), refusal.get("kind")))
print("read %d convertible verdicts" % convertible)

#!/usr/bin/env python3
"""Summarises the DOM chromium dumped (--dump-dom) for report.test, stdlib only."""
import sys
from html.parser import HTMLParser


class Counter(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ready = "0"
        self.subsystems, self.bars = [], []
        self.overall = self.segments = self.handlers = self.external = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "html":
            self.ready = a.get("data-report-ready", "0")
        if tag == "tr" and "subsystem" in cls:
            self.subsystems.append(a.get("data-subsystem"))
        if tag == "tr" and "overall" in cls:
            self.overall += 1
        if tag == "tr" and "handler" in cls:
            self.handlers += 1
        if tag == "g" and "bar" in cls:
            self.bars.append(a.get("data-subsystem"))
        if tag == "rect" and "seg" in cls:
            self.segments += 1
        for key in ("src", "href"):
            if (a.get(key) or "").startswith(("http:", "https:", "//")) and tag != "a":
                self.external += 1


c = Counter()
c.feed(open(sys.argv[1], encoding="utf-8").read())
print("ready:", c.ready)
print("subsystem rows:", " ".join(c.subsystems))
print("overall rows:", c.overall)
print("chart bars:", " ".join(c.bars))
print("chart segments:", c.segments)
print("handler rows:", c.handlers)
print("external loads:", c.external)

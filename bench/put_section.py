"""Replaces (or appends) one '## ' section of bench/RESULTS.md, keeping the others.
Usage: put_section.py RESULTS.md SECTION.md  (SECTION.md starts with its '## Title' line)."""
import sys

results, section = sys.argv[1], open(sys.argv[2]).read().strip() + "\n"
title = section.splitlines()[0]
try:
    text = open(results).read()
except FileNotFoundError:
    text = "# Benchmark results\n\nEach section is written by the script it names; run it as root to reproduce.\n"
parts = text.split("\n## ")
head, sections = parts[0].rstrip() + "\n", ["## " + p.strip() + "\n" for p in parts[1:]]
sections = [s if s.splitlines()[0] != title else section for s in sections]
if title not in (s.splitlines()[0] for s in sections):
    sections.append(section)
open(results, "w").write(head + "".join("\n" + s for s in sections))

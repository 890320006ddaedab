#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""One word per concept: every message of a .po file whose msgid holds a term of the
glossary (po/glossary.tsv) must hold the glossary's translation of it in its msgstr.

Usage: check-glossary.py GLOSSARY.tsv FILE.po   (exit 1 and a line per mismatch)
"""
import re
import sys


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def unquote(lines):
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', lines)
    return "".join(re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), p) for p in parts)


def messages(path):
    """(msgctxt, msgid + msgid_plural without mnemonic underscores, every msgstr)"""
    text = open(path, encoding="utf-8").read()
    for block in re.split(r"\n\s*\n", text):
        fields = {}
        key = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            m = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(.*)", line)
            if m:
                key = m.group(1)
                fields[key] = m.group(2)
            elif key is not None and line.startswith('"'):
                fields[key] += "\n" + line
        if "msgid" not in fields or unquote(fields["msgid"]) == "":
            continue
        english = " ".join(unquote(fields[k]) for k in ("msgid", "msgid_plural") if k in fields)
        korean = " ".join(unquote(v) for k, v in fields.items() if k.startswith("msgstr"))
        yield unquote(fields.get("msgctxt", '""')), english.replace("_", ""), korean


def main(glossary, po):
    rows = []
    for line in open(glossary, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        cols = line.rstrip("\n").split("\t")
        rows.append((cols[0].lower(), cols[1], cols[3] if len(cols) > 3 else ""))

    terms = sorted({r[0] for r in rows}, key=len, reverse=True)
    bad = 0
    for context, english, korean in messages(po):
        text = english.lower()
        for term in terms:
            # Words a longer term decides ("plug offline") are not the shorter term's ("offline").
            rest = text
            for longer in terms:
                if len(longer) > len(term) and term in longer:
                    rest = rest.replace(longer, " ")
            if not re.search(r"\b" + re.escape(term), rest):
                continue
            rules = [r for r in rows if r[0] == term and r[2] == context] or \
                    [r for r in rows if r[0] == term and r[2] == ""]
            for _, word, _ in rules:
                if word not in korean:
                    where = f"[{context}] " if context else ""
                    print(f'glossary: "{term}" is "{word}", but {po} has: {where}"{english}" -> "{korean}"')
                    bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))

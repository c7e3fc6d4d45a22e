#!/usr/bin/env python3
"""unit.spec_agrees: every layout of include/ninep/messages.def matches the
text of doc/9p-wire.md, and the spec has no layout the description
lacks.

Usage: spec_agrees.py SPEC.md MESSAGES.def
The spec is part of the repository: its absence is a failure, not a skip.

The spec's tables ("| type | message | body |") are read as they are; its
prose (the 9P2000.u notes, what 9P2000.L keeps, the 9P2000.e draft and
Erlang on Xen's Rerror) is turned into layouts by the small explicit
mapping below, each line of which quotes the sentence it stands for.
"""
import os
import re
import sys

P9, U, L, E = "9P2000", "9P2000.u", "9P2000.L", "9P2000.e"
DIALECT_OF_DEF = {"P9": P9, "U": U, "L": L, "E": E}

passed = 0
failed = 0


def check(ok, message):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + message, file=sys.stderr)
    return ok


def norm(text):
    return " ".join(text.split())


def ticks(text):
    """The `backticked` parts of a text, whitespace normalised."""
    return [norm(t) for t in re.findall(r"`([^`]*)`", text, re.S)]


def split_outside_ticks(text, sep):
    parts, depth, cur, i = [], False, "", 0
    while i < len(text):
        if text[i] == "`":
            depth = not depth
        if not depth and text.startswith(sep, i):
            parts.append(cur)
            cur = ""
            i += len(sep)
            continue
        cur += text[i]
        i += 1
    parts.append(cur)
    return parts


def extend(base, extra):
    """Apply a .u note "`... a[s] b[4]`" to a base layout: the tokens after
    "..." continue the base, overlapping its end where they repeat it."""
    base_t, extra_t = base.split(), extra.split()
    for k in range(min(len(base_t), len(extra_t)), -1, -1):
        if k == 0 or base_t[-k:] == extra_t[:k]:
            return norm(" ".join(base_t + extra_t[k:]))
    return norm(base)


class Spec:
    def __init__(self):
        self.names = {}  # number -> name
        self.layouts = {}  # (name, dialect) -> [layout, ...] in the spec's order

    def add(self, name, dialect, layout):
        entry = self.layouts.setdefault((name, dialect), [])
        if layout not in entry:
            entry.append(norm(layout))

    def replace(self, name, dialect, layouts):
        self.layouts[(name, dialect)] = [norm(x) for x in layouts]


def sections(text):
    """Split the spec at its '## ' headings: {heading: body}."""
    out, heading = {}, ""
    for line in text.splitlines(keepends=True):
        if line.startswith("## "):
            heading = line[3:].strip()
            out[heading] = ""
        else:
            out[heading] = out.get(heading, "") + line
    return out


def table_rows(body):
    """Rows of '| type | message | body |' tables: (numbers, names, parts)."""
    rows = []
    for line in body.splitlines():
        cells = [c.strip() for c in split_outside_ticks(line.strip().strip("|"), "|")] if line.startswith("|") else []
        if len(cells) != 3 or not re.match(r"^\d+( / \d+)?$", cells[0]):
            continue
        numbers = [int(n) for n in cells[0].split("/")]
        names = [n.strip() for n in cells[1].split("/")]
        parts = [p.strip() for p in split_outside_ticks(cells[2], " / ")]
        rows.append((numbers, names, parts))
    return rows


def layouts_of_part(part):
    """The alternatives a table cell gives: every backticked layout, or ''
    for (empty)."""
    if part.startswith("(empty)"):
        return [""]
    return ticks(part)


def read_spec(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    spec = Spec()
    secs = sections(text)
    sec = {key.split(" ")[0]: body for key, body in secs.items() if key}

    # ---- 9P2000: its table, kept by .u and .e ("All 9P2000 messages keep
    # their meaning"); .u then amends a few below.
    base = {}
    for numbers, names, parts in table_rows(sec[P9]):
        check(len(numbers) == 1 and len(parts) == 1, "9P2000 row %s has one message" % names)
        spec.names[numbers[0]] = names[0]
        base[names[0]] = layouts_of_part(parts[0])
        for dialect in (P9, U, E):
            for layout in base[names[0]]:
                spec.add(names[0], dialect, layout)
    stat = re.search(r"`stat` \(9P2000\): `([^`]*)`", sec[P9], re.S)
    check(stat is not None, "spec gives the 9P2000 stat")
    stat9 = norm(stat.group(1)) if stat else ""
    for dialect in (P9, U, E):
        spec.add("struct stat", dialect, stat9)
    # "plan9port adds `98 Topenfd fid[4] mode[1]` and `99 Ropenfd ...`":
    # plan9port speaks 9P2000 only.
    for number, name, layout in re.findall(r"`(\d+) (\w+) ([^`]*)`", sec[P9]):
        spec.names[int(number)] = name
        spec.add(name, P9, layout)

    # ---- 9P2000.u: "Same message numbers as 9P2000, with extra trailing
    # fields:" then one bullet per amended message.
    u_layouts = {}
    for line in re.findall(r"^- (.+)$", sec[U], re.M):
        who, _, what = line.partition(": ")
        extra = ticks(what)[0]
        for name in [w.strip() for w in who.split(",")]:
            if extra.startswith("..."):
                old = stat9 if name == "stat" else base[name][0]
                new = extend(old, extra[3:])
            else:
                new = extra
            u_layouts[name] = new
            spec.replace("struct stat" if name == "stat" else name, U, [new])

    # ---- 9P2000.L: "Keeps 9P2000's version, auth, attach (with
    # `n_uname[4]` as in .u), flush, walk, read, write, clunk, remove".
    # The parenthesis is read as "auth and attach as in .u" (both .u notes
    # name Tauth and Tattach together).
    keeps = re.search(r"Keeps 9P2000's (.*?); uses these instead of ([\w/]+)", sec[L], re.S)
    check(keeps is not None, "spec says what 9P2000.L keeps")
    kept_words = re.sub(r"\(.*?\)", "", keeps.group(1), flags=re.S) if keeps else ""
    for word in [w.strip() for w in kept_words.split(",")]:
        for prefix in "TR":
            name = prefix + word
            if name not in base:
                continue  # e.g. Terror
            layouts = [u_layouts[name]] if name in u_layouts and "n_uname" in (keeps.group(1)) else base[name]
            for layout in layouts:
                spec.add(name, L, layout)
    for numbers, names, parts in table_rows(sec[L]):
        for number, name, part in zip(numbers, names, parts):
            spec.names[number] = name
            alternatives = layouts_of_part(part)
            if "data = entries" in part:
                # "count[4] data[count]`, data = entries `qid[13] ...`"
                spec.add("struct dirent", L, alternatives[1])
                alternatives = alternatives[:1]
            for layout in alternatives:
                spec.add(name, L, layout)

    # ---- 9P2000.e: its table, the v0.1 draft Tsession, and "Erlang on Xen
    # also speaks 9P2000.L; its Rerror may carry the 9P2000.u errno."
    for numbers, names, parts in table_rows(sec[E]):
        for number, name, part in zip(numbers, names, parts):
            spec.names[number] = name
            for layout in layouts_of_part(part):
                spec.add(name, E, layout)
    draft = re.search(r"`size\[4\] Tsession tag\[2\] ([^`]*)`", sec[E])
    check(draft is not None, "spec gives the draft Tsession")
    if draft:
        spec.add("Tsession", E, draft.group(1))
    check("may carry the 9P2000.u errno" in sec[E], "spec says Erlang on Xen's Rerror may carry errno")
    for dialect in (L, E):
        spec.add("Rerror", dialect, u_layouts["Rerror"])
        spec.add("Rerror", dialect, base["Rerror"][0])
    return spec, sec


def read_def(path):
    with open(path, encoding="utf-8") as f:
        text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    names = {int(n): name for n, name in re.findall(r"NINEP_MESSAGE\((\d+),\s*(\w+)\)", text)}
    layouts = {}
    order = []
    for number, dialects, layout in re.findall(r'NINEP_LAYOUT\((\d+),\s*([^,]+),\s*"([^"]*)"\)', text):
        key_name = names.get(int(number), "?%s" % number)
        for d in dialects.split("|"):
            layouts.setdefault((key_name, DIALECT_OF_DEF[d.strip()]), []).append(norm(layout))
        order.append((key_name, norm(layout)))
    for name, dialects, layout in re.findall(r'NINEP_STRUCT\((\w+),\s*([^,]+),\s*"([^"]*)"\)', text):
        for d in dialects.split("|"):
            layouts.setdefault(("struct " + name, DIALECT_OF_DEF[d.strip()]), []).append(norm(layout))
    return names, layouts, order


def main():
    if len(sys.argv) != 3:
        print("usage: spec_agrees.py SPEC.md MESSAGES.def", file=sys.stderr)
        return 2
    spec_path, def_path = sys.argv[1], sys.argv[2]
    if not os.path.exists(spec_path):
        print("FAIL: no spec at %s" % spec_path, file=sys.stderr)
        return 1
    spec, _ = read_spec(spec_path)
    def_names, def_layouts, def_order = read_def(def_path)

    check(len(spec.names) > 0 and len(def_layouts) > 0, "both files read")
    for number, name in sorted(spec.names.items()):
        check(def_names.get(number) == name, "message %d: spec %s, messages.def %s" % (number, name, def_names.get(number)))
    for number, name in sorted(def_names.items()):
        check(number in spec.names, "messages.def has %d %s, the spec does not" % (number, name))
    # The reports list messages in messages.def's order (ninep_message_rank):
    # it is the spec's, table after table.
    check(list(def_names.values()) == list(spec.names.values()),
          "messages.def lists the messages in the spec's order:\n  spec:         %s\n  messages.def: %s"
          % (" ".join(spec.names.values()), " ".join(def_names.values())))

    # Every (message, dialect) of either side, layouts compared as sets.
    spec_only_structs = set()
    for key in sorted(set(spec.layouts) | set(def_layouts)):
        name, dialect = key
        want = spec.layouts.get(key)
        have = def_layouts.get(key)
        if want is None and name.startswith("struct ") and not any(k[0] == name for k in spec.layouts):
            spec_only_structs.add(name)
            continue
        check(want is not None, "%s in %s: messages.def has %s, the spec has no such message there" % (name, dialect, have))
        check(have is not None, "%s in %s: the spec has %s, messages.def has nothing" % (name, dialect, want))
        if want is not None and have is not None:
            check(sorted(set(want)) == sorted(set(have)),
                  "%s in %s:\n  spec:         %s\n  messages.def: %s" % (name, dialect, want, have))
            check(len(have) == len(set(have)), "%s in %s: a layout given twice" % (name, dialect))
    for name in sorted(spec_only_structs):
        print("note: %s is not described by the spec; not checked" % name)

    # "A decoder should take key[8] and recognise the draft layout when the
    # message size fits it exactly": key[8] comes first.
    tsession = [layout for name, layout in def_order if name == "Tsession"]
    check(tsession[:1] == ["key[8]"], "Tsession: key[8] must be tried before the draft, got %s" % tsession)

    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

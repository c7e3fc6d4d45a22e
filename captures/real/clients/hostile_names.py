#!/usr/bin/env python3
"""The hostile file names of diod_9p2000L_hostile_names.pcap: the one list
that record_hostile_names.sh creates on disk and the tests expect to see
(safely escaped) in every output.  Names are bytes: a 9P name is bytes, and
several of these are not UTF-8.

    python3 hostile_names.py create DIR   makes DIR/NAME for each, with CONTENT
    python3 hostile_names.py args         prints each name NUL-terminated (for xargs -0)
"""
import os
import sys

# (name, why it is here)
NAMES = [
    (b"x\x1b[31mRED\x1b[0m.txt", "ESC: a terminal colour sequence"),
    (b"new\nline.txt", "a newline: would break a text or HTML table row"),
    (b"byte\xff.txt", "0xff: never valid UTF-8"),
    (b'say "hi", ok.txt', "double quotes and a comma: CSV and HTML attribute syntax"),
    (b"a,b,c.csv", "commas only"),
    (b"tab\there\rcr.txt", "a tab and a carriage return"),
    (b"bell\x07del\x7f.txt", "BEL and DEL"),
    (b"caf\xe9.txt", "Latin-1 e-acute: an invalid UTF-8 byte"),
    (b"csi\xc2\x9b31m.txt", "U+009B, the 8-bit CSI, as valid UTF-8"),
    ("caf\u00e9-\u65e5\u672c.txt".encode("utf-8"), "valid UTF-8: must come out unchanged"),
    (b"<b>&amp;<i>.html", "HTML markup and an entity"),
]
# A directory whose name sets an xterm window title (OSC 0), with one file.
DIRECTORY = b"dir\x1b]0;pwned\x07"
INNER = b"inner.txt"


def content(name):
    """What the file NAME holds: its index in NAMES, so each read is told apart."""
    for i, (n, _) in enumerate(NAMES):
        if n == name:
            return b"hostile name %d\n" % i
    return b"inside the hostile directory\n"


def create(top):
    top = os.fsencode(top)
    for name, _ in NAMES:
        fd = os.open(os.path.join(top, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.write(fd, content(name))
        os.close(fd)
    os.mkdir(os.path.join(top, DIRECTORY))
    fd = os.open(os.path.join(top, DIRECTORY, INNER), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, content(INNER))
    os.close(fd)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "create":
        create(sys.argv[2])
    elif len(sys.argv) == 2 and sys.argv[1] == "args":
        out = sys.stdout.buffer
        for name, _ in NAMES:
            out.write(name + b"\0")
        out.write(DIRECTORY + b"/" + INNER + b"\0")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

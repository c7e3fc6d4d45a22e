"""The analyzer under valgrind on every real capture: no leak, no invalid access.

    python3 valgrind_real_captures.py NINEP SOURCE_DIR SCRATCH_BUILD_DIR SANITIZED

Runs `ninep report`, `ninep report --json` and `ninep exchanges` on each
captures/real/*.pcap under
    valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99
and fails on any valgrind error (exit status 99) or other failure.

Valgrind cannot run a binary built with AddressSanitizer.  When SANITIZED is
ON (CMake's NINEP_SANITIZE), a plain ninep is configured and built from
SOURCE_DIR in SCRATCH_BUILD_DIR first (the analyzer only: no plugin, no
sanitizers) and that one runs.  Exit status 77 (skipped) only when valgrind
is not installed.

Standard library only.
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
from ninep_testlib import Checker, CAPTURES_DIR  # noqa: E402

VALGRIND_ERROR = 99
VALGRIND = ["valgrind", "--quiet", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect",
            "--error-exitcode=%d" % VALGRIND_ERROR]
COMMANDS = (["report", "-q"], ["report", "--json", "-q"], ["exchanges", "-q"])
BUILD_TIMEOUT = 600
RUN_TIMEOUT = 300


def plain_ninep(source, scratch):
    """Configure and build an unsanitized ninep in `scratch`; its path."""
    configure = ["cmake", "-S", source, "-B", scratch, "-DNINEP_BUILD_PLUGIN=OFF", "-DNINEP_SANITIZE=OFF",
                 "-DCMAKE_BUILD_TYPE=RelWithDebInfo"]
    build = ["cmake", "--build", scratch, "--target", "ninep", "-j2"]
    for argv in (configure, build):
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=BUILD_TIMEOUT)
        if proc.returncode != 0:
            print("FAIL building a plain ninep for valgrind: %s\n%s%s" % (" ".join(argv), proc.stdout[-3000:],
                                                                          proc.stderr[-3000:]))
            sys.exit(1)
    return os.path.join(scratch, "analyzer", "ninep")


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: valgrind_real_captures.py NINEP SOURCE_DIR SCRATCH_BUILD_DIR SANITIZED")
    ninep, source, scratch, sanitized = sys.argv[1:]
    if shutil.which("valgrind") is None:
        print("valgrind not found: apt-get install valgrind")
        sys.exit(77)
    if sanitized.upper() in ("ON", "1", "TRUE", "YES"):
        ninep = plain_ninep(source, scratch)
    real = os.path.join(CAPTURES_DIR, "real")
    captures = sorted(os.path.join(real, n) for n in os.listdir(real) if n.endswith((".pcap", ".pcapng")))
    check = Checker()
    check.true("real captures found", len(captures) > 0)
    for pcap in captures:
        for command in COMMANDS:
            argv = VALGRIND + [ninep] + command + [pcap]
            proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                  timeout=RUN_TIMEOUT)
            what = "%s %s" % (" ".join(command), os.path.basename(pcap))
            print("%-45s exit %d" % (what, proc.returncode))
            check.true(what + ": no valgrind error", proc.returncode != VALGRIND_ERROR, "\n" + proc.stderr[-4000:])
            check.equal(what + ": exit status", proc.returncode, 0)
    check.finish()


if __name__ == "__main__":
    main()

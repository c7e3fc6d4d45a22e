"""analyzer.golden: the text report of every real capture equals
tests/analyzer/golden/NAME.txt (NINEP_UPDATE_GOLDEN=1 rewrites them)."""
import os
import sys

from ninep_testlib import CAPTURES_DIR, Checker, compare_golden
from common import HERE, ninep_binary, run


def main():
    binary = ninep_binary()
    check = Checker()
    real = os.path.join(CAPTURES_DIR, "real")
    for name in sorted(os.listdir(real)):
        if not name.endswith(".pcap"):
            continue
        code, out, err = run(binary, "report", "-q", os.path.join(real, name))
        check.equal("%s: exit status (%s)" % (name, err.strip()), code, 0)
        golden = os.path.join(HERE, "golden", os.path.splitext(name)[0] + ".txt")
        check.true("%s: text report equals %s" % (name, os.path.basename(golden)), compare_golden(out, golden))
    check.finish()


if __name__ == "__main__":
    sys.exit(main())

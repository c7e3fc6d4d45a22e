"""The README's test command is what CI runs: .ci/run's command line must
appear, character for character, in a code block of README.md, and the
README's main-job command must name files that exist."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ninep_testlib import SOURCE_DIR, Checker  # noqa: E402

check = Checker()
with open(os.path.join(SOURCE_DIR, ".ci", "run"), encoding="utf-8") as f:
    ci_lines = [l.strip() for l in f if l.strip() and not l.startswith("#")]
ci_command = ci_lines[-1]
with open(os.path.join(SOURCE_DIR, "README.md"), encoding="utf-8") as f:
    readme = f.read()
blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
commands = [line.strip() for block in blocks for line in block.splitlines()]
check.true(".ci/run's command is in the README", ci_command in commands, ci_command)

main_job = [c for c in commands if "tshark-with-plugin" in c and "ninep report" in c]
check.equal("one main-job command in the README", len(main_job), 1)
for path in re.findall(r"(captures/\S+\.pcap|tests/\S+|\.ci/\S+)", " ".join(main_job)):
    check.true("README names an existing file", os.path.exists(os.path.join(SOURCE_DIR, path)), path)
check.finish()

"""analyzer.options: each command's --help lists exactly the options it
takes, which are those the manual page and the README document for it.

The truth is the documentation: analyzer/ninep.1's "Options by command"
table and the README's table of the same name, which must agree.  Then,
for every command (report, exchanges, accesses, top, compare, extract,
merge):
  - the options its --help lists are the documented ones, no more, no less;
  - each of them, in every spelling (-B and --buffer-size), is accepted:
    run with a fitting argument on a real capture it is no usage error
    (exit status 1, "Try 'ninep ...'");
  - every other option any command takes is refused with a usage error."""
import os
import re
import sys
import tempfile

from common import ninep_binary, run
from ninep_testlib import CAPTURES_DIR, SOURCE_DIR, Checker

COMMANDS = ("report", "exchanges", "accesses", "top", "compare", "extract", "merge")
# The spellings of one option, as ninep.1 and the README give them.
ALIASES = {"--buffer-size": "-B", "--help": "-h", "--version": "-V"}
CAPTURE = os.path.join(CAPTURES_DIR, "real", "diod_9p2000L_ls_cat.pcap")
NO_SUCH_INTERFACE = "ninep-nosuch0"
OPTION_LINE = re.compile(r"^  (-[^ ].*?)(?:  |$)")


def canonical(option):
    return ALIASES.get(option, option)


def help_options(text):
    """The options of a --help text: the lines that start with two spaces and
    a dash, up to the description (two spaces): "  -B KIB, --buffer-size KIB"."""
    found = set()
    for line in text.splitlines():
        m = OPTION_LINE.match(line)
        if m:
            found.update(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", m.group(1)))
    return found


def manual_table():
    """{command: set of options} from ninep.1's "Options by command"."""
    with open(os.path.join(SOURCE_DIR, "analyzer", "ninep.1"), encoding="utf-8") as f:
        page = f.read().replace("\\-", "-")
    part = page[page.index('.SS "Options by command"'):]
    table = part[part.index(".nf\n") + 4:part.index(".fi\n")]
    common = re.search(r"\n\.I common\nis ([^\n]*)\.\n", part).group(1).split()
    rows = {}
    for line in table.splitlines():
        words = line.split()
        rows[words[0]] = set(canonical(w) for w in words[1:] if w.startswith("-")) | (
            set(common) if "\\fIcommon\\fR" in words else set())
    return rows, common


def readme_table():
    """{command: set of options} from the README's "Options by command"."""
    with open(os.path.join(SOURCE_DIR, "README.md"), encoding="utf-8") as f:
        text = f.read()
    part = text[text.index("Options by command"):]
    common = re.findall(r"`(-[^`]+)`", part[part.index("The common ones:"):].split(".")[0])
    rows = {}
    for line in part.splitlines():
        m = re.match(r"^\| `([a-z]+)` \| (.*) \|$", line)
        if m:
            options = set(re.findall(r"`(-[^`]+)`", m.group(2)))
            rows[m.group(1)] = options | (set(common) if "the common ones" in m.group(2) else set())
        elif rows and not line.startswith("|"):
            break
    return rows


class Invocation:
    """Command lines that give one option with a fitting argument."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.count = 0
        self.report = os.path.join(tmp, "report.json")
        code, out, err = run(BINARY, "report", "--json", "-q", CAPTURE)
        with open(self.report, "w") as f:
            f.write(out)

    def args(self, command, option):
        """argv after the command: the option, its argument, the inputs."""
        self.count += 1
        value = {
            "--html": [os.path.join(self.tmp, "out%d.html" % self.count)],
            "--every": ["1"], "-p": ["564"], "-f": ["tcp"], "-c": ["5"], "-B": ["4096"],
            "--buffer-size": ["4096"], "--connections": ["5"], "--e-sessions": ["5"],
            "--idle-timeout": ["10"],
            "-r": [CAPTURE], "-i": [NO_SUCH_INTERFACE],
        }.get(option, [])
        before = ["--json"] if command == "report" and option == "--every" else []
        inputs = {
            "compare": [CAPTURE, CAPTURE],
            "extract": [os.path.join(self.tmp, "dir%d" % self.count), CAPTURE],
            "merge": [self.report],
        }.get(command, [] if option in ("-r", "-i") else [CAPTURE])
        return before + [option] + value + inputs


def usage_error(code, err):
    return code == 1 and "Try 'ninep" in err


def main():
    check = Checker()
    manual, common = manual_table()
    readme = readme_table()
    check.equal("the manual's table has every command", sorted(manual), sorted(COMMANDS))
    check.true("the manual names common options", len(common) >= 6, repr(common))
    for command in COMMANDS:
        check.equal("%s: the README's options are the manual's" % command, readme.get(command), manual.get(command))

    invocation = Invocation(TMP)
    every_option = set()
    listed = {}
    for command in COMMANDS:
        code, text, err = run(BINARY, command, "--help")
        check.equal("%s --help: exit status" % command, code, 0)
        listed[command] = help_options(text)
        every_option |= listed[command]
        check.equal("%s --help lists the options the manual documents for it" % command,
                    sorted(set(canonical(o) for o in listed[command])), sorted(manual.get(command, ())))

    for command in COMMANDS:
        for option in sorted(every_option):
            code, out, err = run(BINARY, command, *invocation.args(command, option), timeout=120)
            what = "%s %s" % (command, option)
            if option in listed[command]:
                check.true("%s: accepted (%d: %s)" % (what, code, err.strip()[:200]), not usage_error(code, err))
                if option == "-i":  # parsed, then the interface cannot be opened
                    check.equal("%s %s: the interface is what fails" % (what, NO_SUCH_INTERFACE), code, 2)
                    check.true("%s: says so" % what, NO_SUCH_INTERFACE in err, err.strip())
                elif option not in ("-h", "--help", "-V", "--version"):
                    check.equal("%s: exit status (%s)" % (what, err.strip()[:200]), code, 0)
            else:
                check.true("%s: refused as a usage error (%d: %s)" % (what, code, err.strip()[:200]),
                           usage_error(code, err))
    check.finish()


if __name__ == "__main__":
    BINARY = os.path.abspath(ninep_binary())
    with tempfile.TemporaryDirectory() as TMP:
        main()
    sys.exit(0)

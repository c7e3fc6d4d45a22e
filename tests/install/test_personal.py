"""install.personal: a fresh build configured with -DNINEP_PLUGIN_PERSONAL=ON
installs the plugin into the personal plugin folder of the user who
configured it (HOME here is a temporary folder), which is the folder tshark
itself names ("Personal Plugins" of tshark -G folders, plus epan/), and
tshark run by that user with that HOME loads it from there, no copy made.
The same fresh configure, without a prefix given, installs under
Wireshark's own prefix (pkg-config --variable=prefix wireshark).

It configures and builds the plugin afresh (about 15 s on an idle
machine), hence its label "slow".  That cpack refuses a personal folder
(CPACK_ERROR_ON_ABSOLUTE_INSTALL_DESTINATION) is not tested here: cpack
first builds the whole fresh tree.

    python3 test_personal.py CMAKE GENERATOR C_COMPILER WERROR"""
import collections
import os
import shutil
import sys
import tempfile

from ninep_testlib import Checker, SOURCE_DIR
from install_common import CAPTURE, check_decodes, pkg_config_variable, run, tshark_folders


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: %s CMAKE GENERATOR C_COMPILER WERROR" % sys.argv[0])
    cmake, generator, compiler, werror = sys.argv[1:]
    check = Checker()
    # tshark run as root ignores personal folders: the user is nobody then
    # (as in tests/tshark-with-plugin).
    run_as = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"] if os.getuid() == 0 else []

    work = tempfile.mkdtemp(prefix="ninep-personal-")
    try:
        os.chmod(work, 0o755)
        home, build = os.path.join(work, "home"), os.path.join(work, "build")
        os.makedirs(os.path.join(home, ".config", "wireshark"))
        os.chmod(home, 0o755)
        os.chmod(os.path.join(home, ".config"), 0o777)
        os.chmod(os.path.join(home, ".config", "wireshark"), 0o777)
        env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"))
        env.pop("DESTDIR", None)

        proc = run([cmake, "-S", SOURCE_DIR, "-B", build, "-G", generator, "-DCMAKE_C_COMPILER=" + compiler,
                    "-DNINEP_WERROR=" + werror, "-DNINEP_PLUGIN_PERSONAL=ON"], check=False, env=env)
        check.equal("configure (%s)" % proc.stderr.strip()[-500:], proc.returncode, 0)
        cache = {}
        with open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8") as f:
            for line in f:
                name, sep, value = line.rstrip("\n").partition("=")
                if sep and not line.startswith(("#", "//")):
                    cache[name.split(":")[0]] = value
        check.equal("default install prefix is Wireshark's", cache.get("CMAKE_INSTALL_PREFIX"),
                    pkg_config_variable("prefix"))

        proc = run([cmake, "--build", build, "-j1", "--target", "ninep_plugin"], check=False, env=env)
        check.equal("build the plugin (%s)" % proc.stdout.strip()[-500:], proc.returncode, 0)
        proc = run([cmake, "--install", build, "--component", "plugin"], check=False, env=env)
        check.equal("install the plugin (%s)" % proc.stderr.strip()[-500:], proc.returncode, 0)

        folders = tshark_folders(env=env, run_as=run_as)
        personal = folders.get("Personal Plugins", "")
        check.true("tshark's personal plugin folder is under the HOME given", personal.startswith(home + "/"),
                   personal)
        installed = sorted(os.path.relpath(os.path.join(folder, name), home)
                           for folder, _, names in os.walk(home) for name in names)
        check.equal("installed files (relative to HOME)", installed,
                    [os.path.relpath(os.path.join(personal, "epan", "ninep.so"), home)])

        out = run(run_as + ["tshark", "-G", "plugins"], env=env).stdout
        rows = [[c.strip() for c in line.split("\t")] for line in out.splitlines()]
        check.true("tshark loads ninep.so from the personal folder",
                   ["ninep.so", "dissector", os.path.join(personal, "epan", "ninep.so")] in
                   [[r[0], r[2], r[3]] for r in rows if len(r) >= 4], out[-800:])

        capture = os.path.join(work, "capture.pcap")
        shutil.copy(CAPTURE, capture)
        os.chmod(capture, 0o644)
        out = run(run_as + ["tshark", "-r", capture, "-T", "fields", "-E", "occurrence=a",
                            "-E", "aggregator=\x1f", "-e", "ninep.message"], env=env).stdout
        counts = collections.Counter(m for line in out.splitlines() if line for m in line.split("\x1f"))
        check_decodes(check, counts, "personal ninep.so")

    finally:
        shutil.rmtree(work, ignore_errors=True)
    check.finish()


main()

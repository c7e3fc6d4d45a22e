"""install.destdir: `DESTDIR=tmp cmake --install BUILD --prefix /usr`, whole
and by component, puts exactly ninep, its manual page and the plugin where
a Debian system keeps them (the plugin in the epan folder of the plugin
directory Wireshark's pkg-config file names, which is where tshark says it
reads global plugins), and the installed files work.

    python3 test_destdir.py CMAKE BUILD_DIR"""
import os
import shutil
import stat
import sys
import tempfile

from ninep_testlib import Checker
from install_common import (check_analyzer_runs, check_man_page, check_plugin_loads, pkg_config_variable,
                            relative_to_root, run, tshark_folders)

PREFIX = "/usr"


def installed_files(root):
    """{path relative to root: permission bits} of every file under root
    ("not a regular file" for anything else, a symbolic link say)."""
    found = {}
    for folder, _, names in os.walk(root):
        for name in names:
            info = os.lstat(os.path.join(folder, name))
            found[os.path.relpath(os.path.join(folder, name), root)] = (
                stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else "not a regular file")
    return found


def install(cmake, build, root, component=None):
    argv = [cmake, "--install", build, "--prefix", PREFIX]
    if component:
        argv += ["--component", component]
    return run(argv, check=False, env=dict(os.environ, DESTDIR=root))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: %s CMAKE BUILD_DIR" % sys.argv[0])
    cmake, build = sys.argv[1], os.path.abspath(sys.argv[2])
    check = Checker()

    plugindir = pkg_config_variable("plugindir")
    check.equal("pkg-config's plugindir is where tshark reads global plugins",
                plugindir, tshark_folders().get("Global Plugins"))
    ws_prefix = pkg_config_variable("prefix")
    check.equal("Wireshark's prefix is the one installed into here", ws_prefix, PREFIX)
    binary = relative_to_root(PREFIX + "/bin/ninep")
    page = relative_to_root(PREFIX + "/share/man/man1/ninep.1.gz")
    plugin = relative_to_root(plugindir + "/epan/ninep.so")
    components = {"analyzer": {binary: 0o755, page: 0o644}, "plugin": {plugin: 0o644}}

    work = tempfile.mkdtemp(prefix="ninep-install-")
    try:
        for component, want in sorted(components.items()):
            root = os.path.join(work, component)
            proc = install(cmake, build, root, component)
            check.equal("--component %s: exit status (%s)" % (component, proc.stderr.strip()[-300:]),
                        proc.returncode, 0)
            check.equal("--component %s: files and modes" % component, installed_files(root), want)

        root = os.path.join(work, "all")
        proc = install(cmake, build, root)
        check.equal("whole install: exit status (%s)" % proc.stderr.strip()[-300:], proc.returncode, 0)
        check.equal("whole install: files and modes", installed_files(root),
                    dict(components["analyzer"], **components["plugin"]))
        check.true("whole install: no warning", "Warning" not in proc.stderr, proc.stderr[-500:])

        # Under another prefix everything moves with it, and the install
        # says that Wireshark will not find the plugin there.
        other = os.path.join(work, "local")
        proc = run([cmake, "--install", build, "--prefix", "/usr/local", "--component", "plugin"],
                   check=False, env=dict(os.environ, DESTDIR=other))
        check.equal("--prefix /usr/local: files", list(installed_files(other)),
                    ["usr/local/" + os.path.relpath(plugin, relative_to_root(PREFIX))])
        check.true("--prefix /usr/local: warns where Wireshark reads plugins",
                   "Wireshark reads plugins from %s/epan" % plugindir in " ".join(proc.stderr.split()),
                   proc.stderr[-500:])

        if os.path.exists(os.path.join(root, binary)):
            check_analyzer_runs(check, os.path.join(root, binary), "installed ninep")
        if os.path.exists(os.path.join(root, page)):
            check_man_page(check, os.path.join(root, page), "installed ninep.1.gz")
        if os.path.exists(os.path.join(root, plugin)):
            check_plugin_loads(check, os.path.join(root, plugin), "installed ninep.so")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    check.finish()


main()

"""plugin.gui_option: Wireshark's GUI accepts the same `-z ninep,tree` as
tshark.  Wireshark 4.0's GUI registers no `-z ...,tree` option for any stats
tree (only tshark does, in ui/cli/tap-stats_tree.c), so it used to stop with
"Invalid -z argument"; the plugin registers the option itself.

Runs the real GUI headless (xvfb-run) as an unprivileged user with the
plugin in its personal plugin folder, as tests/tshark-with-plugin does for
tshark.  A control run with `-z ninep,bogus` must still be rejected, so the
check cannot pass by accident.  Skipped (exit 77) without xvfb-run or
wireshark (Debian: apt-get install xvfb wireshark-qt)."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from plugin_common import Checker, capture_named, plugin_path

SKIP = 77
# How long the GUI gets to check its arguments, load the capture and start
# the -z statistic before it is stopped.
RUN_SECONDS = 8
REJECTED = "Invalid -z argument"


def wireshark_version():
    out = subprocess.run(["wireshark", "--version"], capture_output=True, text=True, timeout=60).stdout
    first = out.splitlines()[0] if out else ""
    words = [w for w in first.split() if w[:1].isdigit()]
    return ".".join(words[0].split(".")[:2]) if words else None


def run_gui(plugin, capture, version, option):
    """(exit status or None when it was still running, stdout, stderr) of
    the GUI reading capture with -z option."""
    home = tempfile.mkdtemp(prefix="ninep-wireshark.")
    try:
        folder = os.path.join(home, ".local", "lib", "wireshark", "plugins", version, "epan")
        os.makedirs(folder)
        os.makedirs(os.path.join(home, ".config", "wireshark"))
        shutil.copy(plugin, os.path.join(folder, "ninep.so"))
        shutil.copy(capture, os.path.join(home, "capture.pcap"))
        for root, dirs, files in os.walk(home):
            for name in dirs + files:
                os.chmod(os.path.join(root, name), 0o777)
        os.chmod(home, 0o777)
        # xvfb-run as the same user as wireshark, who must read its X authority.
        command = ["env", "HOME=" + home, "XDG_CONFIG_HOME=" + os.path.join(home, ".config"),
                   "XDG_RUNTIME_DIR=" + home, "TMPDIR=" + home, "xvfb-run", "-a",
                   "wireshark", "-r", os.path.join(home, "capture.pcap"), "-z", option]
        if os.geteuid() == 0:
            # Wireshark run as root ignores personal plugin folders.
            command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"] + command
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=RUN_SECONDS)
            status = proc.returncode
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            out, err = proc.communicate(timeout=30)
            status = None
        return status, out, err
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main():
    plugin = plugin_path()
    missing = [tool for tool in ("xvfb-run", "wireshark") if shutil.which(tool) is None]
    if missing:
        print("skipped: %s not installed (apt-get install xvfb wireshark-qt)" % " and ".join(missing))
        sys.exit(SKIP)
    version = wireshark_version()
    check = Checker()
    check.true("wireshark --version", version is not None)
    pcap, _ = capture_named("diod_9p2000L_ls_cat")

    started = time.monotonic()
    status, _, err = run_gui(plugin, pcap, version, "ninep,bogus")
    check.equal("control: -z ninep,bogus is rejected", (status, REJECTED in err), (1, True))

    status, _, err = run_gui(plugin, pcap, version, "ninep,tree")
    check.true("-z ninep,tree: no %r" % REJECTED, REJECTED not in err, err[:400])
    check.equal("-z ninep,tree: the GUI ran until stopped", status, None)
    # The GUI starts -z statistics after reading the capture: the plugin says
    # where the tree is rather than print one that counted nothing.
    check.true("-z ninep,tree: handled by the plugin", "ninep: -z ninep,tree:" in err, err[:400])
    print("GUI runs took %.1f s" % (time.monotonic() - started))
    check.finish()


main()

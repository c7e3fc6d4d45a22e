"""install.deb: `cpack -G DEB` from the build tree (into a temporary folder)
makes one package, ninep_VERSION_ARCH.deb, that holds exactly ninep, its
manual page and the plugin under /usr, stripped, owned by root, and whose
Depends names the package of every library those ELF files link (found
here with readelf, ldd and dpkg -S, not from the package), each with a
version this system satisfies.  The files unpacked from the package work.
Nothing is installed into the system: the package is read with dpkg-deb.

    python3 test_deb.py CPACK BUILD_DIR"""
import glob
import os
import re
import shutil
import sys
import tempfile

from ninep_testlib import Checker
from install_common import (check_analyzer_runs, check_man_page, check_plugin_loads, pkg_config_variable,
                            project_version, relative_to_root, run)

# The libraries the issue names; each must be declared (with the others
# the files link).
REQUIRED_DEPENDS = {"libc6", "libpcap0.8", "libglib2.0-0", "libwireshark16"}


def is_elf(path):
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def needed(path):
    """The DT_NEEDED sonames of an ELF file (readelf -d)."""
    out = run(["readelf", "-d", path]).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def resolved(path):
    """soname -> the file the dynamic linker would load for it (ldd)."""
    out = run(["ldd", path]).stdout
    return dict(re.findall(r"^\s*(\S+) => (/\S+) \(0x", out, re.M))


def owner(path):
    """The Debian package that holds a library file (dpkg -S), trying the
    path as the linker gave it, then its merged-/usr twin and real path."""
    candidates = [path, os.path.realpath(path)]
    if path.startswith("/usr/"):
        candidates.append(path[len("/usr"):])
    else:
        candidates.append("/usr" + path)
    for candidate in candidates:
        proc = run(["dpkg-query", "-S", candidate], check=False)
        if proc.returncode == 0:
            return proc.stdout.split(":", 1)[0].split(",")[0].strip()
    return None


def parse_depends(field):
    """'a (>= 1), b' -> {name: (op, version) or None}; alternatives are not expected."""
    result = {}
    for item in [i.strip() for i in field.split(",") if i.strip()]:
        m = re.fullmatch(r"([a-z0-9][a-z0-9+.-]+)(?:\s*\((<<|<=|=|>=|>>)\s*([^)\s]+)\))?", item)
        if not m:
            result[item] = "unparsed"
            continue
        result[m.group(1)] = (m.group(2), m.group(3)) if m.group(2) else None
    return result


def satisfied(package, constraint):
    installed = run(["dpkg-query", "-W", "-f", "${Version}", package], check=False).stdout.strip()
    if not installed:
        return False, "not installed"
    if constraint is None:
        return True, installed
    op = {"<<": "lt", "<=": "le", "=": "eq", ">=": "ge", ">>": "gt"}[constraint[0]]
    ok = run(["dpkg", "--compare-versions", installed, op, constraint[1]], check=False).returncode == 0
    return ok, installed


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: %s CPACK BUILD_DIR" % sys.argv[0])
    cpack, build = sys.argv[1], os.path.abspath(sys.argv[2])
    check = Checker()
    version = project_version()
    arch = run(["dpkg", "--print-architecture"]).stdout.strip()
    plugin = relative_to_root(pkg_config_variable("plugindir") + "/epan/ninep.so")
    want_files = {"usr/bin/ninep": "-rwxr-xr-x", "usr/share/man/man1/ninep.1.gz": "-rw-r--r--",
                  plugin: "-rw-r--r--"}

    work = tempfile.mkdtemp(prefix="ninep-deb-")
    try:
        proc = run([cpack, "-G", "DEB", "--config", os.path.join(build, "CPackConfig.cmake"), "-B", work],
                   check=False, cwd=work)
        check.equal("cpack exit status (%s)" % proc.stderr.strip()[-500:], proc.returncode, 0)
        debs = glob.glob(os.path.join(work, "*.deb"))
        check.equal("packages made", [os.path.basename(d) for d in debs],
                    ["ninep_%s_%s.deb" % (version, arch)])
        if len(debs) != 1:
            check.finish()
        deb = debs[0]

        fields = {}
        for name in ("Package", "Version", "Architecture", "Maintainer", "Section", "Depends", "Description"):
            fields[name] = run(["dpkg-deb", "-f", deb, name]).stdout.strip()
        check.equal("Package", fields["Package"], "ninep")
        check.equal("Version", fields["Version"], version)
        check.equal("Architecture", fields["Architecture"], arch)
        check.true("Maintainer is an address", re.fullmatch(r".+ <[^@ ]+@[^> ]+>", fields["Maintainer"]),
                   fields["Maintainer"])
        check.true("Description has a summary and a long text", "\n " in fields["Description"],
                   fields["Description"][:200])

        # Contents: the three files and the folders above them, all root's.
        listing = run(["dpkg-deb", "-c", deb]).stdout.splitlines()
        files, folders, owners = {}, set(), set()
        for line in listing:
            parts = line.split(None, 5)
            path = parts[5].split(" -> ")[0]
            path = path[2:] if path.startswith("./") else path
            owners.add(parts[1])
            if parts[0].startswith("d"):
                folders.add(path.rstrip("/"))
            else:
                files[path] = parts[0]
        check.equal("files and modes (dpkg-deb -c)", files, want_files)
        ancestors = {os.path.dirname(p) for p in want_files}
        for p in list(ancestors):
            while p:
                ancestors.add(p)
                p = os.path.dirname(p)
        check.equal("folders (dpkg-deb -c)", folders - {""}, ancestors)
        check.equal("owners (dpkg-deb -c)", owners, {"root/root"})

        root = os.path.join(work, "unpacked")
        run(["dpkg-deb", "-x", deb, root])

        # Depends, worked out from the unpacked ELF files themselves.
        expected = {}
        unpacked_files = sorted(os.path.relpath(os.path.join(folder, name), root)
                                for folder, _, names in os.walk(root) for name in names)
        for path in unpacked_files:
            full = os.path.join(root, path)
            if os.path.islink(full) or not is_elf(full):
                continue
            where = resolved(full)
            for soname in needed(full):
                if soname not in where:
                    check.true("%s: ldd finds %s" % (path, soname), False)
                    continue
                package = owner(where[soname])
                check.true("%s: the package of %s (%s)" % (path, soname, where[soname]), package is not None)
                if package:
                    expected.setdefault(package, []).append(soname)
            sections = run(["readelf", "-S", "-W", full]).stdout
            check.true("%s: stripped (no .debug_info, no .symtab)" % path,
                       ".debug_info" not in sections and ".symtab" not in sections)
        depends = parse_depends(fields["Depends"])
        check.equal("Depends: the packages of the linked libraries %s" % expected,
                    sorted(depends), sorted(expected))
        check.equal("Depends: the libraries the issue names", sorted(REQUIRED_DEPENDS - set(depends)), [])
        for package, constraint in sorted(depends.items()):
            ok, installed = satisfied(package, constraint)
            check.true("Depends: %s %s satisfied here (%s)" % (package, constraint, installed), ok)

        # The unpacked files work.
        unpacked = {p: os.path.join(root, p) for p in want_files}
        if os.path.exists(unpacked["usr/bin/ninep"]):
            check_analyzer_runs(check, unpacked["usr/bin/ninep"], "packaged ninep")
        if os.path.exists(unpacked["usr/share/man/man1/ninep.1.gz"]):
            check_man_page(check, unpacked["usr/share/man/man1/ninep.1.gz"], "packaged ninep.1.gz")
        if os.path.exists(unpacked[plugin]):
            check_plugin_loads(check, unpacked[plugin], "packaged ninep.so")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    check.finish()


main()

"""plugin.loads: tshark loads the plugin, lists the protocol and the fields
the issue names, and port 564 belongs to ninep rather than the built-in."""
from plugin_common import Checker, plugin_path, tshark

REQUIRED_FIELDS = [
    "ninep.size", "ninep.type", "ninep.tag", "ninep.fid", "ninep.newfid", "ninep.wname",
    "ninep.qid", "ninep.qid.type", "ninep.qid.version", "ninep.qid.path", "ninep.offset", "ninep.count",
    "ninep.version", "ninep.msize", "ninep.ename", "ninep.ecode", "ninep.session_key", "ninep.path",
    "ninep.session", "ninep.request_in", "ninep.response_in", "ninep.time", "ninep.request_type",
    "ninep.open_mode", "ninep.perm", "ninep.mode", "ninep.open_flags", "ninep.stat.name",
    "ninep.dirent.name", "ninep.mumble.node", "ninep.not_9p",
]


def main():
    plugin = plugin_path()
    check = Checker()
    _, out, err = tshark(plugin, None, "-G", "protocols")
    protocols = {line.split("\t")[2]: line.split("\t")[:2] for line in out.splitlines() if line.count("\t") >= 2}
    check.true("ninep in -G protocols", "ninep" in protocols, err)
    check.true("built-in 9p still present", "9p" in protocols)
    if "ninep" in protocols and "9p" in protocols:
        check.true("own full and short names", protocols["ninep"][0] != protocols["9p"][0]
                   and protocols["ninep"][1] != protocols["9p"][1], repr(protocols["ninep"]))

    _, out, _ = tshark(plugin, None, "-G", "fields")
    registered = {line.split("\t")[2] for line in out.splitlines() if line.startswith("F\t")}
    for name in REQUIRED_FIELDS:
        check.true("field %s registered" % name, name in registered)

    _, out, _ = tshark(plugin, None, "-G", "decodes")
    port_564 = [line.split("\t")[2] for line in out.splitlines() if line.startswith("tcp.port\t564\t")]
    check.equal("tcp.port 564 decodes as", port_564, ["ninep"])

    _, out, _ = tshark(plugin, None, "-G", "heuristic-decodes")
    check.true("heuristic on tcp", any(line.split("\t")[:2] == ["tcp", "ninep"] for line in out.splitlines()),
               out[:200])
    check.finish()


main()

"""plugin.golden: for every capture under captures/*/, the two-pass detail
view of the ninep layer (tshark -2 -V -O ninep -Y ninep, TCP out-of-order
reassembly on) equals
tests/plugin/golden/NAME.txt.  After a deliberate change, regenerate with
    NINEP_UPDATE_GOLDEN=1 ctest -R plugin.golden
and review the diff."""
import os

from plugin_common import GOLDEN_DIR, Checker, all_captures, compare_golden, plugin_path, tshark


# 599 Tgetattr exchanges in a row: a detail view of them would be 40,000
# lines nobody reviews; its counts are plugin.real_counts' and its
# exchanges integration.tools_agree's.
LEFT_OUT = {"diod_9p2000L_diodload"}


def main():
    plugin = plugin_path()
    check = Checker()
    for pcap, _ in all_captures():
        stem = os.path.splitext(os.path.basename(pcap))[0]
        if stem in LEFT_OUT:
            continue
        folder = os.path.basename(os.path.dirname(pcap))
        # Out-of-order TCP segments are put in order only with this TCP
        # preference (off by default in Wireshark 4.0); captures without
        # reordering decode the same either way.
        _, out, err = tshark(plugin, pcap, "-o", "tcp.reassemble_out_of_order:TRUE", "-V", "-O", "ninep",
                             "-Y", "ninep", two_pass=True, check=False)
        text = out + ("".join("stderr: %s\n" % line for line in err.splitlines()))
        golden = os.path.join(GOLDEN_DIR, folder, stem + ".txt")
        check.true("golden %s/%s" % (folder, stem), compare_golden(text, golden))
    check.finish()


main()

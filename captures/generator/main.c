/*
 * ninep-capgen OUTDIR: writes every generated capture and its .expected
 * file into OUTDIR.  Deterministic: fixed times, addresses, ports and ISNs,
 * no randomness, so the output is byte-for-byte reproducible and
 * captures/generated/ can be checked against a fresh run.
 */
#include "cases.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	case_fn *make;
} cases[] = {
	{"dialect_9p2000", case_dialect_9p2000},
	{"dialect_9p2000u", case_dialect_9p2000u},
	{"dialect_9p2000L", case_dialect_9p2000L},
	{"dialect_9p2000e", case_dialect_9p2000e},
	{"tcp_coalesced", case_tcp_coalesced},
	{"tcp_spanning", case_tcp_spanning},
	{"tcp_retransmit_same", case_tcp_retransmit_same},
	{"tcp_retransmit_conflict", case_tcp_retransmit_conflict},
	{"tcp_reorder", case_tcp_reorder},
	{"tcp_lost_boundary", case_tcp_lost_boundary},
	{"tcp_lost_middle", case_tcp_lost_middle},
	{"tcp_lost_resync", case_tcp_lost_resync},
	{"tcp_seq_wrap", case_tcp_seq_wrap},
	{"tcp_midstream", case_tcp_midstream},
	{"tcp_tuple_reuse", case_tcp_tuple_reuse},
	{"tcp_rst_outstanding", case_tcp_rst_outstanding},
	{"snaplen_cut_rread", case_snaplen_cut_rread},
	{"server_bends_spec", case_server_bends_spec},
	{"flush_answered_first", case_flush_answered_first},
	{"flush_never_answered", case_flush_never_answered},
	{"port_5640", case_port_5640},
	{"ipv6_exthdr", case_ipv6_exthdr},
	{"vlan_one", case_vlan_one},
	{"vlan_two", case_vlan_two},
	{"ipv4_fragments", case_ipv4_fragments},
	{"link_sll", case_link_sll},
	{"link_sll2", case_link_sll2},
	{"link_null_host", case_link_null_host},
	{"link_null_swapped", case_link_null_swapped},
	{"link_loop", case_link_loop},
	{"link_raw_ipv4", case_link_raw_ipv4},
	{"link_raw_ipv6", case_link_raw_ipv6},
	{"link_ipv4", case_link_ipv4},
	{"link_ipv6", case_link_ipv6},
	{"pcap_nsec", case_pcap_nsec},
	{"pcap_big_endian", case_pcap_big_endian},
	{"pcapng", case_pcapng},
	{"access_chains", case_access_chains},
	{"access_cut", case_access_cut},
	{"files_9p2000L", case_files_9p2000L},
	{"files_9p2000e", case_files_9p2000e},
	{"files_hostile", case_files_hostile},
};

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
			printf("%s\n", cases[i].name);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: ninep-capgen OUTDIR    (writes NAME.pcap[ng] and NAME.expected per case)\n"
				"       ninep-capgen --list    (the case names)\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cases[i].make(argv[1]);
	return 0;
}

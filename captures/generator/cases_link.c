/*
 * The same everyday 9P2000.L conversation over every link layer, IP
 * variant and capture file format the tools must read.  Only the framing
 * differs between these captures, so their expected counts are equal.
 */
#include "cases.h"

#include "msgs.h"

#include <string.h>

enum { FRAGMENT_SIZE = 512, L_O_WRONLY = 1, BIG_WRITE = 1400 };

static const char motd[] = "Linux 6.1: welcome to the 9P test host.\n";

/* Mount, read one file, close: 8 round trips, one connection. */
static void everyday(const char *outdir, const char *name, const struct capfile_options *o,
		     const struct flow_config *fc)
{
	struct case_ctx cx;
	struct sess s;
	case_begin(&cx, outdir, name, o, "9P2000.L");
	sess_open(&s, cx.cf, &cx.lg, fc, CASE_START_NS, 1);
	l_mount(&s);
	l_cat(&s, FILE_FID, "motd", motd);
	sess_end(&s, 1);
	case_end(&cx);
}

static void on_link(const char *outdir, const char *name, uint32_t linktype, int ipv6, int null_swapped)
{
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);
	o.linktype = linktype;
	fc.ipv6 = ipv6;
	fc.null_swapped = null_swapped;
	everyday(outdir, name, &o, &fc);
}

void case_link_sll(const char *outdir) { on_link(outdir, "link_sll", LINKTYPE_LINUX_SLL, 0, 0); }
void case_link_sll2(const char *outdir) { on_link(outdir, "link_sll2", LINKTYPE_LINUX_SLL2, 0, 0); }
void case_link_null_host(const char *outdir) { on_link(outdir, "link_null_host", LINKTYPE_NULL, 0, 0); }
void case_link_null_swapped(const char *outdir) { on_link(outdir, "link_null_swapped", LINKTYPE_NULL, 0, 1); }
void case_link_loop(const char *outdir) { on_link(outdir, "link_loop", LINKTYPE_LOOP, 0, 0); }
void case_link_raw_ipv4(const char *outdir) { on_link(outdir, "link_raw_ipv4", LINKTYPE_RAW, 0, 0); }
void case_link_raw_ipv6(const char *outdir) { on_link(outdir, "link_raw_ipv6", LINKTYPE_RAW, 1, 0); }
void case_link_ipv4(const char *outdir) { on_link(outdir, "link_ipv4", LINKTYPE_IPV4, 0, 0); }
void case_link_ipv6(const char *outdir) { on_link(outdir, "link_ipv6", LINKTYPE_IPV6, 1, 0); }

void case_ipv6_exthdr(const char *outdir)
{
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);
	fc.ipv6 = 1;
	fc.ipv6_ext_headers = 1;
	everyday(outdir, "ipv6_exthdr", &o, &fc);
}

static void vlan(const char *outdir, const char *name, unsigned tags)
{
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);
	fc.vlan_tags = tags;
	everyday(outdir, name, &o, &fc);
}

void case_vlan_one(const char *outdir) { vlan(outdir, "vlan_one", 1); }
void case_vlan_two(const char *outdir) { vlan(outdir, "vlan_two", 2); }

static void file_format(const char *outdir, const char *name, enum capfile_format format, int nanosecond,
			int big_endian)
{
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);
	o.format = format;
	o.nanosecond = nanosecond;
	o.big_endian = big_endian;
	everyday(outdir, name, &o, &fc);
}

void case_pcap_nsec(const char *outdir) { file_format(outdir, "pcap_nsec", CAPFILE_PCAP, 1, 0); }
void case_pcap_big_endian(const char *outdir) { file_format(outdir, "pcap_big_endian", CAPFILE_PCAP, 0, 1); }
void case_pcapng(const char *outdir) { file_format(outdir, "pcapng", CAPFILE_PCAPNG, 1, 0); }

/* IPv4 datagrams over 512 bytes of payload are fragmented: a 1400-byte
 * Twrite crosses three fragments, so does the Rread of 1400 bytes. */
void case_ipv4_fragments(const char *outdir)
{
	struct case_ctx cx;
	struct sess s;
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);
	char data[BIG_WRITE];
	const char *const wname[] = {"log"};
	struct qid q = l_file_qid("log");

	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (char)('a' + i % 26);
	fc.ip_fragment_size = FRAGMENT_SIZE;
	case_begin(&cx, outdir, "ipv4_fragments", &o, "9P2000.L");
	sess_open(&s, cx.cf, &cx.lg, &fc, CASE_START_NS, 1);
	l_mount(&s);
	build_twalk(&s.m, 1, ROOT_FID, FILE_FID, 1, wname);
	sess_send(&s, CLIENT);
	build_rwalk(&s.m, 1, 1, &q);
	sess_send(&s, SERVER);
	build_tlopen(&s.m, 1, FILE_FID, L_O_WRONLY);
	sess_send(&s, CLIENT);
	build_rlopen(&s.m, 1, q, 0);
	sess_send(&s, SERVER);
	build_twrite(&s.m, 1, FILE_FID, 0, data, sizeof data);
	sess_send(&s, CLIENT);
	build_rwrite(&s.m, 1, sizeof data);
	sess_send(&s, SERVER);
	build_tread(&s.m, 1, FILE_FID, 0, sizeof data);
	sess_send(&s, CLIENT);
	build_rread(&s.m, 1, data, sizeof data);
	sess_send(&s, SERVER);
	build_tclunk(&s.m, 1, FILE_FID);
	sess_send(&s, CLIENT);
	build_empty(&s.m, NINEP_Rclunk, 1);
	sess_send(&s, SERVER);
	sess_end(&s, 1);
	case_end(&cx);
}

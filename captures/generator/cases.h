/*
 * The cases: each writes OUTDIR/NAME.pcap (or .pcapng) and NAME.expected.
 * cases_dialect.c: every message of every dialect; cases_tcp.c: TCP and 9P
 * stream pathologies; cases_link.c: link layers, IP variants, file formats;
 * cases_access.c: file accesses; cases_files.c: files of known content.
 */
#ifndef CAPGEN_CASES_H
#define CAPGEN_CASES_H

#include "capfile.h"
#include "ledger.h"
#include "msgs.h"
#include "packet.h"
#include "sess.h"

#include <stdint.h>

struct case_ctx {
	char capture_path[4096];
	char expected_path[4096];
	const char *capture_file; /* base name, for the .expected comment */
	struct capfile *cf;
	struct ledger lg;
};

/* 2024-01-01T00:00:00Z: every capture starts here. */
#define CASE_START_NS (1704067200ull * 1000000000ull)
/* Between the end of one connection and the start of the next. */
#define CASE_CONN_PAUSE_NS 5000000ull

void case_begin(struct case_ctx *cx, const char *outdir, const char *name, const struct capfile_options *o,
		const char *dialect);
void case_end(struct case_ctx *cx);
/* Options of a plain Ethernet pcap with microsecond timestamps. */
struct capfile_options case_ethernet_pcap(void);
/* Addresses fixed by packet.c; ports and ISNs fixed here. */
struct flow_config case_flow(uint16_t server_port);

/* The 9P2000.L conversation most cases carry (scenario.c). */
enum { ROOT_FID = 0, FILE_FID = 1 };
/* Tversion/Rversion 9P2000.L, Tattach/Rattach of fid 0 (tag 1). */
void l_mount(struct sess *s);
/* Twalk, Tgetattr, Tlopen, Tread, Tread at EOF, Tclunk of one file. */
void l_cat(struct sess *s, uint32_t fid, const char *name, const char *content);
/* Rgetattr of a regular file or directory with a fixed owner and times. */
void l_rgetattr(struct buf *m, uint16_t tag, struct qid qid, uint32_t mode, uint64_t size);
/* A qid for a file: path from the name, so each file has its own. */
struct qid l_file_qid(const char *name);
extern const struct qid l_root_qid;

typedef void case_fn(const char *outdir);
case_fn case_dialect_9p2000, case_dialect_9p2000u, case_dialect_9p2000L, case_dialect_9p2000e;
case_fn case_tcp_coalesced, case_tcp_spanning, case_tcp_retransmit_same, case_tcp_retransmit_conflict,
	case_tcp_reorder, case_tcp_lost_boundary, case_tcp_lost_middle, case_tcp_lost_resync, case_tcp_seq_wrap,
	case_tcp_midstream, case_tcp_tuple_reuse, case_tcp_rst_outstanding, case_snaplen_cut_rread, case_server_bends_spec,
	case_flush_answered_first, case_flush_never_answered, case_port_5640;
case_fn case_ipv6_exthdr, case_vlan_one, case_vlan_two, case_ipv4_fragments, case_link_sll, case_link_sll2,
	case_link_null_host, case_link_null_swapped, case_link_loop, case_link_raw_ipv4, case_link_raw_ipv6,
	case_link_ipv4, case_link_ipv6, case_pcap_nsec, case_pcap_big_endian, case_pcapng;
case_fn case_access_chains, case_access_cut;
case_fn case_files_9p2000L, case_files_9p2000e, case_files_hostile;

#endif

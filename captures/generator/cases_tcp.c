/*
 * TCP and 9P stream pathologies, on 9P2000.L traffic.  Each case states in
 * the ledger what it did to TCP (gaps, retransmissions) and marks the
 * messages a correct tool cannot decode under the resynchronisation rule of
 * captures/generated/README.md:
 *   - a message counts only when every byte of it was captured;
 *   - a gap wholly inside one message whose 7-byte header was captured
 *     loses that message only: its size says where the next one starts;
 *   - otherwise the stream resumes at the first later captured segment
 *     whose payload starts with a plausible header (size 7..msize, a type
 *     of the connection's dialect, a request from the client or a reply
 *     from the server); the bytes skipped are not_9p_bytes.
 */
#include "cases.h"

#include "msgs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	READ_COUNT = MSG_MSIZE - 24,
	GETATTR_BASIC = 0x7ff,
	S_IFREG_0644 = 0100644,
	L_O_RDONLY = 0,
	L_O_WRONLY = 1,
	MSS = 1448, /* an Ethernet MSS with TCP timestamps, as Linux sends */
	ERRNO_ENOENT = 2,
	ERRNO_EACCES = 13,
};

static const char motd[] = "Linux 6.1: welcome to the 9P test host.\n";

/* A text of n bytes: its first four bytes read as a size are absurd. */
static void text(struct buf *b, size_t n)
{
	static const char words[] = "the quick brown fox jumps over the lazy dog; ";
	for (size_t i = 0; i < n; i++)
		buf_u8(b, (uint8_t)words[i % (sizeof words - 1)]);
}

static void open_ethernet(struct case_ctx *cx, struct sess *s, const char *outdir, const char *name)
{
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);
	case_begin(cx, outdir, name, &o, "9P2000.L");
	sess_open(s, cx->cf, &cx->lg, &fc, CASE_START_NS, 1);
}

static void finish(struct case_ctx *cx, struct sess *s)
{
	sess_end(s, 1);
	case_end(cx);
}

/* Twalk root -> fid, Tlopen: the file is then ready for reads/writes. */
static void walk_open(struct sess *s, uint32_t fid, const char *name, uint32_t flags)
{
	const char *const wname[] = {name};
	struct qid q = l_file_qid(name);
	build_twalk(&s->m, 1, ROOT_FID, fid, 1, wname);
	sess_send(s, CLIENT);
	build_rwalk(&s->m, 1, 1, &q);
	sess_send(s, SERVER);
	build_tlopen(&s->m, 1, fid, flags);
	sess_send(s, CLIENT);
	build_rlopen(&s->m, 1, q, 0);
	sess_send(s, SERVER);
}

static void clunk(struct sess *s, uint16_t tag, uint32_t fid)
{
	build_tclunk(&s->m, tag, fid);
	sess_send(s, CLIENT);
	build_empty(&s->m, NINEP_Rclunk, tag);
	sess_send(s, SERVER);
}

/* Several messages per segment, and segments that end inside a message. */
void case_tcp_coalesced(const char *outdir)
{
	struct case_ctx cx;
	struct sess s;
	static const char *const names[] = {"a", "b", "c"};
	struct buf split;

	open_ethernet(&cx, &s, outdir, "tcp_coalesced");
	l_mount(&s);
	/* three pipelined walks in one segment; replies in one, out of order */
	for (uint16_t i = 0; i < 3; i++) {
		build_twalk(&s.m, (uint16_t)(i + 1), ROOT_FID, (uint32_t)(i + 1), 1, &names[i]);
		sess_queue(&s, CLIENT);
	}
	sess_flush(&s, CLIENT);
	for (uint16_t i = 0; i < 3; i++) {
		static const uint16_t order[] = {2, 1, 3};
		struct qid q = l_file_qid(names[order[i] - 1]);
		build_rwalk(&s.m, order[i], 1, &q);
		sess_queue(&s, SERVER);
	}
	sess_flush(&s, SERVER);
	/* three getattrs in one segment; the replies cut mid-message: segment
	 * one holds two whole replies and the first 10 bytes of the third */
	for (uint16_t i = 0; i < 3; i++) {
		build_tgetattr(&s.m, (uint16_t)(i + 1), (uint32_t)(i + 1), GETATTR_BASIC);
		sess_queue(&s, CLIENT);
	}
	sess_flush(&s, CLIENT);
	buf_init(&split, MSG_CEILING);
	for (uint16_t i = 0; i < 3; i++) {
		l_rgetattr(&s.m, (uint16_t)(i + 1), l_file_qid(names[i]), S_IFREG_0644, 100u * (i + 1));
		ledger_msg(&cx.lg, s.conn, SERVER, s.m.data, 0);
		buf_put(&split, s.m.data, s.m.len);
	}
	{
		size_t first = split.len - s.m.len + 10;
		flow_send(&s.flow, SERVER, split.data, first);
		flow_send(&s.flow, SERVER, split.data + first, split.len - first);
	}
	buf_free(&split);
	for (uint16_t i = 0; i < 3; i++) {
		build_tclunk(&s.m, (uint16_t)(i + 1), (uint32_t)(i + 1));
		sess_queue(&s, CLIENT);
	}
	sess_flush(&s, CLIENT);
	for (uint16_t i = 0; i < 3; i++) {
		build_empty(&s.m, NINEP_Rclunk, (uint16_t)(i + 1));
		sess_queue(&s, SERVER);
	}
	sess_flush(&s, SERVER);
	finish(&cx, &s);
}

/* One message over many segments: a 6000-byte Rread and a 3000-byte Twrite
 * in MSS-sized pieces, and an 11-byte Tclunk in pieces of 3 bytes (its
 * size field itself split). */
void case_tcp_spanning(const char *outdir)
{
	struct case_ctx cx;
	struct sess s;
	struct buf data;

	open_ethernet(&cx, &s, outdir, "tcp_spanning");
	l_mount(&s);
	buf_init(&data, MSG_CEILING);
	walk_open(&s, FILE_FID, "big", L_O_RDONLY);
	text(&data, 6000);
	build_tread(&s.m, 1, FILE_FID, 0, READ_COUNT);
	sess_send(&s, CLIENT);
	build_rread(&s.m, 1, data.data, (uint32_t)data.len);
	sess_send_split(&s, SERVER, MSS);
	clunk(&s, 1, FILE_FID);

	walk_open(&s, 2, "out", L_O_WRONLY);
	buf_reset(&data);
	text(&data, 3000);
	build_twrite(&s.m, 1, 2, 0, data.data, (uint32_t)data.len);
	sess_send_split(&s, CLIENT, MSS);
	build_rwrite(&s.m, 1, (uint32_t)data.len);
	sess_send(&s, SERVER);
	build_tclunk(&s.m, 1, 2);
	sess_send_split(&s, CLIENT, 3);
	build_empty(&s.m, NINEP_Rclunk, 1);
	sess_send(&s, SERVER);
	buf_free(&data);
	finish(&cx, &s);
}

/* The same segment twice, identical: once from the client (its Tlopen),
 * once from the server (its Rread).  Each is counted once. */
void case_tcp_retransmit_same(const char *outdir)
{
	struct case_ctx cx;
	struct sess s;
	const char *const wname[] = {"motd"};
	struct qid q = l_file_qid("motd");
	uint32_t seq;

	open_ethernet(&cx, &s, outdir, "tcp_retransmit_same");
	l_mount(&s);
	build_twalk(&s.m, 1, ROOT_FID, FILE_FID, 1, wname);
	sess_send(&s, CLIENT);
	build_rwalk(&s.m, 1, 1, &q);
	sess_send(&s, SERVER);
	build_tlopen(&s.m, 1, FILE_FID, L_O_RDONLY);
	ledger_msg(&cx.lg, s.conn, CLIENT, s.m.data, 0);
	seq = flow_send(&s.flow, CLIENT, s.m.data, s.m.len);
	s.flow.now_ns += 200000000ull; /* the retransmission timeout */
	flow_segment(&s.flow, CLIENT, seq, TCP_PSH | TCP_ACK, s.m.data, s.m.len);
	build_rlopen(&s.m, 1, q, 0);
	sess_send(&s, SERVER);
	build_tread(&s.m, 1, FILE_FID, 0, READ_COUNT);
	sess_send(&s, CLIENT);
	build_rread(&s.m, 1, motd, (uint32_t)strlen(motd));
	ledger_msg(&cx.lg, s.conn, SERVER, s.m.data, 0);
	seq = flow_send(&s.flow, SERVER, s.m.data, s.m.len);
	s.flow.now_ns += 200000000ull;
	flow_segment(&s.flow, SERVER, seq, TCP_PSH | TCP_ACK, s.m.data, s.m.len);
	clunk(&s, 1, FILE_FID);
	cx.lg.retransmissions = 2;
	finish(&cx, &s);
}

/* Retransmissions whose bytes differ from the first copy; the first copy
 * wins.  One changes only Twrite data; the other turns Tclunk (120) into
 * Tremove (122) of the same length, so last-copy-wins shows in the counts. */
void case_tcp_retransmit_conflict(const char *outdir)
{
	struct case_ctx cx;
	struct sess s;
	static const char first[] = "first copy of the data\n";
	static const char second[] = "SECOND COPY, DIFFERENT\n";
	uint32_t seq;

	open_ethernet(&cx, &s, outdir, "tcp_retransmit_conflict");
	l_mount(&s);
	walk_open(&s, FILE_FID, "log", L_O_WRONLY);
	build_twrite(&s.m, 1, FILE_FID, 0, first, (uint32_t)strlen(first));
	ledger_msg(&cx.lg, s.conn, CLIENT, s.m.data, 0);
	seq = flow_send(&s.flow, CLIENT, s.m.data, s.m.len);
	build_twrite(&s.m, 1, FILE_FID, 0, second, (uint32_t)strlen(second));
	flow_segment(&s.flow, CLIENT, seq, TCP_PSH | TCP_ACK, s.m.data, s.m.len);
	build_rwrite(&s.m, 1, (uint32_t)strlen(first));
	sess_send(&s, SERVER);

	build_tclunk(&s.m, 1, FILE_FID);
	ledger_msg(&cx.lg, s.conn, CLIENT, s.m.data, 0);
	seq = flow_send(&s.flow, CLIENT, s.m.data, s.m.len);
	msg_begin(&s.m, NINEP_Tremove, 1);
	msg_u32(&s.m, FILE_FID);
	msg_end(&s.m);
	flow_segment(&s.flow, CLIENT, seq, TCP_PSH | TCP_ACK, s.m.data, s.m.len);
	build_empty(&s.m, NINEP_Rclunk, 1);
	sess_send(&s, SERVER);
	cx.lg.retransmission_conflicts = 2;
	finish(&cx, &s);
}

/* Segments captured out of order: the second half of a Twrite before its
 * first half, and a server's second reply before its first. */
void case_tcp_reorder(const char *outdir)
{
	struct case_ctx cx;
	struct sess s;
	struct buf data, two;
	uint32_t seq;
	const char *const wname[] = {"log"};
	struct qid q = l_file_qid("log");

	open_ethernet(&cx, &s, outdir, "tcp_reorder");
	l_mount(&s);
	walk_open(&s, FILE_FID, "log", L_O_WRONLY);
	buf_init(&data, MSG_CEILING);
	buf_init(&two, MSG_CEILING);
	text(&data, 1000);
	build_twrite(&s.m, 1, FILE_FID, 0, data.data, (uint32_t)data.len);
	ledger_msg(&cx.lg, s.conn, CLIENT, s.m.data, 0);
	seq = s.flow.next_seq[CLIENT];
	flow_segment(&s.flow, CLIENT, seq + 500, TCP_PSH | TCP_ACK, s.m.data + 500, s.m.len - 500);
	flow_segment(&s.flow, CLIENT, seq, TCP_ACK, s.m.data, 500);
	s.flow.next_seq[CLIENT] = seq + (uint32_t)s.m.len;
	build_rwrite(&s.m, 1, (uint32_t)data.len);
	sess_send(&s, SERVER);

	/* pipelined Twalk (tag 1) and Tgetattr (tag 2); Rwalk then Rgetattr
	 * in sequence order, captured the other way round */
	build_twalk(&s.m, 1, ROOT_FID, 2, 1, wname);
	sess_send(&s, CLIENT);
	build_tgetattr(&s.m, 2, FILE_FID, GETATTR_BASIC);
	sess_send(&s, CLIENT);
	build_rwalk(&s.m, 1, 1, &q);
	ledger_msg(&cx.lg, s.conn, SERVER, s.m.data, 0);
	buf_put(&two, s.m.data, s.m.len);
	size_t first_len = s.m.len;
	l_rgetattr(&s.m, 2, q, S_IFREG_0644, data.len);
	ledger_msg(&cx.lg, s.conn, SERVER, s.m.data, 0);
	buf_put(&two, s.m.data, s.m.len);
	seq = s.flow.next_seq[SERVER];
	flow_segment(&s.flow, SERVER, seq + (uint32_t)first_len, TCP_PSH | TCP_ACK, two.data + first_len,
		     two.len - first_len);
	flow_segment(&s.flow, SERVER, seq, TCP_PSH | TCP_ACK, two.data, first_len);
	s.flow.next_seq[SERVER] = seq + (uint32_t)two.len;
	s.flow.now_ns += SESS_THINK_NS;
	clunk(&s, 1, 2);
	clunk(&s, 1, FILE_FID);
	buf_free(&data);
	buf_free(&two);
	finish(&cx, &s);
}

/* Harder reordering, nothing lost: a 2023-byte Twrite in three segments
 * captured first, third, second, so the late segment starts in the middle
 * of the message; then a server segment holding an Rgetattr, and a
 * retransmission that repeats its last 20 bytes (identical) and carries
 * the Rclunk that follows it.  Then the attach fid's Tclunk (tag 3) and
 * Rclunk. */
void case_tcp_reorder_overlap(const char *outdir)
{
	struct case_ctx cx;
	struct sess s;
	struct buf data, two;
	uint32_t seq;
	struct qid q = l_file_qid("log");
	enum { PART = 700, REPEATED = 20 };

	open_ethernet(&cx, &s, outdir, "tcp_reorder_overlap");
	l_mount(&s);
	walk_open(&s, FILE_FID, "log", L_O_WRONLY);
	buf_init(&data, MSG_CEILING);
	buf_init(&two, MSG_CEILING);
	text(&data, 2000);
	build_twrite(&s.m, 1, FILE_FID, 0, data.data, (uint32_t)data.len);
	ledger_msg(&cx.lg, s.conn, CLIENT, s.m.data, 0);
	seq = s.flow.next_seq[CLIENT];
	flow_segment(&s.flow, CLIENT, seq, TCP_ACK, s.m.data, PART);
	flow_segment(&s.flow, CLIENT, seq + 2 * PART, TCP_PSH | TCP_ACK, s.m.data + 2 * PART, s.m.len - 2 * PART);
	flow_segment(&s.flow, CLIENT, seq + PART, TCP_ACK, s.m.data + PART, PART);
	s.flow.next_seq[CLIENT] = seq + (uint32_t)s.m.len;
	build_rwrite(&s.m, 1, (uint32_t)data.len);
	sess_send(&s, SERVER);

	/* pipelined Tgetattr (tag 2) and Tclunk (tag 1) of the file */
	build_tgetattr(&s.m, 2, FILE_FID, GETATTR_BASIC);
	sess_send(&s, CLIENT);
	build_tclunk(&s.m, 1, FILE_FID);
	sess_send(&s, CLIENT);
	l_rgetattr(&s.m, 2, q, S_IFREG_0644, data.len);
	ledger_msg(&cx.lg, s.conn, SERVER, s.m.data, 0);
	buf_put(&two, s.m.data, s.m.len);
	size_t first_len = s.m.len;
	build_empty(&s.m, NINEP_Rclunk, 1);
	ledger_msg(&cx.lg, s.conn, SERVER, s.m.data, 0);
	buf_put(&two, s.m.data, s.m.len);
	seq = s.flow.next_seq[SERVER];
	flow_segment(&s.flow, SERVER, seq, TCP_PSH | TCP_ACK, two.data, first_len);
	s.flow.now_ns += 200000000ull; /* the retransmission timeout */
	flow_segment(&s.flow, SERVER, seq + (uint32_t)(first_len - REPEATED), TCP_PSH | TCP_ACK,
		     two.data + first_len - REPEATED, two.len - (first_len - REPEATED));
	s.flow.next_seq[SERVER] = seq + (uint32_t)two.len;
	s.flow.now_ns += SESS_THINK_NS;
	clunk(&s, 3, ROOT_FID);
	cx.lg.retransmissions = 1;
	buf_free(&data);
	buf_free(&two);
	finish(&cx, &s);
}

/* Lost segments at message boundaries: the server's Rgetattr (its request
 * stays unanswered) and, later, the client's Tclunk (its reply is an
 * orphan).  Each next segment starts a message, so nothing else is lost. */
void case_tcp_lost_boundary(const char *outdir)
{
	struct case_ctx cx;
	struct sess s;
	const char *const wname[] = {"motd"};
	struct qid q = l_file_qid("motd");

	open_ethernet(&cx, &s, outdir, "tcp_lost_boundary");
	l_mount(&s);
	build_twalk(&s.m, 1, ROOT_FID, FILE_FID, 1, wname);
	sess_send(&s, CLIENT);
	build_rwalk(&s.m, 1, 1, &q);
	sess_send(&s, SERVER);
	build_tgetattr(&s.m, 1, FILE_FID, GETATTR_BASIC);
	sess_send(&s, CLIENT);
	l_rgetattr(&s.m, 1, q, S_IFREG_0644, strlen(motd));
	cx.lg.gap_bytes += s.m.len;
	sess_lose(&s, SERVER);
	build_tlopen(&s.m, 1, FILE_FID, L_O_RDONLY);
	sess_send(&s, CLIENT);
	build_rlopen(&s.m, 1, q, 0);
	sess_send(&s, SERVER);
	build_tread(&s.m, 1, FILE_FID, 0, READ_COUNT);
	sess_send(&s, CLIENT);
	build_rread(&s.m, 1, motd, (uint32_t)strlen(motd));
	sess_send(&s, SERVER);
	build_tclunk(&s.m, 1, FILE_FID);
	cx.lg.gap_bytes += s.m.len;
	sess_lose(&s, CLIENT);
	build_empty(&s.m, NINEP_Rclunk, 1);
	sess_send(&s, SERVER);
	l_cat(&s, 2, "issue", "Debian GNU/Linux 12\n");
	cx.lg.gaps = 2;
	finish(&cx, &s);
}

/* A lost segment in the middle of a 3000-byte Rread (three segments, the
 * second lost): the header was captured, so only that Rread is lost and
 * framing continues right after it. */
void case_tcp_lost_middle(const char *outdir)
{
	struct case_ctx cx;
	struct sess s;
	struct buf data;

	open_ethernet(&cx, &s, outdir, "tcp_lost_middle");
	l_mount(&s);
	buf_init(&data, MSG_CEILING);
	text(&data, 3000);
	walk_open(&s, FILE_FID, "big", L_O_RDONLY);
	build_tread(&s.m, 1, FILE_FID, 0, READ_COUNT);
	sess_send(&s, CLIENT);
	build_rread(&s.m, 1, data.data, (uint32_t)data.len);
	ledger_msg(&cx.lg, s.conn, SERVER, s.m.data, 1);
	flow_send(&s.flow, SERVER, s.m.data, MSS);
	flow_lose(&s.flow, SERVER, MSS);
	flow_send(&s.flow, SERVER, s.m.data + 2 * MSS, s.m.len - 2 * MSS);
	s.flow.now_ns += SESS_THINK_NS;
	cx.lg.gaps = 1;
	cx.lg.gap_bytes = MSS;
	build_tread(&s.m, 1, FILE_FID, data.len, READ_COUNT);
	sess_send(&s, CLIENT);
	build_rread(&s.m, 1, "", 0);
	sess_send(&s, SERVER);
	clunk(&s, 1, FILE_FID);
	buf_free(&data);
	finish(&cx, &s);
}

/* A lost segment spanning message boundaries: it held the end of an Rread,
 * a whole Rclunk and the start of an Rgetattr.  The next segment starts
 * inside that Rgetattr (its first four bytes, read as a size, are 0), so
 * the stream resumes only at the segment after, which starts an Rwalk. */
void case_tcp_lost_resync(const char *outdir)
{
	struct case_ctx cx;
	struct sess s;
	struct buf data, replies;
	const char *const wname[] = {"issue"};
	struct qid q = l_file_qid("big");
	struct qid qi = l_file_qid("issue");
	size_t rread_len, cut_in_getattr = 50;

	open_ethernet(&cx, &s, outdir, "tcp_lost_resync");
	l_mount(&s);
	buf_init(&data, MSG_CEILING);
	buf_init(&replies, MSG_CEILING);
	text(&data, 2000);
	walk_open(&s, FILE_FID, "big", L_O_RDONLY);
	walk_open(&s, 2, "small", L_O_RDONLY);
	/* pipelined: Tread(tag 1, fid 1), Tclunk(tag 2, fid 2), Tgetattr(tag 3, fid 1) */
	build_tread(&s.m, 1, FILE_FID, 0, READ_COUNT);
	sess_send(&s, CLIENT);
	build_tclunk(&s.m, 2, 2);
	sess_send(&s, CLIENT);
	build_tgetattr(&s.m, 3, FILE_FID, GETATTR_BASIC);
	sess_send(&s, CLIENT);

	build_rread(&s.m, 1, data.data, (uint32_t)data.len);
	ledger_msg(&cx.lg, s.conn, SERVER, s.m.data, 1);
	buf_put(&replies, s.m.data, s.m.len);
	rread_len = s.m.len;
	build_empty(&s.m, NINEP_Rclunk, 2);
	ledger_msg(&cx.lg, s.conn, SERVER, s.m.data, 1);
	buf_put(&replies, s.m.data, s.m.len);
	l_rgetattr(&s.m, 3, q, S_IFREG_0644, data.len);
	ledger_msg(&cx.lg, s.conn, SERVER, s.m.data, 1);
	buf_put(&replies, s.m.data, s.m.len);
	{
		size_t lost_from = 1000, lost_to = rread_len + NINEP_HDRSZ + cut_in_getattr;
		flow_send(&s.flow, SERVER, replies.data, lost_from);
		flow_lose(&s.flow, SERVER, lost_to - lost_from);
		flow_send(&s.flow, SERVER, replies.data + lost_to, replies.len - lost_to);
		cx.lg.gaps = 1;
		cx.lg.gap_bytes = lost_to - lost_from;
		cx.lg.not_9p_bytes = replies.len - lost_to;
	}
	s.flow.now_ns += SESS_THINK_NS;
	/* new tags: the client got its replies, but a tool never saw them */
	build_twalk(&s.m, 4, ROOT_FID, 3, 1, wname);
	sess_send(&s, CLIENT);
	build_rwalk(&s.m, 4, 1, &qi);
	sess_send(&s, SERVER);
	clunk(&s, 4, 3);
	clunk(&s, 4, FILE_FID);
	buf_free(&data);
	buf_free(&replies);
	finish(&cx, &s);
}

/* Both sequence spaces wrap past 2^32: the client's inside its Tattach,
 * the server's in the middle of a multi-segment Rread. */
void case_tcp_seq_wrap(const char *outdir)
{
	struct case_ctx cx;
	struct sess s;
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);
	struct buf data;
	/* server bytes before the Rread: Rversion 21 + Rattach 20 + Rwalk 22 + Rlopen 24 */
	const uint32_t server_before = 21 + 20 + 22 + 24;

	fc.client_isn = 0xFFFFFFFFu - 30;                /* SYN, Tversion (21), then Tattach wraps */
	fc.server_isn = 0u - 1 - server_before - 2000;   /* 2000 bytes into the Rread */
	case_begin(&cx, outdir, "tcp_seq_wrap", &o, "9P2000.L");
	sess_open(&s, cx.cf, &cx.lg, &fc, CASE_START_NS, 1);
	l_mount(&s);
	buf_init(&data, MSG_CEILING);
	text(&data, 5000);
	walk_open(&s, FILE_FID, "big", L_O_RDONLY);
	if (s.flow.next_seq[SERVER] != 0u - 2000) {
		fprintf(stderr, "ninep-capgen: tcp_seq_wrap: server bytes before the Rread changed; fix server_before\n");
		exit(1);
	}
	build_tread(&s.m, 1, FILE_FID, 0, READ_COUNT);
	sess_send(&s, CLIENT);
	build_rread(&s.m, 1, data.data, (uint32_t)data.len);
	sess_send_split(&s, SERVER, MSS);
	clunk(&s, 1, FILE_FID);
	l_cat(&s, 2, "motd", motd);
	buf_free(&data);
	finish(&cx, &s);
}

/* The capture starts mid-connection: no SYN, and the first segment is the
 * tail of a Twrite (text).  That tail is skipped; the server's Rwrite then
 * answers a request never seen.  No Tversion: the dialect is unknown. */
void case_tcp_midstream(const char *outdir)
{
	struct case_ctx cx;
	struct sess s;
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);
	struct buf data;
	const size_t seen_from = 700;

	case_begin(&cx, outdir, "tcp_midstream", &o, "unknown");
	sess_open(&s, cx.cf, &cx.lg, &fc, CASE_START_NS, 0);
	buf_init(&data, MSG_CEILING);
	text(&data, 1000);
	build_twrite(&s.m, 1, 3, 0, data.data, (uint32_t)data.len);
	ledger_msg(&cx.lg, s.conn, CLIENT, s.m.data, 1);
	flow_lose(&s.flow, CLIENT, seen_from); /* before the capture started */
	flow_send(&s.flow, CLIENT, s.m.data + seen_from, s.m.len - seen_from);
	cx.lg.not_9p_bytes = s.m.len - seen_from;
	build_rwrite(&s.m, 1, (uint32_t)data.len);
	sess_send(&s, SERVER);
	clunk(&s, 1, 3);
	l_cat(&s, FILE_FID, "motd", motd);
	buf_free(&data);
	finish(&cx, &s);
}

/* Two connections on the same 4-tuple: the second SYN follows the first
 * connection's FIN exchange. */
void case_tcp_tuple_reuse(const char *outdir)
{
	struct case_ctx cx;
	struct sess s;
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);
	uint64_t t;

	case_begin(&cx, outdir, "tcp_tuple_reuse", &o, "9P2000.L");
	sess_open(&s, cx.cf, &cx.lg, &fc, CASE_START_NS, 1);
	l_mount(&s);
	l_cat(&s, FILE_FID, "motd", motd);
	sess_end(&s, 1);
	t = s.flow.now_ns + CASE_CONN_PAUSE_NS;
	fc.client_isn += 0x10000000u;
	fc.server_isn += 0x20000000u;
	sess_open(&s, cx.cf, &cx.lg, &fc, t, 1);
	l_mount(&s);
	l_cat(&s, FILE_FID, "issue", "Debian GNU/Linux 12\n");
	finish(&cx, &s);
}

/* The server resets the connection while a Tread is outstanding. */
void case_tcp_rst_outstanding(const char *outdir)
{
	struct case_ctx cx;
	struct sess s;

	open_ethernet(&cx, &s, outdir, "tcp_rst_outstanding");
	l_mount(&s);
	walk_open(&s, FILE_FID, "motd", L_O_RDONLY);
	build_tread(&s.m, 1, FILE_FID, 0, READ_COUNT);
	sess_send(&s, CLIENT);
	flow_reset(&s.flow, SERVER);
	sess_end(&s, 0);
	case_end(&cx);
}

/* A snaplen of 256 cuts a 1200-byte Rread: its header is captured, so it
 * is still a reply, answering its Tread at the time of its packet (issue
 * 16); the bytes cut are not captured, not lost. */
void case_snaplen_cut_rread(const char *outdir)
{
	enum { SNAPLEN = 256, FRAME_OVERHEAD = 14 + 20 + 20 };
	struct case_ctx cx;
	struct sess s;
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);
	struct buf data;

	o.snaplen = SNAPLEN;
	case_begin(&cx, outdir, "snaplen_cut_rread", &o, "9P2000.L");
	sess_open(&s, cx.cf, &cx.lg, &fc, CASE_START_NS, 1);
	l_mount(&s);
	buf_init(&data, MSG_CEILING);
	text(&data, 1200);
	walk_open(&s, FILE_FID, "big", L_O_RDONLY);
	build_tread(&s.m, 1, FILE_FID, 0, READ_COUNT);
	sess_send(&s, CLIENT);
	build_rread(&s.m, 1, data.data, (uint32_t)data.len);
	ledger_msg(&cx.lg, s.conn, SERVER, s.m.data, 0);
	flow_send(&s.flow, SERVER, s.m.data, s.m.len);
	s.flow.now_ns += SESS_THINK_NS;
	cx.lg.uncaptured_bytes = FRAME_OVERHEAD + s.m.len - SNAPLEN;
	build_tread(&s.m, 1, FILE_FID, data.len, READ_COUNT);
	sess_send(&s, CLIENT);
	build_rread(&s.m, 1, "", 0);
	sess_send(&s, SERVER);
	clunk(&s, 1, FILE_FID);
	buf_free(&data);
	finish(&cx, &s);
}

/* An Rerror (107) holding a 4-byte errno instead of a string, size 11, as
 * nfs-ganesha answers 9P2000.L errors.  With errno 2 its bytes happen to
 * read as a string of two NULs, which conforms (doc/9p-wire.md lets a
 * 9P2000.L Rerror carry a string, as Erlang on Xen sends it); with 13 they
 * fit no layout at all. */
static void ganesha_rerror(struct sess *s, uint16_t tag, uint32_t errnum)
{
	msg_begin(&s->m, NINEP_Rerror, tag);
	msg_u32(&s->m, errnum);
	msg_end(&s->m);
	sess_send(s, SERVER);
}

/* Servers that bend the spec (issue 16): a 9P2000.L server answering a
 * Twalk and a Tlopen with ganesha's Rerror, then a 9P2000.u connection
 * whose server answers a Twalk with Rlerror.  Each is still the reply to
 * its request and an error; two of them do not conform. */
void case_server_bends_spec(const char *outdir)
{
	struct case_ctx cx;
	struct sess s;
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);
	const char *const missing[] = {"nosuch"};

	case_begin(&cx, outdir, "server_bends_spec", &o, "mixed");
	sess_open(&s, cx.cf, &cx.lg, &fc, CASE_START_NS, 1);
	l_mount(&s);
	build_twalk(&s.m, 1, ROOT_FID, FILE_FID, 1, missing);
	sess_send(&s, CLIENT);
	ganesha_rerror(&s, 1, ERRNO_ENOENT);
	walk_open(&s, FILE_FID, "motd", L_O_RDONLY);
	build_tlopen(&s.m, 2, FILE_FID, L_O_WRONLY);
	sess_send(&s, CLIENT);
	ganesha_rerror(&s, 2, ERRNO_EACCES);
	clunk(&s, 1, FILE_FID);
	sess_end(&s, 1);

	/* the same ports again, a new connection */
	uint64_t t = s.flow.now_ns + CASE_CONN_PAUSE_NS;
	fc.client_isn += 0x10000000u;
	fc.server_isn += 0x20000000u;
	sess_open(&s, cx.cf, &cx.lg, &fc, t, 1);
	build_tversion(&s.m, MSG_MSIZE, "9P2000.u");
	sess_send(&s, CLIENT);
	build_rversion(&s.m, MSG_MSIZE, "9P2000.u");
	sess_send(&s, SERVER);
	build_tattach(&s.m, 1, ROOT_FID, NINEP_NOFID, "user", "", 1, 1000);
	sess_send(&s, CLIENT);
	build_rattach(&s.m, 1, l_root_qid);
	sess_send(&s, SERVER);
	build_twalk(&s.m, 1, ROOT_FID, FILE_FID, 1, missing);
	sess_send(&s, CLIENT);
	build_rlerror(&s.m, 1, ERRNO_ENOENT);
	sess_send(&s, SERVER);
	cx.lg.nonconforming = 2; /* the errno-13 Rerror, the Rlerror in 9P2000.u */
	finish(&cx, &s);
}

/* Tflush of a blocked read: the read's reply comes before Rflush (answered)
 * or never (flushed). */
static void flush_case(const char *outdir, const char *name, int read_answered)
{
	struct case_ctx cx;
	struct sess s;

	open_ethernet(&cx, &s, outdir, name);
	l_mount(&s);
	walk_open(&s, FILE_FID, "events", L_O_RDONLY);
	build_tread(&s.m, 2, FILE_FID, 0, READ_COUNT);
	sess_send(&s, CLIENT);
	s.flow.now_ns += 1000000000ull; /* the user gives up after a second */
	build_tflush(&s.m, 3, 2);
	sess_send(&s, CLIENT);
	if (read_answered) {
		build_rread(&s.m, 2, "event 1\n", (uint32_t)strlen("event 1\n"));
		sess_send(&s, SERVER);
	}
	build_empty(&s.m, NINEP_Rflush, 3);
	sess_send(&s, SERVER);
	clunk(&s, 1, FILE_FID);
	finish(&cx, &s);
}

void case_flush_answered_first(const char *outdir) { flush_case(outdir, "flush_answered_first", 1); }
void case_flush_never_answered(const char *outdir) { flush_case(outdir, "flush_never_answered", 0); }

/* A clean 9P2000.L session on port 5640: found by content, not by port. */
void case_port_5640(const char *outdir)
{
	struct case_ctx cx;
	struct sess s;
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_ALT_PORT);
	const char *const missing[] = {"nonexistent"};

	case_begin(&cx, outdir, "port_5640", &o, "9P2000.L");
	sess_open(&s, cx.cf, &cx.lg, &fc, CASE_START_NS, 1);
	l_mount(&s);
	l_cat(&s, FILE_FID, "motd", motd);
	build_twalk(&s.m, 1, ROOT_FID, 2, 1, missing);
	sess_send(&s, CLIENT);
	build_rlerror(&s.m, 1, ERRNO_ENOENT);
	sess_send(&s, SERVER);
	l_cat(&s, 3, "issue", "Debian GNU/Linux 12\n");
	finish(&cx, &s);
}

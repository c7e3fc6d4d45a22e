/*
 * Link layers and IP: every supported link type (written to a pcap file and
 * read back through capture_open_file), VLAN tags, Ethernet padding, IPv4
 * fragments (in order, out of order, overlapping, timed out), IPv6
 * extension headers and IPv6 fragments, cut headers.
 */
#include "testutil.h"

#include "bytes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAXPKT = 16, PKTSZ = 2048 };

struct conv {
	uint8_t ip[MAXPKT][PKTSZ];
	size_t len[MAXPKT];
	size_t n;
};

/* A short 9P-looking conversation over TCP between two fixed addresses. */
static void make_conv(struct conv *cv, int family)
{
	const char *c = family == 6 ? "fd00::1" : "192.168.1.1", *s = family == 6 ? "fd00::2" : "192.168.1.2";
	struct seg segs[] = {
		{ family, c, s, 33000, 564, 100, 0, TCP_SYN, NULL, 0 },
		{ family, s, c, 564, 33000, 900, 101, TCP_SYN | TCP_ACK, NULL, 0 },
		{ family, c, s, 33000, 564, 101, 901, TCP_ACK, NULL, 0 },
		{ family, c, s, 33000, 564, 101, 901, TCP_ACK | TCP_PSH, (const uint8_t *)"Tversion", 8 },
		{ family, s, c, 564, 33000, 901, 109, TCP_ACK | TCP_PSH, (const uint8_t *)"Rversion!", 9 },
		{ family, c, s, 33000, 564, 109, 910, TCP_ACK | TCP_FIN, NULL, 0 },
		{ family, s, c, 564, 33000, 910, 110, TCP_ACK | TCP_FIN, NULL, 0 },
	};
	size_t i;

	cv->n = sizeof segs / sizeof segs[0];
	for (i = 0; i < cv->n; i++)
		cv->len[i] = build_ip_tcp(&segs[i], cv->ip[i], PKTSZ);
}

struct run_result {
	struct capture_stats st;
	struct recorder rec;
	int rc;
	char err[512];
};

static void run_file(const char *path, const char *filter, struct run_result *res)
{
	struct capture_input *in;
	struct reassembler *r;

	memset(res, 0, sizeof *res);
	recorder_init(&res->rec);
	in = capture_open_file(path, filter, res->err, sizeof res->err);
	if (in == NULL) {
		res->rc = -2;
		return;
	}
	r = reasm_new(NULL, &recorder_events, &res->rec);
	res->rc = capture_run(in, r, 0, NULL, res->err, sizeof res->err);
	res->st = *reasm_stats(r);
	reasm_free(r, capture_last_ns(in));
	capture_close(in);
}

static void check_conv(struct run_result *res, const char *what)
{
	int ok = res->rc == 0 && res->st.connections == 1 && res->rec.conn[1].closed &&
		 res->rec.conn[1].reason == CLOSE_FIN && strcmp(rec_text(&res->rec, 1, 0), "Tversion") == 0 &&
		 strcmp(rec_text(&res->rec, 1, 1), "Rversion!") == 0 && res->st.malformed_headers == 0 &&
		 res->st.non_ip == 0 && res->st.truncated_headers == 0 && res->st.gaps == 0 &&
		 res->rec.conn[1].snapshot.handshake_rtt_ns == 2000;
	CHECK(ok);
	if (!ok)
		fprintf(stderr, "  %s: rc %d (%s), %llu conns, '%s' / '%s', malformed %llu non_ip %llu\n", what, res->rc,
			res->err, (unsigned long long)res->st.connections, rec_text(&res->rec, 1, 0),
			rec_text(&res->rec, 1, 1), (unsigned long long)res->st.malformed_headers,
			(unsigned long long)res->st.non_ip);
	else
		printf("  ok: %s\n", what);
	recorder_free(&res->rec);
}

static void test_link_type(int linktype, int vlans, int swap, int family, const char *what)
{
	static uint8_t frames[MAXPKT][PKTSZ + 64];
	struct rec_pkt p[MAXPKT];
	struct conv cv;
	struct run_result res;
	const char *path = tmp_path("link.pcap");
	size_t i;

	make_conv(&cv, family);
	for (i = 0; i < cv.n; i++) {
		size_t n = wrap_link(linktype, vlans, swap, cv.ip[i], cv.len[i], frames[i], sizeof frames[i]);
		p[i] = (struct rec_pkt){ 1700000000LL * 1000000000 + (int64_t)i * 1000, 0, frames[i], n, n };
	}
	write_pcap(path, linktype, 1, 0, p, cv.n);
	run_file(path, NULL, &res);
	check_conv(&res, what);
}

/* The same conversation straight into reasm_packet with a DLT_ value. */
static void test_dlt_direct(int dlt, const char *what)
{
	struct recorder rec;
	struct reassembler *r;
	struct conv cv;
	struct run_result res;
	size_t i;

	recorder_init(&rec);
	r = reasm_new(NULL, &recorder_events, &rec);
	make_conv(&cv, 4);
	for (i = 0; i < cv.n; i++)
		reasm_packet(r, dlt, cv.ip[i], cv.len[i], cv.len[i], (int64_t)i * 1000);
	memset(&res, 0, sizeof res);
	res.st = *reasm_stats(r);
	reasm_free(r, 0);
	res.rec = rec;
	check_conv(&res, what);
}

static void test_ethernet_padding(void)
{
	struct recorder rec;
	struct reassembler *r;
	struct conv cv;
	uint8_t frame[PKTSZ];
	size_t i;

	recorder_init(&rec);
	r = reasm_new(NULL, &recorder_events, &rec);
	make_conv(&cv, 4);
	for (i = 0; i < cv.n; i++) {
		size_t n = wrap_link(LINKTYPE_ETHERNET, 0, 0, cv.ip[i], cv.len[i], frame, sizeof frame);
		/* pad every frame with junk to 14 + 46 + 20 bytes */
		while (n < 80)
			frame[n++] = 'P';
		reasm_packet(r, LINKTYPE_ETHERNET, frame, n, n, (int64_t)i * 1000);
	}
	CHECK(strcmp(rec_text(&rec, 1, 0), "Tversion") == 0);
	CHECK(strcmp(rec_text(&rec, 1, 1), "Rversion!") == 0);
	reasm_free(r, 0);
	recorder_free(&rec);
}

/* ---- fragments */

enum { FRAGMENT_IP_ID = 0x4242, IPV4_SRC_OFFSET = 12, IPV4_DST_OFFSET = 16 };

/* IPv4 fragment of packet `ip` (20-byte header): payload bytes [off, off+len). */
static size_t v4_fragment(const uint8_t *ip, size_t iplen, size_t off, size_t len, uint8_t *out)
{
	int more = off + len < iplen - IPV4_HDRLEN;
	uint16_t frag = (uint16_t)((more ? IPV4_MF : 0) | off / IPV4_FRAG_UNIT);

	ipv4_header(out, ip + IPV4_SRC_OFFSET, ip + IPV4_DST_OFFSET, FRAGMENT_IP_ID, frag, len);
	memcpy(out + IPV4_HDRLEN, ip + IPV4_HDRLEN + off, len);
	return IPV4_HDRLEN + len;
}

static void test_ipv4_fragments(void)
{
	char payload[101];
	struct seg s = { 4, "10.1.1.1", "10.1.1.2", 40000, 564, 1, 0, TCP_ACK, (const uint8_t *)payload, 100 };
	uint8_t ip[PKTSZ], frag[3][PKTSZ];
	size_t iplen, fl[3];
	struct recorder rec;
	struct reassembler *r;
	const struct capture_stats *st;
	char want[400];

	memset(payload, 0, sizeof payload);
	for (int i = 0; i < 100; i++)
		payload[i] = (char)('A' + i % 26);
	recorder_init(&rec);
	r = reasm_new(NULL, &recorder_events, &rec);
	/* 120 bytes of TCP: fragments of 48, 48, 24 */
	iplen = build_ip_tcp(&s, ip, sizeof ip);
	fl[0] = v4_fragment(ip, iplen, 0, 48, frag[0]);
	fl[1] = v4_fragment(ip, iplen, 48, 48, frag[1]);
	fl[2] = v4_fragment(ip, iplen, 96, 24, frag[2]);
	reasm_packet(r, LINKTYPE_RAW, frag[0], fl[0], fl[0], 1000);
	reasm_packet(r, LINKTYPE_RAW, frag[1], fl[1], fl[1], 1001);
	reasm_packet(r, LINKTYPE_RAW, frag[2], fl[2], fl[2], 1002);
	/* the next segment, fragments out of order and one repeated */
	s.seq = 101;
	iplen = build_ip_tcp(&s, ip, sizeof ip);
	fl[0] = v4_fragment(ip, iplen, 0, 48, frag[0]);
	fl[1] = v4_fragment(ip, iplen, 48, 48, frag[1]);
	fl[2] = v4_fragment(ip, iplen, 96, 24, frag[2]);
	reasm_packet(r, LINKTYPE_RAW, frag[2], fl[2], fl[2], 2000);
	reasm_packet(r, LINKTYPE_RAW, frag[1], fl[1], fl[1], 2001);
	reasm_packet(r, LINKTYPE_RAW, frag[1], fl[1], fl[1], 2002);
	reasm_packet(r, LINKTYPE_RAW, frag[0], fl[0], fl[0], 2003);
	/* a third whose first fragment comes 31 s later: timed out */
	s.seq = 201;
	iplen = build_ip_tcp(&s, ip, sizeof ip);
	fl[0] = v4_fragment(ip, iplen, 0, 48, frag[0]);
	fl[1] = v4_fragment(ip, iplen, 48, 72, frag[1]);
	reasm_packet(r, LINKTYPE_RAW, frag[1], fl[1], fl[1], 3000);
	reasm_packet(r, LINKTYPE_RAW, frag[0], fl[0], fl[0], 3000 + 31 * (int64_t)1000000000);
	st = reasm_stats(r);
	CHECK_EQ_U(st->ip_fragments, 9);
	CHECK_EQ_U(st->ip_reassembled, 2);
	CHECK_EQ_U(st->ip_fragments_dropped, 1);
	memcpy(want, payload, 100);
	memcpy(want + 100, payload, 100);
	want[200] = 0;
	CHECK(strcmp(rec_text(&rec, 1, 0), want) == 0);
	CHECK_EQ_U(rec.conn[1].side[0].last_ts, 2003);
	reasm_free(r, 0);
	recorder_free(&rec);
}

/* IPv6 with hop-by-hop and destination options, then a fragmented one. */
static void test_ipv6_extensions(void)
{
	struct seg s = { 6, "2001:db8::1", "2001:db8::2", 40000, 564, 1, 0, TCP_ACK, (const uint8_t *)"0123456789abcdef", 16 };
	uint8_t ip[PKTSZ], pkt[PKTSZ], f1[PKTSZ], f2[PKTSZ];
	size_t iplen, n, tl, n1, n2;
	struct recorder rec;
	struct reassembler *r;
	const struct capture_stats *st;

	recorder_init(&rec);
	r = reasm_new(NULL, &recorder_events, &rec);
	iplen = build_ip_tcp(&s, ip, sizeof ip);
	/* 40-byte header, hop-by-hop (8, PadN), destination options (16), TCP */
	memcpy(pkt, ip, 40);
	pkt[6] = 0; /* hop-by-hop */
	memset(pkt + 40, 0, 24);
	pkt[40] = 60; /* next: destination options */
	pkt[41] = 0;
	pkt[42] = 1; /* PadN, 4 bytes */
	pkt[43] = 4;
	pkt[48] = 6; /* next: TCP */
	pkt[49] = 1; /* 16 bytes */
	pkt[50] = 1;
	pkt[51] = 12;
	memcpy(pkt + 64, ip + 40, iplen - 40);
	n = iplen + 24;
	put_be16(pkt + 4, (uint16_t)(n - 40));
	reasm_packet(r, LINKTYPE_IPV6, pkt, n, n, 1000);
	CHECK(strcmp(rec_text(&rec, 1, 0), "0123456789abcdef") == 0);

	/* fragmented: TCP (20 + 16 bytes) in 24 + 12, second arriving first */
	s.seq = 17;
	iplen = build_ip_tcp(&s, ip, sizeof ip);
	tl = iplen - 40;
	memcpy(f1, ip, 40);
	f1[6] = 44;
	f1[40] = 6;
	f1[41] = 0;
	put_be16(f1 + 42, 0 | 1);
	memcpy(f1 + 44, "\x12\x34\x56\x78", 4);
	memcpy(f1 + 48, ip + 40, 24);
	n1 = 48 + 24;
	put_be16(f1 + 4, (uint16_t)(n1 - 40));
	memcpy(f2, f1, 48);
	put_be16(f2 + 42, 24);
	memcpy(f2 + 48, ip + 40 + 24, tl - 24);
	n2 = 48 + tl - 24;
	put_be16(f2 + 4, (uint16_t)(n2 - 40));
	reasm_packet(r, LINKTYPE_RAW, f2, n2, n2, 2000);
	reasm_packet(r, LINKTYPE_RAW, f1, n1, n1, 2001);
	CHECK(strcmp(rec_text(&rec, 1, 0), "0123456789abcdef0123456789abcdef") == 0);
	st = reasm_stats(r);
	CHECK_EQ_U(st->ip_fragments, 2);
	CHECK_EQ_U(st->ip_reassembled, 1);
	CHECK_EQ_U(st->malformed_headers, 0);
	/* a header chain cut by the snaplen is counted as truncated */
	reasm_packet(r, LINKTYPE_IPV6, pkt, 50, n, 3000);
	CHECK_EQ_U(st->truncated_headers, 1);
	/* and one that claims more than the packet holds is malformed */
	pkt[49] = 200;
	reasm_packet(r, LINKTYPE_IPV6, pkt, n, n, 3001);
	CHECK_EQ_U(st->malformed_headers, 1);
	reasm_free(r, 0);
	recorder_free(&rec);
}

static void test_cut_headers(void)
{
	struct seg s = { 4, "10.1.1.1", "10.1.1.2", 40000, 564, 1, 0, TCP_ACK, (const uint8_t *)"x", 1 };
	uint8_t ip[PKTSZ], frame[PKTSZ];
	size_t n = build_ip_tcp(&s, ip, sizeof ip), fn;
	struct reassembler *r = reasm_new(NULL, NULL, NULL);
	const struct capture_stats *st = reasm_stats(r);

	fn = wrap_link(LINKTYPE_ETHERNET, 2, 0, ip, n, frame, sizeof frame);
	reasm_packet(r, LINKTYPE_ETHERNET, frame, 16, fn, 0);      /* inside the VLAN tags */
	reasm_packet(r, LINKTYPE_ETHERNET, frame, 8 + 20 + 30, fn, 0); /* inside TCP */
	reasm_packet(r, LINKTYPE_ETHERNET, frame, 10, 10, 0);      /* a runt */
	CHECK_EQ_U(st->truncated_headers, 2);
	CHECK_EQ_U(st->malformed_headers, 1);
	CHECK_EQ_U(st->connections, 0);
	frame[12] = 0x08;
	frame[13] = 0x06; /* ARP */
	reasm_packet(r, LINKTYPE_ETHERNET, frame, fn, fn, 0);
	CHECK_EQ_U(st->non_ip, 1);
	reasm_packet(r, 147, frame, fn, fn, 0); /* a user DLT */
	CHECK_EQ_U(st->non_ip, 2);
	reasm_free(r, 0);
}

static void test_endpoint_format(void)
{
	struct endpoint e;
	char buf[ENDPOINT_STRLEN];

	memset(&e, 0, sizeof e);
	e.family = 4;
	e.addr[0] = 127;
	e.addr[3] = 1;
	e.port = 5640;
	CHECK(strcmp(endpoint_format(&e, buf, sizeof buf), "127.0.0.1:5640") == 0);
	memset(&e, 0, sizeof e);
	e.family = 6;
	e.addr[15] = 1;
	e.port = 564;
	CHECK(strcmp(endpoint_format(&e, buf, sizeof buf), "[::1]:564") == 0);
}

int main(void)
{
	test_link_type(LINKTYPE_ETHERNET, 0, 0, 4, "Ethernet IPv4");
	test_link_type(LINKTYPE_ETHERNET, 0, 0, 6, "Ethernet IPv6");
	test_link_type(LINKTYPE_ETHERNET, 1, 0, 4, "Ethernet, one VLAN tag");
	test_link_type(LINKTYPE_ETHERNET, 2, 0, 6, "Ethernet, two VLAN tags (802.1ad + 802.1Q), IPv6");
	test_link_type(LINKTYPE_LINUX_SLL, 0, 0, 4, "Linux cooked SLL");
	test_link_type(LINKTYPE_LINUX_SLL2, 0, 0, 6, "Linux cooked SLL2, IPv6");
	test_link_type(LINKTYPE_NULL, 0, 0, 4, "BSD NULL, little-endian AF");
	test_link_type(LINKTYPE_NULL, 0, 1, 6, "BSD NULL, big-endian AF, IPv6 (AF 30)");
	test_link_type(LINKTYPE_LOOP, 0, 0, 4, "OpenBSD LOOP");
	test_link_type(LINKTYPE_LOOP, 0, 0, 6, "OpenBSD LOOP, IPv6 (AF 24)");
	test_link_type(LINKTYPE_RAW, 0, 0, 4, "LINKTYPE_RAW IPv4");
	test_link_type(LINKTYPE_RAW, 0, 0, 6, "LINKTYPE_RAW IPv6");
	test_link_type(LINKTYPE_IPV4, 0, 0, 4, "LINKTYPE_IPV4");
	test_link_type(LINKTYPE_IPV6, 0, 0, 6, "LINKTYPE_IPV6");
	test_dlt_direct(DLT_RAW_MOST, "DLT_RAW 12");
	test_dlt_direct(DLT_RAW_OPENBSD, "DLT_RAW 14");
	test_ethernet_padding();
	test_ipv4_fragments();
	test_ipv6_extensions();
	test_cut_headers();
	test_endpoint_format();
	return t_summary("analyzer.capture.link");
}

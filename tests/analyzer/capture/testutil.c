/* Helpers for the capture tests: see testutil.h. */
#include "testutil.h"

#include "link.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int t_failures, t_checks;

enum {
	MAX_TMP = 64,
	SEG_IP_ID = 1,
	SEG_WINDOW = 65535,
	IP_VERSION_SHIFT = 4, /* the version is the first byte's high nibble */
	IP_VERSION_6 = 6,
	/* write_pcapng: before one packet in four, a block to skip */
	UNKNOWN_BLOCK_TYPE = 0xBAD,
	UNKNOWN_BLOCK_BODY = 4,
	UNKNOWN_BLOCK_EVERY = 4,
};

static char tmp_dir[64];
static char *tmp_files[MAX_TMP];
static size_t ntmp;

const char *tmp_path(const char *name)
{
	char *p;

	if (tmp_dir[0] == '\0') {
		snprintf(tmp_dir, sizeof tmp_dir, "/tmp/ninep-capture-test-XXXXXX");
		if (mkdtemp(tmp_dir) == NULL) {
			perror("mkdtemp");
			exit(2);
		}
	}
	p = malloc(strlen(tmp_dir) + strlen(name) + 32);
	if (p == NULL || ntmp == MAX_TMP)
		exit(2);
	sprintf(p, "%s/%zu-%s", tmp_dir, ntmp, name);
	tmp_files[ntmp++] = p;
	return p;
}

int t_summary(const char *name)
{
	size_t i;

	/* NINEP_TEST_KEEP=1 leaves the files, to look at them with tshark */
	int keep = getenv("NINEP_TEST_KEEP") != NULL;

	for (i = 0; i < ntmp; i++) {
		if (!keep)
			unlink(tmp_files[i]);
		free(tmp_files[i]);
	}
	if (tmp_dir[0] != '\0' && !keep)
		rmdir(tmp_dir);
	printf("%s: %d checks, %d failed\n", name, t_checks, t_failures);
	if (t_checks == 0)
		printf("%s: FAIL: no check ran\n", name); /* a test of nothing */
	return t_failures == 0 && t_checks > 0 ? 0 : 1;
}

/* Textual addresses into bytes; a bad one is a bug in the test. */
static void parse_address(int family, const char *text, uint8_t *out)
{
	if (inet_pton(family == 6 ? AF_INET6 : AF_INET, text, out) != 1) {
		fprintf(stderr, "testutil: bad IPv%d address %s\n", family, text);
		exit(2);
	}
}

size_t build_ip_tcp(const struct seg *s, uint8_t *buf, size_t cap)
{
	uint8_t src[IPV6_ADDR_LEN], dst[IPV6_ADDR_LEN];
	const struct ip_tcp packet = {
		.ipv6 = s->family == 6,
		.src_ip = src,
		.dst_ip = dst,
		.ip_id = SEG_IP_ID,
		.tcp = {
			.src_port = s->sport,
			.dst_port = s->dport,
			.seq = s->seq,
			.ack = s->ack,
			.flags = s->flags,
			.window = SEG_WINDOW,
		},
	};

	parse_address(s->family, s->src, src);
	parse_address(s->family, s->dst, dst);
	return ip_tcp_packet(buf, cap, &packet, s->payload, s->len);
}

size_t wrap_link(int linktype, int vlans, int swap, const uint8_t *ip, size_t iplen, uint8_t *buf, size_t cap)
{
	static const uint8_t dst_mac[MAC_LEN] = {0x02, 0, 0, 0, 0, 0x00};
	static const uint8_t src_mac[MAC_LEN] = {0x02, 0, 0, 0, 0, 0x01};
	const struct link_fields link = {
		/* DLT_RAW frames are LINKTYPE_RAW's: bare IP */
		.linktype = linktype == DLT_RAW_MOST || linktype == DLT_RAW_OPENBSD ? LINKTYPE_RAW : (uint32_t)linktype,
		.ipv6 = iplen > 0 && ip[0] >> IP_VERSION_SHIFT == IP_VERSION_6,
		.dst_mac = dst_mac,
		.src_mac = src_mac,
		.vlan_tags = (unsigned)vlans,
		.sll_packet_type = SLL_PACKET_HOST,
		.null_swapped = swap,
	};
	size_t h = link_header_len(&link);

	if (iplen > cap || h > cap - iplen)
		exit(2);
	link_header(buf, &link);
	memcpy(buf + h, ip, iplen);
	return h + iplen;
}

/* ---- capture files */

static struct capfile *create(const char *path, enum capfile_format format, int linktype, int nsec, int big)
{
	const struct capfile_options o = {
		.format = format,
		.linktype = (uint32_t)linktype,
		.snaplen = CAPFILE_FULL_SNAPLEN,
		.nanosecond = nsec,
		.big_endian = big,
	};
	return capfile_create(path, &o);
}

/* A record on an interface the file does not declare aborts in capfile. */
static void write_record(struct capfile *cf, const struct rec_pkt *p)
{
	capfile_write_record(cf, (unsigned)p->ifid, (uint64_t)p->ts_ns, p->data, p->cap_len, p->wire_len);
}

void write_pcap(const char *path, int linktype, int nsec, int big, const struct rec_pkt *p, size_t n)
{
	struct capfile *cf = create(path, CAPFILE_PCAP, linktype, nsec, big);

	for (size_t i = 0; i < n; i++)
		write_record(cf, &p[i]);
	capfile_close(cf);
}

void write_pcapng(const char *path, int big, const struct ng_if *ifs, size_t nifs, const struct rec_pkt *p, size_t n)
{
	static const uint8_t unknown_body[UNKNOWN_BLOCK_BODY];
	struct capfile *cf;

	/* capfile_create declares interface 0 itself, with if_tsresol 9 or none */
	if (nifs == 0 || (ifs[0].tsresol != CAPFILE_TSRESOL_NSEC && ifs[0].tsresol != CAPFILE_TSRESOL_NONE)) {
		fprintf(stderr, "testutil: interface 0 needs if_tsresol 9 or none\n");
		exit(2);
	}
	cf = create(path, CAPFILE_PCAPNG, ifs[0].linktype, ifs[0].tsresol == CAPFILE_TSRESOL_NSEC, big);
	for (size_t i = 1; i < nifs; i++)
		capfile_add_interface(cf, (uint32_t)ifs[i].linktype, ifs[i].tsresol); /* numbered i */
	for (size_t i = 0; i < n; i++) {
		if (i % UNKNOWN_BLOCK_EVERY == UNKNOWN_BLOCK_EVERY - 1)
			capfile_write_block(cf, UNKNOWN_BLOCK_TYPE, unknown_body, sizeof unknown_body);
		write_record(cf, &p[i]);
	}
	capfile_close(cf);
}

/* ---- recorder */

static struct rec_conn *rec_of(struct recorder *rc, const struct tcp_conn *c)
{
	if (c->id == 0 || c->id > REC_MAX_CONNS)
		return NULL; /* only the first REC_MAX_CONNS are recorded */
	return &rc->conn[c->id];
}

static void append(struct rec_stream *s, const uint8_t *data, size_t len, int fill)
{
	if (s->len + len + 1 > s->cap) {
		size_t n = (s->len + len + 1) * 2;
		uint8_t *b = realloc(s->buf, n);
		if (b == NULL)
			exit(2);
		s->buf = b;
		s->cap = n;
	}
	if (data != NULL)
		memcpy(s->buf + s->len, data, len);
	else
		memset(s->buf + s->len, fill, len);
	s->len += len;
	s->buf[s->len] = 0;
}

static void rec_open(void *ctx, struct tcp_conn *c)
{
	struct recorder *rc = ctx;
	struct rec_conn *r = rec_of(rc, c);

	rc->nconns++;
	if (r == NULL)
		return;

	if (r->opened)
		rc->order_violations++;
	r->opened = 1;
	if (c->id == rc->ignore_id)
		c->ignored = 1;
	c->user = r;
}

static void rec_data(void *ctx, struct tcp_conn *c, int side, const uint8_t *data, size_t len, int64_t ts)
{
	struct recorder *rc = ctx;
	struct rec_conn *r = rec_of(rc, c);

	if (r == NULL)
		return;

	if (!r->opened || r->closed || c->user != r || c->ignored)
		rc->order_violations++;
	append(&r->side[side], data, len, 0);
	r->side[side].last_ts = ts;
}

static void rec_gap(void *ctx, struct tcp_conn *c, int side, uint64_t bytes, int64_t ts)
{
	struct recorder *rc = ctx;
	struct rec_conn *r = rec_of(rc, c);

	if (r == NULL)
		return;

	if (!r->opened || r->closed || c->ignored)
		rc->order_violations++;
	r->side[side].gaps++;
	r->side[side].gap_bytes += bytes;
	r->side[side].last_ts = ts;
	if (rc->gap_marks && bytes < 1000000)
		append(&r->side[side], NULL, (size_t)bytes, '#');
}

static void rec_close(void *ctx, struct tcp_conn *c, enum close_reason why, int64_t ts)
{
	struct recorder *rc = ctx;
	struct rec_conn *r = rec_of(rc, c);

	if (r == NULL)
		return;

	(void)ts;
	if (!r->opened || r->closed)
		rc->order_violations++;
	r->closed = 1;
	r->reason = why;
	r->snapshot = *c;
}

/* No on_uncaptured: bytes the snaplen cut come as gaps, as the tests expect. */
const struct stream_events recorder_events = {
	.on_open = rec_open,
	.on_data = rec_data,
	.on_gap = rec_gap,
	.on_close = rec_close,
};

void recorder_init(struct recorder *rc)
{
	memset(rc, 0, sizeof *rc);
}

void recorder_free(struct recorder *rc)
{
	size_t i;

	for (i = 0; i <= REC_MAX_CONNS; i++) {
		free(rc->conn[i].side[0].buf);
		free(rc->conn[i].side[1].buf);
	}
	memset(rc, 0, sizeof *rc);
}

const char *rec_text(struct recorder *rc, uint64_t id, int side)
{
	struct rec_stream *s;

	if (id == 0 || id > REC_MAX_CONNS)
		return "";
	s = &rc->conn[id].side[side];
	return s->buf != NULL ? (const char *)s->buf : "";
}

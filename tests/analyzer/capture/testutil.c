/* Helpers for the capture tests: see testutil.h. */
#include "testutil.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int t_failures, t_checks;

enum {
	MAX_TMP = 64,
	IPV4_HDR = 20,
	IPV6_HDR = 40,
	TCP_HDR = 20,
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

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t ip_checksum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t build_ip_tcp(const struct seg *s, uint8_t *buf, size_t cap)
{
	size_t ih = s->family == 6 ? IPV6_HDR : IPV4_HDR, total = ih + TCP_HDR + s->len;
	uint8_t *t = buf + ih;

	if (total > cap)
		exit(2);
	memset(buf, 0, ih + TCP_HDR);
	if (s->family == 6) {
		buf[0] = 0x60;
		put16(buf + 4, (uint16_t)(TCP_HDR + s->len));
		buf[6] = 6;
		buf[7] = 64;
		inet_pton(AF_INET6, s->src, buf + 8);
		inet_pton(AF_INET6, s->dst, buf + 24);
	} else {
		buf[0] = 0x45;
		put16(buf + 2, (uint16_t)total);
		put16(buf + 4, 1);
		buf[8] = 64;
		buf[9] = 6;
		inet_pton(AF_INET, s->src, buf + 12);
		inet_pton(AF_INET, s->dst, buf + 16);
		put16(buf + 10, ip_checksum(buf, IPV4_HDR));
	}
	put16(t, s->sport);
	put16(t + 2, s->dport);
	put32(t + 4, s->seq);
	put32(t + 8, s->ack);
	t[12] = (TCP_HDR / 4) << 4;
	t[13] = s->flags;
	put16(t + 14, 65535);
	if (s->len > 0)
		memcpy(t + TCP_HDR, s->payload, s->len);
	return total;
}

size_t wrap_link(int linktype, int vlans, int swap, const uint8_t *ip, size_t iplen, uint8_t *buf, size_t cap)
{
	int v6 = (ip[0] >> 4) == 6;
	uint16_t etype = v6 ? 0x86dd : 0x0800;
	size_t h = 0;
	int i;

	if (iplen + 64 > cap)
		exit(2);
	switch (linktype) {
	case LT_ETHER:
		memset(buf, 0, 12);
		buf[0] = 0x02;
		buf[6] = 0x02;
		buf[11] = 1;
		h = 12;
		for (i = 0; i < vlans; i++) {
			put16(buf + h, i == 0 && vlans > 1 ? 0x88a8 : 0x8100);
			put16(buf + h + 2, (uint16_t)(100 + i));
			h += 4;
		}
		put16(buf + h, etype);
		h += 2;
		break;
	case LT_SLL:
		memset(buf, 0, 16);
		put16(buf + 2, 1);
		put16(buf + 4, 6);
		put16(buf + 14, etype);
		h = 16;
		break;
	case LT_SLL2:
		memset(buf, 0, 20);
		put16(buf, etype);
		put32(buf + 4, 1);
		put16(buf + 8, 1);
		buf[11] = 6;
		h = 20;
		break;
	case LT_NULL: {
		uint32_t af = v6 ? 30 : 2;
		if (swap)
			put32(buf, af);
		else {
			buf[0] = (uint8_t)af;
			buf[1] = buf[2] = buf[3] = 0;
		}
		h = 4;
		break;
	}
	case LT_LOOP:
		put32(buf, v6 ? 24 : 2);
		h = 4;
		break;
	default: /* raw IP of every flavour */
		h = 0;
		break;
	}
	memcpy(buf + h, ip, iplen);
	return h + iplen;
}

/* ---- file writers */

static void w16(FILE *f, int big, uint16_t v)
{
	uint8_t b[2];
	if (big) {
		b[0] = (uint8_t)(v >> 8);
		b[1] = (uint8_t)v;
	} else {
		b[0] = (uint8_t)v;
		b[1] = (uint8_t)(v >> 8);
	}
	fwrite(b, 1, 2, f);
}

static void w32(FILE *f, int big, uint32_t v)
{
	if (big) {
		w16(f, big, (uint16_t)(v >> 16));
		w16(f, big, (uint16_t)v);
	} else {
		w16(f, big, (uint16_t)v);
		w16(f, big, (uint16_t)(v >> 16));
	}
}

int write_pcap(const char *path, int linktype, int nsec, int big, const struct rec_pkt *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	size_t i;

	if (f == NULL)
		return -1;
	w32(f, big, nsec ? 0xa1b23c4d : 0xa1b2c3d4);
	w16(f, big, 2);
	w16(f, big, 4);
	w32(f, big, 0);
	w32(f, big, 0);
	w32(f, big, 262144);
	w32(f, big, (uint32_t)linktype);
	for (i = 0; i < n; i++) {
		int64_t frac = p[i].ts_ns % 1000000000;
		w32(f, big, (uint32_t)(p[i].ts_ns / 1000000000));
		w32(f, big, (uint32_t)(nsec ? frac : frac / 1000));
		w32(f, big, (uint32_t)p[i].cap_len);
		w32(f, big, (uint32_t)p[i].wire_len);
		fwrite(p[i].data, 1, p[i].cap_len, f);
	}
	return fclose(f);
}

static const uint8_t zeros[4];

int write_pcapng(const char *path, int big, const struct ng_if *ifs, size_t nifs, const struct rec_pkt *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	size_t i;

	if (f == NULL)
		return -1;
	/* SHB */
	w32(f, big, 0x0A0D0D0A);
	w32(f, big, 28);
	w32(f, big, 0x1A2B3C4D);
	w16(f, big, 1);
	w16(f, big, 0);
	w32(f, big, 0xffffffff);
	w32(f, big, 0xffffffff);
	w32(f, big, 28);
	for (i = 0; i < nifs; i++) {
		uint32_t len = 20 + (ifs[i].tsresol >= 0 ? 8 + 4 : 0);
		w32(f, big, 1);
		w32(f, big, len);
		w16(f, big, (uint16_t)ifs[i].linktype);
		w16(f, big, 0);
		w32(f, big, 262144);
		if (ifs[i].tsresol >= 0) {
			uint8_t v = (uint8_t)ifs[i].tsresol;
			w16(f, big, 9);
			w16(f, big, 1);
			fwrite(&v, 1, 1, f);
			fwrite(zeros, 1, 3, f);
			w16(f, big, 0);
			w16(f, big, 0);
		}
		w32(f, big, len);
	}
	for (i = 0; i < n; i++) {
		size_t pad = (4 - p[i].cap_len % 4) % 4;
		uint32_t len = (uint32_t)(32 + p[i].cap_len + pad);
		int res = ifs[p[i].ifid].tsresol;
		uint64_t units = res == 9 ? (uint64_t)p[i].ts_ns : (uint64_t)p[i].ts_ns / 1000;
		/* one in four written as an interesting other block, to be skipped */
		if (i % 4 == 3) {
			w32(f, big, 0x0000000BAD);
			w32(f, big, 16);
			w32(f, big, 0);
			w32(f, big, 16);
		}
		w32(f, big, 6);
		w32(f, big, len);
		w32(f, big, (uint32_t)p[i].ifid);
		w32(f, big, (uint32_t)(units >> 32));
		w32(f, big, (uint32_t)units);
		w32(f, big, (uint32_t)p[i].cap_len);
		w32(f, big, (uint32_t)p[i].wire_len);
		fwrite(p[i].data, 1, p[i].cap_len, f);
		fwrite(zeros, 1, pad, f);
		w32(f, big, len);
	}
	return fclose(f);
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

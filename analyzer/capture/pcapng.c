/*
 * A minimal pcapng reader (draft-ietf-opsawg-pcapng): section headers in
 * either byte order, interface descriptions with if_tsresol and
 * if_tsoffset, enhanced, simple and obsolete packet blocks; every other block
 * is skipped.  Unlike libpcap it accepts interfaces of different link types,
 * reporting each packet's own.  A BPF filter is compiled once per interface
 * for that interface's link type and applied with pcap_offline_filter.
 *
 * Every length is checked against the block that holds it; a block that
 * runs past the end of the file is "truncated", one that contradicts itself
 * is "damaged".
 */
#include "capture_internal.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum {
	BT_SHB = 0x0A0D0D0A,
	BT_IDB = 1,
	BT_OPB = 2, /* obsolete packet block */
	BT_SPB = 3,
	BT_EPB = 6,
	BYTE_ORDER_MAGIC = 0x1A2B3C4D,

	BLOCK_HDR = 8,        /* type, total length */
	BLOCK_TRAILER = 4,    /* total length again */
	BLOCK_MIN = BLOCK_HDR + BLOCK_TRAILER,
	BLOCK_ALIGN = 4,
	BLOCK_MAX = 16 << 20, /* libpcap's ceiling too */
	SHB_FIXED = 16,       /* magic, major, minor, section length */
	SHB_MAJOR = 1,
	IDB_FIXED = 8,        /* link type, reserved, snaplen */
	EPB_FIXED = 20,       /* interface, ts high, ts low, captured, original */
	OPB_FIXED = 20,       /* interface(16), drops(16), ts high, ts low, captured, original */
	SPB_FIXED = 4,        /* original length */
	OPT_HDR = 4,
	OPT_END = 0,
	OPT_IF_TSRESOL = 9,
	OPT_IF_TSOFFSET = 14,
	TSRESOL_BINARY = 0x80,
	MAX_INTERFACES = 4096,
	DEFAULT_SNAPLEN = 262144,
};

static const uint64_t NS_PER_S = 1000000000u;
static const uint64_t DEFAULT_UNITS_PER_S = 1000000u; /* no if_tsresol: microseconds */

struct ngif {
	int linktype;
	uint32_t snaplen;
	uint64_t units_per_s;
	int64_t offset_s;
	int has_prog;
	struct bpf_program prog;
};

struct pcapng_reader {
	FILE *fp;
	char *name;
	char *filter;
	long long size, pos; /* bytes of the file, and read so far */
	int big;             /* this section is big-endian */
	struct ngif *ifs;
	size_t nifs, ifcap;
	uint8_t *buf; /* the current block, header included */
	size_t bufcap;
	int64_t last_ns;
};

static uint16_t u16(const struct pcapng_reader *rd, const uint8_t *p)
{
	return rd->big ? rd_be16(p) : rd_le16(p);
}

static uint32_t u32(const struct pcapng_reader *rd, const uint8_t *p)
{
	return rd->big ? rd_be32(p) : rd_le32(p);
}

static uint64_t u64(const struct pcapng_reader *rd, const uint8_t *p)
{
	uint64_t a = u32(rd, p), b = u32(rd, p + 4);

	return rd->big ? a << 32 | b : b << 32 | a;
}

static void clear_interfaces(struct pcapng_reader *rd)
{
	size_t i;

	for (i = 0; i < rd->nifs; i++) {
		if (rd->ifs[i].has_prog)
			pcap_freecode(&rd->ifs[i].prog);
	}
	rd->nifs = 0;
}

void pcapng_close(struct pcapng_reader *rd)
{
	if (rd == NULL)
		return;
	clear_interfaces(rd);
	free(rd->ifs);
	free(rd->buf);
	free(rd->name);
	free(rd->filter);
	if (rd->fp != NULL)
		fclose(rd->fp);
	free(rd);
}

/* Reads exactly n bytes: 1 done, 0 clean EOF before any byte, -1 short. */
static int read_exact(struct pcapng_reader *rd, uint8_t *p, size_t n, size_t *got)
{
	*got = fread(p, 1, n, rd->fp);
	rd->pos += (long long)*got;
	if (*got == n)
		return 1;
	return *got == 0 && !ferror(rd->fp) ? 0 : -1;
}

/*
 * The next block into rd->buf: 1 with *type and *len, 0 at a clean end of
 * file, -1 with err.
 */
static int read_block(struct pcapng_reader *rd, uint32_t *type, uint32_t *len, char *err, size_t errlen)
{
	long long at = rd->pos;
	uint8_t hdr[BLOCK_HDR + 4];
	size_t got, hlen = BLOCK_HDR;
	int rc;

	rc = read_exact(rd, hdr, BLOCK_HDR, &got);
	if (rc == 0)
		return 0;
	if (rc < 0) {
		if (ferror(rd->fp))
			snprintf(err, errlen, "%s: read error at offset %lld: %s", rd->name, at, strerror(errno));
		else
			snprintf(err, errlen, "%s: truncated: the block at offset %lld is cut after %zu bytes",
				 rd->name, at, got);
		return -1;
	}
	*type = rd_le32(hdr); /* the SHB type reads the same in both orders */
	if (*type == BT_SHB) {
		/* the byte-order magic decides how to read the rest, length included */
		if (read_exact(rd, hdr + BLOCK_HDR, 4, &got) != 1) {
			snprintf(err, errlen, "%s: truncated: the section header at offset %lld is cut", rd->name, at);
			return -1;
		}
		if (rd_le32(hdr + BLOCK_HDR) == BYTE_ORDER_MAGIC) {
			rd->big = 0;
		} else if (rd_be32(hdr + BLOCK_HDR) == BYTE_ORDER_MAGIC) {
			rd->big = 1;
		} else {
			snprintf(err, errlen, "%s: damaged: the section header at offset %lld has no byte-order magic",
				 rd->name, at);
			return -1;
		}
		hlen += 4;
	} else {
		*type = u32(rd, hdr);
	}
	*len = u32(rd, hdr + 4);
	if (*len < BLOCK_MIN || *len % BLOCK_ALIGN != 0 || *len > BLOCK_MAX ||
	    (*type == BT_SHB && *len < BLOCK_MIN + SHB_FIXED)) {
		snprintf(err, errlen, "%s: damaged: the block at offset %lld has an impossible length %lu", rd->name,
			 at, (unsigned long)*len);
		return -1;
	}
	if (rd->bufcap < *len) {
		uint8_t *nb = realloc(rd->buf, *len);
		if (nb == NULL) {
			snprintf(err, errlen, "%s: out of memory for a %lu-byte block", rd->name, (unsigned long)*len);
			return -1;
		}
		rd->buf = nb;
		rd->bufcap = *len;
	}
	memcpy(rd->buf, hdr, hlen);
	if (read_exact(rd, rd->buf + hlen, *len - hlen, &got) != 1) {
		if (ferror(rd->fp))
			snprintf(err, errlen, "%s: read error at offset %lld: %s", rd->name, at, strerror(errno));
		else
			snprintf(err, errlen,
				 "%s: truncated: the block at offset %lld needs %lu bytes, the file ends after %zu",
				 rd->name, at, (unsigned long)*len, hlen + got);
		return -1;
	}
	if (u32(rd, rd->buf + *len - BLOCK_TRAILER) != *len) {
		snprintf(err, errlen, "%s: damaged: the block at offset %lld ends with a different length", rd->name,
			 at);
		return -1;
	}
	return 1;
}

static int parse_shb(struct pcapng_reader *rd, const uint8_t *body, char *err, size_t errlen)
{
	uint16_t major = u16(rd, body + 4);

	if (major != SHB_MAJOR) {
		snprintf(err, errlen, "%s: pcapng version %u is not supported", rd->name, (unsigned)major);
		return -1;
	}
	clear_interfaces(rd); /* interface numbers are per section */
	return 0;
}

static int parse_idb(struct pcapng_reader *rd, const uint8_t *body, size_t blen, char *err, size_t errlen)
{
	struct ngif *ifp;
	size_t off;

	if (blen < IDB_FIXED) {
		snprintf(err, errlen, "%s: damaged: an interface description is too short", rd->name);
		return -1;
	}
	if (rd->nifs == MAX_INTERFACES) {
		snprintf(err, errlen, "%s: more than %d interfaces in one section", rd->name, MAX_INTERFACES);
		return -1;
	}
	if (rd->nifs == rd->ifcap) {
		size_t n = rd->ifcap ? rd->ifcap * 2 : 4;
		struct ngif *v = realloc(rd->ifs, n * sizeof *v);
		if (v == NULL) {
			snprintf(err, errlen, "%s: out of memory", rd->name);
			return -1;
		}
		rd->ifs = v;
		rd->ifcap = n;
	}
	ifp = &rd->ifs[rd->nifs];
	memset(ifp, 0, sizeof *ifp);
	ifp->linktype = u16(rd, body);
	ifp->snaplen = u32(rd, body + 4);
	ifp->units_per_s = DEFAULT_UNITS_PER_S;
	for (off = IDB_FIXED; blen - off >= OPT_HDR;) {
		uint16_t code = u16(rd, body + off), olen = u16(rd, body + off + 2);
		size_t padded = ((size_t)olen + 3) & ~(size_t)3;
		const uint8_t *v = body + off + OPT_HDR;

		if (code == OPT_END)
			break;
		if (padded > blen - off - OPT_HDR) {
			snprintf(err, errlen, "%s: damaged: an interface option runs past its block", rd->name);
			return -1;
		}
		if (code == OPT_IF_TSRESOL && olen >= 1) {
			unsigned e = v[0] & ~TSRESOL_BINARY;
			uint64_t u = 1;
			if ((v[0] & TSRESOL_BINARY) ? e > 63 : e > 19) {
				snprintf(err, errlen, "%s: if_tsresol %#x is out of range", rd->name, v[0]);
				return -1;
			}
			while (e-- > 0)
				u *= (v[0] & TSRESOL_BINARY) ? 2 : 10;
			ifp->units_per_s = u;
		} else if (code == OPT_IF_TSOFFSET && olen >= 8) {
			ifp->offset_s = (int64_t)u64(rd, v);
		}
		off += OPT_HDR + padded;
	}
	if (rd->filter != NULL) {
		pcap_t *dead = pcap_open_dead_with_tstamp_precision(
			ifp->linktype, ifp->snaplen ? (int)(ifp->snaplen & 0x7fffffff) : DEFAULT_SNAPLEN,
			PCAP_TSTAMP_PRECISION_NANO);
		if (dead == NULL) {
			snprintf(err, errlen, "%s: out of memory", rd->name);
			return -1;
		}
		if (pcap_compile(dead, &ifp->prog, rd->filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
			snprintf(err, errlen, "%s: filter \"%s\" for interface %zu (%s): %s", rd->name, rd->filter,
				 rd->nifs, link_name(ifp->linktype), pcap_geterr(dead));
			pcap_close(dead);
			return -1;
		}
		pcap_close(dead);
		ifp->has_prog = 1;
	}
	rd->nifs++;
	return 0;
}

static int64_t to_ns(const struct ngif *ifp, uint64_t units)
{
	uint64_t ups = ifp->units_per_s, s = units / ups, rem = units % ups, frac;

	if (ups <= NS_PER_S && NS_PER_S % ups == 0)
		frac = rem * (NS_PER_S / ups);
	else if (ups > NS_PER_S && ups % NS_PER_S == 0)
		frac = rem / (ups / NS_PER_S);
	else
		frac = (uint64_t)((double)rem * (double)NS_PER_S / (double)ups); /* binary fractions */
	/* if_tsoffset may be negative and both parts may be absurd in a damaged
	 * file: saturate into [0, CAPTURE_MAX_NS] (capture.h) instead of wrapping. */
	const int64_t max_s = CAPTURE_MAX_NS / (int64_t)NS_PER_S;
	int64_t seconds = s > (uint64_t)max_s ? max_s : (int64_t)s;
	int64_t offset = ifp->offset_s < -max_s ? -max_s : ifp->offset_s > max_s ? max_s : ifp->offset_s;
	seconds += offset;
	if (seconds < 0)
		return 0;
	if (seconds >= max_s)
		return CAPTURE_MAX_NS;
	return seconds * (int64_t)NS_PER_S + (int64_t)frac;
}

struct pcapng_reader *pcapng_open(FILE *fp, const char *name, const char *bpf_filter, char *err, size_t errlen)
{
	struct pcapng_reader *rd = calloc(1, sizeof *rd);
	struct stat sb;
	uint32_t type = 0, len = 0;
	int rc;

	if (rd == NULL) {
		fclose(fp);
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	rd->fp = fp;
	rd->name = strdup(name);
	rd->filter = bpf_filter != NULL && bpf_filter[0] != '\0' ? strdup(bpf_filter) : NULL;
	if (rd->name == NULL || (bpf_filter != NULL && bpf_filter[0] != '\0' && rd->filter == NULL)) {
		snprintf(err, errlen, "%s: out of memory", name);
		pcapng_close(rd);
		return NULL;
	}
	if (fstat(fileno(fp), &sb) == 0 && S_ISREG(sb.st_mode))
		rd->size = (long long)sb.st_size;
	/* the section header now, so that a damaged start fails the open */
	rc = read_block(rd, &type, &len, err, errlen);
	if (rc == 0)
		snprintf(err, errlen, "%s: empty file, not a capture", name);
	else if (rc > 0 && type != BT_SHB)
		snprintf(err, errlen, "%s: not a pcapng file (no section header first)", name);
	if (rc <= 0 || type != BT_SHB || parse_shb(rd, rd->buf + BLOCK_HDR, err, errlen) != 0) {
		pcapng_close(rd);
		return NULL;
	}
	return rd;
}

int pcapng_next(struct pcapng_reader *rd, struct pcapng_packet *pkt, char *err, size_t errlen)
{
	for (;;) {
		uint32_t type, len, ifid, cap, wire;
		const uint8_t *body;
		size_t blen, fixed;
		uint64_t units = 0;
		int have_ts = 1;
		const struct ngif *ifp;
		int rc = read_block(rd, &type, &len, err, errlen);

		if (rc <= 0)
			return rc;
		body = rd->buf + BLOCK_HDR;
		blen = len - BLOCK_MIN;
		switch (type) {
		case BT_SHB:
			if (parse_shb(rd, body, err, errlen) != 0)
				return -1;
			continue;
		case BT_IDB:
			if (parse_idb(rd, body, blen, err, errlen) != 0)
				return -1;
			continue;
		case BT_EPB:
		case BT_OPB:
			fixed = type == BT_EPB ? EPB_FIXED : OPB_FIXED;
			if (blen < fixed) {
				snprintf(err, errlen, "%s: damaged: a packet block is too short", rd->name);
				return -1;
			}
			ifid = type == BT_EPB ? u32(rd, body) : u16(rd, body);
			units = (uint64_t)u32(rd, body + 4) << 32 | u32(rd, body + 8);
			cap = u32(rd, body + 12);
			wire = u32(rd, body + 16);
			break;
		case BT_SPB:
			if (blen < SPB_FIXED) {
				snprintf(err, errlen, "%s: damaged: a simple packet block is too short", rd->name);
				return -1;
			}
			ifid = 0;
			fixed = SPB_FIXED;
			wire = u32(rd, body);
			/* no captured length: what the block holds, up to the snaplen */
			cap = wire;
			if (cap > blen - fixed)
				cap = (uint32_t)(blen - fixed);
			if (rd->nifs > 0 && rd->ifs[0].snaplen != 0 && cap > rd->ifs[0].snaplen)
				cap = rd->ifs[0].snaplen;
			have_ts = 0;
			break;
		default:
			continue; /* statistics, name resolution, custom, ... */
		}
		if (ifid >= rd->nifs) {
			snprintf(err, errlen, "%s: damaged: a packet for interface %lu, which no interface block describes",
				 rd->name, (unsigned long)ifid);
			return -1;
		}
		if (cap > blen - fixed) {
			snprintf(err, errlen, "%s: damaged: a packet block claims %lu captured bytes but holds %zu",
				 rd->name, (unsigned long)cap, blen - fixed);
			return -1;
		}
		ifp = &rd->ifs[ifid];
		if (have_ts)
			rd->last_ns = to_ns(ifp, units);
		if (ifp->has_prog) {
			struct pcap_pkthdr h;
			memset(&h, 0, sizeof h);
			h.caplen = cap;
			h.len = wire;
			if (pcap_offline_filter(&ifp->prog, &h, body + fixed) == 0)
				continue;
		}
		pkt->linktype = ifp->linktype;
		pkt->data = body + fixed;
		pkt->cap_len = cap;
		pkt->wire_len = wire < cap ? cap : wire;
		pkt->ts_ns = rd->last_ns; /* a simple packet block has none: the previous one's */
		return 1;
	}
}

int pcapng_link_type(const struct pcapng_reader *rd)
{
	if (rd->nifs == 0)
		return -1;
	for (size_t i = 1; i < rd->nifs; i++)
		if (rd->ifs[i].linktype != rd->ifs[0].linktype)
			return CAPTURE_LINK_TYPES_MIXED;
	return rd->ifs[0].linktype;
}

double pcapng_progress(const struct pcapng_reader *rd)
{
	if (rd->size <= 0)
		return -1;
	return rd->pos >= rd->size ? 1.0 : (double)rd->pos / (double)rd->size;
}

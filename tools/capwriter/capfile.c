#include "capfile.h"

#include "buf.h"
#include "bytes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	PCAP_MAGIC_USEC = 0xa1b2c3d4u,
	PCAP_MAGIC_NSEC = 0xa1b23c4du,
	PCAP_VERSION_MAJOR = 2,
	PCAP_VERSION_MINOR = 4,
	PCAP_FILE_HDRLEN = 24,
	PCAP_RECORD_HDRLEN = 16,
	PCAPNG_SHB = 0x0A0D0D0Au,
	PCAPNG_IDB = 0x00000001u,
	PCAPNG_EPB = 0x00000006u,
	PCAPNG_BYTE_ORDER_MAGIC = 0x1A2B3C4Du,
	PCAPNG_VERSION_MAJOR = 1,
	PCAPNG_VERSION_MINOR = 0,
	PCAPNG_OPT_ENDOFOPT = 0,
	PCAPNG_OPT_SHB_USERAPPL = 4,
	PCAPNG_OPT_IF_TSRESOL = 9,
	PCAPNG_ALIGN = 4,
	PCAPNG_TSRESOL_NSEC = 9, /* 10^-9 */
	FRAME_CEILING = 1u << 20,
	OUTPUT_BUFFER = 8u << 20,
};

#define NSEC_PER_SEC 1000000000ull
#define NSEC_PER_USEC 1000ull
#define PCAPNG_SECTION_LENGTH_UNKNOWN 0xFFFFFFFFFFFFFFFFull

struct capfile {
	FILE *f;
	char *path;
	struct capfile_options o;
	uint64_t bytes;     /* written so far */
	struct buf scratch; /* pcapng: one block, built then written */
};

static void write_out(struct capfile *cf, const void *p, size_t n)
{
	if (n > 0 && fwrite(p, 1, n, cf->f) != n) {
		fprintf(stderr, "ninep_capwriter: %s: write failed: %s\n", cf->path, strerror(errno));
		exit(1);
	}
	cf->bytes += n;
}

/* pcap fields in the byte order the file header declares. */
static void pcap_u32(const struct capfile *cf, uint8_t *p, uint32_t v)
{
	if (cf->o.big_endian)
		put_be32(p, v);
	else
		put_le32(p, v);
}

static void pcap_u16(const struct capfile *cf, uint8_t *p, uint16_t v)
{
	if (cf->o.big_endian)
		put_be16(p, v);
	else
		put_le16(p, v);
}

static void pad_to_align(struct buf *b)
{
	while (b->len % PCAPNG_ALIGN != 0)
		buf_u8(b, 0);
}

/* An option: code[2] length[2] value, padded to 32 bits. */
static void pcapng_option(struct buf *b, uint16_t code, const void *value, uint16_t len)
{
	buf_le16(b, code);
	buf_le16(b, len);
	buf_put(b, value, len);
	pad_to_align(b);
}

/* Block total length appears at offset 4 and again at the end. */
static void pcapng_finish_block(struct capfile *cf)
{
	uint32_t total = (uint32_t)cf->scratch.len + (uint32_t)sizeof(uint32_t);
	buf_set_le32(&cf->scratch, sizeof(uint32_t), total);
	buf_le32(&cf->scratch, total);
	write_out(cf, cf->scratch.data, cf->scratch.len);
	buf_reset(&cf->scratch);
}

static void pcapng_headers(struct capfile *cf)
{
	/* Only ninep-capgen writes pcapng; its files name it. */
	static const char userappl[] = "ninep-capgen";
	struct buf *b = &cf->scratch;

	buf_le32(b, PCAPNG_SHB);
	buf_le32(b, 0); /* total length, patched */
	buf_le32(b, PCAPNG_BYTE_ORDER_MAGIC);
	buf_le16(b, PCAPNG_VERSION_MAJOR);
	buf_le16(b, PCAPNG_VERSION_MINOR);
	buf_le64(b, PCAPNG_SECTION_LENGTH_UNKNOWN);
	pcapng_option(b, PCAPNG_OPT_SHB_USERAPPL, userappl, sizeof userappl - 1);
	pcapng_option(b, PCAPNG_OPT_ENDOFOPT, NULL, 0);
	pcapng_finish_block(cf);

	buf_le32(b, PCAPNG_IDB);
	buf_le32(b, 0);
	buf_le16(b, (uint16_t)cf->o.linktype);
	buf_le16(b, 0); /* reserved */
	buf_le32(b, cf->o.snaplen);
	if (cf->o.nanosecond) {
		uint8_t tsresol = PCAPNG_TSRESOL_NSEC;
		pcapng_option(b, PCAPNG_OPT_IF_TSRESOL, &tsresol, sizeof tsresol);
	}
	pcapng_option(b, PCAPNG_OPT_ENDOFOPT, NULL, 0);
	pcapng_finish_block(cf);
}

static void pcap_header(struct capfile *cf)
{
	uint8_t h[PCAP_FILE_HDRLEN];
	pcap_u32(cf, h, cf->o.nanosecond ? PCAP_MAGIC_NSEC : PCAP_MAGIC_USEC);
	pcap_u16(cf, h + 4, PCAP_VERSION_MAJOR);
	pcap_u16(cf, h + 6, PCAP_VERSION_MINOR);
	pcap_u32(cf, h + 8, 0);  /* thiszone */
	pcap_u32(cf, h + 12, 0); /* sigfigs */
	pcap_u32(cf, h + 16, cf->o.snaplen);
	pcap_u32(cf, h + 20, cf->o.linktype);
	write_out(cf, h, sizeof h);
}

struct capfile *capfile_create(const char *path, const struct capfile_options *options)
{
	struct capfile *cf = calloc(1, sizeof *cf);
	if (cf == NULL) {
		fprintf(stderr, "ninep_capwriter: out of memory\n");
		exit(1);
	}
	cf->o = *options;
	cf->path = strdup(path);
	cf->f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
	if (cf->f == NULL || cf->path == NULL) {
		fprintf(stderr, "ninep_capwriter: cannot create %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if (setvbuf(cf->f, NULL, _IOFBF, OUTPUT_BUFFER) != 0) {
		fprintf(stderr, "ninep_capwriter: %s: cannot set an output buffer\n", path);
		exit(1);
	}
	buf_init(&cf->scratch, FRAME_CEILING);
	if (cf->o.format == CAPFILE_PCAPNG)
		pcapng_headers(cf);
	else
		pcap_header(cf);
	return cf;
}

void capfile_write(struct capfile *cf, uint64_t ts_ns, const uint8_t *frame, size_t len)
{
	uint32_t caplen = len > cf->o.snaplen ? cf->o.snaplen : (uint32_t)len;

	if (cf->o.format == CAPFILE_PCAPNG) {
		struct buf *b = &cf->scratch;
		uint64_t units = cf->o.nanosecond ? ts_ns : ts_ns / NSEC_PER_USEC;
		buf_le32(b, PCAPNG_EPB);
		buf_le32(b, 0);
		buf_le32(b, 0); /* interface 0, the only IDB */
		buf_le32(b, (uint32_t)(units >> 32));
		buf_le32(b, (uint32_t)units);
		buf_le32(b, caplen);
		buf_le32(b, (uint32_t)len);
		buf_put(b, frame, caplen);
		pad_to_align(b);
		pcapng_finish_block(cf);
		return;
	}
	uint64_t frac = ts_ns % NSEC_PER_SEC;
	uint8_t rec[PCAP_RECORD_HDRLEN];
	pcap_u32(cf, rec, (uint32_t)(ts_ns / NSEC_PER_SEC));
	pcap_u32(cf, rec + 4, (uint32_t)(cf->o.nanosecond ? frac : frac / NSEC_PER_USEC));
	pcap_u32(cf, rec + 8, caplen);
	pcap_u32(cf, rec + 12, (uint32_t)len);
	write_out(cf, rec, sizeof rec);
	write_out(cf, frame, caplen);
}

void capfile_close(struct capfile *cf)
{
	int failed = cf->f == stdout ? fflush(cf->f) != 0 : fclose(cf->f) != 0;
	if (failed) {
		fprintf(stderr, "ninep_capwriter: %s: close failed: %s\n", cf->path, strerror(errno));
		exit(1);
	}
	buf_free(&cf->scratch);
	free(cf->path);
	free(cf);
}

const struct capfile_options *capfile_options(const struct capfile *cf) { return &cf->o; }

uint64_t capfile_bytes(const struct capfile *cf) { return cf->bytes; }

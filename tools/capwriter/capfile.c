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
	FRAME_CEILING = 1u << 20,
	OUTPUT_BUFFER = 8u << 20,
};

#define NSEC_PER_SEC 1000000000ull
#define NSEC_PER_USEC 1000ull
/* The section length, 64 bits of ones: written as two 32-bit halves. */
#define PCAPNG_SECTION_LENGTH_UNKNOWN 0xFFFFFFFFu

struct capfile {
	FILE *f;
	char *path;
	struct capfile_options o;
	uint64_t bytes;     /* written so far */
	struct buf scratch; /* pcapng: one block, built then written */
	unsigned interfaces;                           /* pcapng: IDBs written */
	uint8_t interface_nsec[CAPFILE_MAX_INTERFACES]; /* its timestamps count nanoseconds */
};

static void misuse(const struct capfile *cf, const char *what)
{
	fprintf(stderr, "ninep_capwriter: %s: %s\n", cf->path, what);
	abort();
}

static void write_out(struct capfile *cf, const void *p, size_t n)
{
	if (n > 0 && fwrite(p, 1, n, cf->f) != n) {
		fprintf(stderr, "ninep_capwriter: %s: write failed: %s\n", cf->path, strerror(errno));
		exit(1);
	}
	cf->bytes += n;
}

/* Fields in the byte order the file (pcap) or section (pcapng) declares. */
static void file_u32(const struct capfile *cf, uint8_t *p, uint32_t v)
{
	if (cf->o.big_endian)
		put_be32(p, v);
	else
		put_le32(p, v);
}

static void file_u16(const struct capfile *cf, uint8_t *p, uint16_t v)
{
	if (cf->o.big_endian)
		put_be16(p, v);
	else
		put_le16(p, v);
}

static void block_u32(struct capfile *cf, uint32_t v) { file_u32(cf, buf_append(&cf->scratch, sizeof v), v); }
static void block_u16(struct capfile *cf, uint16_t v) { file_u16(cf, buf_append(&cf->scratch, sizeof v), v); }

static void pad_to_align(struct buf *b)
{
	while (b->len % PCAPNG_ALIGN != 0)
		buf_u8(b, 0);
}

/* type[4] and the block total length, patched by pcapng_finish_block. */
static void pcapng_begin_block(struct capfile *cf, uint32_t type)
{
	block_u32(cf, type);
	block_u32(cf, 0);
}

/* An option: code[2] length[2] value, padded to 32 bits.  A block without
 * options has no opt_endofopt either (pcapng 3.5: it may be left out). */
static void pcapng_option(struct capfile *cf, uint16_t code, const void *value, uint16_t len)
{
	block_u16(cf, code);
	block_u16(cf, len);
	buf_put(&cf->scratch, value, len);
	pad_to_align(&cf->scratch);
}

/* Block total length appears at offset 4 and again at the end. */
static void pcapng_finish_block(struct capfile *cf)
{
	uint32_t total = (uint32_t)cf->scratch.len + (uint32_t)sizeof(uint32_t);
	if (cf->o.big_endian)
		buf_set_be32(&cf->scratch, sizeof(uint32_t), total);
	else
		buf_set_le32(&cf->scratch, sizeof(uint32_t), total);
	block_u32(cf, total);
	write_out(cf, cf->scratch.data, cf->scratch.len);
	buf_reset(&cf->scratch);
}

static void pcapng_section_header(struct capfile *cf)
{
	const char *userappl = cf->o.shb_userappl;

	pcapng_begin_block(cf, PCAPNG_SHB);
	block_u32(cf, PCAPNG_BYTE_ORDER_MAGIC);
	block_u16(cf, PCAPNG_VERSION_MAJOR);
	block_u16(cf, PCAPNG_VERSION_MINOR);
	/* section length, all ones in either byte order */
	block_u32(cf, PCAPNG_SECTION_LENGTH_UNKNOWN);
	block_u32(cf, PCAPNG_SECTION_LENGTH_UNKNOWN);
	if (userappl != NULL) {
		size_t len = strlen(userappl);
		if (len > UINT16_MAX)
			misuse(cf, "shb_userappl longer than an option holds");
		pcapng_option(cf, PCAPNG_OPT_SHB_USERAPPL, userappl, (uint16_t)len);
		pcapng_option(cf, PCAPNG_OPT_ENDOFOPT, NULL, 0);
	}
	pcapng_finish_block(cf);
}

unsigned capfile_add_interface(struct capfile *cf, uint32_t linktype, int tsresol)
{
	if (cf->o.format != CAPFILE_PCAPNG)
		misuse(cf, "only a pcapng file has more than one interface");
	if (cf->interfaces == CAPFILE_MAX_INTERFACES)
		misuse(cf, "too many interfaces");
	if (linktype > UINT16_MAX)
		misuse(cf, "an IDB's link type has 16 bits");
	if (tsresol != CAPFILE_TSRESOL_NONE && tsresol != CAPFILE_TSRESOL_USEC && tsresol != CAPFILE_TSRESOL_NSEC)
		misuse(cf, "if_tsresol other than microseconds or nanoseconds");

	pcapng_begin_block(cf, PCAPNG_IDB);
	block_u16(cf, (uint16_t)linktype);
	block_u16(cf, 0); /* reserved */
	block_u32(cf, cf->o.snaplen);
	if (tsresol != CAPFILE_TSRESOL_NONE) {
		uint8_t value = (uint8_t)tsresol;
		pcapng_option(cf, PCAPNG_OPT_IF_TSRESOL, &value, sizeof value);
		pcapng_option(cf, PCAPNG_OPT_ENDOFOPT, NULL, 0);
	}
	pcapng_finish_block(cf);
	cf->interface_nsec[cf->interfaces] = tsresol == CAPFILE_TSRESOL_NSEC;
	return cf->interfaces++;
}

void capfile_write_block(struct capfile *cf, uint32_t type, const void *body, size_t len)
{
	if (cf->o.format != CAPFILE_PCAPNG)
		misuse(cf, "a block in a pcap file");
	pcapng_begin_block(cf, type);
	buf_put(&cf->scratch, body, len);
	pad_to_align(&cf->scratch);
	pcapng_finish_block(cf);
}

static void pcap_header(struct capfile *cf)
{
	uint8_t h[PCAP_FILE_HDRLEN];
	file_u32(cf, h, cf->o.nanosecond ? PCAP_MAGIC_NSEC : PCAP_MAGIC_USEC);
	file_u16(cf, h + 4, PCAP_VERSION_MAJOR);
	file_u16(cf, h + 6, PCAP_VERSION_MINOR);
	file_u32(cf, h + 8, 0);  /* thiszone */
	file_u32(cf, h + 12, 0); /* sigfigs */
	file_u32(cf, h + 16, cf->o.snaplen);
	file_u32(cf, h + 20, cf->o.linktype);
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
	if (cf->o.format == CAPFILE_PCAPNG) {
		pcapng_section_header(cf);
		capfile_add_interface(cf, cf->o.linktype,
				      cf->o.nanosecond ? CAPFILE_TSRESOL_NSEC : CAPFILE_TSRESOL_NONE);
	} else {
		pcap_header(cf);
	}
	return cf;
}

void capfile_write_record(struct capfile *cf, unsigned interface, uint64_t ts_ns, const uint8_t *data,
			  size_t caplen, size_t origlen)
{
	if (caplen > UINT32_MAX || origlen > UINT32_MAX)
		misuse(cf, "a record longer than 4 GiB");

	if (cf->o.format == CAPFILE_PCAPNG) {
		if (interface >= cf->interfaces)
			misuse(cf, "a record on an interface the file does not declare");
		uint64_t units = cf->interface_nsec[interface] ? ts_ns : ts_ns / NSEC_PER_USEC;
		pcapng_begin_block(cf, PCAPNG_EPB);
		block_u32(cf, interface);
		block_u32(cf, (uint32_t)(units >> 32));
		block_u32(cf, (uint32_t)units);
		block_u32(cf, (uint32_t)caplen);
		block_u32(cf, (uint32_t)origlen);
		buf_put(&cf->scratch, data, caplen);
		pad_to_align(&cf->scratch);
		pcapng_finish_block(cf);
		return;
	}
	if (interface != 0)
		misuse(cf, "a pcap file has one interface");
	uint64_t frac = ts_ns % NSEC_PER_SEC;
	uint8_t rec[PCAP_RECORD_HDRLEN];
	file_u32(cf, rec, (uint32_t)(ts_ns / NSEC_PER_SEC));
	file_u32(cf, rec + 4, (uint32_t)(cf->o.nanosecond ? frac : frac / NSEC_PER_USEC));
	file_u32(cf, rec + 8, (uint32_t)caplen);
	file_u32(cf, rec + 12, (uint32_t)origlen);
	write_out(cf, rec, sizeof rec);
	write_out(cf, data, caplen);
}

void capfile_write(struct capfile *cf, uint64_t ts_ns, const uint8_t *frame, size_t len)
{
	size_t caplen = len > cf->o.snaplen ? cf->o.snaplen : len;
	capfile_write_record(cf, 0, ts_ns, frame, caplen, len);
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

/* Case scaffolding and the everyday 9P2000.L conversation (walk, getattr,
 * lopen, read, clunk) that the pathology and link-layer cases carry. */
#include "cases.h"

#include "msgs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	CLIENT_PORT = 40564,
	CLIENT_ISN = 0x1a2b3c4du,
	SERVER_ISN = 0x5e6f7081u,
	L_O_RDONLY = 0,
	GETATTR_BASIC = 0x7ff,
	S_IFREG_0644 = 0100644,
	READ_COUNT = MSG_MSIZE - 24, /* msize minus Rread's header, as v9fs asks */
	L_UID = 1000,
	GETATTR_VALID_BASIC = 0x000007ff, /* P9_GETATTR_BASIC */
	FILE_UID = 1000,
	FILE_GID = 1000,
	FILE_BLKSIZE = 4096,
	BLOCK_BYTES = 512,
};

#define FILE_TIME 1700000000ull

const struct qid l_root_qid = {NINEP_QTDIR, 0, 1};

static void make_path(char *out, size_t size, const char *outdir, const char *name, const char *ext)
{
	int n = snprintf(out, size, "%s/%s%s", outdir, name, ext);
	if (n < 0 || (size_t)n >= size) {
		fprintf(stderr, "ninep-capgen: output path too long: %s/%s%s\n", outdir, name, ext);
		exit(1);
	}
}

void case_begin(struct case_ctx *cx, const char *outdir, const char *name, const struct capfile_options *o,
		const char *dialect)
{
	const char *ext = o->format == CAPFILE_PCAPNG ? ".pcapng" : ".pcap";
	make_path(cx->capture_path, sizeof cx->capture_path, outdir, name, ext);
	make_path(cx->expected_path, sizeof cx->expected_path, outdir, name, ".expected");
	cx->capture_file = strrchr(cx->capture_path, '/') + 1;
	cx->cf = capfile_create(cx->capture_path, o);
	ledger_init(&cx->lg, dialect);
}

void case_end(struct case_ctx *cx)
{
	capfile_close(cx->cf);
	ledger_write(&cx->lg, cx->expected_path, cx->capture_file);
}

struct capfile_options case_ethernet_pcap(void)
{
	struct capfile_options o = {
		.format = CAPFILE_PCAP,
		.linktype = LINKTYPE_ETHERNET,
		.snaplen = CAPFILE_FULL_SNAPLEN,
		.shb_userappl = "ninep-capgen", /* when a case makes it a pcapng */
	};
	return o;
}

struct flow_config case_flow(uint16_t server_port)
{
	struct flow_config c;
	memset(&c, 0, sizeof c);
	c.client_port = CLIENT_PORT;
	c.server_port = server_port;
	c.client_isn = CLIENT_ISN;
	c.server_isn = SERVER_ISN;
	return c;
}

struct qid l_file_qid(const char *name)
{
	/* FNV-1a of the name: distinct, stable paths without a table */
	uint64_t h = 0xcbf29ce484222325ull;
	for (const char *p = name; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
	struct qid q = {NINEP_QTFILE, 1, h};
	return q;
}

void l_rgetattr(struct buf *m, uint16_t tag, struct qid qid, uint32_t mode, uint64_t size)
{
	const struct l_time t = {FILE_TIME, 0};
	const struct l_attr a = {
		.valid = GETATTR_VALID_BASIC,
		.qid = qid,
		.mode = mode,
		.uid = FILE_UID,
		.gid = FILE_GID,
		.nlink = 1,
		.size = size,
		.blksize = FILE_BLKSIZE,
		.blocks = (size + BLOCK_BYTES - 1) / BLOCK_BYTES,
		.atime = t,
		.mtime = t,
		.ctime = t,
		.btime = t,
	};
	build_rgetattr(m, tag, &a);
}

void l_mount(struct sess *s)
{
	build_tversion(&s->m, MSG_MSIZE, "9P2000.L");
	sess_send(s, CLIENT);
	build_rversion(&s->m, MSG_MSIZE, "9P2000.L");
	sess_send(s, SERVER);
	build_tattach(&s->m, 1, ROOT_FID, NINEP_NOFID, "user", "/srv", 1, L_UID);
	sess_send(s, CLIENT);
	build_rattach(&s->m, 1, l_root_qid);
	sess_send(s, SERVER);
}

void l_cat(struct sess *s, uint32_t fid, const char *name, const char *content)
{
	const char *const wname[] = {name};
	struct qid q = l_file_qid(name);
	uint32_t len = (uint32_t)strlen(content);

	build_twalk(&s->m, 1, ROOT_FID, fid, 1, wname);
	sess_send(s, CLIENT);
	build_rwalk(&s->m, 1, 1, &q);
	sess_send(s, SERVER);
	build_tgetattr(&s->m, 1, fid, GETATTR_BASIC);
	sess_send(s, CLIENT);
	l_rgetattr(&s->m, 1, q, S_IFREG_0644, len);
	sess_send(s, SERVER);
	build_tlopen(&s->m, 1, fid, L_O_RDONLY);
	sess_send(s, CLIENT);
	build_rlopen(&s->m, 1, q, 0);
	sess_send(s, SERVER);
	build_tread(&s->m, 1, fid, 0, READ_COUNT);
	sess_send(s, CLIENT);
	build_rread(&s->m, 1, content, len);
	sess_send(s, SERVER);
	build_tread(&s->m, 1, fid, len, READ_COUNT);
	sess_send(s, CLIENT);
	build_rread(&s->m, 1, "", 0);
	sess_send(s, SERVER);
	build_tclunk(&s->m, 1, fid);
	sess_send(s, CLIENT);
	build_empty(&s->m, NINEP_Rclunk, 1);
	sess_send(s, SERVER);
}

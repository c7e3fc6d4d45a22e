/*
 * File accesses with known groupings (analyzer/accesses.c has the rules):
 * interleaved chains on several fids, a clone walk followed by a walk in
 * place, a partial walk, an error in the middle of a chain, a stat-only
 * access, and an access cut by the end of the capture.  Each case states
 * the accesses in the ledger, since only the case knows what it meant.
 */
#include "cases.h"

#include "msgs.h"

#include <string.h>

enum {
	READ_COUNT = MSG_MSIZE - 24,
	GETATTR_BASIC = 0x7ff,
	S_IFREG_0644 = 0100644,
	L_O_RDONLY = 0,
	L_O_DIRECTORY = 0200000,
	ERRNO_EACCES = 13,
};

static void exchange(struct sess *s)
{
	sess_send(s, CLIENT);
}

static void walk(struct sess *s, uint16_t tag, uint32_t fid, uint32_t newfid, uint16_t nwname,
		 const char *const *names, uint16_t nwqid, const struct qid *qids)
{
	build_twalk(&s->m, tag, fid, newfid, nwname, names);
	exchange(s);
	build_rwalk(&s->m, tag, nwqid, qids);
	sess_send(s, SERVER);
}

static void lopen(struct sess *s, uint16_t tag, uint32_t fid, uint32_t flags, struct qid q)
{
	build_tlopen(&s->m, tag, fid, flags);
	exchange(s);
	build_rlopen(&s->m, tag, q, 0);
	sess_send(s, SERVER);
}

static void read_(struct sess *s, uint16_t tag, uint32_t fid, uint64_t offset, const char *data)
{
	build_tread(&s->m, tag, fid, offset, READ_COUNT);
	exchange(s);
	build_rread(&s->m, tag, data, (uint32_t)strlen(data));
	sess_send(s, SERVER);
}

static void clunk(struct sess *s, uint16_t tag, uint32_t fid)
{
	build_tclunk(&s->m, tag, fid);
	exchange(s);
	build_empty(&s->m, NINEP_Rclunk, tag);
	sess_send(s, SERVER);
}

static void readdir(struct sess *s, uint16_t tag, uint32_t fid, uint64_t offset, int entries)
{
	build_treaddir(&s->m, tag, fid, offset, READ_COUNT);
	exchange(s);
	/* two dirents, built apart so count[4] can precede them */
	struct buf tmp;
	buf_init(&tmp, 1024);
	if (entries) {
		msg_dirent(&tmp, l_file_qid("a"), 1, 8, "a");
		msg_dirent(&tmp, l_file_qid("b"), 2, 8, "b");
	}
	build_rreaddir(&s->m, tag, tmp.data, (uint32_t)tmp.len);
	buf_free(&tmp);
	sess_send(s, SERVER);
}

static void state(struct ledger *lg, unsigned accesses, unsigned round_trips, unsigned open, unsigned read,
		  unsigned list, unsigned stat, unsigned other)
{
	lg->accesses_stated = 1;
	lg->file_accesses = accesses;
	lg->file_access_round_trips = round_trips;
	lg->accesses_open = open;
	lg->accesses_kind[LEDGER_ACCESS_READ] = read;
	lg->accesses_kind[LEDGER_ACCESS_LIST] = list;
	lg->accesses_kind[LEDGER_ACCESS_STAT] = stat;
	lg->accesses_kind[LEDGER_ACCESS_OTHER] = other;
}

void case_access_chains(const char *outdir)
{
	struct case_ctx cx;
	struct sess s;
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);
	const char *const a[] = {"a"}, *const b[] = {"b"}, *const dir[] = {"dir"};
	const char *const dir_missing[] = {"dir", "missing"}, *const secret[] = {"secret"};
	struct qid qa = l_file_qid("a"), qb = l_file_qid("b"), qs = l_file_qid("secret");
	struct qid qdir = {NINEP_QTDIR, 0, 77};

	case_begin(&cx, outdir, "access_chains", &o, "9P2000.L");
	sess_open(&s, cx.cf, &cx.lg, &fc, CASE_START_NS, 1);
	l_mount(&s);
	/* two reads interleaved on fids 1 and 2, tags 1 and 2: 5 round trips each */
	walk(&s, 1, ROOT_FID, 1, 1, a, 1, &qa);
	walk(&s, 2, ROOT_FID, 2, 1, b, 1, &qb);
	lopen(&s, 1, 1, L_O_RDONLY, qa);
	lopen(&s, 2, 2, L_O_RDONLY, qb);
	read_(&s, 1, 1, 0, "alpha\n");
	read_(&s, 2, 2, 0, "bravo\n");
	read_(&s, 1, 1, 6, "");
	read_(&s, 2, 2, 6, "");
	clunk(&s, 1, 1);
	clunk(&s, 2, 2);
	/* a clone of the root, a walk in place, a listing: one access of 6 */
	walk(&s, 1, ROOT_FID, 3, 0, NULL, 0, NULL);
	walk(&s, 1, 3, 3, 1, dir, 1, &qdir);
	lopen(&s, 1, 3, L_O_RDONLY | L_O_DIRECTORY, qdir);
	readdir(&s, 1, 3, 0, 1);
	readdir(&s, 1, 3, 2, 0);
	clunk(&s, 1, 3);
	/* a partial walk makes no fid: a failed access of 1 */
	walk(&s, 1, ROOT_FID, 4, 2, dir_missing, 1, &qdir);
	/* an error in the middle of a chain: walk, Tlopen -> Rlerror, clunk: 3 */
	walk(&s, 1, ROOT_FID, 5, 1, secret, 1, &qs);
	build_tlopen(&s.m, 1, 5, L_O_RDONLY);
	exchange(&s);
	build_rlerror(&s.m, 1, ERRNO_EACCES);
	sess_send(&s, SERVER);
	clunk(&s, 1, 5);
	/* stat only: walk, getattr, clunk: 3 */
	walk(&s, 1, ROOT_FID, 6, 1, a, 1, &qa);
	build_tgetattr(&s.m, 1, 6, GETATTR_BASIC);
	exchange(&s);
	l_rgetattr(&s.m, 1, qa, S_IFREG_0644, 6);
	sess_send(&s, SERVER);
	clunk(&s, 1, 6);
	/* the attach fid's clunk is no access */
	clunk(&s, 1, ROOT_FID);
	state(&cx.lg, 6, 23, 0, 2, 1, 1, 2);
	sess_end(&s, 1);
	case_end(&cx);
}

void case_access_cut(const char *outdir)
{
	struct case_ctx cx;
	struct sess s;
	struct capfile_options o = case_ethernet_pcap();
	struct flow_config fc = case_flow(NINEP_PORT);
	const char *const y[] = {"y"};
	struct qid qy = l_file_qid("y");

	case_begin(&cx, outdir, "access_cut", &o, "9P2000.L");
	sess_open(&s, cx.cf, &cx.lg, &fc, CASE_START_NS, 1);
	l_mount(&s);
	l_cat(&s, FILE_FID, "x", "xray\n"); /* 6 round trips */
	/* walk, open, read, and then the capture ends: an open access of 3 */
	walk(&s, 1, ROOT_FID, 2, 1, y, 1, &qy);
	lopen(&s, 1, 2, L_O_RDONLY, qy);
	read_(&s, 1, 2, 0, "yankee\n");
	state(&cx.lg, 2, 9, 1, 2, 0, 0, 0);
	sess_end(&s, 0);
	case_end(&cx);
}

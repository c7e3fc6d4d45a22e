/*
 * unit.engine: the rules of ninep/engine.h, each expectation taken from the
 * manual page that states it (Plan 9's section 5: attach(5), walk(5),
 * flush(5), version(5), clunk(5), open(5)), never from the engine's output.
 *
 * Each case plays a conversation message by message, as a tool would hand
 * it over, and checks what the engine says: the paths of the exchanges,
 * which requests were answered, flushed or dropped, the dialect and the
 * message-size limit.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "msgs.h"
#include "ninep/engine.h"

/* ---- messages, from the capture writer's builders (tools/capwriter) ------ */

enum {
	MSG_CEILING = 512, /* every message of these cases fits */
	GETATTR_BASIC = 0x7ff,
	N_UNAME = 1000,
	LINUX_ENOENT = 2,
	LINUX_EOPNOTSUPP = 95,
};

/* The message being built: each case builds one, then send() hands it over. */
static struct buf msg;

/* ---- what the engine says ------------------------------------------------- */

enum { MAX_EVENTS = 32 };

struct event {
	char kind;      /* 'x' exchange, 'd' dropped, 'o' orphan */
	unsigned request_type, reply_type;
	char path[128];
	enum ninep_drop why;
	uint64_t cookie, by_cookie;
};

struct recorder {
	struct event ev[MAX_EVENTS];
	unsigned n;
};

static void on_exchange(void *ctx, const struct ninep_request *r, const struct ninep_reply *reply)
{
	struct recorder *rec = ctx;
	struct event *e = &rec->ev[rec->n++ % MAX_EVENTS];
	memset(e, 0, sizeof *e);
	e->kind = 'x';
	e->request_type = r->type;
	e->reply_type = reply->decoded->type;
	snprintf(e->path, sizeof e->path, "%s", slot_text(&r->head));
	e->cookie = r->cookie;
	e->by_cookie = reply->cookie;
}

static void on_dropped(void *ctx, const struct ninep_request *r, enum ninep_drop why, const struct ninep_request *by)
{
	struct recorder *rec = ctx;
	struct event *e = &rec->ev[rec->n++ % MAX_EVENTS];
	memset(e, 0, sizeof *e);
	e->kind = 'd';
	e->request_type = r->type;
	e->why = why;
	e->cookie = r->cookie;
	e->by_cookie = by != NULL ? by->cookie : 0;
}

static void on_orphan(void *ctx, unsigned type, uint16_t tag, uint64_t cookie)
{
	(void)tag;
	struct recorder *rec = ctx;
	struct event *e = &rec->ev[rec->n++ % MAX_EVENTS];
	memset(e, 0, sizeof *e);
	e->kind = 'o';
	e->reply_type = type;
	e->cookie = cookie;
}

/* 9P2000.e sessions the engine let go (NINEP_ESESSIONS_IDLE_MAX). */
static uint64_t sessions_ended;

static void on_session_ended(void *ctx, struct ninep_esession *e)
{
	(void)ctx;
	(void)e;
	sessions_ended++;
}

static const struct ninep_hooks hooks = { .exchange = on_exchange, .dropped = on_dropped, .orphan = on_orphan,
					  .session_ended = on_session_ended };

struct play {
	struct ninep_conv conv;
	struct ninep_esessions sessions;
	struct recorder rec;
	struct ninep_facts facts;
	int64_t now;
	uint64_t next_cookie;
};

static void play_start(struct play *p)
{
	memset(p, 0, sizeof *p);
	ninep_conv_init(&p->conv, &hooks, &p->rec, &p->sessions);
}

static void play_end(struct play *p)
{
	ninep_conv_close(&p->conv);
	ninep_esessions_free(&p->sessions);
}

/* Hands one message to the engine, as decoded in the conversation's
 * dialects; returns its cookie. */
static uint64_t send(struct play *p)
{
	struct ninep_msg m;
	enum ninep_status st = ninep_decode(msg.data, msg.len, p->conv.dialects, &m);
	if (!CHECK(st == NINEP_OK, "a hand-made message of type %u does not decode: %s", msg_type(msg.data),
		   m.problem ? m.problem : ninep_status_name(st)))
		return 0;
	p->now += 1000;
	uint64_t cookie = ++p->next_cookie;
	ninep_conv_message(&p->conv, ninep_is_request(m.type), msg.data, m.size, m.size, &m, p->now, cookie,
			   &p->facts);
	return cookie;
}

/* The path the last message concerns, "" for none. */
static const char *last_path(const struct play *p)
{
	static char buf[256];
	snprintf(buf, sizeof buf, "%.*s", (int)p->facts.path_len, p->facts.path ? p->facts.path : "");
	return buf;
}

static const struct event *last_event(const struct play *p)
{
	return p->rec.n > 0 ? &p->rec.ev[(p->rec.n - 1) % MAX_EVENTS] : NULL;
}

/* ---- conversations -------------------------------------------------------- */

static void version(struct play *p, const char *ask, const char *answer, uint32_t msize)
{
	build_tversion(&msg, msize, ask);
	send(p);
	build_rversion(&msg, msize, answer);
	send(p);
}

static void attach(struct play *p, uint32_t fid, const char *aname)
{
	build_tattach(&msg, 1, fid, NINEP_NOFID, "glenda", aname, p->conv.dialect == NINEP_DIALECT_L, N_UNAME);
	send(p);
	build_rattach(&msg, 1, (struct qid){NINEP_QTDIR, 0, 1});
	send(p);
}

/* Twalk fid -> newfid through names; the server walks `walked` of them
 * (nwqid), or answers Rerror when walked < 0. */
static void walk(struct play *p, uint32_t fid, uint32_t newfid, int walked, unsigned n, ...)
{
	const char *names[NINEP_MAXWELEM];
	struct qid wqid[NINEP_MAXWELEM];
	va_list ap;
	if (!CHECK(n <= NINEP_MAXWELEM && walked <= (int)n, "a walk of %u names, %d walked", n, walked))
		return;
	va_start(ap, n);
	for (unsigned i = 0; i < n; i++)
		names[i] = va_arg(ap, const char *);
	va_end(ap);
	build_twalk(&msg, 2, fid, newfid, (uint16_t)n, names);
	send(p);
	if (walked < 0) {
		build_rerror(&msg, 2, "file does not exist");
	} else {
		for (int i = 0; i < walked; i++)
			wqid[i] = (struct qid){NINEP_QTDIR, 0, 10 + (uint64_t)i};
		build_rwalk(&msg, 2, (uint16_t)walked, wqid);
	}
	send(p);
}

/* A Tclunk of fid answered by an error: the path the exchange concerned. */
static const char *path_of(struct play *p, uint32_t fid)
{
	build_tclunk(&msg, 7, fid); /* any request naming fid: Tclunk ends it too */
	send(p);
	static char buf[256];
	snprintf(buf, sizeof buf, "%s", last_path(p));
	if (p->conv.dialect == NINEP_DIALECT_L)
		build_rlerror(&msg, 7, LINUX_ENOENT);
	else
		build_rerror(&msg, 7, "no");
	send(p);
	return buf;
}

static void check_path(struct play *p, uint32_t fid, const char *want, const char *why)
{
	const char *got = path_of(p, fid);
	CHECK(strcmp(got, want) == 0, "%s: fid %u is \"%s\", want \"%s\"", why, fid, got, want);
}

static void test_walk_dotdot(void)
{
	struct play p;
	/* walk(5): "A walk of the name '..' in the root directory of a server
	 * is equivalent to a walk with no name elements." */
	play_start(&p);
	version(&p, "9P2000", "9P2000", 8192);
	attach(&p, 0, "");
	walk(&p, 0, 1, 1, 1, "..");
	check_path(&p, 1, "/", "'..' at the root stays at the root");
	walk(&p, 0, 2, 3, 3, "usr", "glenda", "..");
	check_path(&p, 2, "/usr", "'..' below the root goes up one name");
	walk(&p, 0, 3, 4, 4, "usr", "..", "..", "lib");
	check_path(&p, 3, "/lib", "'..' up to the root and no further");
	walk(&p, 0, 4, 2, 2, "usr", ".");
	check_path(&p, 4, "/usr", "a '.' element names no move");
	play_end(&p);

	/* The root is that of the tree attached (attach(5): aname selects
	 * it): '..' there stays there. */
	play_start(&p);
	version(&p, "9P2000.L", "9P2000.L", 8192);
	attach(&p, 0, "/srv/9p/export_l/.");
	walk(&p, 0, 1, 0, 0);
	check_path(&p, 1, "/srv/9p/export_l", "an aname ending in '/.' is its directory");
	walk(&p, 0, 2, 2, 2, "a", "..");
	check_path(&p, 2, "/srv/9p/export_l", "'a' then '..' is back at the attach root");
	walk(&p, 0, 3, 1, 1, "..");
	check_path(&p, 3, "/srv/9p/export_l", "'..' at the attach root stays there");
	play_end(&p);

	/* A relative aname names the same tree as the absolute one. */
	play_start(&p);
	version(&p, "9P2000.L", "9P2000.L", 8192);
	attach(&p, 0, "tmp");
	walk(&p, 0, 1, 2, 2, "a", "..");
	check_path(&p, 1, "/tmp", "aname 'tmp', then 'a' and '..'");
	play_end(&p);
}

static void test_partial_walk(void)
{
	struct play p;
	play_start(&p);
	version(&p, "9P2000", "9P2000", 8192);
	attach(&p, 0, "");
	/* walk(5): "If the first element cannot be walked for any reason,
	 * Rerror is returned.  Otherwise, the walk will return an Rwalk
	 * message containing nwqid qids corresponding, in order, to the files
	 * that are visited by the nwqid successful elementwise walks; nwqid is
	 * therefore either nwname or the index of the first elementwise walk
	 * that failed. ... If nwqid is not equal to nwname, newfid is not
	 * affected." */
	walk(&p, 0, 5, 1, 2, "usr", "missing");
	const struct event *e = last_event(&p);
	CHECK(e != NULL && e->kind == 'x' && strcmp(e->path, "/usr/missing") == 0,
	      "the partial walk is one exchange about /usr/missing, got \"%s\"", e ? e->path : "");
	msg_begin(&msg, NINEP_Tstat, 9);
	msg_u32(&msg, 5);
	msg_end(&msg);
	send(&p);
	CHECK(p.facts.fid_unknown == 5, "newfid 5 of a partial walk does not exist (fid_unknown %u)",
	      p.facts.fid_unknown);
	CHECK(strcmp(last_path(&p), NINEP_PATH_UNKNOWN) == 0, "a fid nobody made is %s, got \"%s\"", NINEP_PATH_UNKNOWN,
	      last_path(&p));
	walk(&p, 0, 6, -1, 1, "nowhere");
	check_path(&p, 6, NINEP_PATH_UNKNOWN, "a walk answered by Rerror makes no fid");
	play_end(&p);
}

static void test_flush(void)
{
	struct play p;
	/* flush(5): "If it recognizes oldtag as the tag of a pending
	 * transaction, it should abort any pending response and discard that
	 * tag.  In either case, it should respond with an Rflush ...  When
	 * the client receives the Rflush, ... if the client received a
	 * response to the original request before the Rflush, it should
	 * proceed as though the flush had not been sent." */
	play_start(&p);
	version(&p, "9P2000", "9P2000", 8192);
	attach(&p, 0, "");
	build_tread(&msg, 3, 0, 0, 100);
	uint64_t tread = send(&p);
	build_tflush(&msg, 4, 3);
	uint64_t tflush = send(&p);
	build_rread(&msg, 3, "", 0);
	send(&p);
	const struct event *e = last_event(&p);
	CHECK(e && e->kind == 'x' && e->cookie == tread, "the Tread's own reply before the Rflush answers it");
	unsigned before = p.rec.n;
	build_empty(&msg, NINEP_Rflush, 4);
	send(&p);
	e = last_event(&p);
	CHECK(p.rec.n == before + 1 && e->kind == 'x' && e->cookie == tflush,
	      "the Rflush then only answers the Tflush: nothing is flushed");
	play_end(&p);

	/* The other way: the Rflush comes while the Tread is outstanding. */
	play_start(&p);
	version(&p, "9P2000", "9P2000", 8192);
	attach(&p, 0, "");
	build_tread(&msg, 3, 0, 0, 100);
	tread = send(&p);
	build_tflush(&msg, 4, 3);
	tflush = send(&p);
	before = p.rec.n;
	build_empty(&msg, NINEP_Rflush, 4);
	send(&p);
	CHECK(p.rec.n == before + 2, "Rflush: the Tflush answered and the Tread flushed (%u events)", p.rec.n - before);
	e = last_event(&p);
	CHECK(e && e->kind == 'd' && e->why == NINEP_DROP_FLUSHED && e->cookie == tread && e->by_cookie == tflush,
	      "the outstanding Tread is flushed by the Tflush");
	/* "the server must not reply to the flushed request" after Rflush: a
	 * late reply with the tag answers nothing. */
	build_rread(&msg, 3, "", 0);
	send(&p);
	CHECK(!p.facts.matched, "a reply to a flushed request answers nothing");
	play_end(&p);
	e = last_event(&p);
	CHECK(e && e->kind == 'o', "and is an orphan when the conversation ends");
}

static void test_version(void)
{
	struct play p;
	/* version(5): "If the server does not understand the client's version
	 * string, it should respond with an Rversion message (not Rerror) with
	 * the version string the 7 characters "unknown".  The server may
	 * respond with the client's version string, or a version string
	 * identifying an earlier defined protocol version." */
	play_start(&p);
	build_tversion(&msg, 65536, "9P2000.u");
	send(&p);
	CHECK(p.facts.dialect == NINEP_DIALECT_U, "the Tversion asks 9P2000.u");
	build_rversion(&msg, 8192, "9P2000");
	send(&p);
	CHECK(p.facts.dialect == NINEP_DIALECT_9P2000 && p.conv.dialect == NINEP_DIALECT_9P2000,
	      "a downgrade: the Rversion and what follows are 9P2000 (dialect %u)", p.conv.dialect);
	/* "The server responds with its own maximum, msize, which must be less
	 * than or equal to the client's value. Thenceforth, both sides of the
	 * connection must honor this limit." */
	CHECK(p.conv.max_size == 8192, "the limit is the Rversion's msize, got %u", p.conv.max_size);
	play_end(&p);

	/* "unknown": the dialect stays unknown, every one is decoded. */
	play_start(&p);
	version(&p, "9P3000", "unknown", 8192);
	CHECK(p.conv.dialect == 0 && p.conv.dialects == NINEP_DIALECT_ANY, "Rversion \"unknown\" names no dialect");
	CHECK(p.facts.version_refused, "Rversion \"unknown\" refuses the Tversion");
	play_end(&p);
	play_start(&p);
	version(&p, "9P2000", "unknow", 8192);
	CHECK(!p.facts.version_refused, "Rversion \"unknow\" (6 characters) is not version(5)'s refusal");
	play_end(&p);

	/* Refused with Rlerror (diod answers a version it does not speak so). */
	play_start(&p);
	CHECK(p.conv.max_size == NINEP_MSIZE_UNKNOWN_MAX, "before any Rversion the limit is NINEP_MSIZE_UNKNOWN_MAX");
	build_tversion(&msg, 8192, "9P2000.L");
	uint64_t tversion = send(&p);
	build_rlerror(&msg, NINEP_NOTAG, LINUX_EOPNOTSUPP);
	send(&p);
	const struct event *e = last_event(&p);
	CHECK(e && e->kind == 'x' && e->cookie == tversion, "the refused Tversion was captured and answered");
	CHECK(p.facts.version_refused, "the reply refuses the version");
	CHECK(p.conv.dialect == 0 && p.conv.max_size == NINEP_MSIZE_UNKNOWN_MAX,
	      "a refused Tversion negotiates nothing (dialect %u, limit %u)", p.conv.dialect, p.conv.max_size);
	play_end(&p);

	/* version(5): "all outstanding I/O on the connection is aborted; all
	 * active fids are freed ("clunked") automatically." */
	play_start(&p);
	version(&p, "9P2000", "9P2000", 8192);
	attach(&p, 0, "");
	build_tread(&msg, 3, 0, 0, 100);
	uint64_t tread = send(&p);
	build_tversion(&msg, 8192, "9P2000");
	send(&p);
	int aborted = 0;
	for (unsigned i = 0; i < p.rec.n && i < MAX_EVENTS; i++)
		aborted |= p.rec.ev[i].kind == 'd' && p.rec.ev[i].why == NINEP_DROP_VERSION && p.rec.ev[i].cookie == tread;
	CHECK(aborted, "Tversion aborts the outstanding Tread");
	build_rversion(&msg, 8192, "9P2000");
	send(&p);
	check_path(&p, 0, NINEP_PATH_UNKNOWN, "Tversion frees every fid");
	play_end(&p);
}

static void test_fids(void)
{
	struct play p;
	play_start(&p);
	version(&p, "9P2000.L", "9P2000.L", 8192);
	attach(&p, 0, "/export");
	walk(&p, 0, 1, 1, 1, "dir");
	/* Tlcreate: "fid ... changes to the newly created file" (the 9P2000.L
	 * counterpart of create(5)'s "the fid represents the new file"). */
	msg_begin(&msg, NINEP_Tlcreate, 5);
	msg_u32(&msg, 1);        /* fid */
	msg_str(&msg, "new.txt"); /* name */
	msg_u32(&msg, 0);        /* flags */
	msg_u32(&msg, 0644);     /* mode */
	msg_u32(&msg, 0);        /* gid */
	msg_end(&msg);
	send(&p);
	CHECK(strcmp(last_path(&p), "/export/dir/new.txt") == 0, "Tlcreate concerns the new file, got \"%s\"",
	      last_path(&p));
	build_rqid_iounit(&msg, NINEP_Rlcreate, 5, (struct qid){NINEP_QTFILE, 0, 77}, 0);
	send(&p);
	/* clunk(5): "the fid is clunked even if the remove fails" (remove);
	 * Tclunk ends the fid whatever the reply. */
	check_path(&p, 1, "/export/dir/new.txt", "after Rlcreate the fid is the new file");
	check_path(&p, 1, NINEP_PATH_UNKNOWN, "a Tclunk answered by an error still ends the fid");

	/* A tag in use: reusing it is something a tool shows. */
	build_tgetattr(&msg, 11, 0, GETATTR_BASIC);
	uint64_t first = send(&p);
	build_tgetattr(&msg, 11, 0, GETATTR_BASIC);
	send(&p);
	CHECK(p.facts.tag_in_use && p.facts.tag_in_use_cookie == first, "a second request with an outstanding tag");
	play_end(&p);
}

/* A client that never clunks: the engine keeps NINEP_FIDS_MAX fids and
 * counts the ones it could not keep (engine.h). */
static void test_fid_bound(void)
{
	enum { EXTRA = 10 };
	struct play p;
	play_start(&p);
	version(&p, "9P2000.L", "9P2000.L", 8192);
	attach(&p, 0, "/export"); /* fid 0: one fid */
	uint32_t last = NINEP_FIDS_MAX - 1 + EXTRA;
	for (uint32_t fid = 1; fid <= last; fid++)
		walk(&p, 0, fid, 1, 1, "f");
	CHECK(p.conv.fids_forgotten == EXTRA, "%u fids made, %u kept: %u forgotten, got %llu",
	      (unsigned)(last + 1), (unsigned)NINEP_FIDS_MAX, (unsigned)EXTRA, (unsigned long long)p.conv.fids_forgotten);
	/* A forgotten fid names a file nobody knows, and is not said to be
	 * used before it exists: it was made, the engine did not keep it. */
	build_tclunk(&msg, 7, last);
	send(&p);
	CHECK(strcmp(last_path(&p), NINEP_PATH_UNKNOWN) == 0, "a forgotten fid is %s, got \"%s\"", NINEP_PATH_UNKNOWN,
	      last_path(&p));
	CHECK(p.facts.fid_unknown == NINEP_NOFID, "a forgotten fid is not flagged as unknown (fid_unknown %u)",
	      p.facts.fid_unknown);
	build_empty(&msg, NINEP_Rclunk, 7);
	send(&p);
	/* The fids made first stay known. */
	check_path(&p, 1, "/export/f", "the first walked fid is kept");
	check_path(&p, 0, "/export", "the attach fid is kept");
	play_end(&p);
}

/* ---- 9P2000.e: the fids sessions save for a Tsession, bounded (engine.h) -- */

/* A connection of 9P2000.e that resumes (or, unseen before, establishes)
 * the session of `key` and walks `walks` fids from its attach fid 0. */
static void session_connection(struct play *p, struct ninep_esessions *all, uint64_t key, unsigned walks)
{
	memset(p, 0, sizeof *p);
	ninep_conv_init(&p->conv, &hooks, &p->rec, all);
	version(p, "9P2000.e", "9P2000.e", 8192);
	msg_begin(&msg, NINEP_Tsession, NINEP_NOTAG);
	msg_u64(&msg, key);
	msg_end(&msg);
	send(p);
	build_empty(&msg, NINEP_Rsession, NINEP_NOTAG);
	send(p);
	if (walks == 0)
		return; /* resuming: the fids are the session's */
	attach(p, 0, "/export");
	for (uint32_t fid = 1; fid <= walks; fid++)
		walk(p, 0, fid, 1, 1, "f");
}

/* How many sessions keep their fids when n sessions of `fids` fids each
 * saved theirs, one after another: the documented rule of engine.h, the
 * newest kept first. */
static uint64_t sessions_kept(uint64_t n, uint64_t fids)
{
	uint64_t by_fids = NINEP_ESESSIONS_SAVED_FIDS_MAX / fids;
	uint64_t kept = n < NINEP_ESESSIONS_SAVED_MAX ? n : NINEP_ESESSIONS_SAVED_MAX;
	if (by_fids < 1)
		by_fids = 1; /* the session that just saved keeps its own */
	return kept < by_fids ? kept : by_fids;
}

static void test_esession_bound_sessions(void)
{
	enum { EXTRA = 3, WALKS = 1 };
	struct ninep_esessions all;
	memset(&all, 0, sizeof all);
	struct play p;
	uint64_t n = NINEP_ESESSIONS_SAVED_MAX + EXTRA;
	for (uint64_t key = 1; key <= n; key++) {
		session_connection(&p, &all, key, WALKS);
		ninep_conv_close(&p.conv);
	}
	uint64_t forgotten = n - sessions_kept(n, 1 + WALKS);
	CHECK(all.saved_forgotten == forgotten, "%llu sessions saved their fids, %d kept: %llu forgotten, got %llu",
	      (unsigned long long)n, NINEP_ESESSIONS_SAVED_MAX, (unsigned long long)forgotten,
	      (unsigned long long)all.saved_forgotten);
	CHECK(all.fids_forgotten == forgotten * (1 + WALKS), "each forgot %d fids: %llu, got %llu", 1 + WALKS,
	      (unsigned long long)(forgotten * (1 + WALKS)), (unsigned long long)all.fids_forgotten);
	CHECK(all.n_saved == NINEP_ESESSIONS_SAVED_MAX, "%d sessions keep fids, got %llu", NINEP_ESESSIONS_SAVED_MAX,
	      (unsigned long long)all.n_saved);

	/* The first session saved longest ago: resumed, its fids are unknown. */
	session_connection(&p, &all, 1, 0);
	check_path(&p, 1, NINEP_PATH_UNKNOWN, "a fid of a session that forgot its fids");
	CHECK(p.facts.fid_unknown == NINEP_NOFID, "a forgotten session's fid is not flagged as never made");
	ninep_conv_close(&p.conv);
	/* The newest kept its fids for the Tsession, as 9P2000.e says. */
	session_connection(&p, &all, n, 0);
	check_path(&p, 1, "/export/f", "a fid of the newest saved session");
	ninep_conv_close(&p.conv);
	ninep_esessions_free(&all);
}

static void test_esession_bound_fids(void)
{
	enum { WALKS = 4096 };
	struct ninep_esessions all;
	memset(&all, 0, sizeof all);
	struct play p;
	uint64_t n = NINEP_ESESSIONS_SAVED_FIDS_MAX / (1 + WALKS) + 2;
	for (uint64_t key = 1; key <= n; key++) {
		session_connection(&p, &all, key, WALKS);
		ninep_conv_close(&p.conv);
	}
	uint64_t forgotten = n - sessions_kept(n, 1 + WALKS);
	CHECK(forgotten > 0, "the case goes past the bound on fids (%llu sessions)", (unsigned long long)n);
	CHECK(all.saved_forgotten == forgotten, "%llu sessions of %d fids, at most %d fids kept: %llu forgotten, got %llu",
	      (unsigned long long)n, 1 + WALKS, NINEP_ESESSIONS_SAVED_FIDS_MAX, (unsigned long long)forgotten,
	      (unsigned long long)all.saved_forgotten);
	CHECK(all.fids_forgotten == forgotten * (1 + WALKS), "their fids: %llu, got %llu",
	      (unsigned long long)(forgotten * (1 + WALKS)), (unsigned long long)all.fids_forgotten);
	CHECK(all.saved_fids <= NINEP_ESESSIONS_SAVED_FIDS_MAX, "fids kept %llu, at most %d",
	      (unsigned long long)all.saved_fids, NINEP_ESESSIONS_SAVED_FIDS_MAX);
	ninep_esessions_free(&all);
}

static uint64_t sessions_held(const struct ninep_esessions *all)
{
	uint64_t n = 0;
	for (const struct ninep_esession *e = all->head; e != NULL; e = e->next)
		n++;
	return n;
}

/* Idle sessions (a key, no connection open) are bounded; a session nothing
 * can resume goes when its connection ends; a Tsession resumes a session
 * kept idle, and starts a new one for a key the bound forgot (engine.h). */
static void test_esession_bound_idle(void)
{
	enum { EXTRA = 5, WALKS = 1 };
	struct ninep_esessions all;
	memset(&all, 0, sizeof all);
	struct play p;
	uint64_t n = NINEP_ESESSIONS_IDLE_MAX + EXTRA;
	sessions_ended = 0;
	for (uint64_t key = 1; key <= n; key++) {
		session_connection(&p, &all, key, WALKS);
		CHECK(p.facts.esession == key, "session %llu numbered %llu", (unsigned long long)key,
		      (unsigned long long)p.facts.esession);
		ninep_conv_close(&p.conv);
	}
	CHECK(all.sessions_forgotten == EXTRA, "%llu idle sessions, %d kept: %d forgotten, got %llu",
	      (unsigned long long)n, NINEP_ESESSIONS_IDLE_MAX, EXTRA, (unsigned long long)all.sessions_forgotten);
	CHECK(sessions_ended == EXTRA, "the tool heard of %d sessions let go, got %llu", EXTRA,
	      (unsigned long long)sessions_ended);
	CHECK(all.n_idle == NINEP_ESESSIONS_IDLE_MAX && sessions_held(&all) == NINEP_ESESSIONS_IDLE_MAX,
	      "%d sessions held idle, got %llu (%llu in the list)", NINEP_ESESSIONS_IDLE_MAX,
	      (unsigned long long)all.n_idle, (unsigned long long)sessions_held(&all));
	CHECK(all.with_members == n, "%llu sessions with members, got %llu", (unsigned long long)n,
	      (unsigned long long)all.with_members);

	/* Session EXTRA + 1, idle longest of those kept: resumed, with its fids. */
	session_connection(&p, &all, EXTRA + 1, 0);
	CHECK(p.facts.esession == EXTRA + 1, "a Tsession resumes the idle session %d, got %llu", EXTRA + 1,
	      (unsigned long long)p.facts.esession);
	check_path(&p, 1, "/export/f", "a fid of an idle session resumed");
	CHECK(all.n_idle == NINEP_ESESSIONS_IDLE_MAX - 1, "resumed, it is not idle: %d, got %llu",
	      NINEP_ESESSIONS_IDLE_MAX - 1, (unsigned long long)all.n_idle);
	ninep_conv_close(&p.conv);
	CHECK(all.n_idle == NINEP_ESESSIONS_IDLE_MAX && all.sessions_forgotten == EXTRA,
	      "idle again, nothing more forgotten: %llu idle, %llu forgotten", (unsigned long long)all.n_idle,
	      (unsigned long long)all.sessions_forgotten);

	/* Session 1 was forgotten: its key starts a new session, fids unknown. */
	session_connection(&p, &all, 1, 0);
	CHECK(p.facts.esession == n + 1, "a forgotten key makes session %llu, got %llu", (unsigned long long)(n + 1),
	      (unsigned long long)p.facts.esession);
	check_path(&p, 1, NINEP_PATH_UNKNOWN, "a fid of a forgotten session");
	ninep_conv_close(&p.conv);
	CHECK(all.sessions_forgotten == EXTRA + 1, "one more idle: %d forgotten, got %llu", EXTRA + 1,
	      (unsigned long long)all.sessions_forgotten);

	/* No key: nothing can resume it, it goes when its connection ends,
	 * not counted as forgotten by the bound. */
	uint64_t ended = sessions_ended, forgotten = all.sessions_forgotten;
	memset(&p, 0, sizeof p);
	ninep_conv_init(&p.conv, &hooks, &p.rec, &all);
	version(&p, "9P2000.e", "9P2000.e", 8192);
	CHECK(p.facts.esession == n + 2, "a session without a key: %llu, got %llu", (unsigned long long)(n + 2),
	      (unsigned long long)p.facts.esession);
	ninep_conv_close(&p.conv);
	CHECK(sessions_ended == ended + 1 && all.sessions_forgotten == forgotten && all.n_idle == NINEP_ESESSIONS_IDLE_MAX,
	      "a session without a key let go at once (%llu let go, %llu forgotten, %llu idle)",
	      (unsigned long long)(sessions_ended - ended), (unsigned long long)(all.sessions_forgotten - forgotten),
	      (unsigned long long)all.n_idle);
	ninep_esessions_free(&all);
}

int main(void)
{
	buf_init(&msg, MSG_CEILING);
	test_walk_dotdot();
	test_partial_walk();
	test_flush();
	test_version();
	test_fids();
	test_fid_bound();
	test_esession_bound_sessions();
	test_esession_bound_fids();
	test_esession_bound_idle();
	buf_free(&msg);
	return check_summary();
}

/*
 * 9P2000.e sessions: the connections joined by one session key.
 *
 * Rules (../doc/9p-wire.md, "9P2000.e"):
 *   - A 9P2000.e connection (its Rversion said so) belongs to a session of
 *     its own until it resumes another.
 *   - The session key is established by the MUMBLE record the client
 *     writes on the auth fid: "MUMBLE:" base64(record) ":", the record
 *     holding the key (the mumble struct of messages.def).  Once the Twrite
 *     is answered, the connection's session has that key.
 *   - Tsession(key) answered by Rsession resumes the session of that key on
 *     this connection: the server keeps the fids of the old connection
 *     (closed, or still open) for the new one.  A key established before
 *     the capture started makes the session known from then on; an
 *     Rerror/Rlerror refuses it and changes nothing.
 * Keys are never kept, only their FNV-1a 64 hash.  The fids saved for a
 * Tsession are bounded (NINEP_ESESSIONS_SAVED_MAX, engine.h): the sessions
 * that saved theirs longest ago forget them first.  So are the sessions
 * themselves (NINEP_ESESSIONS_IDLE_MAX): one that nothing can resume goes
 * when its last connection ends; one with a key waits idle for a Tsession,
 * and the session idle longest goes first when too many wait.
 */
#include "engine_internal.h"

#include <stdlib.h>
#include <string.h>

static const char MUMBLE_PREFIX[] = "MUMBLE:";

static int base64_value(uint8_t ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

/* Decodes base64 up to the first character outside the alphabet ('=' or
 * ':'); returns the decoded length or -1 when it does not fit. */
static long base64_decode(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		int v = base64_value(in[i]);
		if (v < 0)
			break;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == cap)
				return -1;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return (long)n;
}

int ninep_mumble_record(const uint8_t *data, size_t len, size_t *text_at, size_t *text_len, uint8_t *record,
			size_t cap, size_t *record_len)
{
	size_t prefix = sizeof MUMBLE_PREFIX - 1;
	if (len <= prefix || memcmp(data, MUMBLE_PREFIX, prefix) != 0)
		return 0;
	*text_at = prefix;
	*text_len = len - prefix;
	if (data[len - 1] == ':')
		(*text_len)--;
	long n = base64_decode(data + prefix, *text_len, record, cap);
	if (n <= 0)
		return 0;
	*record_len = (size_t)n;
	return 1;
}

int mumble_key(const uint8_t *data, size_t len, uint64_t *key_hash)
{
	uint8_t record[NINEP_MUMBLE_MAX_RECORD];
	size_t text_at, text_len, n;
	if (!ninep_mumble_record(data, len, &text_at, &text_len, record, sizeof record, &n))
		return 0;
	struct ninep_msg scratch;
	scratch.n_items = 0;
	size_t used = 0;
	int found = 0;
	if (ninep_decode_struct("mumble", record, n, NINEP_DIALECT_E, 0, &scratch, &used) == NINEP_OK) {
		for (unsigned i = 0; i < scratch.n_items && !found; i++) {
			const struct ninep_item *it = &scratch.items[i];
			if (strcmp(it->field->key, "mumble.key") == 0) {
				*key_hash = ninep_fnv1a64(record + it->offset, it->length);
				found = 1;
			}
		}
	}
	memset(record, 0, sizeof record); /* a secret: do not leave it on the stack */
	return found;
}

static struct ninep_esession *esession_new(struct ninep_esessions *all)
{
	struct ninep_esession *e = calloc(1, sizeof *e);
	if (e == NULL)
		abort();
	e->number = ++all->count;
	e->prev = all->tail;
	if (all->tail)
		all->tail->next = e;
	else
		all->head = e;
	all->tail = e;
	return e;
}

/* ---- the sessions with a key, by key: chained buckets of the key's hash.
 * perf: a Tsession used to walk every session there was: 50,000 sessions
 * of gen_esessions took 580 s (0.8 s for 5,000); with the index, linear. */

static size_t key_bucket(const struct ninep_esessions *all, uint64_t key_hash)
{
	return (size_t)(key_hash ^ key_hash >> 32) & (all->by_key_buckets - 1);
}

static void by_key_unlink(struct ninep_esessions *all, struct ninep_esession *e)
{
	struct ninep_esession **link = &all->by_key[key_bucket(all, e->key_hash)];
	while (*link != e)
		link = &(*link)->same_bucket;
	*link = e->same_bucket;
	e->same_bucket = NULL;
	all->keyed--;
}

static void by_key_link(struct ninep_esessions *all, struct ninep_esession *e)
{
	if (all->keyed + 1 > all->by_key_buckets / 2) { /* grow: chains stay short */
		size_t n = all->by_key_buckets ? all->by_key_buckets * 2 : 64;
		struct ninep_esession **old = all->by_key;
		size_t old_n = all->by_key_buckets;
		all->by_key = calloc(n, sizeof *all->by_key);
		if (all->by_key == NULL)
			abort();
		all->by_key_buckets = n;
		for (size_t i = 0; i < old_n; i++)
			for (struct ninep_esession *k = old[i], *next; k != NULL; k = next) {
				next = k->same_bucket;
				k->same_bucket = all->by_key[key_bucket(all, k->key_hash)];
				all->by_key[key_bucket(all, k->key_hash)] = k;
			}
		free(old);
	}
	size_t b = key_bucket(all, e->key_hash);
	e->same_bucket = all->by_key[b];
	all->by_key[b] = e;
	all->keyed++;
}

/* Session e's key is key_hash from now on. */
static void set_key(struct ninep_esessions *all, struct ninep_esession *e, uint64_t key_hash)
{
	if (e->has_key)
		by_key_unlink(all, e);
	e->has_key = 1;
	e->key_hash = key_hash;
	by_key_link(all, e);
}

struct ninep_esession *own_esession(struct ninep_conv *c)
{
	if (c->esession == NULL) {
		c->esession = esession_new(c->esessions);
		c->esession->members = 1;
		c->esession->open = 1;
		c->esessions->with_members++;
	}
	return c->esession;
}

struct ninep_esession *esession_by_key(const struct ninep_esessions *all, uint64_t key_hash)
{
	struct ninep_esession *found = NULL;
	if (all->by_key_buckets == 0)
		return NULL;
	for (struct ninep_esession *e = all->by_key[key_bucket(all, key_hash)]; e != NULL; e = e->same_bucket)
		if (e->key_hash == key_hash && e->members > 0 && (found == NULL || e->number > found->number))
			found = e; /* the latest one with the key */
	return found;
}

void esession_key(struct ninep_conv *c, const struct ninep_request *r)
{
	struct ninep_esession *e = own_esession(c);
	set_key(c->esessions, e, r->key_hash);
	e->key_cookie = r->cookie;
	e->live = c;
}

/* A session of its own that a connection leaves before anything made it
 * worth keeping (no key, no fids saved) goes, when it is the newest, so
 * that numbers count the sessions there are. */
static int forget_if_unused(struct ninep_esessions *all, struct ninep_esession *e)
{
	if (e->members > 0 || e->has_key || e->saved_fids != NULL || e->user != NULL || e->report != NULL ||
	    all->tail != e)
		return 0;
	/* e is the tail, and has no key: it is in no bucket */
	if (e->prev != NULL)
		e->prev->next = NULL;
	else
		all->head = NULL;
	all->tail = e->prev;
	all->count--;
	free(e);
	return 1;
}

/* ---- saved fids, oldest first, within NINEP_ESESSIONS_SAVED_MAX */

static void saved_unlink(struct ninep_esessions *all, struct ninep_esession *e)
{
	if (e->saved_prev != NULL)
		e->saved_prev->saved_next = e->saved_next;
	else
		all->saved_oldest = e->saved_next;
	if (e->saved_next != NULL)
		e->saved_next->saved_prev = e->saved_prev;
	else
		all->saved_newest = e->saved_prev;
	e->saved_prev = e->saved_next = NULL;
	all->n_saved--;
	all->saved_fids -= e->saved_fids->map.count;
}

/* The session's saved fids go to the conversation resuming it (or away). */
static struct ninep_fidmap *saved_take(struct ninep_esessions *all, struct ninep_esession *e)
{
	struct ninep_fidmap *f = e->saved_fids;
	if (f == NULL)
		return NULL;
	saved_unlink(all, e);
	e->saved_fids = NULL;
	return f;
}

static void saved_put(struct ninep_esessions *all, struct ninep_esession *e, struct ninep_fidmap *f)
{
	fidmap_free(saved_take(all, e));
	e->saved_fids = f;
	e->fids_forgotten = 0;
	e->saved_prev = all->saved_newest;
	if (all->saved_newest != NULL)
		all->saved_newest->saved_next = e;
	else
		all->saved_oldest = e;
	all->saved_newest = e;
	all->n_saved++;
	all->saved_fids += f->map.count;
}

/* Beyond a bound, the sessions that saved longest ago forget their fids
 * (never the one c just saved: one session's fids are within the bounds). */
static void saved_bound(struct ninep_conv *c)
{
	struct ninep_esessions *all = c->esessions;
	while ((all->n_saved > NINEP_ESESSIONS_SAVED_MAX || all->saved_fids > NINEP_ESESSIONS_SAVED_FIDS_MAX) &&
	       all->saved_oldest != all->saved_newest) {
		struct ninep_esession *old = all->saved_oldest;
		struct ninep_fidmap *f = saved_take(all, old);
		all->saved_forgotten++;
		all->fids_forgotten += f->map.count;
		fidmap_free(f);
		old->fids_forgotten = 1;
		if (c->hooks->session_forgotten)
			c->hooks->session_forgotten(c->ctx, old);
	}
}

/* ---- idle sessions, idle longest first, within NINEP_ESESSIONS_IDLE_MAX */

static void idle_unlink(struct ninep_esessions *all, struct ninep_esession *e)
{
	if (e->idle_prev != NULL)
		e->idle_prev->idle_next = e->idle_next;
	else
		all->idle_oldest = e->idle_next;
	if (e->idle_next != NULL)
		e->idle_next->idle_prev = e->idle_prev;
	else
		all->idle_newest = e->idle_prev;
	e->idle_prev = e->idle_next = NULL;
	all->n_idle--;
}

static int is_idle(const struct ninep_esessions *all, const struct ninep_esession *e)
{
	return e->idle_prev != NULL || all->idle_oldest == e;
}

/* Lets session e go: the tool hears of it, then it is freed.  Its saved
 * fids, if the bound had not forgotten them yet, are forgotten with it. */
static void esession_end(struct ninep_conv *c, struct ninep_esession *e)
{
	struct ninep_esessions *all = c->esessions;
	if (is_idle(all, e))
		idle_unlink(all, e);
	if (e->saved_fids != NULL) {
		struct ninep_fidmap *f = saved_take(all, e);
		all->saved_forgotten++;
		all->fids_forgotten += f->map.count;
		fidmap_free(f);
		if (c->hooks->session_forgotten)
			c->hooks->session_forgotten(c->ctx, e);
	}
	if (c->hooks->session_ended)
		c->hooks->session_ended(c->ctx, e);
	if (e->has_key)
		by_key_unlink(all, e);
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		all->head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		all->tail = e->prev;
	free(e);
}

/* The last connection open in session e is gone (closed, or resumed another
 * session).  Only a Tsession with its key can bring it back: it waits idle
 * if it has a key and members, and goes otherwise. */
static void esession_idle(struct ninep_conv *c, struct ninep_esession *e)
{
	struct ninep_esessions *all = c->esessions;
	if (!e->has_key || e->members == 0) {
		esession_end(c, e);
		return;
	}
	e->idle_prev = all->idle_newest;
	e->idle_next = NULL;
	if (all->idle_newest != NULL)
		all->idle_newest->idle_next = e;
	else
		all->idle_oldest = e;
	all->idle_newest = e;
	all->n_idle++;
	while (all->n_idle > NINEP_ESESSIONS_IDLE_MAX) {
		all->sessions_forgotten++;
		esession_end(c, all->idle_oldest);
	}
}

void esession_join(struct ninep_conv *c, uint64_t key_hash)
{
	struct ninep_esession *target = esession_by_key(c->esessions, key_hash);
	if (target == NULL) {
		/* The key was agreed before the capture started. */
		struct ninep_esession *mine = own_esession(c);
		set_key(c->esessions, mine, key_hash);
		mine->live = c;
		c->versioned = 0; /* its fids were made where we could not see */
		return;
	}
	struct ninep_esession *mine = c->esession;
	if (target != mine) {
		if (is_idle(c->esessions, target))
			idle_unlink(c->esessions, target);
		target->members++;
		target->open++;
		c->esession = target;
		if (mine != NULL) {
			mine->members--;
			mine->open--;
			if (mine->members == 0)
				c->esessions->with_members--;
			if (mine->live == c)
				mine->live = NULL;
			if (!forget_if_unused(c->esessions, mine) && mine->open == 0)
				esession_idle(c, mine);
		}
	}
	/* The server keeps the old connection's fids for the new one. */
	if (target->saved_fids != NULL) {
		fidmap_free(c->fids);
		c->fids = saved_take(c->esessions, target);
		if (c->hooks->session_joined)
			c->hooks->session_joined(c->ctx, target, NULL);
	} else if (target->live != NULL && target->live != c && target->live->fids != NULL) {
		fidmap_free(c->fids);
		c->fids = fidmap_clone(target->live->fids);
		if (c->hooks->session_joined)
			c->hooks->session_joined(c->ctx, target, target->live->ctx);
	} else if (target->fids_forgotten) {
		/* Its fids were forgotten (NINEP_ESESSIONS_SAVED_MAX): in use, not known. */
		target->live = c;
		c->versioned = 0;
		return;
	}
	c->versioned = 1; /* every fid in use is known again */
	target->live = c;
}

void esession_leave(struct ninep_conv *c)
{
	struct ninep_esession *e = c->esession;
	if (e == NULL)
		return;
	if (e->live == c)
		e->live = NULL;
	if (e->has_key && c->fids != NULL) {
		/* Keep the fids for a later connection that resumes the session. */
		saved_put(c->esessions, e, c->fids);
		c->fids = NULL;
		if (c->hooks->session_saved)
			c->hooks->session_saved(c->ctx, e);
		saved_bound(c);
	}
	c->esession = NULL; /* left: a second close changes nothing */
	if (--e->open == 0)
		esession_idle(c, e); /* may free e */
}

void ninep_esessions_free(struct ninep_esessions *all)
{
	struct ninep_esession *e = all->head;
	while (e != NULL) {
		struct ninep_esession *next = e->next;
		fidmap_free(e->saved_fids);
		free(e);
		e = next;
	}
	free(all->by_key);
	memset(all, 0, sizeof *all);
}

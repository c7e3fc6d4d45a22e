/*
 * `ninep top` (top.h): where each interval's snapshot goes, the keys, and
 * the pace of a file read with --realtime.
 */
#include "top/top.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "top/render.h"
#include "top/screen.h"
#include "top/snapshot.h"

enum {
	SOURCE_BYTES = 96,
	NOTE_BYTES = 160,
	KEY_WAIT_MS = 100,  /* how often a wait looks at the keys and at Ctrl-C */
	NS_PER_MS = 1000000,
};

struct top {
	struct top_options opt;
	char source[SOURCE_BYTES]; /* escaped */
	char status[NOTE_BYTES];   /* the status line while reading */
	struct top_screen *screen; /* NULL: plain text */
	struct top_snapshot snap;  /* the last one, to draw again */
	struct top_running running;
	int have_snap;
	int quit;                  /* q */
	/* --realtime: capture time start_ns is shown at real time wall_ns */
	int paced;
	int64_t pace_capture_ns, pace_wall_ns;
};

static int64_t monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void draw(struct top *t, const char *status);

/* Something on the screen at once: nothing is captured until the first
 * interval ends. */
static void top_screen_draw_initial(struct top *t)
{
	draw(t, t->status);
}

struct top *top_new(const struct top_options *o)
{
	struct top *t = calloc(1, sizeof *t);
	if (t == NULL)
		return NULL;
	t->opt = *o;
	top_escape(t->source, sizeof t->source, o->source, strlen(o->source));
	snprintf(t->status, sizeof t->status, "%s",
		 o->live ? "q quits" : o->realtime ? "replaying the capture in real time: q quits"
						   : "reading the capture: q quits");
	if (isatty(STDOUT_FILENO))
		t->screen = top_screen_open();
	if (t->screen != NULL)
		top_screen_draw_initial(t);
	return t;
}

void top_listening(struct top *t, const char *line)
{
	char escaped[NOTE_BYTES - sizeof ": q quits"];
	top_escape(escaped, sizeof escaped, line, strlen(line));
	snprintf(t->status, sizeof t->status, "%s: q quits", escaped);
	if (t->screen != NULL)
		draw(t, t->status);
}

int top_on_screen(const struct top *t)
{
	return t->screen != NULL;
}

static void frame_of(const struct top *t, struct top_frame *f, const char *status)
{
	f->source = t->source;
	f->live = t->opt.live;
	f->every_ns = t->opt.every_ns;
	f->status = status;
}

static const char *running_status(const struct top *t)
{
	return t->status;
}

static void draw(struct top *t, const char *status)
{
	struct top_frame f;
	frame_of(t, &f, status);
	top_screen_draw(t->screen, t->have_snap ? &t->snap : NULL, &f);
}

/* The keys that came; q stops the reading. */
static void keys(struct top *t, int wait_ms, const char *status)
{
	for (;;) {
		enum top_key k = top_screen_key(t->screen, wait_ms);
		if (k == TOP_KEY_NONE)
			return;
		if (k == TOP_KEY_RESIZE)
			draw(t, status);
		if (k == TOP_KEY_QUIT && !t->quit) {
			t->quit = 1;
			if (t->opt.stop != NULL)
				t->opt.stop();
			return;
		}
		wait_ms = 0;
	}
}

static void plain_line(void *ctx, const char *line, size_t len)
{
	FILE *out = ctx;
	fwrite(line, 1, len, out);
	fputc('\n', out);
}

/* --realtime: wait until the interval's end is as far from the first
 * interval's start in real time as it is in capture time. */
static void pace(struct top *t, const struct interval_figures *f)
{
	if (!t->paced) {
		t->paced = 1;
		t->pace_capture_ns = f->start_ns;
		t->pace_wall_ns = monotonic_ns();
	}
	int64_t due = t->pace_wall_ns + (f->end_ns - t->pace_capture_ns);
	for (;;) {
		int64_t left = due - monotonic_ns();
		if (left <= 0 || t->quit || *t->opt.interrupted)
			return;
		int ms = left / NS_PER_MS < KEY_WAIT_MS ? (int)(left / NS_PER_MS) + 1 : KEY_WAIT_MS;
		if (t->screen != NULL) {
			keys(t, ms, running_status(t));
		} else {
			struct timespec ts = { 0, (long)ms * NS_PER_MS };
			nanosleep(&ts, NULL);
		}
	}
}

void top_interval(void *ctx, struct analysis *a, const struct interval_figures *f)
{
	struct top *t = ctx;
	if (t->quit)
		return;
	if (t->opt.realtime && !t->opt.live)
		pace(t, f);
	top_snapshot_take(&t->snap, a, f, &t->running);
	t->have_snap = 1;
	if (t->screen != NULL) {
		draw(t, running_status(t));
		keys(t, 0, running_status(t));
		return;
	}
	struct top_frame fr;
	frame_of(t, &fr, NULL);
	top_render(&t->snap, &fr, 0, 0, plain_line, stdout);
	fputc('\n', stdout);
	fflush(stdout);
}

void top_poll(struct top *t)
{
	if (t->screen != NULL && !t->quit)
		keys(t, 0, running_status(t));
}

void top_finish(struct top *t)
{
	if (t->screen == NULL) {
		printf("ninep top: end%s\n", *t->opt.interrupted ? " (interrupted)" : "");
		fflush(stdout);
		return;
	}
	const char *status = t->opt.live ? "capture ended: q quits" : "end of capture: q quits";
	draw(t, status);
	while (!t->quit && !*t->opt.interrupted)
		keys(t, KEY_WAIT_MS, status);
	top_screen_close(t->screen);
	t->screen = NULL;
}

void top_free(struct top *t)
{
	if (t == NULL)
		return;
	top_screen_close(t->screen);
	free(t);
}

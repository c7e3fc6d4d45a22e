/*
 * `ninep top` on a terminal: the full screen, through Debian's ncurses.
 * Keys are read from /dev/tty, so that standard input may be the capture
 * (tcpdump -w - | ninep top -).  Works on any terminal ncurses knows
 * (TERM=vt100 included): no colour, no line drawing.
 */
#ifndef NINEP_ANALYZER_TOP_SCREEN_H
#define NINEP_ANALYZER_TOP_SCREEN_H

#include "top/render.h"

enum top_key {
	TOP_KEY_NONE,   /* no key came (or one top does not use) */
	TOP_KEY_QUIT,   /* q or Q */
	TOP_KEY_RESIZE, /* the terminal changed size: draw again */
};

struct top_screen;

/* NULL when the terminal cannot be used (no /dev/tty, a TERM ncurses does
 * not know): then top writes plain text. */
struct top_screen *top_screen_open(void);
void top_screen_draw(struct top_screen *sc, const struct top_snapshot *s, const struct top_frame *frame);
/* The next key, waiting at most wait_ms milliseconds (0: not at all). */
enum top_key top_screen_key(struct top_screen *sc, int wait_ms);
/* Gives the terminal back as it was. */
void top_screen_close(struct top_screen *sc);

#endif

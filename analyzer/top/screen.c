/*
 * The full screen of `ninep top` (screen.h): render.c's lines at their
 * rows, redrawn whole at each interval; ncurses sends only what changed.
 */
#include "top/screen.h"

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

struct top_screen {
	SCREEN *screen;
	FILE *keys; /* /dev/tty */
	int row;
};

struct top_screen *top_screen_open(void)
{
	struct top_screen *sc = calloc(1, sizeof *sc);
	if (sc == NULL)
		return NULL;
	/* UTF-8 names (escaped, never control bytes) shown as characters. */
	setlocale(LC_CTYPE, "");
	sc->keys = fopen("/dev/tty", "r");
	if (sc->keys == NULL) {
		free(sc);
		return NULL;
	}
	sc->screen = newterm(NULL, stdout, sc->keys);
	if (sc->screen == NULL) {
		fclose(sc->keys);
		free(sc);
		return NULL;
	}
	cbreak();   /* keys at once; Ctrl-C still a signal (SIGINT: stop, as everywhere in ninep) */
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0); /* may not be supported (vt100): no matter */
	return sc;
}

static void draw_line(void *ctx, const char *line, size_t len)
{
	struct top_screen *sc = ctx;
	mvaddnstr(sc->row++, 0, line, (int)len);
}

void top_screen_draw(struct top_screen *sc, const struct top_snapshot *s, const struct top_frame *frame)
{
	erase();
	sc->row = 0;
	/* The last column stays empty: writing there wraps on some terminals. */
	int width = COLS > 1 ? COLS - 1 : 1;
	top_render(s, frame, width, LINES, draw_line, sc);
	refresh();
}

enum top_key top_screen_key(struct top_screen *sc, int wait_ms)
{
	(void)sc;
	timeout(wait_ms);
	int ch = getch();
	if (ch == 'q' || ch == 'Q')
		return TOP_KEY_QUIT;
	if (ch == KEY_RESIZE)
		return TOP_KEY_RESIZE;
	return TOP_KEY_NONE;
}

void top_screen_close(struct top_screen *sc)
{
	if (sc == NULL)
		return;
	endwin();
	delscreen(sc->screen);
	fclose(sc->keys);
	free(sc);
}

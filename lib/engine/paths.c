/*
 * The canonical spelling of a path, the one both tools show.
 *
 *   - A path starts with '/' (the attach root of aname "" is "/"), or with
 *     NINEP_PATH_UNKNOWN for a fid nobody saw made, or NINEP_PATH_AUTH for
 *     an auth fid (a walk from one, which servers refuse, goes below it).
 *   - Elements are joined by one '/'; no element is empty, "." or "..".
 *   - The attach name is a path on the server: "tmp" and "/tmp" and
 *     "/tmp/." are all "/tmp", and its own ".." elements are resolved.
 *   - A walk of ".." goes up one element, but never above the attach root:
 *     walk(5) says a ".." at the root of the tree the fid was attached to
 *     stays there.  A walk of "." (not a 9P element, but some clients send
 *     it) and of "" stays where it is.
 *   - A path is cut at NINEP_PATH_MAX bytes, ending in NINEP_PATH_TRUNCATED
 *     (protocol.h): a fid walked from itself without end, or a 65,535-byte
 *     name, must not grow a path without bound.  A cut path stays as it
 *     is, whatever is walked below it.
 */
#include "engine_internal.h"

#include <string.h>

static int is_truncated(const struct slot *s)
{
	return s->text_len > NINEP_PATH_MAX;
}

static void append(struct slot *s, const char *text, size_t len)
{
	if (is_truncated(s))
		return;
	size_t room = NINEP_PATH_MAX - s->text_len;
	if (len <= room) {
		slot_append_text(s, text, len);
		return;
	}
	slot_append_text(s, text, room);
	slot_append_text(s, NINEP_PATH_TRUNCATED, sizeof NINEP_PATH_TRUNCATED - 1);
}

/* Up one element, not above `floor` bytes. */
static void go_up(struct slot *s, uint32_t floor)
{
	const char *text = slot_text(s);
	uint32_t len = s->text_len;
	if (len <= floor)
		return;
	while (len > floor && text[len - 1] != '/')
		len--;
	if (len > floor && len > 1)
		len--; /* the '/' before the element, but not the root's own */
	if (len < floor)
		len = floor;
	slot_truncate_text(s, len);
}

/* One element: "" and "." stay, ".." goes up, anything else is joined. */
static void walk_element(struct slot *s, uint32_t root_len, const uint8_t *name, size_t len)
{
	if (len == 0 || (len == 1 && name[0] == '.'))
		return;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		go_up(s, root_len);
		return;
	}
	if (s->text_len == 0 || slot_text(s)[s->text_len - 1] != '/')
		append(s, "/", 1);
	append(s, (const char *)name, len);
}

void path_walk(struct slot *s, uint32_t root_len, const uint8_t *name, size_t len)
{
	/* A name holding '/' is not one 9P allows; it is walked as the path
	 * it spells, so that no reported path holds a "." or ".." element. */
	if (len == 0)
		return; /* also when there is no name at all (name NULL) */
	size_t start = 0;
	for (size_t i = 0; i <= len && !is_truncated(s); i++) {
		if (i < len && name[i] != '/')
			continue;
		walk_element(s, root_len, name + start, i - start);
		start = i + 1;
	}
}

void path_attach(struct slot *s, uint32_t *root_len, const uint8_t *aname, size_t len)
{
	slot_set_text(s, "/", 1);
	path_walk(s, 1, aname, len);
	*root_len = s->text_len;
}

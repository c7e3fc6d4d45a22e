/*
 * Which exchanges carry file content, and which bytes at which offset:
 * the rule ../../include/ninep/files.h states, from read(5), write(5), the
 * 9P2000.L and 9P2000.e additions of ../../doc/9p-wire.md, once for both
 * tools.
 */
#include "ninep/files.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

enum ninep_content_io ninep_content_io_of(unsigned type, int fid_known, int fid_is_dir, int fid_is_auth)
{
	/* An auth fid carries the authentication protocol (and 9P2000.e's
	 * MUMBLE key records), never a file; a directory's Rread carries stat
	 * records (read(5)). */
	int auth = fid_known && fid_is_auth;
	int dir = fid_known && fid_is_dir;
	switch (type) {
	case NINEP_Tread:
		return auth || dir ? NINEP_IO_NONE : NINEP_IO_READ;
	case NINEP_Twrite:
		return auth ? NINEP_IO_NONE : NINEP_IO_WRITE;
	case NINEP_Tsread:
		/* Its fid is where the walk starts, not the file read: whether
		 * that is a directory only the Rsread's data tells. */
		return auth ? NINEP_IO_NONE : NINEP_IO_SREAD;
	case NINEP_Tswrite:
		return auth ? NINEP_IO_NONE : NINEP_IO_SWRITE;
	default:
		return NINEP_IO_NONE;
	}
}

int ninep_message_data(const uint8_t *msg, uint32_t have, const struct ninep_msg *m, const uint8_t **data,
		       uint32_t *count, uint32_t *captured)
{
	*data = NULL;
	*count = *captured = 0;
	for (unsigned i = 0; i < m->n_items; i++) {
		const struct ninep_item *it = &m->items[i];
		if (it->depth != 0 || it->element == NULL || it->element->wire != NINEP_WIRE_DATA)
			continue;
		*count = it->length;
		/* ninep_decode_head leaves the data's bytes past `have` unread. */
		uint32_t held = have > it->offset ? have - it->offset : 0;
		*captured = held < it->length ? held : it->length;
		*data = msg + (it->offset < have ? it->offset : have);
		return 1;
	}
	return 0;
}

static unsigned reply_type_of(enum ninep_content_io io)
{
	switch (io) {
	case NINEP_IO_READ:
		return NINEP_Rread;
	case NINEP_IO_WRITE:
		return NINEP_Rwrite;
	case NINEP_IO_SREAD:
		return NINEP_Rsread;
	case NINEP_IO_SWRITE:
		return NINEP_Rswrite;
	default:
		return 0;
	}
}

/* Rwrite and Rswrite: count[4], how many of the request's bytes were written. */
static int written_count(const struct ninep_reply *reply, uint32_t *n)
{
	const struct ninep_item *it = ninep_find(reply->decoded, "count");
	if (it == NULL)
		return 0;
	*n = (uint32_t)it->value;
	return 1;
}

int ninep_exchange_content(const struct ninep_request_note *note, const uint8_t *request_data,
			   uint32_t request_captured, const struct ninep_reply *reply, unsigned dialects,
			   struct ninep_content *out)
{
	memset(out, 0, sizeof *out);
	enum ninep_content_io io = (enum ninep_content_io)note->content_io;
	/* An error, or a reply that did not decode, carries nothing. */
	if (io == NINEP_IO_NONE || reply->is_error || reply->decoded->n_items == 0 ||
	    reply->decoded->type != reply_type_of(io))
		return 0;
	out->io = io;
	switch (io) {
	case NINEP_IO_READ:
	case NINEP_IO_SREAD: {
		const uint8_t *data;
		uint32_t count, captured;
		if (!ninep_message_data(reply->msg, reply->have, reply->decoded, &data, &count, &captured))
			return 0;
		/* A directory's listing is whole stat records; one the snaplen
		 * cut cannot be told, and counts as a file's content. */
		if (io == NINEP_IO_SREAD && count > 0 && captured == count &&
		    ninep_is_directory_data(data, count, dialects))
			return 0;
		out->offset = io == NINEP_IO_READ ? note->offset : 0;
		out->count = count;
		out->data = data;
		out->captured = captured;
		out->whole_file = io == NINEP_IO_SREAD;
		return 1;
	}
	case NINEP_IO_WRITE:
	case NINEP_IO_SWRITE: {
		uint32_t written;
		if (!written_count(reply, &written))
			return 0;
		/* write(5): count bytes of the request's data were written; a
		 * server claiming more than it was sent is held to what it got. */
		if (written > note->count)
			written = note->count;
		out->offset = io == NINEP_IO_WRITE ? note->offset : 0;
		out->count = written;
		out->data = request_data;
		out->captured = request_data != NULL ? (request_captured < written ? request_captured : written) : 0;
		out->whole_file = io == NINEP_IO_SWRITE;
		return 1;
	}
	default:
		return 0;
	}
}

size_t ninep_files_name(char *buf, size_t cap, const char *path, size_t path_len, const char *client,
			const char *server, uint32_t fid)
{
	if (cap == 0)
		return 0;
	size_t unknown_len = sizeof NINEP_PATH_UNKNOWN - 1;
	/* no path at all is as unknown as "(unknown)" */
	if (path_len == 0 || (path_len == unknown_len && memcmp(path, NINEP_PATH_UNKNOWN, unknown_len) == 0)) {
		int n = snprintf(buf, cap, "%s/%s-%s/fid-%u", NINEP_PATH_UNKNOWN, client, server, (unsigned)fid);
		size_t len = n < 0 ? 0 : (size_t)n;
		return len < cap ? len : cap - 1;
	}
	size_t len = path_len < cap - 1 ? path_len : cap - 1;
	memcpy(buf, path, len);
	buf[len] = '\0';
	return len;
}

char *ninep_files_endpoint(char *buf, size_t cap, int ipv6, const uint8_t *addr, uint16_t port)
{
	char text[INET6_ADDRSTRLEN];
	if (inet_ntop(ipv6 ? AF_INET6 : AF_INET, addr, text, sizeof text) == NULL)
		snprintf(text, sizeof text, "?");
	snprintf(buf, cap, ipv6 ? "[%s]:%u" : "%s:%u", text, (unsigned)port);
	return buf;
}

/*
 * `ninep extract`: the files a capture carried, written below DIR as their
 * content arrives (extract.c).  What is content, and the bookkeeping of
 * each file (extents, size, holes, frames), is the shared library's
 * (ninep/files.h); this is where the bytes go to disk, safely.
 *
 *   - DIR is created if missing and opened once; every directory and file
 *     is made with mkdirat/openat relative to it, never following a
 *     symbolic link (O_NOFOLLOW on every element), at the path
 *     safe_relative_path() makes of the 9P name.
 *   - A file is created on its first captured byte (O_EXCL: one that
 *     exists is left alone and said so, unless --overwrite, which
 *     truncates it; never anything but a regular file).  Bytes are written
 *     with pwrite where they belong; holes stay sparse; at the end the file
 *     is cut or extended to exactly its size.
 *   - A file with no captured byte is listed in the manifest only.
 */
#ifndef NINEP_ANALYZER_EXTRACT_H
#define NINEP_ANALYZER_EXTRACT_H

#include <stdint.h>
#include <stdio.h>

#include "capture/capture.h" /* struct endpoint */
#include "ninep/engine.h"

struct extract;

/* NULL with a message in err when DIR cannot be made or opened. */
struct extract *extract_open(const char *dir, int overwrite, char *err, size_t errlen);
/* The engine's request hook: a write's data is held until its reply.
 * `key` names the request until then (its cookie); have: bytes of msg the
 * capture holds. */
void extract_request(struct extract *x, const struct ninep_request *r, const uint8_t *msg, uint32_t have,
		     const struct ninep_msg *m);
/* The engine's exchange hook: the content it carried goes to disk.
 * request_frame and reply_frame: the frames (from 1) that carried them. */
void extract_exchange(struct extract *x, const struct endpoint *client, const struct endpoint *server,
		      unsigned dialects, const struct ninep_request *r, const struct ninep_reply *reply,
		      uint64_t request_frame, uint64_t reply_frame);
/* The request gets no reply: its held data goes. */
void extract_dropped(struct extract *x, const struct ninep_request *r);
/* Every input read: sizes set, files closed.  Returns 0, or -1 when a file
 * could not be written (each said on stderr). */
int extract_finish(struct extract *x);
/* The manifest (CSV, ninep.1) of every file, in the order they first
 * carried content. */
void extract_manifest(const struct extract *x, FILE *out);
void extract_free(struct extract *x);

#endif

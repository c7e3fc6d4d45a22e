/*
 * The "ninep" tap: one record per 9P message, queued by the ninep plugin.
 * A tap listener (register_tap_listener("ninep", ...)) sees every message; a
 * matched exchange is a reply with `matched` set, carrying its request's
 * type, frame and time.  Records live in the packet's pool: copy what you
 * keep.
 */
#ifndef NINEP_TAP_H
#define NINEP_TAP_H

#include <stdbool.h>
#include <stdint.h>

#include <wsutil/nstime.h>

struct ninep_tap_info {
	uint32_t frame;
	uint8_t type;       /* message type of this message */
	uint16_t tag;
	bool is_request;
	bool matched;       /* a reply whose request was seen */
	bool is_error;      /* Rerror or Rlerror */
	uint8_t request_type;   /* replies: the request's type (when matched) */
	uint32_t request_frame; /* replies: the request's frame (when matched) */
	nstime_t request_time;  /* replies: the request's absolute time */
	nstime_t response_time; /* replies: this reply minus the request */
	const char *path;       /* the fid's path, or NULL */
	unsigned dialect;       /* NINEP_DIALECT_* bit(s) */
	uint32_t session;       /* 9P2000.e session number, 0 when none */
	const char *conversation; /* "client:port <-> server:port" */
};

#endif

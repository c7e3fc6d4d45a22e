/*
 * The 9P2000.e MUMBLE authentication record, as Erlang on Xen writes it on
 * the auth fid: "MUMBLE:" base64(record) ":", where record is
 * version[2]=0x0100 mac[20] key[8] timestamp[4] ttl[4] node[s] group[s]
 * nextra[4] extra[nextra].  The mac is a fixed pattern, not a real
 * HMAC-SHA1: nothing downstream verifies it.
 */
#ifndef CAPGEN_MUMBLE_H
#define CAPGEN_MUMBLE_H

#include "buf.h"

#include <ninep/protocol.h>

#include <stdint.h>

extern const uint8_t mumble_demo_key[NINEP_SESSION_KEYSZ];

/* Appends the whole Twrite data ("MUMBLE:...:") to out. */
void mumble_write_data(struct buf *out, const uint8_t key[NINEP_SESSION_KEYSZ], const char *node, const char *group);

#endif

/*
 * The link-layer header in front of an IP packet, for every link type the
 * capture writer knows (LINKTYPE_* in capfile.h): Ethernet II with up to
 * two VLAN tags, Linux cooked SLL and SLL2, BSD NULL and OpenBSD LOOP, and
 * the raw IP types, which have none.  What differs between frames (the MACs,
 * the direction, the IP version inside) is a field; the rest is fixed.
 */
#ifndef CAPWRITER_LINK_H
#define CAPWRITER_LINK_H

#include "wire.h"

#include <stddef.h>
#include <stdint.h>

enum {
	ETHERTYPE_VLAN = 0x8100, /* 802.1Q */
	ETHERTYPE_QINQ = 0x88A8, /* 802.1ad service tag */
	VLAN_TAG_LEN = 4,        /* TPID[2] TCI[2] */
	VLAN_MAX_TAGS = 2,
	SLL_HDRLEN = 16,
	SLL2_HDRLEN = 20,
	SLL_ADDR_LEN = 8,
	BSD_AF_LEN = 4,
	/* SLL packet types */
	SLL_PACKET_HOST = 0,     /* addressed to the capturing host */
	SLL_PACKET_OUTGOING = 4, /* sent by the capturing host */
};

struct link_fields {
	uint32_t linktype;
	int ipv6;                          /* the packet inside: its EtherType or AF */
	const uint8_t *dst_mac, *src_mac;  /* Ethernet; SLL and SLL2 carry src_mac only */
	unsigned vlan_tags;                /* Ethernet: 0, 1 (802.1Q) or 2 (802.1ad outer + 802.1Q inner) */
	uint8_t sll_packet_type;           /* SLL, SLL2: SLL_PACKET_HOST or SLL_PACKET_OUTGOING */
	int null_swapped;                  /* NULL: AF big-endian, as in a file moved between machines */
};

/* The header's length; aborts on a link type the writer does not know. */
size_t link_header_len(const struct link_fields *l);
/* Writes link_header_len(l) bytes. */
void link_header(uint8_t *p, const struct link_fields *l);

#endif

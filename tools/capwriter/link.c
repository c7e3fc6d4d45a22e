#include "link.h"

#include "bytes.h"
#include "capfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	VLAN_INNER_ID = 100,
	VLAN_OUTER_ID = 200,
	VLAN_PRIORITY_SHIFT = 13,
	VLAN_INNER_PRIORITY = 1,
	ARPHRD_ETHER = 1,
	SLL2_IFINDEX = 1,
	/* A BSD loopback header's address family: AF_INET is 2 everywhere,
	 * AF_INET6 differs by system. */
	BSD_AF_INET = 2,
	BSD_AF_INET6_OPENBSD = 24, /* LOOP is OpenBSD's link type */
	BSD_AF_INET6_DARWIN = 30,  /* the usual NULL capture comes from macOS */
};

static void unknown_linktype(uint32_t linktype)
{
	fprintf(stderr, "ninep_capwriter: link type %u not supported\n", (unsigned)linktype);
	abort();
}

size_t link_header_len(const struct link_fields *l)
{
	switch (l->linktype) {
	case LINKTYPE_ETHERNET:
		if (l->vlan_tags > VLAN_MAX_TAGS) {
			fprintf(stderr, "ninep_capwriter: %u VLAN tags; at most %d\n", l->vlan_tags, VLAN_MAX_TAGS);
			abort();
		}
		return ETH_HDRLEN + l->vlan_tags * VLAN_TAG_LEN;
	case LINKTYPE_LINUX_SLL:
		return SLL_HDRLEN;
	case LINKTYPE_LINUX_SLL2:
		return SLL2_HDRLEN;
	case LINKTYPE_NULL:
	case LINKTYPE_LOOP:
		return BSD_AF_LEN;
	case LINKTYPE_RAW:
	case LINKTYPE_IPV4:
	case LINKTYPE_IPV6:
		return 0;
	default:
		unknown_linktype(l->linktype);
		return 0;
	}
}

void link_header(uint8_t *p, const struct link_fields *l)
{
	uint16_t ethertype = l->ipv6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;

	switch (l->linktype) {
	case LINKTYPE_ETHERNET:
		memcpy(p, l->dst_mac, MAC_LEN);
		memcpy(p + MAC_LEN, l->src_mac, MAC_LEN);
		p += 2 * MAC_LEN;
		if (l->vlan_tags == VLAN_MAX_TAGS) {
			put_be16(p, ETHERTYPE_QINQ);
			put_be16(p + 2, VLAN_OUTER_ID);
			p += VLAN_TAG_LEN;
		}
		if (l->vlan_tags >= 1) {
			put_be16(p, ETHERTYPE_VLAN);
			put_be16(p + 2, (uint16_t)(VLAN_INNER_PRIORITY << VLAN_PRIORITY_SHIFT | VLAN_INNER_ID));
			p += VLAN_TAG_LEN;
		}
		put_be16(p, ethertype);
		break;
	case LINKTYPE_LINUX_SLL:
		/* packet type[2] ARPHRD[2] address length[2] address[8] protocol[2] */
		put_be16(p, l->sll_packet_type);
		put_be16(p + 2, ARPHRD_ETHER);
		put_be16(p + 4, MAC_LEN);
		memcpy(p + 6, l->src_mac, MAC_LEN);
		memset(p + 6 + MAC_LEN, 0, SLL_ADDR_LEN - MAC_LEN);
		put_be16(p + 6 + SLL_ADDR_LEN, ethertype);
		break;
	case LINKTYPE_LINUX_SLL2:
		/* protocol[2] reserved[2] ifindex[4] ARPHRD[2] packet type[1]
		 * address length[1] address[8] */
		put_be16(p, ethertype);
		put_be16(p + 2, 0);
		put_be32(p + 4, SLL2_IFINDEX);
		put_be16(p + 8, ARPHRD_ETHER);
		p[10] = l->sll_packet_type;
		p[11] = MAC_LEN;
		memcpy(p + 12, l->src_mac, MAC_LEN);
		memset(p + 12 + MAC_LEN, 0, SLL_ADDR_LEN - MAC_LEN);
		break;
	case LINKTYPE_NULL: {
		/* The writer's byte order is the file's (little-endian here);
		 * the swapped case is a file moved between machines. */
		uint32_t af = l->ipv6 ? BSD_AF_INET6_DARWIN : BSD_AF_INET;
		if (l->null_swapped)
			put_be32(p, af);
		else
			put_le32(p, af);
		break;
	}
	case LINKTYPE_LOOP:
		put_be32(p, l->ipv6 ? BSD_AF_INET6_OPENBSD : BSD_AF_INET);
		break;
	case LINKTYPE_RAW:
	case LINKTYPE_IPV4:
	case LINKTYPE_IPV6:
		break;
	default:
		unknown_linktype(l->linktype);
	}
}

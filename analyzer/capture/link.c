/*
 * Link layers: from a captured frame to the IP packet inside it, the first
 * step of frame_parse.
 *
 * Values are LINKTYPE_ (file) and DLT_ (libpcap) numbers; where they differ
 * (raw IP) both are accepted, since libpcap hands us DLT_ values and our own
 * pcapng reader hands us LINKTYPE_ values.
 */
#include "capture_internal.h"

enum {
	LT_NULL = 0,        /* BSD loopback: 4-byte AF in the capturing host's order */
	LT_EN10MB = 1,      /* Ethernet */
	LT_DLT_RAW = 12,    /* DLT_RAW on most systems */
	LT_DLT_RAW_BSD = 14, /* DLT_RAW on OpenBSD and BSD/OS */
	LT_RAW = 101,       /* LINKTYPE_RAW */
	LT_LOOP = 108,      /* OpenBSD loopback: 4-byte AF, network order */
	LT_LINUX_SLL = 113,
	LT_IPV4 = 228,
	LT_IPV6 = 229,
	LT_LINUX_SLL2 = 276,

	ETH_HDR = 14,
	ETH_OFF_TYPE = 12,
	VLAN_TAG = 4,
	VLAN_OFF_TYPE = 2,
	SLL_HDR = 16,
	SLL_OFF_PROTO = 14,
	SLL2_HDR = 20,
	SLL2_OFF_PROTO = 0,
	LOOP_HDR = 4,

	ETHERTYPE_IPV4 = 0x0800,
	ETHERTYPE_IPV6 = 0x86dd,
	ETHERTYPE_VLAN = 0x8100,
	ETHERTYPE_QINQ = 0x88a8,
	ETHERTYPE_QINQ_OLD = 0x9100,

	BSD_AF_INET = 2,
	BSD_AF_INET6_BSD = 24, /* NetBSD, OpenBSD, BSD/OS */
	BSD_AF_INET6_FREEBSD = 28,
	BSD_AF_INET6_DARWIN = 30,
	BSD_AF_MAX = 0xffff,   /* AF values are small; a larger one is byte-swapped */
};

int link_supported(int linktype)
{
	switch (linktype) {
	case LT_NULL:
	case LT_EN10MB:
	case LT_DLT_RAW:
	case LT_DLT_RAW_BSD:
	case LT_RAW:
	case LT_LOOP:
	case LT_LINUX_SLL:
	case LT_IPV4:
	case LT_IPV6:
	case LT_LINUX_SLL2:
		return 1;
	default:
		return 0;
	}
}

const char *link_name(int linktype)
{
	switch (linktype) {
	case LT_NULL:
		return "BSD loopback (NULL)";
	case LT_EN10MB:
		return "Ethernet";
	case LT_DLT_RAW:
	case LT_DLT_RAW_BSD:
	case LT_RAW:
		return "raw IP";
	case LT_LOOP:
		return "OpenBSD loopback (LOOP)";
	case LT_LINUX_SLL:
		return "Linux cooked (SLL)";
	case LT_IPV4:
		return "raw IPv4";
	case LT_IPV6:
		return "raw IPv6";
	case LT_LINUX_SLL2:
		return "Linux cooked v2 (SLL2)";
	default:
		return "unsupported";
	}
}

static int version_of_ethertype(uint16_t type)
{
	if (type == ETHERTYPE_IPV4)
		return IP_FAMILY_V4;
	if (type == ETHERTYPE_IPV6)
		return IP_FAMILY_V6;
	return -1;
}

static int version_of_af(uint32_t af)
{
	switch (af) {
	case BSD_AF_INET:
		return IP_FAMILY_V4;
	case BSD_AF_INET6_BSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN:
		return IP_FAMILY_V6;
	default:
		return -1;
	}
}

/* 1 when the link header of `need` bytes is there; otherwise says why not. */
static int link_fits(struct frame_view *v, size_t need, size_t cap, size_t wire)
{
	if (cap >= need)
		return 1;
	v->kind = wire >= need ? FRAME_TRUNCATED : FRAME_MALFORMED;
	return 0;
}

void frame_parse(int linktype, const uint8_t *frame, size_t cap, size_t wire, struct frame_view *v)
{
	size_t off = 0;
	int version = 0;
	uint16_t type;
	uint32_t af;

	if (wire < cap)
		wire = cap; /* a writer that got them backwards: trust what we hold */
	switch (linktype) {
	case LT_EN10MB:
		if (!link_fits(v, ETH_HDR, cap, wire))
			return;
		type = rd_be16(frame + ETH_OFF_TYPE);
		off = ETH_HDR;
		/* any number of 802.1Q / 802.1ad tags, each checked against cap */
		while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
			if (!link_fits(v, off + VLAN_TAG, cap, wire))
				return;
			type = rd_be16(frame + off + VLAN_OFF_TYPE);
			off += VLAN_TAG;
		}
		version = version_of_ethertype(type);
		break;
	case LT_LINUX_SLL:
		if (!link_fits(v, SLL_HDR, cap, wire))
			return;
		version = version_of_ethertype(rd_be16(frame + SLL_OFF_PROTO));
		off = SLL_HDR;
		break;
	case LT_LINUX_SLL2:
		if (!link_fits(v, SLL2_HDR, cap, wire))
			return;
		version = version_of_ethertype(rd_be16(frame + SLL2_OFF_PROTO));
		off = SLL2_HDR;
		break;
	case LT_NULL:
		if (!link_fits(v, LOOP_HDR, cap, wire))
			return;
		/* written in the capturing host's byte order, which we do not know */
		af = rd_le32(frame);
		if (af > BSD_AF_MAX)
			af = rd_be32(frame);
		version = version_of_af(af);
		off = LOOP_HDR;
		break;
	case LT_LOOP:
		if (!link_fits(v, LOOP_HDR, cap, wire))
			return;
		version = version_of_af(rd_be32(frame));
		off = LOOP_HDR;
		break;
	case LT_DLT_RAW:
	case LT_DLT_RAW_BSD:
	case LT_RAW:
		version = 0; /* the version nibble says */
		break;
	case LT_IPV4:
		version = IP_FAMILY_V4;
		break;
	case LT_IPV6:
		version = IP_FAMILY_V6;
		break;
	default:
		version = -1;
		break;
	}
	if (version < 0) {
		v->kind = FRAME_NON_IP;
		return;
	}
	ip_parse(version, frame, off, cap - off, wire - off, v);
}

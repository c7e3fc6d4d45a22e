/*
 * A BPF filter checked before any input is opened, so that a filter libpcap
 * cannot compile is a usage error (like tcpdump's), not the failure of
 * every input.  Each input compiles it again for its own link type
 * (input.c, pcapng.c); a filter that compiles for none of the link types
 * the analyzer reads could never select a packet.
 */
#include <stdio.h>

#include <pcap/pcap.h>

#include "capture.h"

enum { FILTER_SNAPLEN = 65535 };

/* The link types link.c reads, as libpcap's DLT_ values. */
static const int READ_LINK_TYPES[] = {
	DLT_EN10MB, DLT_NULL, DLT_LOOP, DLT_RAW, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_IPV4, DLT_IPV6,
};

/* 0 when filter compiles for `linktype`; else -1 and libpcap's message. */
static int compiles_for(int linktype, const char *filter, char *err, size_t errlen)
{
	pcap_t *dead = pcap_open_dead(linktype, FILTER_SNAPLEN);
	if (dead == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	struct bpf_program prog;
	int rc = pcap_compile(dead, &prog, filter, 1, PCAP_NETMASK_UNKNOWN);
	if (rc == 0)
		pcap_freecode(&prog);
	else
		snprintf(err, errlen, "%s", pcap_geterr(dead));
	pcap_close(dead);
	return rc == 0 ? 0 : -1;
}

int capture_filter_check(const char *filter, char *err, size_t errlen)
{
	char first[PCAP_ERRBUF_SIZE] = "";
	for (size_t i = 0; i < sizeof READ_LINK_TYPES / sizeof READ_LINK_TYPES[0]; i++) {
		char msg[PCAP_ERRBUF_SIZE];
		if (compiles_for(READ_LINK_TYPES[i], filter, msg, sizeof msg) == 0)
			return 0;
		if (i == 0)
			snprintf(first, sizeof first, "%s", msg);
	}
	/* Ethernet's message: the link type most captures have. */
	snprintf(err, errlen, "%s", first);
	return -1;
}

/*
 * gen_no9p DIR: captures in which there is no 9P, each for a reason the
 * text report must give (test_no9p.py reads them):
 *   empty.pcap     Ethernet, no packet at all
 *   wifi.pcap      LINKTYPE_IEEE802_11 (105), WIFI_FRAMES beacon frames:
 *                  a link type whose frames ninep does not read
 *   arp_udp.pcap   Ethernet, ARP_FRAMES ARP requests (not IP) and
 *                  UDP_FRAMES IPv4 UDP datagrams (IP, not TCP)
 * The numbers are printed, one "name key value" a line, for the test to
 * check the report against what was written.
 */
#include <stdio.h>
#include <string.h>

#include "capfile.h"
#include "wire.h"

enum {
	LINKTYPE_IEEE802_11 = 105,
	WIFI_FRAMES = 3,
	ARP_FRAMES = 2,
	UDP_FRAMES = 4,
	ETHERTYPE_ARP = 0x0806,
	ARP_LEN = 28,       /* Ethernet/IPv4 ARP: htype..tpa */
	UDP_HDRLEN = 8,
	IP_PROTOCOL_UDP = 17,
	IPV4_PROTOCOL_AT = 9, /* byte of the IPv4 header */
	IPV4_CHECKSUM_AT = 10,
	BEACON_LEN = 36,    /* frame control .. capability info, no elements */
};

static const uint64_t T0 = 1700000000ull * 1000000000ull;
static const uint64_t STEP_NS = 1000000; /* 1 ms apart */

static struct capfile *open_capture(const char *dir, const char *name, uint32_t linktype)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	struct capfile_options o = { CAPFILE_PCAP, linktype, CAPFILE_FULL_SNAPLEN, 0, 0, NULL };
	return capfile_create(path, &o);
}

static void wifi(const char *dir)
{
	struct capfile *cf = open_capture(dir, "wifi.pcap", LINKTYPE_IEEE802_11);
	uint8_t frame[BEACON_LEN] = { 0x80, 0x00 }; /* type management, subtype beacon */
	memset(frame + 4, 0xff, 6);                /* to everyone */
	memset(frame + 10, 0x02, 12);              /* source and BSSID */
	for (unsigned i = 0; i < WIFI_FRAMES; i++)
		capfile_write(cf, T0 + i * STEP_NS, frame, sizeof frame);
	capfile_close(cf);
	printf("wifi.pcap packets %u\n", WIFI_FRAMES);
}

static void arp_udp(const char *dir)
{
	static const uint8_t mac_a[MAC_LEN] = { 2, 0, 0, 0, 0, 1 }, mac_b[MAC_LEN] = { 2, 0, 0, 0, 0, 2 };
	static const uint8_t broadcast[MAC_LEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t ip_a[IPV4_ADDR_LEN] = { 10, 0, 0, 1 }, ip_b[IPV4_ADDR_LEN] = { 10, 0, 0, 2 };
	struct capfile *cf = open_capture(dir, "arp_udp.pcap", LINKTYPE_ETHERNET);
	uint64_t t = T0;
	for (unsigned i = 0; i < ARP_FRAMES; i++) {
		uint8_t frame[ETH_HDRLEN + ARP_LEN] = { 0 };
		eth_header(frame, broadcast, mac_a, ETHERTYPE_ARP);
		uint8_t *arp = frame + ETH_HDRLEN;
		static const uint8_t head[] = { 0, 1, 8, 0, 6, 4, 0, 1 }; /* Ethernet, IPv4, request */
		memcpy(arp, head, sizeof head);
		memcpy(arp + 8, mac_a, MAC_LEN);
		memcpy(arp + 14, ip_a, IPV4_ADDR_LEN);
		memcpy(arp + 24, ip_b, IPV4_ADDR_LEN);
		capfile_write(cf, t, frame, sizeof frame);
		t += STEP_NS;
	}
	for (unsigned i = 0; i < UDP_FRAMES; i++) {
		static const char payload[] = "not 9P";
		uint8_t frame[ETH_HDRLEN + IPV4_HDRLEN + UDP_HDRLEN + sizeof payload] = { 0 };
		eth_header(frame, mac_b, mac_a, ETHERTYPE_IPV4);
		uint8_t *ip = frame + ETH_HDRLEN;
		ipv4_header(ip, ip_a, ip_b, (uint16_t)(100 + i), IPV4_DF, UDP_HDRLEN + sizeof payload);
		/* ipv4_header writes TCP's protocol: UDP's, and its checksum anew */
		ip[IPV4_PROTOCOL_AT] = IP_PROTOCOL_UDP;
		ip[IPV4_CHECKSUM_AT] = ip[IPV4_CHECKSUM_AT + 1] = 0;
		uint16_t sum = inet_fold(inet_sum(0, ip, IPV4_HDRLEN));
		ip[IPV4_CHECKSUM_AT] = (uint8_t)(sum >> 8);
		ip[IPV4_CHECKSUM_AT + 1] = (uint8_t)sum;
		uint8_t *udp = ip + IPV4_HDRLEN;
		uint16_t len = UDP_HDRLEN + sizeof payload;
		udp[0] = 0x30, udp[1] = 0x39; /* 12345 */
		udp[2] = 0x15, udp[3] = 0xb8; /* 5560 */
		udp[4] = (uint8_t)(len >> 8), udp[5] = (uint8_t)len;
		memcpy(udp + UDP_HDRLEN, payload, sizeof payload); /* checksum 0: none (RFC 768) */
		capfile_write(cf, t, frame, sizeof frame);
		t += STEP_NS;
	}
	capfile_close(cf);
	printf("arp_udp.pcap packets %u\narp_udp.pcap not_ip %u\narp_udp.pcap not_tcp %u\n", ARP_FRAMES + UDP_FRAMES,
	       ARP_FRAMES, UDP_FRAMES);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_no9p DIR\n");
		return 2;
	}
	capfile_close(open_capture(argv[1], "empty.pcap", LINKTYPE_ETHERNET));
	printf("empty.pcap packets 0\n");
	wifi(argv[1]);
	arp_udp(argv[1]);
	return 0;
}

/*
 * pcap_floor: the benchmark's floor.  Reads every packet of a capture with
 * libpcap and does nothing else, so `ninep report` can be measured against
 * the cost of merely reading the file.
 *
 *   pcap_floor CAPTURE
 *
 * Prints "packets N bytes B" (captured bytes).  Summing the lengths keeps
 * the compiler from discarding the loop; touching the first and last byte
 * of each packet makes sure the data really is brought in, as any
 * dissector would.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include <pcap/pcap.h>

enum { EXIT_USAGE = 1, EXIT_READ = 2 };

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: pcap_floor CAPTURE\n", stderr);
		return EXIT_USAGE;
	}
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	/* Nanosecond precision, as the analyzer opens captures: no conversion. */
	pcap_t *p = pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (p == NULL) {
		fprintf(stderr, "pcap_floor: %s\n", errbuf);
		return EXIT_READ;
	}
	uint64_t packets = 0, bytes = 0;
	unsigned touched = 0;
	struct pcap_pkthdr *hdr;
	const u_char *data;
	int rc = pcap_next_ex(p, &hdr, &data);
	while (rc == 1) {
		packets++;
		bytes += hdr->caplen;
		if (hdr->caplen > 0)
			touched += data[0] ^ data[hdr->caplen - 1];
		rc = pcap_next_ex(p, &hdr, &data);
	}
	int status = 0;
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "pcap_floor: %s\n", pcap_geterr(p));
		status = EXIT_READ;
	}
	pcap_close(p);
	printf("packets %" PRIu64 " bytes %" PRIu64 " (check %u)\n", packets, bytes, touched);
	return status;
}

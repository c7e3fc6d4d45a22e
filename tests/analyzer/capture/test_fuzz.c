/*
 * Robustness: valid packets of every link type, mutated (bytes flipped,
 * lengths cut, headers lengthened) with a fixed seed, fed to the
 * reassembler; and mutated pcapng files fed to the reader.  Under the
 * sanitizers any out-of-bounds read or leak fails the test; the check here
 * is only that every input is either used or counted, and that the run
 * ends.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ROUNDS = 200000, PKTSZ = 4096 };

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint32_t rnd(void)
{
	/* xorshift64*: deterministic across platforms */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1du) >> 32);
}

static const int linktypes[] = {
	LINKTYPE_NULL, LINKTYPE_ETHERNET, LINKTYPE_RAW,         LINKTYPE_LOOP, LINKTYPE_LINUX_SLL,
	LINKTYPE_IPV4, LINKTYPE_IPV6,     LINKTYPE_LINUX_SLL2, DLT_RAW_MOST,  DLT_RAW_OPENBSD,
};

static void fuzz_packets(void)
{
	static uint8_t ip[PKTSZ], frame[PKTSZ + 64];
	struct reasm_limits lim = { 8192, 65536, 64, 0 };
	struct reassembler *r = reasm_new(&lim, NULL, NULL);
	const struct capture_stats *st = reasm_stats(r);
	uint8_t payload[1500];
	uint64_t i;

	for (i = 0; i < sizeof payload; i++)
		payload[i] = (uint8_t)rnd();
	for (i = 0; i < ROUNDS; i++) {
		int lt = linktypes[rnd() % (sizeof linktypes / sizeof linktypes[0])];
		int family = lt == LINKTYPE_IPV4 ? 4 : lt == LINKTYPE_IPV6 ? 6 : (rnd() & 1) ? 4 : 6;
		struct seg s = { family, family == 6 ? "fd00::1" : "10.0.0.1", family == 6 ? "fd00::2" : "10.0.0.2",
				 (uint16_t)(1000 + rnd() % 8), 564, rnd() % 4096, rnd() % 4096,
				 (uint8_t)rnd(), payload, rnd() % 1400 };
		size_t n = build_ip_tcp(&s, ip, sizeof ip);
		size_t fn = wrap_link(lt, (int)(rnd() % 3), (int)(rnd() & 1), ip, n, frame, sizeof frame);
		size_t cap = fn, k, flips = rnd() % 4;

		for (k = 0; k < flips; k++)
			frame[rnd() % (fn < 80 ? fn : 80)] = (uint8_t)rnd();
		if (rnd() % 4 == 0)
			cap = rnd() % (fn + 1);
		reasm_packet(r, lt, frame, cap, rnd() % 8 == 0 ? rnd() % (fn + 1) : fn, (int64_t)i * 1000000);
	}
	CHECK_EQ_U(st->packets, ROUNDS);
	printf("  %llu packets: %llu segments, %llu malformed, %llu truncated headers, %llu non-IP, %llu non-TCP, "
	       "%llu fragments, %llu gaps, %llu connections, %llu limit hits\n",
	       (unsigned long long)st->packets, (unsigned long long)st->tcp_segments,
	       (unsigned long long)st->malformed_headers, (unsigned long long)st->truncated_headers,
	       (unsigned long long)st->non_ip, (unsigned long long)st->non_tcp, (unsigned long long)st->ip_fragments,
	       (unsigned long long)st->gaps, (unsigned long long)st->connections, (unsigned long long)st->limit_hits);
	CHECK(st->tcp_segments > 0);
	reasm_free(r, 0);
}

static void fuzz_pcapng(void)
{
	static uint8_t frames[16][256], orig[8192], buf[8192];
	struct ng_if ifs[2] = { { LINKTYPE_ETHERNET, CAPFILE_TSRESOL_NSEC }, { LINKTYPE_RAW, CAPFILE_TSRESOL_USEC } };
	struct rec_pkt p[16];
	const char *path = tmp_path("fuzz.pcapng"), *mut = tmp_path("mut.pcapng");
	size_t i, n, ok = 0, failed_open = 0, failed_run = 0;
	FILE *f;

	for (i = 0; i < 16; i++) {
		uint8_t ip[256];
		struct seg s = { 4, "10.0.0.1", "10.0.0.2", 1000, 564, (uint32_t)i * 10, 0, TCP_ACK,
				 (const uint8_t *)"0123456789", 10 };
		size_t in = build_ip_tcp(&s, ip, sizeof ip);
		int iface = (int)(i & 1);
		size_t fl = wrap_link(iface ? LINKTYPE_RAW : LINKTYPE_ETHERNET, 0, 0, ip, in, frames[i], sizeof frames[i]);
		p[i] = (struct rec_pkt){ (int64_t)i * 1000, iface, frames[i], fl, fl };
	}
	write_pcapng(path, (int)(rnd() & 1), ifs, 2, p, 16);
	f = fopen(path, "rb");
	n = fread(orig, 1, sizeof orig, f);
	fclose(f);
	for (i = 0; i < 2000; i++) {
		char err[512];
		size_t len = n, k, flips = 1 + rnd() % 4;
		struct capture_input *in;
		memcpy(buf, orig, n);
		for (k = 0; k < flips; k++)
			buf[rnd() % n] = (uint8_t)rnd();
		if (rnd() % 3 == 0)
			len = rnd() % (n + 1);
		f = fopen(mut, "wb");
		fwrite(buf, 1, len, f);
		fclose(f);
		in = capture_open_file(mut, NULL, err, sizeof err);
		if (in == NULL) {
			CHECK(strstr(err, mut) != NULL);
			failed_open++;
			continue;
		}
		{
			struct reassembler *r = reasm_new(NULL, NULL, NULL);
			if (capture_run(in, r, 0, NULL, err, sizeof err) == 0) {
				ok++;
			} else {
				CHECK(strstr(err, mut) != NULL);
				failed_run++;
			}
			reasm_free(r, 0);
		}
		capture_close(in);
	}
	printf("  2000 mutated pcapng files: %zu read, %zu refused at open, %zu failed while reading\n", ok,
	       failed_open, failed_run);
}

int main(void)
{
	fuzz_packets();
	fuzz_pcapng();
	return t_summary("analyzer.capture.fuzz");
}

// SPDX-License-Identifier: MIT
/*
 * eh_bench.c - nanoseconds per packet for the egress extension-header policy
 * (common/eh.c): parse + decide + strip (eh_filter) on common chains, next to
 * a plain memcpy of the same packet as the floor. Each iteration copies the
 * packet into a work buffer (stripping rewrites it) and then filters it, so
 * "filter" is (memcpy + eh_filter) - memcpy. The no-EH row also shows the
 * data path's real cost, the eh_wants() test. Not a test: prints a table.
 *   ./build/bench/eh_bench [iterations] [packet octets]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define EHP_WITH_EH
#include "../test/unit/eh_pkt.h"

static uint8_t work[EHP_MAX];
static volatile uint64_t sink;

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

enum mode { M_MEMCPY, M_FILTER, M_WANTS };

/* Best of 7 runs of @iters iterations, in ns per packet. */
static double measure(enum mode m, const struct eh_policy *pol, const struct ehp *p, long iters)
{
	double best = 1e30;
	struct eh_chain ch;
	size_t cut;

	for (int run = 0; run < 7; run++) {
		double t0 = now_ns();
		for (long i = 0; i < iters; i++) {
			memcpy(work, p->b, p->len);
			__asm__ volatile("" : : "r"(work) : "memory");
			if (m == M_FILTER) {
				int r = eh_filter(pol, NULL, work, p->len, &ch, &cut);
				sink += (uint64_t)r + cut;
			} else if (m == M_WANTS) {
				sink += eh_wants(pol, work, p->len);
			}
			sink += work[p->len - 1];
		}
		double dt = (now_ns() - t0) / (double)iters;
		best = dt < best ? dt : best;
	}
	return best;
}

/* Fill the upper layer so the whole packet is @size octets. */
static void tcp_to(struct ehp *p, size_t size)
{
	size_t hdr = p->len + 20;
	ehp_tcp(p, size > hdr ? size - hdr : 0);
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 2000000;
	size_t size = argc > 2 ? (size_t)atol(argv[2]) : 1400;
	struct eh_policy exit_pol, exit12;
	struct eh_limits l;
	struct eh_rules r, x = {.enable = true, .has_enable = true};
	struct ehp p;

	if (iters < 1000 || size < 200 || size > 9000) {
		fprintf(stderr, "usage: %s [iterations >= 1000] [packet octets 200..9000]\n",
			argv[0]);
		return 1;
	}
	/* The overlay-exit policy: strips padding HBH, other HBH and SRH with SL 0. */
	eh_policy_default(&exit_pol, EH_DIR_EXIT);
	eh_limits_default(&l);
	eh_rules_default(&r);
	eh_rules_inherit(&x, &r);
	l.max_eh_count = EH_MAX_HDRS;
	eh_policy_init(&exit12, &l, &x);

	printf("eh_bench: %ld iterations, best of 7, %zu-octet packets, %s\n", iters, size,
#ifdef NDEBUG
	       "release (no debug re-parse)"
#else
	       "debug (re-parse after every strip)"
#endif
	);
	printf("%-28s %6s %8s %14s %10s %s\n", "chain", "octets", "memcpy", "memcpy+filter",
	       "filter", "verdict");

	for (int row = 0; row < 4; row++) {
		const struct eh_policy *pol = &exit_pol;
		const char *name = "";
		ehp_init(&p);
		switch (row) {
		case 0:
			name = "no EH (TCP)";
			break;
		case 1:
			name = "HBH(pad) + TCP";
			ehp_hbh_pad(&p);
			break;
		case 2:
			name = "HBH(RA) + SRH(SL=0) + TCP";
			ehp_hbh_ra(&p);
			ehp_srh(&p, 0, 2, 0);
			break;
		default: {
			static const uint8_t ext[] = {135, 139, 140};
			name = "12 headers (max_eh_count 12)";
			pol = &exit12;
			ehp_hbh_ra(&p);
			ehp_do(&p);
			ehp_srh(&p, 0, 1, 0);
			ehp_frag(&p, 0, false, 1);
			for (int i = 0; i < 7; i++)
				ehp_ext(&p, ext[i % 3], 8);
			ehp_do(&p);
			break;
		}
		}
		tcp_to(&p, size);
		struct eh_chain ch;
		size_t cut;
		memcpy(work, p.b, p.len);
		int rc = eh_filter(pol, NULL, work, p.len, &ch, &cut);
		char verdict[64];
		snprintf(verdict, sizeof(verdict), "%s, %u headers, -%zu octets",
			 rc < 0 ? "DROP"
			 : cut	? "strip"
				: "keep",
			 ch.n, cut);
		double mc = measure(M_MEMCPY, pol, &p, iters);
		double fi = measure(M_FILTER, pol, &p, iters);
		printf("%-28s %6zu %8.1f %14.1f %10.1f %s\n", name, p.len, mc, fi, fi - mc,
		       verdict);
		if (row == 0) {
			double w = measure(M_WANTS, pol, &p, iters);
			printf("%-28s %6zu %8.1f %14.1f %10.1f %s\n", "  no EH, eh_wants() only",
			       p.len, mc, w, w - mc, "fast path (data path)");
		}
	}
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * seal_bench.c - would a second thread speed up the cipher? Seals batches of
 * carrier packets (carrier_seal(), ChaCha20-Poly1305, as the data path does
 * per sendmmsg batch) on the calling thread alone, then with the batch split
 * between the calling thread and one worker thread (a mutex and condition
 * variable hand-off per batch, the cheapest blocking split that keeps the
 * batch's order). Prints packets/s, Gbit/s of plaintext and the CPU time per
 * packet of each, so that running it once on an idle machine and once while
 * the netns benchmark loads both CPUs shows what the hand-off costs and what
 * the second thread gains when there is, and when there is no, idle CPU.
 * Usage: seal_bench [seconds per case, default 2] [plaintext octets, default 1440]
 *                   [packets per batch, default 64, at most 4096]
 */
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "omni_wire.h"
#include "wire_carrier.h"

#define BATCH_DEFAULT 64 /* TUN_BATCH / UDP_BATCH of the data path */
#define BATCH_MAX 4096	 /* a TUN batch of 64 TSO super-packets cut into fragments */

struct split {
	pthread_mutex_t mu;
	pthread_cond_t go, done;
	unsigned long gen, done_gen; /* batches posted / finished by the worker */
	bool stop;
	uint8_t *bufs[BATCH_MAX];
	size_t len;
	size_t from, to; /* the worker's share of bufs[] */
	uint64_t ctr;	 /* first counter of the batch */
	uint8_t key[CARRIER_KEY_LEN];
};

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void seal_range(const uint8_t *key, uint8_t *const *bufs, size_t len, uint64_t ctr,
		       size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		carrier_seal(key, 0x01020304, ctr + i, bufs[i], len);
}

static void *worker(void *arg)
{
	struct split *s = arg;
	unsigned long seen = 0;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (s->gen == seen && !s->stop)
			pthread_cond_wait(&s->go, &s->mu);
		if (s->stop)
			break;
		seen = s->gen;
		pthread_mutex_unlock(&s->mu);
		seal_range(s->key, s->bufs, s->len, s->ctr, s->from, s->to);
		pthread_mutex_lock(&s->mu);
		s->done_gen = seen;
		pthread_cond_signal(&s->done);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static double report(const char *name, unsigned long pkts, size_t len, double wall, double cpu,
		     double base_pps)
{
	double pps = (double)pkts / wall;

	printf("%-10s %9.0f kpps %7.2f Gbit/s %8.0f ns CPU/packet", name, pps / 1e3,
	       pps * (double)len * 8 / 1e9, cpu * 1e9 / (double)pkts);
	if (base_pps > 0)
		printf("  x%.2f", pps / base_pps);
	printf("\n");
	return pps;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0;
	size_t len = argc > 2 ? (size_t)atol(argv[2]) : 1440;
	long batch_arg = argc > 3 ? atol(argv[3]) : BATCH_DEFAULT;
	size_t batch;
	static struct split s = {.mu = PTHREAD_MUTEX_INITIALIZER,
				 .go = PTHREAD_COND_INITIALIZER,
				 .done = PTHREAD_COND_INITIALIZER};
	pthread_t th;
	unsigned long n;
	double t0, c0, base;

	if (sodium_init() < 0 || secs <= 0 || len == 0 || len > 65000 || batch_arg < 2 ||
	    batch_arg > BATCH_MAX) {
		fprintf(stderr,
			"usage: seal_bench [seconds > 0] [plaintext octets 1..65000]"
			" [batch 2..%d]\n",
			BATCH_MAX);
		return 2;
	}
	batch = (size_t)batch_arg;
	randombytes_buf(s.key, sizeof(s.key));
	for (size_t i = 0; i < batch; i++) {
		s.bufs[i] = calloc(1, len + CARRIER_OVERHEAD);
		if (!s.bufs[i])
			return 1;
	}
	s.len = len;
	printf("carrier_seal of %zu-octet plaintexts in batches of %zu, %.1f s per case\n", len,
	       batch, secs);

	n = 0;
	t0 = mono();
	c0 = cpu_seconds();
	do {
		seal_range(s.key, s.bufs, len, n, 0, batch);
		n += batch;
	} while (mono() - t0 < secs);
	base = report("1 thread", n, len, mono() - t0, cpu_seconds() - c0, 0);

	if (pthread_create(&th, NULL, worker, &s) != 0) {
		fprintf(stderr, "seal_bench: pthread_create failed\n");
		return 1;
	}
	n = 0;
	t0 = mono();
	c0 = cpu_seconds();
	do {
		pthread_mutex_lock(&s.mu);
		s.ctr = n;
		s.from = batch / 2;
		s.to = batch;
		s.gen++;
		pthread_cond_signal(&s.go);
		pthread_mutex_unlock(&s.mu);
		seal_range(s.key, s.bufs, len, n, 0, batch / 2);
		pthread_mutex_lock(&s.mu);
		while (s.done_gen != s.gen)
			pthread_cond_wait(&s.done, &s.mu);
		pthread_mutex_unlock(&s.mu);
		n += batch;
	} while (mono() - t0 < secs);
	(void)report("2 threads", n, len, mono() - t0, cpu_seconds() - c0, base);

	pthread_mutex_lock(&s.mu);
	s.stop = true;
	pthread_cond_signal(&s.go);
	pthread_mutex_unlock(&s.mu);
	pthread_join(th, NULL);
	for (size_t i = 0; i < batch; i++)
		free(s.bufs[i]);
	return 0;
}

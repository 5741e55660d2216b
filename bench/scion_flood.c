// SPDX-License-Identifier: MIT
/*
 * scion_flood.c - load generator and sink for bench/scion_br_bench.sh, the socket-level
 * SCION border-router benchmark. It owns nothing in omnid: it builds its packets with
 * the same library functions omnid uses (common/scion_mac, daemon/scion_fwd) and only
 * talks UDP to a running omnid.
 *
 *   scion_flood br KEY_B64 LOCAL REMOTE SECONDS
 *	Floods REMOTE (the BR's link socket) from LOCAL (the link's remote address) with
 *	one valid UDP/SCION packet (64 octets of payload) on a 3-hop path 1-1 -> 1-2 ->
 *	1-4 whose current hop (index 1, ConsIngress 1, ConsEgress 2) carries a MAC made
 *	with KEY_B64, the BR's forwarding key; sendmmsg in batches of 64. Prints "sent N".
 *   scion_flood udp LEN LOCAL REMOTE SECONDS
 *	Floods REMOTE with plain UDP datagrams of LEN payload octets (through a TUN).
 *   scion_flood relay IN OUT REMOTE
 *	The I/O floor of a BR: receives on IN with recvmmsg and sends every batch unchanged
 *	from OUT to REMOTE with sendmmsg, until killed; no SCION processing.
 *   scion_flood sink LOCAL WARMUP_S SECONDS HF PID...
 *	Receives with recvmmsg on LOCAL; after WARMUP_S counts the datagrams that parse as
 *	SCION with CurrHF == HF for SECONDS, and samples each PID's utime + stime
 *	(/proc/PID/stat; PID 0 is the sink itself) at both ends of that window. Prints
 *	"window_s W rx N pps P other O cpu C1 C2 ... wait D1 D2 ..." (C: percent of one
 *	CPU; D: percent of the window the PID's main thread waited on a run queue).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "addr.h"
#include "scion_fwd.h"
#include "scion_mac.h"
#include "wire_scion.h"

#define BATCH 64
#define PAYLOAD 64
#define MAX_PIDS 8
#define IA(isd, as) (((uint64_t)(isd) << 48) | (uint64_t)(as))

static double mono_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int die(const char *what)
{
	fprintf(stderr, "scion_flood: %s\n", what);
	return 1;
}

/* A UDP socket bound to @local, connected to @remote (NULL: not connected); -1 on error. */
static int flood_socket(const char *local, const char *remote)
{
	union sockaddr_any l, r;

	if (addr_parse_endpoint(local, 0, &l) < 0 ||
	    (remote && addr_parse_endpoint(remote, 0, &r) < 0))
		return -1;
	int fd = socket(l.sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1, buf = 4 << 20;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	if (bind(fd, &l.sa, addr_len(&l)) < 0 || (remote && connect(fd, &r.sa, addr_len(&r)) < 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The BR's packet: UDP/SCION 10.1.0.2 (1-1) -> 10.4.0.2 (1-4), path of one up-to-down
 * construction-direction segment (C set) with hops 1-1 (0,1), 1-2 (1,2), 1-4 (1,0), the
 * current hop 1 and the accumulator equal to its beta (spec/scion.md §3: the SegID a
 * hop sees), so only the BR's own MAC has to be right. Returns the length or -1.
 */
static ssize_t br_packet(const uint8_t key[SCION_KEY_LEN], uint8_t *out, size_t cap)
{
	static struct scion_path p;
	struct scion_mac m;
	struct scion_hdr h;
	const char *why;
	uint8_t payload[PAYLOAD];
	uint32_t ts = (uint32_t)time(NULL) - 60;

	memset(&p, 0, sizeof(p));
	p.num_inf = 1;
	p.num_hf = 3;
	p.seg_len[0] = 3;
	p.inf[0] = (struct scion_info){.flags = SCION_INF_C, .acc = 0x1234, .ts = ts};
	p.hf[0] = (struct scion_hop){.exp = 63, .cons_in = 0, .cons_eg = 1};
	p.hf[1] = (struct scion_hop){.exp = 63, .cons_in = 1, .cons_eg = 2};
	p.hf[2] = (struct scion_hop){.exp = 63, .cons_in = 1, .cons_eg = 0};
	if (scion_mac_init(&m, key) < 0)
		return -1;
	int r = scion_mac_hop(&m, p.inf[0].acc, ts, &p.hf[1], p.hf[1].mac);
	scion_mac_deinit(&m);
	if (r < 0)
		return -1;

	struct scion_fwd_ip e = {
	    .src_ia = IA(1, 1), .dst_ia = IA(1, 4), .port = 30041, .flow = 1, .path = &p};
	e.src = (struct scion_host){.type = SCION_HOST_IPV4, .len = 4, .addr = {10, 1, 0, 2}};
	e.dst = (struct scion_host){.type = SCION_HOST_IPV4, .len = 4, .addr = {10, 4, 0, 2}};
	memset(payload, 0xa5, sizeof(payload));
	payload[0] = 0x45;
	ssize_t n = scion_fwd_encap(&e, payload, sizeof(payload), out, cap);
	if (n < 0)
		return -1;
	/* Encap starts at hop 0; this packet is the one hop 1-1 has already forwarded. The
	 * path follows the common (12) and address headers; PathMeta's first octet holds
	 * CurrINF (2 bits) and CurrHF (6 bits). The UDP checksum does not cover the path. */
	if (scion_parse(out, (size_t)n, 0, &h, &why) < 0)
		return -1;
	out[12 + scion_addr_len(&h)] = 1;
	if (scion_parse(out, (size_t)n, 0, &h, &why) < 0 || h.path.scion.curr_hf != 1)
		return -1;
	return n;
}

/* Send @len octets of @pkt as fast as possible for @secs; prints the count. */
static int flood(int fd, const uint8_t *pkt, size_t len, double secs)
{
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	unsigned long long sent = 0, errs = 0;

	memset(msg, 0, sizeof(msg));
	for (int i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){.iov_base = (void *)(uintptr_t)pkt, .iov_len = len};
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	double end = mono_s() + secs;
	while (mono_s() < end) {
		int n = sendmmsg(fd, msg, BATCH, 0);
		if (n < 0) {
			/* ECONNREFUSED: an ICMP error before the BR bound; ENOBUFS: a full queue.
			 */
			if (errno != ECONNREFUSED && errno != ENOBUFS && errno != EAGAIN &&
			    errno != EINTR)
				return die(strerror(errno));
			errs++;
			continue;
		}
		sent += (unsigned)n;
	}
	printf("sent %llu errors %llu\n", sent, errs);
	return 0;
}

/* Forward every datagram from @in to the connected @out, in batches, until killed. */
static int relay(int in, int out)
{
	static uint8_t bufs[BATCH][2048];
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];

	for (;;) {
		for (int i = 0; i < BATCH; i++) {
			iov[i] = (struct iovec){.iov_base = bufs[i], .iov_len = sizeof(bufs[i])};
			memset(&msg[i], 0, sizeof(msg[i]));
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
		}
		int n = recvmmsg(in, msg, BATCH, MSG_WAITFORONE, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return die(strerror(errno));
		}
		for (int i = 0; i < n; i++)
			iov[i].iov_len = msg[i].msg_len;
		if (sendmmsg(out, msg, (unsigned)n, 0) < 0 && errno != ECONNREFUSED &&
		    errno != ENOBUFS && errno != EAGAIN)
			return die(strerror(errno));
	}
}

/* Nanoseconds @pid's main thread (0: this process) waited on a run queue, or -1. */
static long long run_delay_ns(long pid)
{
	char path[64];
	unsigned long long on, wait;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%ld/schedstat", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/schedstat");
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	int n = fscanf(f, "%llu %llu", &on, &wait);
	fclose(f);
	return n == 2 ? (long long)wait : -1;
}

/* utime + stime of @pid (0: this process) in clock ticks, or -1. */
static long long cpu_ticks(long pid)
{
	char path[64], buf[1024];

	if (pid)
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/stat");
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	/* The comm field may hold spaces: fields 14 and 15 count from the last ')'. */
	char *p = strrchr(buf, ')');
	unsigned long long ut, st;
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (long long)(ut + st);
}

static int sink(int fd, double warmup, double secs, unsigned int want_hf, long *pids, int n_pids)
{
	static uint8_t bufs[BATCH][2048];
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	struct timeval tv = {.tv_sec = 0, .tv_usec = 50000};
	long long t0[MAX_PIDS], t1[MAX_PIDS], d0[MAX_PIDS], d1[MAX_PIDS];
	unsigned long long rx = 0, other = 0;
	double start = mono_s() + warmup, end = start + secs, w0 = 0, w1 = 0;
	bool in_window = false;

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (int i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){.iov_base = bufs[i], .iov_len = sizeof(bufs[i])};
		memset(&msg[i], 0, sizeof(msg[i]));
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	for (;;) {
		double now = mono_s();
		if (!in_window && now >= start) {
			in_window = true;
			w0 = now;
			for (int i = 0; i < n_pids; i++) {
				t0[i] = cpu_ticks(pids[i]);
				d0[i] = run_delay_ns(pids[i]);
			}
			rx = other = 0;
		}
		if (in_window && now >= end) {
			w1 = now;
			for (int i = 0; i < n_pids; i++) {
				t1[i] = cpu_ticks(pids[i]);
				d1[i] = run_delay_ns(pids[i]);
			}
			break;
		}
		int n = recvmmsg(fd, msg, BATCH, MSG_WAITFORONE, NULL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return die(strerror(errno));
		}
		for (int i = 0; i < n; i++) {
			struct scion_hdr h;
			const char *why;
			/* Every packet is parsed: the check is part of the sink's cost, not the
			 * BR's. */
			if (scion_parse(bufs[i], msg[i].msg_len, 0, &h, &why) == 0 &&
			    h.path_type == SCION_PATH_SCION && h.path.scion.curr_hf == want_hf)
				rx++;
			else
				other++;
		}
	}
	double w = w1 - w0, hz = (double)sysconf(_SC_CLK_TCK);
	printf("window_s %.2f rx %llu pps %.0f other %llu cpu", w, rx, (double)rx / w, other);
	for (int i = 0; i < n_pids; i++) {
		if (t0[i] < 0 || t1[i] < 0)
			return die("a PID's /proc/PID/stat is unreadable");
		printf(" %.1f", 100.0 * (double)(t1[i] - t0[i]) / hz / w);
	}
	/* Time runnable but not running: the share of the window others took from it. */
	printf(" wait");
	for (int i = 0; i < n_pids; i++)
		printf(" %.1f", d0[i] < 0 || d1[i] < 0 ? -1.0 : 1e-7 * (double)(d1[i] - d0[i]) / w);
	printf("\n");
	return 0;
}

/* @s as a number in [@lo, @hi], all of it; -1 if it is not. */
static int number(const char *s, double lo, double hi, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno || end == s || *end || !(*out >= lo && *out <= hi) ? -1 : 0;
}

int main(int argc, char **argv)
{
	double secs, warm, hf, v;
	static uint8_t pkt[2048];
	uint8_t key[SCION_KEY_LEN];
	size_t klen;

	if (argc < 2 || sodium_init() < 0)
		return die("usage: scion_flood br|udp|relay|sink ... (see bench/scion_flood.c)");
	if (strcmp(argv[1], "br") == 0 && argc == 6) {
		if (sodium_base642bin(key, sizeof(key), argv[2], strlen(argv[2]), NULL, &klen, NULL,
				      sodium_base64_VARIANT_ORIGINAL) < 0 ||
		    klen != sizeof(key))
			return die("KEY_B64: want 16 octets in base64");
		ssize_t n = br_packet(key, pkt, sizeof(pkt));
		if (n < 0)
			return die("building the SCION packet");
		int fd = flood_socket(argv[3], argv[4]);
		if (fd < 0)
			return die("LOCAL/REMOTE: bad address or bind/connect failed");
		if (number(argv[5], 0.01, 3600, &secs) < 0)
			return die("SECONDS: a number in 0.01..3600");
		return flood(fd, pkt, (size_t)n, secs);
	}
	if (strcmp(argv[1], "udp") == 0 && argc == 6) {
		if (number(argv[2], 1, 1400, &v) < 0 || v != (double)(size_t)v)
			return die("LEN: an integer in 1..1400");
		if (number(argv[5], 0.01, 3600, &secs) < 0)
			return die("SECONDS: a number in 0.01..3600");
		memset(pkt, 0x5a, (size_t)v);
		int fd = flood_socket(argv[3], argv[4]);
		if (fd < 0)
			return die("LOCAL/REMOTE: bad address or bind/connect failed");
		return flood(fd, pkt, (size_t)v, secs);
	}
	if (strcmp(argv[1], "relay") == 0 && argc == 5) {
		int in = flood_socket(argv[2], NULL), out = flood_socket(argv[3], argv[4]);
		if (in < 0 || out < 0)
			return die("IN/OUT/REMOTE: bad address or bind/connect failed");
		return relay(in, out);
	}
	if (strcmp(argv[1], "sink") == 0 && argc >= 6 && argc - 6 <= MAX_PIDS) {
		long pids[MAX_PIDS];
		for (int i = 6; i < argc; i++) {
			if (number(argv[i], 0, 1 << 22, &v) < 0 || v != (double)(long)v)
				return die("PID: an integer, 0 for the sink itself");
			pids[i - 6] = (long)v;
		}
		if (number(argv[3], 0, 3600, &warm) < 0 || number(argv[4], 0.01, 3600, &secs) < 0)
			return die("WARMUP_S, SECONDS: numbers in 0..3600 and 0.01..3600");
		if (number(argv[5], 0, 63, &hf) < 0 || hf != (double)(unsigned)hf)
			return die("HF: an integer in 0..63");
		int fd = flood_socket(argv[2], NULL);
		if (fd < 0)
			return die("LOCAL: bad address or bind failed");
		return sink(fd, warm, secs, (unsigned)hf, pids, argc - 6);
	}
	return die("usage: scion_flood br|udp|relay|sink ... (see bench/scion_flood.c)");
}

// SPDX-License-Identifier: MIT
/*
 * loop.c - signals, sd_notify datagrams and the watchdog timer. Holds the
 * only static state of the daemon plumbing (the signal and timer handles,
 * which exist once per process). The notify protocol is the documented
 * datagram to $NOTIFY_SOCKET; libsystemd is deliberately not linked.
 */
#include "loop.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static struct {
	bool active;
	bool watchdog;
	unsigned int closing; /* close callbacks still to run */
	uv_signal_t sig_term, sig_int, sig_hup;
	uv_timer_t wd_timer;
	void (*on_stop)(void *);
	void (*on_reload)(void *);
	void *ctx;
} S;

void loop_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char msg[512];
	size_t plen;
	socklen_t slen;
	int fd, n;

	if (!path || !path[0])
		return;
	plen = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || plen >= sizeof(sun.sun_path)) {
		log_debug(LOG_GRP_MAIN, "NOTIFY_SOCKET '%s' unusable", path);
		return;
	}
	memcpy(sun.sun_path, path, plen);
	slen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	else
		slen++; /* include the terminating NUL of a path name */

	if (strcmp(state, "RELOADING=1") == 0) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		n = snprintf(msg, sizeof(msg), "%s\nMONOTONIC_USEC=%" PRIu64, state,
			     (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000);
	} else {
		n = snprintf(msg, sizeof(msg), "%s", state);
	}
	if (n < 0 || (size_t)n >= sizeof(msg)) {
		log_debug(LOG_GRP_MAIN, "sd_notify message too long");
		return;
	}

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_debug(LOG_GRP_MAIN, "sd_notify socket: %s", strerror(errno));
		return;
	}
	if (sendto(fd, msg, (size_t)n, MSG_NOSIGNAL, (const struct sockaddr *)&sun, slen) < 0)
		log_debug(LOG_GRP_MAIN, "sd_notify '%s': %s", state, strerror(errno));
	close(fd);
}

static void on_signal(uv_signal_t *h, int signum)
{
	(void)h;
	switch (signum) {
	case SIGTERM:
	case SIGINT:
		log_info(LOG_GRP_MAIN, "%s received, stopping",
			 signum == SIGTERM ? "SIGTERM" : "SIGINT");
		if (S.on_stop)
			S.on_stop(S.ctx);
		break;
	case SIGHUP:
		log_info(LOG_GRP_MAIN, "SIGHUP received, reloading");
		if (S.on_reload)
			S.on_reload(S.ctx);
		break;
	default:
		break;
	}
}

static void on_watchdog(uv_timer_t *t)
{
	(void)t;
	loop_notify("WATCHDOG=1");
}

/* Returns the ping interval in ms, or 0 if systemd asked for no watchdog. */
static uint64_t watchdog_interval_ms(void)
{
	const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	unsigned long long v;
	char *end;

	if (!usec || !usec[0])
		return 0;
	if (pid && pid[0]) {
		errno = 0;
		v = strtoull(pid, &end, 10);
		if (errno || *end || v != (unsigned long long)getpid())
			return 0;
	}
	errno = 0;
	v = strtoull(usec, &end, 10);
	if (errno || *end || v == 0) {
		log_warn(LOG_GRP_MAIN, "ignoring WATCHDOG_USEC='%s'", usec);
		return 0;
	}
	/* Half the interval, at least 1 ms. */
	v /= 2000;
	return v ? v : 1;
}

static void on_closed(uv_handle_t *h)
{
	(void)h;
	S.closing--;
}

static void close_if_active(uv_handle_t *h)
{
	if (h->loop && !uv_is_closing(h)) {
		S.closing++;
		uv_close(h, on_closed);
	}
}

void loop_signals_close(void)
{
	if (!S.active)
		return;
	close_if_active((uv_handle_t *)&S.sig_term);
	close_if_active((uv_handle_t *)&S.sig_int);
	close_if_active((uv_handle_t *)&S.sig_hup);
	if (S.watchdog)
		close_if_active((uv_handle_t *)&S.wd_timer);
	S.active = false;
	S.watchdog = false;
}

static int start_signal(uv_loop_t *loop, uv_signal_t *h, int signum)
{
	int ret = uv_signal_init(loop, h);

	if (ret < 0)
		return ret;
	return uv_signal_start(h, on_signal, signum);
}

int loop_signals_init(uv_loop_t *loop, void (*on_stop)(void *), void (*on_reload)(void *),
		      void *ctx)
{
	uint64_t wd_ms;
	int ret;

	if (S.active)
		return -EALREADY;
	if (S.closing)
		return -EBUSY;
	memset(&S, 0, sizeof(S));
	S.on_stop = on_stop;
	S.on_reload = on_reload;
	S.ctx = ctx;
	S.active = true;

	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		ret = -errno;
		goto fail;
	}
	ret = start_signal(loop, &S.sig_term, SIGTERM);
	if (ret == 0)
		ret = start_signal(loop, &S.sig_int, SIGINT);
	if (ret == 0)
		ret = start_signal(loop, &S.sig_hup, SIGHUP);
	if (ret < 0)
		goto fail;

	wd_ms = watchdog_interval_ms();
	if (wd_ms) {
		ret = uv_timer_init(loop, &S.wd_timer);
		if (ret < 0)
			goto fail;
		S.watchdog = true;
		ret = uv_timer_start(&S.wd_timer, on_watchdog, wd_ms, wd_ms);
		if (ret < 0)
			goto fail;
		uv_unref((uv_handle_t *)&S.wd_timer);
		log_info(LOG_GRP_MAIN, "systemd watchdog: ping every %" PRIu64 " ms", wd_ms);
	}
	return 0;
fail:
	log_err(LOG_GRP_MAIN, "signal setup: %s", uv_strerror(ret));
	loop_signals_close();
	return ret;
}

/* SPDX-License-Identifier: MIT */
/*
 * loop.h - process-level plumbing around the libuv loop: signal handling
 * (SIGTERM/SIGINT stop, SIGHUP reload, SIGPIPE ignored), the systemd
 * notification protocol without libsystemd, and the watchdog keep-alive.
 * The module owns its signal and timer handles (one static set per process,
 * loop thread only); it never decides what "stop" or "reload" mean.
 */
#pragma once

/* util.h before uv.h: sys/param.h (pulled in by uv.h) guards its MIN/MAX, util.h does not. */
#include "util.h"
#include <uv.h>

/**
 * loop_signals_init() - install the signal handles on @loop and, when
 * $WATCHDOG_USEC is set (and $WATCHDOG_PID is unset or ours), start a timer
 * that sends "WATCHDOG=1" every half interval (the timer is unref'd, so it
 * never keeps the loop alive by itself).
 * @on_stop:   called on the loop thread for SIGTERM and SIGINT (may be NULL).
 * @on_reload: called on the loop thread for SIGHUP (may be NULL).
 * @ctx:       passed to both callbacks.
 *
 * SIGPIPE is set to SIG_IGN. The signal handles are referenced, so the loop
 * keeps running until loop_signals_close().
 *
 * Return: 0, -EALREADY if already initialised, -EBUSY while the handles of an
 * earlier loop_signals_close() are still closing, or a libuv error (the
 * handles that were started are closed again; run the loop to finish).
 */
int loop_signals_init(uv_loop_t *loop, void (*on_stop)(void *), void (*on_reload)(void *),
		      void *ctx) WUR;

/**
 * loop_signals_close() - close the signal and watchdog handles. The handles
 * are static, so nothing is freed, but uv_run() must run again (e.g. until it
 * returns 0) before uv_loop_close() for the close callbacks to complete.
 * Safe to call when not initialised.
 */
void loop_signals_close(void);

/**
 * loop_notify() - send @state ("READY=1", "RELOADING=1", "STOPPING=1",
 * "WATCHDOG=1", "STATUS=...", or several separated by '\n') as one datagram
 * to $NOTIFY_SOCKET (a path, or '@' for the abstract namespace). For
 * "RELOADING=1" a MONOTONIC_USEC= line is appended, as systemd ≥ 253 expects.
 * No-op when the variable is unset; failures are logged at debug level only.
 */
void loop_notify(const char *state);

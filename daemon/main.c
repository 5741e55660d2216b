// SPDX-License-Identifier: MIT
/*
 * main.c - omnid's entry point: arguments, configuration, the node's start,
 * the privilege drop, and the loop until SIGTERM/SIGINT. Everything else
 * lives in libomnid_core. Always stays in the foreground, logs to stderr.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "conf.h"
#include "keys.h"
#include "log.h"
#include "loop.h"
#include "node.h"
#include "privops.h"

#define OMNID_DEFAULT_CONFIG "/etc/omnid/omnid.conf"

static void usage(FILE *f)
{
	fprintf(f, "usage: omnid [--config FILE] [--check-config] [--version] [--help]\n"
		   "  -c, --config FILE    configuration file (default " OMNID_DEFAULT_CONFIG
		   "),\n"
		   "                       then conf.d/*.conf next to it, in byte order\n"
		   "  -t, --check-config   load and validate the configuration and the key, then exit\n"
		   "  -V, --version        print the version and exit\n"
		   "omnid stays in the foreground and logs to stderr.\n");
}

static void on_stop(void *ctx)
{
	struct node *n = ctx;
	if (n->stopping)
		return;
	log_info(LOG_GRP_MAIN, "stopping");
	loop_notify("STOPPING=1");
	node_stop(n);
	loop_signals_close();
}

static void on_reload(void *ctx)
{
	struct node *n = ctx;
	loop_notify("RELOADING=1");
	if (node_reload(n) < 0)
		log_err(LOG_GRP_MAIN, "reload failed: keeping the running configuration");
	loop_notify("READY=1");
}

static int load_config(const char *path, struct conf *c)
{
	struct conf_err err;
	char msg[700];
	conf_init(c);
	int r = conf_load(c, path, &err);
	if (r < 0) {
		fprintf(stderr, "omnid: %s\n", conf_err_format(&err, msg, sizeof(msg)));
		conf_free(c);
	}
	return r;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = OMNID_DEFAULT_CONFIG;
	bool check = false;
	int o;

	while ((o = getopt_long(argc, argv, "c:tVh", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			config = optarg;
			break;
		case 't':
			check = true;
			break;
		case 'V':
			printf("omnid %s\n", OMNID_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "omnid: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 1;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "omnid: libsodium failed to initialise\n");
		return 1;
	}

	struct conf conf;
	if (load_config(config, &conf) < 0)
		return 1;
	if (check) {
		struct keys_identity id = { 0 };
		char err[512];
		int r = keys_load_private(conf.node.private_key_file, &id, err, sizeof(err));
		conf_free(&conf);
		if (r < 0) {
			fprintf(stderr, "omnid: %s\n", err);
			return 1;
		}
		keys_identity_free(&id);
		printf("omnid: configuration %s is valid\n", config);
		return 0;
	}
	log_set_level(conf.node.log_level);
	log_set_debug_mask(conf.node.debug);

	uv_loop_t loop;
	int r = uv_loop_init(&loop);
	if (r < 0) {
		fprintf(stderr, "omnid: uv_loop_init: %s\n", uv_strerror(r));
		conf_free(&conf);
		return 1;
	}
	struct node *node = xcalloc(1, sizeof(*node));
	r = node_start(node, &loop, &conf, config);
	if (r < 0) {
		conf_free(&conf);
		/* node_start closed its handles: let the close callbacks run before freeing. */
		uv_run(&loop, UV_RUN_DEFAULT);
		node_free(node);
		uv_loop_close(&loop);
		return 1;
	}
	r = loop_signals_init(&loop, on_stop, on_reload, node);
	if (r < 0) {
		log_err(LOG_GRP_MAIN, "signal set-up failed: %s", uv_strerror(r));
		node_stop(node);
		uv_run(&loop, UV_RUN_DEFAULT);
		node_free(node);
		uv_loop_close(&loop);
		return 1;
	}
	/* Set-up needed every privilege it will need; keep only CAP_NET_ADMIN for reloads. */
	if (privops_drop_caps() < 0)
		log_warn(LOG_GRP_MAIN, "could not drop capabilities");
	loop_notify("READY=1");
	log_info(LOG_GRP_MAIN, "omnid %s running as '%s'", OMNID_VERSION, node->conf.node.name);
	uv_run(&loop, UV_RUN_DEFAULT);
	node_free(node);
	r = uv_loop_close(&loop);
	if (r < 0)
		log_warn(LOG_GRP_MAIN, "loop closed with handles open: %s", uv_strerror(r));
	log_info(LOG_GRP_MAIN, "stopped");
	return 0;
}

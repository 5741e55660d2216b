// SPDX-License-Identifier: MIT
/*
 * test_conf.c - conf.[ch] and conf_load.c: defaults, every key's accepted
 * and rejected values (range edges), the libinih traps closed by the loader
 * (indentation, trailing comments, long lines, truncated section names),
 * file:line error reporting, the repeated-key and override rules across
 * files, conf.d ordering, conf_finish's cross-key rules, the shipped
 * conf.d/omnid.conf plus a drop-in, reload classification, and truncation /
 * bit-flip sweeps over a full config.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "keys.h"

#define CONF_DATA TEST_DATA_DIR "/conf"
#define SHIPPED TEST_DATA_DIR "/../../../conf.d/omnid.conf"
#define EXAMPLE TEST_DATA_DIR "/../../../conf.d/50-peer-example.conf.example"

#define PK_A "FlXiZeHiJ57vAoWscy9Xxp2VW+zlVIvNLN/ni4+2Q1I="
#define PK_S "2A9PW+ux9vmJaJPKLSQx3+QkEv371X/fuXMAsUNzLT4="
#define PK_B "+gnJmb23DOLeCntVXtVJT8yRXrBCjBQvshC1A/MMwws="

/* The minimal node of spec §5.14. */
#define MINIMAL                                                                                    \
	"[node]\n"                                                                                 \
	"name = alpha\n"                                                                           \
	"private_key_file = /etc/omnid/private.key\n"                                              \
	"\n"                                                                                       \
	"[omni]\n"                                                                                 \
	"mnp = 2001:db8:1000:2000::/56\n"                                                          \
	"\n"                                                                                       \
	"[underlay.eth0]\n"                                                                        \
	"listen = 0.0.0.0:8060\n"                                                                  \
	"\n"                                                                                       \
	"[peer.beta]\n"                                                                            \
	"public_key = " PK_B "\n"                                                                  \
	"endpoint = 192.0.2.20:8060\n"                                                             \
	"mnp = 2001:db8:1000:3000::/56\n"

#define SUM_A "242d2f23a194483a0aea19c60f86ca2fb887d97edfd2cdfdcf4e2d650a2f79f3"
#define SUM_B "0000000000000000000000000000000000000000000000000000000000000001"

/* Identity and underlay only, to prepend to texts that test one thing. */
#define NODE "[omni]\nmnp = 2001:db8:a::/48\n[underlay.u]\nlisten = 192.0.2.1:8060\n"

static struct conf c;
static struct conf_err err;

static void setup(void)
{
	conf_init(&c);
	memset(&err, 0, sizeof(err));
}

static void teardown(void)
{
	conf_free(&c);
}

TestSuite(conf, .init = setup, .fini = teardown);

static int load(const char *text)
{
	conf_free(&c);
	conf_init(&c);
	memset(&err, 0, sizeof(err));
	return conf_load_string(&c, text, "test.conf", &err);
}

static void expect_ok(const char *text)
{
	int rc = load(text);
	cr_assert_eq(rc, 0, "unexpected error: %s:%u: %s\n--- text:\n%s", err.file, err.line,
		     err.msg, text);
}

/* Expect an error at @line whose message contains @needle. */
static void expect_err(const char *text, unsigned line, const char *needle)
{
	int rc = load(text);
	cr_assert_eq(rc, -EINVAL, "accepted:\n%s", text);
	cr_assert_eq(err.line, line, "line %u, want %u (%s)\n--- text:\n%s", err.line, line,
		     err.msg, text);
	cr_assert_not_null(strstr(err.msg, needle), "message '%s' lacks '%s'", err.msg, needle);
	cr_assert_str_eq(err.file, "test.conf");
}

static struct prefix P(const char *s)
{
	struct prefix p;
	cr_assert_eq(addr_parse_prefix(s, &p), 0);
	return p;
}

static bool prefix_is(const struct prefix *p, const char *s)
{
	struct prefix q = P(s);
	return p->family == q.family && p->plen == q.plen && memcmp(p->addr, q.addr, 16) == 0;
}

static bool endpoint_is(const union sockaddr_any *a, const char *s)
{
	char buf[ADDR_STR_MAX];
	return strcmp(addr_format_endpoint(a, buf, sizeof(buf)), s) == 0;
}

static void key32(const char *b64, uint8_t out[32])
{
	cr_assert_eq(keys_b64_decode32(b64, out), 0);
}

/* ---- defaults ---- */

Test(conf, defaults)
{
	cr_assert_str_eq(c.node.name, "");
	cr_assert_str_eq(c.node.private_key_file, "/etc/omnid/private.key");
	cr_assert_eq(c.node.log_level, LOG_LVL_INFO);
	cr_assert_str_eq(c.omni.tun, "omni0");
	cr_assert_eq(c.omni.mtu, 9180);
	cr_assert_not(c.omni.has_mnp);
	cr_assert_eq(c.omni.msid, 0);
	cr_assert(prefix_is(&c.omni.ula_domain, "fd00:6f6d:6e69::/48"));
	cr_assert_eq(c.omni.link_id, 1);
	cr_assert_eq(c.omni.n_addresses, 0);
	cr_assert_eq(c.omni.n_routes, 0);
	cr_assert_eq(c.omni.oal_hop_limit, 16);
	cr_assert(c.omni.oal_checksum);
	cr_assert_eq(c.omni.reassembly_timeout, 10);
	cr_assert_eq(c.omni.reassembly_mem_peer, 4194304);
	cr_assert_eq(c.omni.reassembly_mem_total, 67108864);
	cr_assert_eq(c.secure.rekey_after_time, 120);
	cr_assert_eq(c.secure.rekey_after_packets, 1ULL << 60);
	cr_assert_eq(c.secure.keepalive, 10);
	cr_assert_eq(c.secure.replay_window, 2048);
	cr_assert_str_eq(c.api.socket, "/run/omnid/api.sock");
	cr_assert_str_eq(c.api.socket_group, "omnid");
	cr_assert_str_eq(c.api.admin_group, "omnid-admin");
	cr_assert_str_eq(c.api.readonly_group, "");
	cr_assert_not(c.api.has_listen_tcp);
	cr_assert_str_eq(c.api.audience, "");
	cr_assert_eq(c.api.clock_skew, 60);
	cr_assert_eq(c.api.max_token_lifetime, 600);
	cr_assert_eq(c.api.max_token_bytes, 8192);
	cr_assert_eq(c.api.replay_cache_size, 65536);
	cr_assert_not(c.api.single_use_writes);
	cr_assert_str_eq(c.api.audit_log, "/var/lib/omnid/audit.log");
	cr_assert_eq(c.n_issuers, 0);
	cr_assert_eq(c.n_agents, 0);
	cr_assert_str_eq(c.node.overlay, "omni");
	cr_assert_not(c.dns.enable);
	cr_assert_eq(c.dns.listen_port, 53);
	cr_assert_eq(c.dns.ttl, 60);
	cr_assert_eq(c.dns.register_resolved, CONF_AUTO);
	cr_assert_str_eq(c.dns.hosts_export, "");
	cr_assert_eq(c.dns.rate_limit, 50);
	cr_assert_eq(c.n_underlays, 0);
	cr_assert_eq(c.n_peers, 0);
}

/* ---- whole configs ---- */

Test(conf, spec_minimal_node)
{
	uint8_t pk[32];

	expect_ok(MINIMAL);
	cr_assert_str_eq(c.node.name, "alpha");
	cr_assert(c.omni.has_mnp);
	cr_assert(prefix_is(&c.omni.mnp, "2001:db8:1000:2000::/56"));
	/* Derived: <mnp>::1/128 and the IPv4 underlay's path MTU. */
	cr_assert_eq(c.omni.n_addresses, 1);
	cr_assert(prefix_is(&c.omni.addresses[0], "2001:db8:1000:2000::1/128"));
	cr_assert_eq(c.n_underlays, 1);
	cr_assert_str_eq(c.underlays[0].name, "eth0");
	cr_assert(endpoint_is(&c.underlays[0].listen, "0.0.0.0:8060"));
	cr_assert_eq(c.underlays[0].path_mtu, 1400);
	cr_assert_not(c.underlays[0].plain);
	cr_assert_str_eq(c.underlays[0].interface, "");
	cr_assert_eq(c.n_peers, 1);
	cr_assert_str_eq(c.peers[0].name, "beta");
	key32(PK_B, pk);
	cr_assert_arr_eq(c.peers[0].public_key, pk, 32);
	cr_assert_eq(c.peers[0].n_endpoints, 1);
	cr_assert(endpoint_is(&c.peers[0].endpoints[0], "192.0.2.20:8060"));
	cr_assert(c.peers[0].has_mnp);
	cr_assert(prefix_is(&c.peers[0].mnp, "2001:db8:1000:3000::/56"));
	cr_assert_eq(c.peers[0].msid, 0);
	cr_assert_eq(c.peers[0].n_allowed, 0);
	cr_assert_eq(c.peers[0].persistent_keepalive, 0);
}

Test(conf, full_file_every_key)
{
	uint8_t pk[32];

	cr_assert_eq(conf_load(&c, CONF_DATA "/full.conf", &err), 0, "%s:%u: %s", err.file,
		     err.line, err.msg);
	cr_assert_str_eq(c.node.name, "gamma-1");
	cr_assert_str_eq(c.node.private_key_file, "/var/lib/omnid/key");
	cr_assert_eq(c.node.log_level, LOG_LVL_DEBUG);
	cr_assert_str_eq(c.omni.tun, "ovl7");
	cr_assert_eq(c.omni.mtu, 1500);
	cr_assert(prefix_is(&c.omni.mnp, "2001:db8:1000:2000::/56"));
	cr_assert(prefix_is(&c.omni.ula_domain, "fd12:3456:789a::/48"));
	cr_assert_eq(c.omni.link_id, 65535);
	/* An address inside the mnp is configured, so no default is added. */
	cr_assert_eq(c.omni.n_addresses, 2);
	cr_assert(prefix_is(&c.omni.addresses[0], "2001:db8:1000:2000::7/64"));
	cr_assert(prefix_is(&c.omni.addresses[1], "10.77.0.1/24"));
	cr_assert_eq(c.omni.n_routes, 2);
	cr_assert(prefix_is(&c.omni.routes[0], "2001:db8:ffff::/48"));
	cr_assert(prefix_is(&c.omni.routes[1], "198.51.100.0/24"));
	cr_assert_eq(c.omni.oal_hop_limit, 255);
	cr_assert_not(c.omni.oal_checksum);
	cr_assert_eq(c.omni.reassembly_timeout, 60);
	cr_assert_eq(c.omni.reassembly_mem_peer, 65536);
	cr_assert_eq(c.omni.reassembly_mem_total, 1ULL << 40);
	cr_assert_eq(c.secure.rekey_after_time, 5);
	cr_assert_eq(c.secure.rekey_after_packets, UINT64_MAX);
	cr_assert_eq(c.secure.keepalive, 1);
	cr_assert_eq(c.secure.replay_window, 65536);
	cr_assert_str_eq(c.api.socket, "/tmp/omnid-test/api.sock");

	cr_assert_eq(c.n_underlays, 2);
	cr_assert_str_eq(c.underlays[0].name, "wan4");
	cr_assert(endpoint_is(&c.underlays[0].listen, "192.0.2.1:4500"));
	cr_assert_str_eq(c.underlays[0].interface, "eth1");
	cr_assert_eq(c.underlays[0].path_mtu, 576);
	cr_assert(c.underlays[0].plain);
	cr_assert_str_eq(c.underlays[1].name, "wan6");
	cr_assert(endpoint_is(&c.underlays[1].listen, "[2001:db8::1]:8060"));
	cr_assert_eq(c.underlays[1].path_mtu, 9000);
	cr_assert_not(c.underlays[1].plain);

	cr_assert_eq(c.n_peers, 2);
	const struct conf_peer *b = &c.peers[0], *s = &c.peers[1];
	cr_assert_str_eq(b->name, "beta");
	key32(PK_B, pk);
	cr_assert_arr_eq(b->public_key, pk, 32);
	cr_assert_eq(b->n_endpoints, 2);
	cr_assert(endpoint_is(&b->endpoints[0], "192.0.2.20:8061"));
	cr_assert(endpoint_is(&b->endpoints[1], "[2001:db8::20]:8060"));
	cr_assert(prefix_is(&b->mnp, "2001:db8:1000:3000::/56"));
	cr_assert_eq(b->n_allowed, 2);
	cr_assert(prefix_is(&b->allowed[0], "10.77.0.2/32"));
	cr_assert(prefix_is(&b->allowed[1], "2001:db8:beef::/48"));
	cr_assert_eq(b->persistent_keepalive, 25);
	cr_assert_str_eq(s->name, "server-1");
	key32(PK_S, pk);
	cr_assert_arr_eq(s->public_key, pk, 32);
	cr_assert_not(s->has_mnp);
	cr_assert_eq(s->msid, 4294967295U);
	cr_assert(endpoint_is(&s->endpoints[0], "198.51.100.7:8060"));
}

/* ---- each key: accepted and rejected values ---- */

struct kv_case {
	const char *section, *key, *value;
	bool ok;
};

static const struct kv_case kv_cases[] = {
	{ "node", "name", "a", true },
	{ "node", "name", "a-b-9", true },
	{ "node", "name", "Alpha", true },
	{ "node", "name", "-a", false },
	{ "node", "name", "a-", false },
	{ "node", "name", "a_b", false },
	{ "node", "name", "a.b", false },
	{ "node", "private_key_file", "/k", true },
	{ "node", "private_key_file", "k", false },
	{ "node", "private_key_file", "./k", false },
	{ "node", "log_level", "err", true },
	{ "node", "log_level", "warn", true },
	{ "node", "log_level", "info", true },
	{ "node", "log_level", "debug", true },
	{ "node", "log_level", "trace", false },
	{ "node", "log_level", "INFO", false },
	{ "omni", "tun", "omni0", true },
	{ "omni", "tun", "abcdefghijklmno", true },
	{ "omni", "tun", "abcdefghijklmnop", false },
	{ "omni", "tun", "a/b", false },
	{ "omni", "tun", "a:b", false },
	{ "omni", "tun", "a b", false },
	{ "omni", "tun", ".", false },
	{ "omni", "tun", "..", false },
	{ "omni", "mtu", "1280", true },
	{ "omni", "mtu", "65535", true },
	{ "omni", "mtu", "1279", false },
	{ "omni", "mtu", "65536", false },
	{ "omni", "mtu", "09180", false },
	{ "omni", "mtu", "+9180", false },
	{ "omni", "mtu", "-1", false },
	{ "omni", "mtu", "9180 ", false },
	{ "omni", "mtu", "0x23dc", false },
	{ "omni", "mtu", "9e3", false },
	{ "omni", "mtu", "99999999999999999999999", false },
	{ "omni", "mnp", "2001:db8::/64", true },
	{ "omni", "mnp", "8000::/1", true },
	{ "omni", "mnp", "::/0", true },
	{ "omni", "mnp", "2001:db8::/65", false },
	{ "omni", "mnp", "2001:db8::1/64", false },
	{ "omni", "mnp", "2001:db8::", false },
	{ "omni", "mnp", "10.0.0.0/8", false },
	{ "omni", "mnp", "2001:db8::/", false },
	{ "omni", "mnp", "2001:db8::/129", false },
	{ "omni", "mnp", "junk", false },
	{ "omni", "msid", "1", true },
	{ "omni", "msid", "4294967295", true },
	{ "omni", "msid", "0", false },
	{ "omni", "msid", "4294967296", false },
	{ "omni", "ula_domain", "fd00:1:2::/48", true },
	{ "omni", "ula_domain", "fc00:1:2::/48", true },
	{ "omni", "ula_domain", "fe00:1:2::/48", false },
	{ "omni", "ula_domain", "2001:db8:1::/48", false },
	{ "omni", "ula_domain", "fd00:1::/32", false },
	{ "omni", "ula_domain", "fd00:1:2::/64", false },
	{ "omni", "ula_domain", "fd00:1:2::1/48", false },
	{ "omni", "link_id", "0", true },
	{ "omni", "link_id", "65535", true },
	{ "omni", "link_id", "65536", false },
	{ "omni", "address", "2001:db8::1", true },
	{ "omni", "address", "2001:db8::1/64", true },
	{ "omni", "address", "10.0.0.1/24", true },
	{ "omni", "address", "10.0.0.1", true },
	{ "omni", "address", "::", false },
	{ "omni", "address", "0.0.0.0/0", false },
	{ "omni", "address", "10.0.0.1/33", false },
	{ "omni", "address", "host.example", false },
	{ "omni", "route", "10.0.0.0/8", true },
	{ "omni", "route", "::/0", true },
	{ "omni", "route", "0.0.0.0/0", true },
	{ "omni", "route", "10.0.0.1/8", false },
	{ "omni", "route", "2001:db8::/129", false },
	{ "omni", "oal_hop_limit", "1", true },
	{ "omni", "oal_hop_limit", "255", true },
	{ "omni", "oal_hop_limit", "0", false },
	{ "omni", "oal_hop_limit", "256", false },
	{ "omni", "oal_checksum", "yes", true },
	{ "omni", "oal_checksum", "no", true },
	{ "omni", "oal_checksum", "true", true },
	{ "omni", "oal_checksum", "false", true },
	{ "omni", "oal_checksum", "1", true },
	{ "omni", "oal_checksum", "0", true },
	{ "omni", "oal_checksum", "Yes", true },
	{ "omni", "oal_checksum", "on", false },
	{ "omni", "oal_checksum", "2", false },
	{ "omni", "reassembly_timeout", "1", true },
	{ "omni", "reassembly_timeout", "60", true },
	{ "omni", "reassembly_timeout", "0", false },
	{ "omni", "reassembly_timeout", "61", false },
	{ "omni", "reassembly_mem_peer", "65536", true },
	{ "omni", "reassembly_mem_peer", "65535", false },
	{ "omni", "reassembly_mem_total", "1099511627776", true },
	{ "omni", "reassembly_mem_total", "1099511627777", false },
	{ "secure", "rekey_after_time", "1", true },
	{ "secure", "rekey_after_time", "179", true },
	{ "secure", "rekey_after_time", "0", false },
	{ "secure", "rekey_after_time", "180", false },
	{ "secure", "rekey_after_packets", "1", true },
	{ "secure", "rekey_after_packets", "18446744073709551615", true },
	{ "secure", "rekey_after_packets", "18446744073709551616", false },
	{ "secure", "rekey_after_packets", "0", false },
	{ "secure", "keepalive", "1", true },
	{ "secure", "keepalive", "0", false },
	{ "secure", "replay_window", "2048", true },
	{ "secure", "replay_window", "65536", true },
	{ "secure", "replay_window", "2047", false },
	{ "secure", "replay_window", "65537", false },
	{ "api", "socket", "/run/x.sock", true },
	{ "api", "socket", "api.sock", false },
	{ "underlay.u", "listen", "0.0.0.0:8060", true },
	{ "underlay.u", "listen", "192.0.2.1", true },
	{ "underlay.u", "listen", "[::]:8060", true },
	{ "underlay.u", "listen", "[2001:db8::1]", true },
	{ "underlay.u", "listen", "192.0.2.1:0", false },
	{ "underlay.u", "listen", "192.0.2.1:65536", false },
	{ "underlay.u", "listen", "192.0.2.1:", false },
	{ "underlay.u", "listen", "localhost:8060", false },
	{ "underlay.u", "listen", "[::1:8060", false },
	{ "underlay.u", "interface", "eth0", true },
	{ "underlay.u", "interface", "abcdefghijklmnop", false },
	{ "underlay.u", "path_mtu", "576", true },
	{ "underlay.u", "path_mtu", "65535", true },
	{ "underlay.u", "path_mtu", "575", false },
	{ "underlay.u", "path_mtu", "65536", false },
	{ "underlay.u", "plain", "yes", true },
	{ "underlay.u", "plain", "maybe", false },
	{ "peer.p", "public_key", PK_A, true },
	{ "peer.p", "public_key", "FlXiZeHiJ57vAoWscy9Xxp2VW+zlVIvNLN/ni4+2Q1I", false },
	{ "peer.p", "public_key", "FlXiZeHiJ57vAoWscy9Xxp2VW-zlVIvNLN_ni4-2Q1I=", false },
	/* The small-order neutral element (y = 1) decodes but has no usable X25519 form. */
	{ "peer.p", "public_key", "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", false },
	{ "peer.p", "endpoint", "192.0.2.1:1", true },
	{ "peer.p", "endpoint", "[2001:db8::1]:8060", true },
	{ "peer.p", "endpoint", "0.0.0.0:8060", false },
	{ "peer.p", "endpoint", "[::]:8060", false },
	{ "peer.p", "endpoint", "192.0.2.1:x", false },
	{ "peer.p", "mnp", "2001:db8::/48", true },
	{ "peer.p", "mnp", "2001:db8::/96", false },
	{ "peer.p", "msid", "7", true },
	{ "peer.p", "msid", "0", false },
	{ "peer.p", "allowed_prefix", "10.0.0.0/8", true },
	{ "peer.p", "allowed_prefix", "10.0.0.1/8", false },
	{ "peer.p", "persistent_keepalive", "0", true },
	{ "peer.p", "persistent_keepalive", "65535", true },
	{ "peer.p", "persistent_keepalive", "65536", false },
	{ "node", "overlay", "corp", true },
	{ "node", "overlay", "Corp-2", true },
	{ "node", "overlay", "corp.net", false },
	{ "node", "overlay", "-corp", false },
	{ "node", "overlay", "a_b", false },
	{ "dns", "enable", "yes", true },
	{ "dns", "enable", "no", true },
	{ "dns", "enable", "auto", false },
	{ "dns", "listen_port", "1", true },
	{ "dns", "listen_port", "65535", true },
	{ "dns", "listen_port", "0", false },
	{ "dns", "listen_port", "65536", false },
	{ "dns", "ttl", "0", true },
	{ "dns", "ttl", "86400", true },
	{ "dns", "ttl", "86401", false },
	{ "dns", "ttl", "-1", false },
	{ "dns", "register_resolved", "auto", true },
	{ "dns", "register_resolved", "AUTO", true },
	{ "dns", "register_resolved", "yes", true },
	{ "dns", "register_resolved", "no", true },
	{ "dns", "register_resolved", "false", true },
	{ "dns", "register_resolved", "maybe", false },
	{ "dns", "hosts_export", "/run/omnid/hosts", true },
	{ "dns", "hosts_export", "hosts", false },
	{ "dns", "rate_limit", "0", true },
	{ "dns", "rate_limit", "1000000", true },
	{ "dns", "rate_limit", "1000001", false },
	{ "aero", "nat_keepalive", "0", true },
	{ "aero", "nat_keepalive", "3600", true },
	{ "aero", "nat_keepalive", "3601", false },
	{ "aero", "nat_keepalive", "-1", false },
};

Test(conf, every_key_accepts_and_rejects)
{
	for (size_t i = 0; i < sizeof(kv_cases) / sizeof(kv_cases[0]); i++) {
		const struct kv_case *k = &kv_cases[i];
		struct conf t;
		struct conf_err e = { .line = 0 };

		conf_init(&t);
		int rc = conf_apply(&t, k->section, k->key, k->value, &e);
		if (k->ok) {
			cr_assert_eq(rc, 0, "[%s] %s = '%s': %s", k->section, k->key, k->value,
				     e.msg);
		} else {
			cr_assert_eq(rc, -EINVAL, "[%s] %s = '%s' accepted", k->section, k->key,
				     k->value);
			/* The message names the key. */
			cr_assert_not_null(strstr(e.msg, k->key), "%s", e.msg);
		}
		conf_free(&t);
	}
}

Test(conf, length_limits_of_names_and_socket)
{
	char v[200];

	memset(v, 'a', sizeof(v));
	v[63] = '\0';
	cr_assert_eq(conf_apply(&c, "node", "name", v, &err), 0, "%s", err.msg);
	cr_assert_eq(strlen(c.node.name), 63);
	v[63] = 'a';
	v[64] = '\0';
	cr_assert_eq(conf_apply(&c, "node", "name", v, &err), -EINVAL);
	/* sun_path holds 108 octets including the NUL. */
	memset(v, 'a', sizeof(v));
	v[0] = '/';
	v[107] = '\0';
	cr_assert_eq(conf_apply(&c, "api", "socket", v, &err), 0, "%s", err.msg);
	cr_assert_eq(strlen(c.api.socket), 107);
	v[107] = 'a';
	v[108] = '\0';
	conf_file_begin(&c);
	cr_assert_eq(conf_apply(&c, "api", "socket", v, &err), -EINVAL);
	cr_assert_not_null(strstr(err.msg, "longer than 107"), "%s", err.msg);
	cr_assert_eq(strlen(c.api.socket), 107, "unchanged on error");
}

Test(conf, apply_direct_errors)
{
	cr_assert_eq(conf_apply(&c, "", "mtu", "1500", &err), -EINVAL);
	cr_assert_not_null(strstr(err.msg, "outside"));
	cr_assert_eq(conf_apply(&c, NULL, "mtu", "1500", &err), -EINVAL);
	cr_assert_eq(conf_apply(&c, "omni", "mtu", "", &err), -EINVAL);
	cr_assert_not_null(strstr(err.msg, "empty"));
	cr_assert_eq(conf_apply(&c, "omni", "mtu", NULL, &err), -EINVAL);
	cr_assert_eq(conf_apply(&c, "omni", "nope", "1", &err), -EINVAL);
	cr_assert_not_null(strstr(err.msg, "unknown key 'nope'"));
	cr_assert_eq(conf_apply(&c, "omni", "MTU", "1500", &err), -EINVAL);
	cr_assert_eq(conf_apply(&c, "Omni", "mtu", "1500", &err), -EINVAL);
	cr_assert_eq(conf_apply(&c, "omni.x", "mtu", "1500", &err), -EINVAL);
	cr_assert_eq(conf_apply(&c, "peer", "mnp", "2001:db8::/48", &err), -EINVAL);
	cr_assert_not_null(strstr(err.msg, "[peer.NAME]"));
	cr_assert_eq(conf_apply(&c, "peer.", "mnp", "2001:db8::/48", &err), -EINVAL);
	cr_assert_eq(conf_apply(&c, "peers.x", "mnp", "2001:db8::/48", &err), -EINVAL);
	cr_assert_eq(conf_apply(&c, "dhcp", NULL, NULL, &err), -EINVAL);
	cr_assert_not_null(strstr(err.msg, "unknown section [dhcp]"));
	cr_assert_eq(conf_apply(&c, "dns.x", "enable", "yes", &err), -EINVAL);
	/* Value length limit, also for direct callers. */
	char v[160];
	memset(v, 'a', sizeof(v));
	v[0] = '/';
	v[151] = '\0';
	cr_assert_eq(conf_apply(&c, "node", "private_key_file", v, &err), -EINVAL);
	cr_assert_not_null(strstr(err.msg, "150"));
	v[150] = '\0';
	cr_assert_eq(conf_apply(&c, "node", "private_key_file", v, &err), 0, "%s", err.msg);
	cr_assert_eq(c.n_peers, 0);
	/* A section header alone creates the named object. */
	cr_assert_eq(conf_apply(&c, "peer.x", NULL, NULL, &err), 0);
	cr_assert_eq(c.n_peers, 1);
	cr_assert_eq(conf_apply(&c, "peer.X", NULL, NULL, &err), 0);
	cr_assert_eq(c.n_peers, 1, "names compare case-insensitively");
}

/* ---- repeated keys, overrides and lists ---- */

Test(conf, scalar_repeated_in_one_file)
{
	expect_err(NODE "[omni]\nmtu = 1500\nmtu = 1600\n", 7, "mtu: set more than once");
	/* Even when the section is reopened later in the same file. */
	expect_err(NODE "[omni]\nmtu = 1500\n[node]\nname = x\n[omni]\nmtu = 1600\n", 10,
		   "more than once");
	expect_err(NODE "[peer.a]\npublic_key = " PK_A "\npublic_key = " PK_A "\n", 7,
		   "public_key: set more than once");
	expect_err(NODE "[underlay.u]\nlisten = 192.0.2.1:8061\n", 6, "listen: set more than once");
	/* Different named sections are different objects. */
	expect_ok(NODE "[peer.a]\npublic_key = " PK_A "\nmnp = 2001:db8:1::/48\n"
		       "[peer.b]\npublic_key = " PK_B "\nmnp = 2001:db8:2::/48\n");
}

Test(conf, later_file_overrides_scalars_and_appends_lists)
{
	cr_assert_eq(conf_parse_string(&c,
				       NODE "[omni]\nmtu = 1500\naddress = 10.0.0.1/24\n"
					    "[peer.a]\npublic_key = " PK_A "\n"
					    "endpoint = 192.0.2.9\nmnp = 2001:db8:1::/48\n",
				       "a.conf", &err),
		     0, "%s", err.msg);
	cr_assert_eq(conf_parse_string(&c,
				       "[omni]\nmtu = 1600\naddress = 10.0.1.1/24\n"
				       "[peer.a]\npublic_key = " PK_B "\nendpoint = 192.0.2.10\n",
				       "b.conf", &err),
		     0, "%s", err.msg);
	cr_assert_eq(conf_finish(&c, &err), 0, "%s", err.msg);
	uint8_t pk[32];
	key32(PK_B, pk);
	cr_assert_eq(c.omni.mtu, 1600);
	/* Two IPv4 addresses and the default <mnp>::1/128. */
	cr_assert_eq(c.omni.n_addresses, 3);
	cr_assert(prefix_is(&c.omni.addresses[2], "2001:db8:a::1/128"));
	cr_assert_eq(c.n_peers, 1);
	cr_assert_arr_eq(c.peers[0].public_key, pk, 32);
	cr_assert_eq(c.peers[0].n_endpoints, 2);
}

Test(conf, list_duplicates_rejected)
{
	expect_err(NODE "[omni]\naddress = 10.0.0.1/24\naddress = 10.0.0.1/24\n", 7,
		   "listed twice");
	expect_err(NODE "[omni]\nroute = 10.0.0.0/8\nroute = 10.0.0.0/8\n", 7, "listed twice");
	expect_err(NODE "[peer.a]\nendpoint = 192.0.2.2\nendpoint = 192.0.2.2:8060\n", 7,
		   "listed twice");
	expect_err(NODE "[peer.a]\nallowed_prefix = 10.0.0.0/8\nallowed_prefix = 10.0.0.0/8\n",
		   7, "listed twice");
}

Test(conf, many_list_entries_grow)
{
	char *text = malloc(200000);
	size_t n = 0;

	n += (size_t)sprintf(text + n, NODE "[peer.a]\npublic_key = " PK_A
					    "\nmnp = 2001:db8:1::/48\n");
	for (int i = 0; i < 3000; i++)
		n += (size_t)sprintf(text + n, "allowed_prefix = 10.%d.%d.0/24\n", i / 256,
				     i % 256);
	expect_ok(text);
	cr_assert_eq(c.peers[0].n_allowed, 3000);
	cr_assert(prefix_is(&c.peers[0].allowed[2999], "10.11.183.0/24"));
	free(text);
}

/* ---- line-level rules (libinih traps) ---- */

Test(conf, indented_lines_rejected)
{
	expect_err(NODE "[peer.a]\npublic_key = " PK_A "\n  allowed_prefix = 10.0.0.1/32\n", 7,
		   "indented");
	expect_err(NODE "\t[omni]\n", 5, "indented");
	expect_err(NODE "  # indented comment\n", 5, "indented");
	/* Whitespace-only lines are blank lines. */
	expect_ok(NODE "   \n\t\n \t \n");
}

Test(conf, trailing_comments_rejected)
{
	expect_err(NODE "[omni]\nmtu = 1500 ; the MTU\n", 6, "comment after a value");
	expect_err(NODE "[omni]\nmtu = 1500 # the MTU\n", 6, "comment after a value");
	expect_err(NODE "[omni]\nmtu = 1500\t# x\n", 6, "comment after a value");
	expect_err(NODE "[omni]\nmtu = ;x\n", 6, "comment after a value");
	/* Right after the '=' too: "tun =#x" would be a value "tun = #x" cannot write. */
	expect_err(NODE "[omni]\ntun =#x\n", 6, "comment after a value");
	expect_err(NODE "[omni]\ntun=;x\n", 6, "comment after a value");
	expect_err(NODE "[omni] # the omni section\n", 5, "text after a section header");
	/* Comments on their own line, either character. */
	expect_ok("# c\n; c\n" NODE "#[omni]\n;mtu = 1\n");
	/* '#' inside a value without a blank before it is part of the value. */
	expect_err(NODE "[omni]\nmtu = 1500#x\n", 6, "not a decimal number");
}

Test(conf, line_and_value_length)
{
	char text[1024], comment[300];

	/* A 197-character comment line is fine, 198 is not. */
	memset(comment, 'x', sizeof(comment));
	comment[0] = '#';
	comment[197] = '\0';
	snprintf(text, sizeof(text), NODE "%s\n", comment);
	expect_ok(text);
	snprintf(text, sizeof(text), NODE "%s\r\n", comment);
	expect_ok(text);
	comment[197] = 'x';
	comment[198] = '\0';
	snprintf(text, sizeof(text), NODE "%s\n", comment);
	expect_err(text, 5, "line longer than 197");
	/* Very long, so that libinih would have truncated it. */
	memset(comment, 'x', 299);
	comment[299] = '\0';
	snprintf(text, sizeof(text), NODE "[omni]\nmtu = 1500\n%s\n", comment);
	expect_err(text, 7, "line longer");

	/* Values: 150 characters fine, 151 not. */
	char v[200];
	memset(v, 'a', sizeof(v));
	v[0] = '/';
	v[150] = '\0';
	snprintf(text, sizeof(text), NODE "[node]\nprivate_key_file = %s\n", v);
	expect_ok(text);
	cr_assert_eq(strlen(c.node.private_key_file), 150);
	v[150] = 'a';
	v[151] = '\0';
	snprintf(text, sizeof(text), NODE "[node]\nprivate_key_file = %s\n", v);
	expect_err(text, 6, "value longer than 150");
}

Test(conf, syntax_errors)
{
	expect_err(NODE "[omni]\nmtu 1500\n", 6, "expected 'key = value'");
	expect_err(NODE "[omni]\nmtu: 1500\n", 6, "expected 'key = value'");
	expect_err(NODE "[omni]\n= 1500\n", 6, "expected 'key = value'");
	expect_err(NODE "[omni\n", 5, "malformed section header");
	expect_err(NODE "[]\n", 5, "malformed section header");
	expect_err(NODE "[om ni]\n", 5, "malformed section header");
	expect_err(NODE "[omni]]\n", 5, "text after a section header");
	expect_err("mtu = 1500\n", 1, "outside of any [section]");
	expect_err(NODE "[omni]\nmtu = 15\x01" "00\n", 6, "control character 0x01");
	expect_err(NODE "[omni]\nmtu = 1500\r\r\n", 6, "control character 0x0d");
	expect_err(NODE "[omni]\nmtu = 1500\x7f\n", 6, "control character 0x7f");
	expect_err(NODE "[omni]\nmtu =\n", 6, "empty value");
}

Test(conf, unknown_sections_and_keys)
{
	expect_err(NODE "[dhcp]\nlisten = 1\n", 5, "unknown section [dhcp]");
	expect_err(NODE "[dns]\nlisten = 1\n", 6, "[dns]: unknown key 'listen'");
	expect_err(NODE "[relay.x]\n", 5, "unknown section [relay.x]");
	expect_err(NODE "[Omni]\n", 5, "unknown section");
	expect_err(NODE "[omni]\nmtuu = 1500\n", 6, "unknown key 'mtuu'");
	expect_err(NODE "[omni]\nprivate_key_file = /x\n", 6, "[omni]: unknown key");
	expect_err(NODE "[peer]\n", 5, "needs a name");
	expect_err(NODE "[underlay]\n", 5, "needs a name");
	expect_err(NODE "[peer.a_b]\n", 5, "not a name");
	expect_err(NODE "[peer.-a]\n", 5, "not a name");
	expect_err(NODE "[peer.a.b]\n", 5, "not a name");
}

Test(conf, long_section_names_are_not_truncated)
{
	/*
	 * libinih keeps only 49 characters of a section name; two 63-character
	 * names that differ only at the end must stay two peers.
	 */
	char n1[64], n2[64], text[1024];

	memset(n1, 'a', 63);
	n1[62] = '1';
	n1[63] = '\0';
	memcpy(n2, n1, 64);
	n2[62] = '2';

	snprintf(text, sizeof(text),
		 NODE "[peer.%s]\npublic_key = " PK_A "\nmnp = 2001:db8:1::/48\n"
		      "[peer.%s]\npublic_key = " PK_B "\nmnp = 2001:db8:2::/48\n",
		 n1, n2);
	expect_ok(text);
	cr_assert_eq(c.n_peers, 2);
	cr_assert_str_eq(c.peers[0].name, n1);
	cr_assert_str_eq(c.peers[1].name, n2);
	snprintf(text, sizeof(text), NODE "[peer.%sa]\n", n1);
	expect_err(text, 5, "not a name");
}

Test(conf, bom_and_crlf)
{
	expect_ok("\xef\xbb\xbf[omni]\r\nmnp = 2001:db8:a::/48\r\n[underlay.u]\r\n"
		  "listen = 192.0.2.1:8060\r\n[omni]\r\nmtu = 1500\r\n");
	cr_assert_eq(c.omni.mtu, 1500);
	/* A BOM anywhere else is not whitespace. */
	expect_err(NODE "\xef\xbb\xbf[omni]\n", 5, "expected");
	/* No final newline. */
	expect_ok(NODE "[omni]\nmtu = 1500");
	cr_assert_eq(c.omni.mtu, 1500);
	/* Blanks around '=' and the value are not part of it. */
	expect_ok(NODE "[omni]\nmtu\t=\t1500 \t\n");
	cr_assert_eq(c.omni.mtu, 1500);
}

Test(conf, error_lines_are_exact)
{
	expect_err("# 1\n\n[omni]\n# 4\nmnp = 2001:db8:a::/48\n\n\nmtu = 1\n", 8, "mtu");
	/* The line of the first error is reported, parsing stops there. */
	expect_err("[omni]\nmtu = 1\nmtu = x\n", 2, "out of range");
}

/* ---- conf_finish ---- */

Test(conf, finish_identity_and_underlay)
{
	int rc = load("[node]\nname = a\n");
	cr_assert_eq(rc, -EINVAL);
	cr_assert_not_null(strstr(err.msg, "mnp"), "%s", err.msg);
	cr_assert_not_null(strstr(err.msg, "[underlay.NAME]"), "%s", err.msg);
	cr_assert_not_null(strstr(err.msg, "listen"), "%s", err.msg);
	cr_assert_eq(err.line, 0);

	rc = load("[omni]\nmnp = 2001:db8:a::/48\n");
	cr_assert_eq(rc, -EINVAL);
	cr_assert_not_null(strstr(err.msg, "no underlay"), "%s", err.msg);

	rc = load("[underlay.u]\nlisten = 192.0.2.1\n");
	cr_assert_eq(rc, -EINVAL);
	cr_assert_not_null(strstr(err.msg, "[omni]: add 'mnp"), "%s", err.msg);

	rc = load(NODE "[omni]\nmsid = 5\n");
	cr_assert_eq(rc, -EINVAL);
	cr_assert_not_null(strstr(err.msg, "only one of mnp and msid"), "%s", err.msg);

	/* A server: msid and no address default. */
	expect_ok("[omni]\nmsid = 5\n[underlay.u]\nlisten = 192.0.2.1\n");
	cr_assert_eq(c.omni.msid, 5);
	cr_assert_eq(c.omni.n_addresses, 0);
}

Test(conf, finish_default_address)
{
	/* Only an IPv4 address given: <mnp>::1/128 is still added (the demo relies on it). */
	expect_ok(NODE "[omni]\naddress = 10.77.0.1/24\n");
	cr_assert_eq(c.omni.n_addresses, 2);
	cr_assert(prefix_is(&c.omni.addresses[1], "2001:db8:a::1/128"));
	/* An address outside the mnp does not count either. */
	expect_ok(NODE "[omni]\naddress = 2001:db8:ffff::1/128\n");
	cr_assert_eq(c.omni.n_addresses, 2);
	/* An address inside the mnp replaces the default. */
	expect_ok(NODE "[omni]\naddress = 2001:db8:a:1::5/64\n");
	cr_assert_eq(c.omni.n_addresses, 1);
	/* conf_finish twice does not add it twice. */
	expect_ok(NODE);
	cr_assert_eq(conf_finish(&c, &err), 0);
	cr_assert_eq(c.omni.n_addresses, 1);
}

Test(conf, finish_underlays)
{
	int rc = load(NODE "[underlay.v]\ninterface = eth0\n");
	cr_assert_eq(rc, -EINVAL);
	cr_assert_not_null(strstr(err.msg, "[underlay.v]: 'listen"), "%s", err.msg);
	cr_assert_eq(err.line, 5, "points at the section header");

	expect_ok(NODE "[underlay.v]\nlisten = [::]:8060\n");
	cr_assert_eq(c.underlays[1].path_mtu, 1280);
	expect_ok(NODE "[underlay.v]\nlisten = [::]:8060\npath_mtu = 1280\n");
	rc = load(NODE "[underlay.v]\nlisten = [::]:8060\npath_mtu = 1279\n");
	cr_assert_eq(rc, -EINVAL);
	cr_assert_not_null(strstr(err.msg, "path_mtu: 1279 is below 1280"), "%s", err.msg);
	expect_ok(NODE "[underlay.v]\nlisten = 192.0.2.9\npath_mtu = 576\n");

	rc = load(NODE "[underlay.v]\nlisten = 192.0.2.1:8060\n");
	cr_assert_eq(rc, -EINVAL);
	cr_assert_not_null(strstr(err.msg, "also [underlay.u]"), "%s", err.msg);
	/* Same address, other port: fine. */
	expect_ok(NODE "[underlay.v]\nlisten = 192.0.2.1:8061\n");
}

static void expect_finish_err(const char *text, const char *needle)
{
	int rc = load(text);
	cr_assert_eq(rc, -EINVAL, "accepted:\n%s", text);
	cr_assert_not_null(strstr(err.msg, needle), "'%s' lacks '%s'", err.msg, needle);
}

Test(conf, finish_peers)
{
	expect_finish_err(NODE "[peer.a]\nmnp = 2001:db8:1::/48\n",
			  "[peer.a]: 'public_key = <44 base64 characters>' is required");
	cr_assert_eq(err.line, 5);
	expect_finish_err(NODE "[peer.a]\npublic_key = " PK_A "\n",
			  "[peer.a]: one of 'mnp = <prefix>' or 'msid = <n>' is required");
	expect_finish_err(NODE "[peer.a]\npublic_key = " PK_A "\nmnp = 2001:db8:1::/48\nmsid = 3\n",
			  "only one of mnp and msid");
	expect_finish_err(NODE "[peer.a]\npublic_key = " PK_A "\nmnp = 2001:db8:1::/48\n"
			       "[peer.b]\npublic_key = " PK_A "\nmnp = 2001:db8:2::/48\n",
			  "[peer.b] public_key: the same key as [peer.a]");
	cr_assert_eq(err.line, 8);
	expect_finish_err(NODE "[peer.a]\npublic_key = " PK_A "\nmsid = 9\n"
			       "[peer.b]\npublic_key = " PK_B "\nmsid = 9\n",
			  "msid: 9 is also [peer.a]'s");
	expect_finish_err("[omni]\nmsid = 9\n[underlay.u]\nlisten = 192.0.2.1\n"
			  "[peer.b]\npublic_key = " PK_B "\nmsid = 9\n",
			  "this node's own msid");
	/* Prefix overlaps between peers, in every combination of mnp / allowed_prefix. */
	expect_finish_err(NODE "[peer.a]\npublic_key = " PK_A "\nmnp = 2001:db8:1::/48\n"
			       "[peer.b]\npublic_key = " PK_B "\nmnp = 2001:db8:1:2::/64\n",
			  "2001:db8:1:2::/64 overlaps 2001:db8:1::/48 of [peer.a]");
	expect_finish_err(NODE "[peer.a]\npublic_key = " PK_A "\nmnp = 2001:db8:1::/48\n"
			       "allowed_prefix = 10.0.0.0/8\n"
			       "[peer.b]\npublic_key = " PK_B "\nmnp = 2001:db8:2::/48\n"
			       "allowed_prefix = 10.1.0.0/16\n",
			  "10.1.0.0/16 overlaps 10.0.0.0/8 of [peer.a]");
	expect_finish_err("[omni]\nmsid = 7\n[underlay.u]\nlisten = 192.0.2.1\n"
			  "[peer.a]\npublic_key = " PK_A "\nmsid = 1\n"
			  "allowed_prefix = ::/0\n"
			  "[peer.b]\npublic_key = " PK_B "\nmnp = 2001:db8:2::/48\n",
			  "2001:db8:2::/48 overlaps ::/0 of [peer.a]");
	/* A peer prefix that overlaps our own mnp. */
	expect_finish_err(NODE "[peer.a]\npublic_key = " PK_A "\nmnp = 2001:db8:a:1::/64\n",
			  "overlaps this node's own mnp 2001:db8:a::/48");
	expect_finish_err(NODE "[peer.a]\npublic_key = " PK_A "\nmsid = 1\nallowed_prefix = ::/0\n",
			  "::/0 overlaps this node's own mnp");
	/* Disjoint peers with IPv4 and IPv6 prefixes are fine. */
	expect_ok(NODE "[peer.a]\npublic_key = " PK_A "\nmnp = 2001:db8:1::/48\n"
		       "allowed_prefix = 10.0.0.0/24\n"
		       "[peer.b]\npublic_key = " PK_B "\nmnp = 2001:db8:2::/48\n"
		       "allowed_prefix = 10.0.1.0/24\n");
	/* An endpoint needs an underlay of its family. */
	expect_finish_err(NODE "[peer.a]\npublic_key = " PK_A "\nmnp = 2001:db8:1::/48\n"
			       "endpoint = [2001:db8::1]:8060\n",
			  "[peer.a] endpoint: [2001:db8::1]:8060 needs an IPv6 [underlay.NAME]");
	/* A peer without endpoints (it calls us) is fine. */
	expect_ok(NODE "[peer.a]\npublic_key = " PK_A "\nmnp = 2001:db8:1::/48\n");
}

Test(conf, finish_reassembly_memory)
{
	expect_finish_err(NODE "[omni]\nreassembly_mem_peer = 1048576\n"
			       "reassembly_mem_total = 524288\n",
			  "reassembly_mem_total: 524288 is below reassembly_mem_peer 1048576");
	expect_ok(NODE "[omni]\nreassembly_mem_peer = 524288\nreassembly_mem_total = 524288\n");
}

Test(conf, finish_node_name_defaults_to_host_name)
{
	char host[256];

	expect_ok(NODE);
	cr_assert_eq(gethostname(host, sizeof(host)), 0);
	/* The first label, lowercased, if it is a valid name. */
	char *dot = strchr(host, '.');
	if (dot)
		*dot = '\0';
	for (char *p = host; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	cr_assert_str_eq(c.node.name, host);
}

/* ---- files and conf.d ---- */

Test(conf, load_conf_d_order_and_filter)
{
	cr_assert_eq(conf_load(&c, CONF_DATA "/order/omnid.conf", &err), 0, "%s:%u: %s", err.file,
		     err.line, err.msg);
	cr_assert_str_eq(c.node.name, "base");
	cr_assert_eq(c.node.log_level, LOG_LVL_DEBUG, "20-override wins over the main file");
	cr_assert_eq(c.omni.mtu, 2000, "20-override wins over 10-underlay");
	cr_assert_eq(c.omni.n_addresses, 3);
	cr_assert(prefix_is(&c.omni.addresses[0], "2001:db8:a::1/128"));
	cr_assert(prefix_is(&c.omni.addresses[1], "10.0.0.1/24"));
	cr_assert(prefix_is(&c.omni.addresses[2], "10.0.1.1/24"));
	cr_assert_eq(c.n_peers, 1);
	cr_assert_eq(c.peers[0].n_endpoints, 2);
	cr_assert(endpoint_is(&c.peers[0].endpoints[0], "192.0.2.2:8060"));
	cr_assert(endpoint_is(&c.peers[0].endpoints[1], "192.0.2.3:8060"));
	cr_assert_eq(c.peers[0].persistent_keepalive, 5);
}

Test(conf, load_error_names_the_drop_in)
{
	cr_assert_eq(conf_load(&c, CONF_DATA "/bad/omnid.conf", &err), -EINVAL);
	cr_assert_str_eq(err.file, CONF_DATA "/bad/conf.d/40-bad.conf");
	cr_assert_eq(err.line, 3);
	cr_assert_not_null(strstr(err.msg, "path_mtu: 70000 is out of range 576..65535"), "%s",
			   err.msg);
	char buf[600];
	conf_err_format(&err, buf, sizeof(buf));
	cr_assert_str_eq(buf, CONF_DATA "/bad/conf.d/40-bad.conf:3: [underlay.u0] path_mtu: 70000 "
				       "is out of range 576..65535");
}

Test(conf, load_missing_file_and_finish_error_location)
{
	cr_assert_eq(conf_load(&c, CONF_DATA "/nonexistent.conf", &err), -ENOENT);
	cr_assert_str_eq(err.file, CONF_DATA "/nonexistent.conf");
	cr_assert_neq(err.msg[0], '\0');
	/* Not an INI file: the first line is reported. */
	conf_free(&c);
	conf_init(&c);
	cr_assert_eq(conf_load(&c, CONF_DATA "/order/conf.d/README", &err), -EINVAL);
	cr_assert_eq(err.line, 1);
}

static char tmpdir[] = "/tmp/omnid-conf-XXXXXX";

static void mk_tmpdir(void)
{
	setup();
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void rm_tmpdir(void)
{
	char cmd[256];

	teardown();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	cr_assert_eq(system(cmd), 0);
}

static void write_file(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	cr_assert_eq(fwrite(text, 1, strlen(text), f), strlen(text));
	fclose(f);
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = malloc(65536);
	size_t n;

	cr_assert_not_null(f, "%s", path);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int load_tmp(void)
{
	char path[512];

	conf_free(&c);
	conf_init(&c);
	snprintf(path, sizeof(path), "%s/omnid.conf", tmpdir);
	return conf_load(&c, path, &err);
}

Test(conf, conf_d_not_a_regular_file, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	char path[512];

	write_file("omnid.conf", NODE);
	snprintf(path, sizeof(path), "%s/conf.d", tmpdir);
	cr_assert_eq(mkdir(path, 0755), 0);
	cr_assert_eq(load_tmp(), 0, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/conf.d/10-dir.conf", tmpdir);
	cr_assert_eq(mkdir(path, 0755), 0);
	cr_assert_eq(load_tmp(), -EINVAL);
	cr_assert_str_eq(err.file, path);
	cr_assert_not_null(strstr(err.msg, "not a regular file"));
	rmdir(path);
	/* A FIFO must not hang the loader. */
	snprintf(path, sizeof(path), "%s/conf.d/10-fifo.conf", tmpdir);
	cr_assert_eq(mkfifo(path, 0600), 0);
	cr_assert_eq(load_tmp(), -EINVAL);
	unlink(path);
	/* Embedded NUL bytes in a file. */
	snprintf(path, sizeof(path), "%s/conf.d/10-nul.conf", tmpdir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	static const char nul[] = "[omni]\nmtu = 15\0" "00\n";
	cr_assert_eq(fwrite(nul, 1, sizeof(nul) - 1, f), sizeof(nul) - 1);
	fclose(f);
	cr_assert_eq(load_tmp(), -EINVAL);
	cr_assert_eq(err.line, 2);
	cr_assert_not_null(strstr(err.msg, "control character 0x00"), "%s", err.msg);
	/* conf.d is a file, not a directory. */
	unlink(path);
	snprintf(path, sizeof(path), "%s/conf.d", tmpdir);
	cr_assert_eq(rmdir(path), 0);
	write_file("conf.d", "x");
	cr_assert_eq(load_tmp(), -ENOTDIR);
}

Test(conf, shipped_file_plus_drop_in, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	char path[512];
	char *shipped = read_all(SHIPPED);

	write_file("omnid.conf", shipped);
	free(shipped);
	/* Alone, the shipped file only lacks identity and underlay, and says so. */
	cr_assert_eq(load_tmp(), -EINVAL);
	cr_assert_eq(err.line, 0);
	cr_assert_not_null(strstr(err.file, "omnid.conf"));
	cr_assert_not_null(strstr(err.msg, "'mnp = "), "%s", err.msg);
	cr_assert_not_null(strstr(err.msg, "[underlay.NAME]"), "%s", err.msg);
	cr_assert_not_null(strstr(err.msg, "listen = "), "%s", err.msg);

	snprintf(path, sizeof(path), "%s/conf.d", tmpdir);
	cr_assert_eq(mkdir(path, 0755), 0);
	write_file("conf.d/50-node.conf", "[node]\n"
					  "name = alpha\n"
					  "[omni]\n"
					  "mnp = 2001:db8:a::/48\n"
					  "address = 10.77.0.1/24\n"
					  "[underlay.x]\n"
					  "listen = 192.0.2.1:8060\n"
					  "[api]\n"
					  "socket = /tmp/a/api.sock\n"
					  "[peer.y]\n"
					  "public_key = " PK_B "\n"
					  "endpoint = 192.0.2.2:8060\n"
					  "mnp = 2001:db8:b::/48\n"
					  "allowed_prefix = 10.77.0.2/32\n");
	cr_assert_eq(load_tmp(), 0, "%s:%u: %s", err.file, err.line, err.msg);
	cr_assert_str_eq(c.node.name, "alpha");
	cr_assert_str_eq(c.node.private_key_file, "/etc/omnid/private.key");
	cr_assert_str_eq(c.omni.tun, "omni0");
	cr_assert_eq(c.omni.mtu, 9180);
	cr_assert(prefix_is(&c.omni.mnp, "2001:db8:a::/48"));
	cr_assert_eq(c.omni.n_addresses, 2);
	cr_assert(prefix_is(&c.omni.addresses[0], "10.77.0.1/24"));
	cr_assert(prefix_is(&c.omni.addresses[1], "2001:db8:a::1/128"));
	cr_assert_eq(c.n_underlays, 1);
	cr_assert_eq(c.underlays[0].path_mtu, 1400);
	cr_assert_str_eq(c.api.socket, "/tmp/a/api.sock");
	cr_assert_eq(c.n_peers, 1);
	cr_assert_str_eq(c.peers[0].name, "y");
	cr_assert(prefix_is(&c.peers[0].allowed[0], "10.77.0.2/32"));
	cr_assert_eq(c.secure.rekey_after_time, 120);
}

Test(conf, shipped_file_shows_the_defaults, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	/*
	 * Uncomment every "#key = value" of the shipped file's [node], [omni],
	 * [secure] and [api] (except the keys without a default) and check that
	 * the result equals conf_init().
	 */
	static const char *skip[] = { "name",	      "mnp",	  "msid",
				      "address",      "route",	  "hosts_export",
				      "audience",     "msp" };
	char *shipped = read_all(SHIPPED), *out = malloc(65536);
	struct conf d;
	size_t n = 0;
	int uncommented = 0;
	bool in_named = false;

	for (char *line = strtok(shipped, "\n"); line; line = strtok(NULL, "\n")) {
		if (strncmp(line, "#[", 2) == 0)
			in_named = true;
		bool key_line = line[0] == '#' && line[1] >= 'a' && line[1] <= 'z' &&
				strstr(line, " = ") && !in_named;
		for (size_t i = 0; key_line && i < sizeof(skip) / sizeof(skip[0]); i++) {
			size_t k = strlen(skip[i]);
			if (strncmp(line + 1, skip[i], k) == 0 && line[1 + k] == ' ')
				key_line = false;
		}
		if (key_line)
			uncommented++;
		n += (size_t)sprintf(out + n, "%s\n", key_line ? line + 1 : line);
	}
	/*
	 * 17 [node]/[omni]/[secure]/[api] (with offload), overlay, [node] debug, 5 [dns],
	 * 21 [ehfilter], 8 more [api] (B.8.2; readonly_group, listen_tcp are empty, audience is
	 * derived)
	 */
	/* ... and [node] role, [aero] router_lifetime, nat_keepalive and multilink (docs/aero.md) */
	cr_assert_eq(uncommented, 17 + 1 + 1 + 5 + 21 + 8 + 4, "keys with defaults found: %d",
		     uncommented);
	write_file("omnid.conf", out);
	free(shipped);
	free(out);
	cr_assert_eq(load_tmp(), -EINVAL); /* no mnp / underlay: conf_finish */
	conf_init(&d);
	d.src_files = c.src_files;
	d.n_src_files = c.n_src_files;
	d.cur_file = c.cur_file;
	d.cur_line = c.cur_line;
	d.node.seen = c.node.seen;
	/* conf_finish filled in the host name before it failed. */
	memcpy(d.node.name, c.node.name, sizeof(d.node.name));
	d.omni.seen = c.omni.seen;
	d.secure.seen = c.secure.seen;
	d.api.seen = c.api.seen;
	d.dns.seen = c.dns.seen;
	d.aero.seen = c.aero.seen;
	d.ehfilter.seen = c.ehfilter.seen;
	d.ehfilter.rules.has_enable = c.ehfilter.rules.has_enable;
	d.ehfilter.rules.has_hbh_keep_types = c.ehfilter.rules.has_hbh_keep_types;
	d.ehfilter.rules.has_rh_drop_types = c.ehfilter.rules.has_rh_drop_types;
	cr_assert(memcmp(&c.ehfilter, &d.ehfilter, sizeof(d.ehfilter)) == 0);
	cr_assert_eq(c.ehfilter.seen, (1U << 21) - 1); /* every [ehfilter] key */
	cr_assert(memcmp(&c.node, &d.node, sizeof(d.node)) == 0);
	cr_assert(memcmp(&c.dns, &d.dns, sizeof(d.dns)) == 0);
	cr_assert_eq(c.dns.seen, 0x2f); /* every [dns] key but hosts_export */
	cr_assert(memcmp(&c.omni, &d.omni, sizeof(d.omni)) == 0);
	cr_assert(memcmp(&c.secure, &d.secure, sizeof(d.secure)) == 0);
	cr_assert(memcmp(&c.api, &d.api, sizeof(d.api)) == 0);
	cr_assert(memcmp(&c.aero, &d.aero, sizeof(d.aero)) == 0);
	cr_assert_eq(c.aero.seen, 13); /* router_lifetime, nat_keepalive, multilink */
	/* And they were really parsed: every scalar was set once. */
	cr_assert_eq(c.omni.seen != 0 && c.secure.seen == 0xf && c.api.seen == 0xfc7, 1);
}

Test(conf, peer_example_with_a_real_key, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	char path[512];
	char *shipped = read_all(SHIPPED), *example = read_all(EXAMPLE);
	const char *ph = "REPLACE+WITH+BETAS+PUBLIC+KEY+FROM+omnictl+pubkey=";
	char *at = strstr(example, ph);

	write_file("omnid.conf", shipped);
	snprintf(path, sizeof(path), "%s/conf.d", tmpdir);
	cr_assert_eq(mkdir(path, 0755), 0);
	/* As shipped, the placeholder is refused. */
	write_file("conf.d/50-node.conf", example);
	cr_assert_eq(load_tmp(), -EINVAL);
	cr_assert_not_null(strstr(err.msg, "public_key"), "%s", err.msg);
	cr_assert_not_null(strstr(err.file, "50-node.conf"));
	/* With a key, it is a working node. */
	cr_assert_not_null(at);
	memmove(at + 44, at + strlen(ph), strlen(at + strlen(ph)) + 1);
	memcpy(at, PK_B, 44);
	write_file("conf.d/50-node.conf", example);
	cr_assert_eq(load_tmp(), 0, "%s:%u: %s", err.file, err.line, err.msg);
	cr_assert_str_eq(c.node.name, "alpha");
	cr_assert_str_eq(c.peers[0].name, "beta");
	free(shipped);
	free(example);
}

/* ---- reload ---- */

Test(conf, needs_restart)
{
	static const struct {
		const char *extra;
		bool restart;
	} cases[] = {
		{ "", false },
		{ "[peer.c]\npublic_key = " PK_A "\nmnp = 2001:db8:c::/48\n", false },
		{ "[omni]\nroute = 10.9.0.0/16\n", false },
		{ "[secure]\nkeepalive = 3\n", false },
		{ "[node]\nlog_level = debug\n", false },
		{ "[omni]\ntun = other\n", true },
		{ "[omni]\nmtu = 1500\n", true },
		{ "[omni]\nula_domain = fd01:2:3::/48\n", true },
		{ "[omni]\nlink_id = 2\n", true },
		{ "[omni]\naddress = 10.1.1.1/24\n", true },
		{ "[underlay.v]\nlisten = 192.0.2.5\n", true },
		{ "[underlay.u]\npath_mtu = 1300\n", true },
		{ "[underlay.u]\nplain = yes\n", true },
		{ "[underlay.u]\ninterface = eth9\n", true },
		{ "[api]\nsocket = /tmp/x.sock\n", true },
		{ "[node]\nprivate_key_file = /tmp/k\n", true },
		{ "[node]\noverlay = corp\n", true },
		{ "[node]\noverlay = OMNI\n", false },
		{ "[dns]\nenable = yes\n", true },
		{ "[dns]\nlisten_port = 5353\n", true },
		{ "[dns]\nregister_resolved = no\n", true },
		{ "[dns]\nttl = 5\n", false },
		{ "[dns]\nrate_limit = 5\n", false },
		{ "[dns]\nhosts_export = /run/h\n", false },
		{ "[api]\nsocket_group = other\n", true },
		{ "[api]\nlisten_tcp = 127.0.0.1:7411\n", true },
		{ "[api]\nreplay_cache_size = 4096\n", true },
		{ "[api]\nadmin_group =\n", false },
		{ "[api]\nreadonly_group = wheel\n", false },
		{ "[api]\naudience = urn:x\nclock_skew = 5\nmax_token_lifetime = 60\n", false },
		{ "[api]\nmax_token_bytes = 4096\nsingle_use_writes = yes\n", false },
		{ "[api]\naudit_log = /tmp/audit.log\n", false },
		{ "[issuer.i]\niss = https://x\nkey_file = /k\nalg = EdDSA\n", false },
		{ "[agent.a]\nsub = s\nchecksum = " SUM_A "\nmax_scopes = route.read\n", false },
	};
	struct conf base;
	struct conf_err e;

	conf_init(&base);
	cr_assert_eq(conf_load_string(&base, NODE, "base", &e), 0, "%s", e.msg);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct conf n;
		conf_init(&n);
		cr_assert_eq(conf_parse_string(&n, NODE, "base", &e), 0);
		cr_assert_eq(conf_load_string(&n, cases[i].extra, "extra", &e), 0, "%s", e.msg);
		cr_assert_eq(conf_needs_restart(&base, &n), cases[i].restart, "case %zu: %s", i,
			     cases[i].extra);
		cr_assert_eq(conf_needs_restart(&n, &base), cases[i].restart);
		conf_free(&n);
	}
	/* mnp vs msid. */
	struct conf s;
	conf_init(&s);
	cr_assert_eq(conf_load_string(&s, "[omni]\nmsid = 1\n[underlay.u]\nlisten = 192.0.2.1\n",
				      "s", &e),
		     0);
	cr_assert(conf_needs_restart(&base, &s));
	conf_free(&s);
	conf_free(&base);
}

/* ---- robustness: truncation and bit flips never crash or leak ---- */

Test(conf, truncation_at_every_offset)
{
	char *full = read_all(CONF_DATA "/full.conf");
	size_t len = strlen(full);

	for (size_t cut = 0; cut <= len; cut++) {
		char saved = full[cut];
		full[cut] = '\0';
		int rc = load(full);
		cr_assert(rc == 0 || rc == -EINVAL, "cut %zu: rc %d", cut, rc);
		if (rc < 0)
			cr_assert_neq(err.msg[0], '\0', "cut %zu", cut);
		full[cut] = saved;
	}
	cr_assert_eq(load(full), 0);
	free(full);
}

Test(conf, bit_flips, .timeout = 60)
{
	char *full = read_all(CONF_DATA "/full.conf");
	size_t len = strlen(full);
	int accepted = 0;

	for (size_t pos = 0; pos < len; pos++) {
		for (int bit = 0; bit < 7; bit++) {
			full[pos] ^= (char)(1 << bit);
			int rc = load(full);
			cr_assert(rc == 0 || rc == -EINVAL, "pos %zu bit %d: rc %d", pos, bit, rc);
			if (rc < 0)
				cr_assert_neq(err.msg[0], '\0');
			else
				accepted++;
			full[pos] ^= (char)(1 << bit);
		}
	}
	/* Most flips in keys, section names and numbers must be caught. */
	cr_assert_lt(accepted, (int)(len * 7 / 2));
	free(full);
}

/* ---- [ehfilter] and [ehfilter.exit] (spec/eh-removal.md A.6) ---- */

static bool eh_bit(const uint8_t map[32], unsigned t)
{
	return (map[t / 8] >> (t % 8)) & 1;
}

Test(conf, ehfilter_defaults)
{
	const struct eh_rules *r = &c.ehfilter.rules;
	const struct eh_limits *l = &c.ehfilter.lim;

	cr_assert(r->enable);
	cr_assert_eq(r->hbh_pad, EH_STRIP);
	cr_assert_eq(r->hbh, EH_KEEP);
	cr_assert_eq(r->dstopt, EH_KEEP);
	cr_assert_eq(r->rh2, EH_KEEP);
	cr_assert_eq(r->rh_sl0, EH_KEEP);
	cr_assert_eq(r->rh_slnz, EH_KEEP);
	cr_assert_eq(r->rh_unknown_sl0, EH_KEEP);
	cr_assert_eq(r->rh_unknown_slnz, EH_KEEP);
	cr_assert_eq(r->exp_eh, EH_DROP);
	cr_assert_eq(r->unknown_nh, EH_KEEP);
	for (unsigned t = 0; t < 256; t++) {
		cr_assert_eq(eh_bit(r->rh_drop_types, t), t == 1 || t == 3 || t == 253 || t == 254);
		cr_assert_not(eh_bit(r->hbh_keep_types, t));
	}
	cr_assert_eq(l->max_eh_count, 8);
	cr_assert_eq(l->max_eh_chain_bytes, 256);
	cr_assert_eq(l->parse_window, 512);
	cr_assert_eq(l->max_dst_hdrs, 2);
	cr_assert_eq(l->max_opts_per_hdr, 8);
	cr_assert_eq(l->max_pad_run, 7);
	cr_assert_eq(l->ah_conflict, EH_KEEP);
	cr_assert_not(l->icmp_errors);
	/* [ehfilter.exit]: unset until conf_finish, then the exit values. */
	cr_assert_eq(c.ehfilter_exit.rules.hbh, EH_UNSET);
	expect_ok(NODE);
	const struct eh_rules *x = &c.ehfilter_exit.rules;
	cr_assert_not(x->enable);
	cr_assert_eq(x->hbh, EH_STRIP);
	cr_assert_eq(x->rh_sl0, EH_STRIP);
	cr_assert_eq(x->hbh_pad, EH_STRIP);
	cr_assert_eq(x->exp_eh, EH_DROP);
	cr_assert_arr_eq(x->rh_drop_types, r->rh_drop_types, 32);
}

Test(conf, ehfilter_every_key)
{
	expect_ok(NODE "[ehfilter]\n"
		       "enable = no\nhbh_pad = keep\nhbh = strip\nhbh_keep_types = 5 7 255\n"
		       "dstopt = drop\nrh_drop_types = 0 1\nrh2 = drop\nrh_sl0 = strip\n"
		       "rh_slnz = drop\nrh_unknown_sl0 = strip\nrh_unknown_slnz = drop\n"
		       "exp_eh = keep\nunknown_nh = drop\nmax_eh_count = 12\n"
		       "max_eh_chain_bytes = 1024\nparse_window = 2048\nmax_dst_hdrs = 1\n"
		       "max_opts_per_hdr = 2\nmax_pad_run = 5\nah_conflict = drop\n"
		       "icmp_errors = on\n");
	const struct eh_rules *r = &c.ehfilter.rules;
	const struct eh_limits *l = &c.ehfilter.lim;
	cr_assert_not(r->enable);
	cr_assert_eq(r->hbh_pad, EH_KEEP);
	cr_assert_eq(r->hbh, EH_STRIP);
	cr_assert_eq(r->dstopt, EH_DROP);
	cr_assert_eq(r->rh2, EH_DROP);
	cr_assert_eq(r->rh_sl0, EH_STRIP);
	cr_assert_eq(r->rh_slnz, EH_DROP);
	cr_assert_eq(r->rh_unknown_sl0, EH_STRIP);
	cr_assert_eq(r->rh_unknown_slnz, EH_DROP);
	cr_assert_eq(r->exp_eh, EH_KEEP);
	cr_assert_eq(r->unknown_nh, EH_DROP);
	for (unsigned t = 0; t < 256; t++) {
		cr_assert_eq(eh_bit(r->hbh_keep_types, t), t == 5 || t == 7 || t == 255);
		cr_assert_eq(eh_bit(r->rh_drop_types, t), t <= 1);
	}
	cr_assert_eq(l->max_eh_count, 12);
	cr_assert_eq(l->max_eh_chain_bytes, 1024);
	cr_assert_eq(l->parse_window, 2048);
	cr_assert_eq(l->max_dst_hdrs, 1);
	cr_assert_eq(l->max_opts_per_hdr, 2);
	cr_assert_eq(l->max_pad_run, 5);
	cr_assert_eq(l->ah_conflict, EH_DROP);
	cr_assert(l->icmp_errors);
	/* Case-insensitive words, "none" and the boolean spellings. */
	expect_ok(NODE "[ehfilter]\nhbh = STRIP\nrh_drop_types = none\nicmp_errors = yes\n"
		       "enable = Off\n");
	for (unsigned t = 0; t < 256; t++)
		cr_assert_not(eh_bit(c.ehfilter.rules.rh_drop_types, t));
	cr_assert(c.ehfilter.lim.icmp_errors);
	cr_assert_not(c.ehfilter.rules.enable);
	cr_assert_eq(c.ehfilter.rules.hbh, EH_STRIP);
}

Test(conf, ehfilter_errors)
{
	expect_err(NODE "[ehfilter]\nhbh_pad = maybe\n", 6,
		   "[ehfilter] hbh_pad: 'maybe' is not one of keep, strip, drop");
	expect_err(NODE "[ehfilter]\nrh_sl0 = drop\n", 6, "'drop' is not one of keep, strip");
	expect_err(NODE "[ehfilter]\nrh_slnz = strip\n", 6, "'strip' is not one of keep, drop");
	expect_err(NODE "[ehfilter]\ndstopt = strip\n", 6, "is not one of keep, drop");
	expect_err(NODE "[ehfilter]\nah_conflict = strip\n", 6, "is not one of keep, drop");
	expect_err(NODE "[ehfilter]\nrh_drop_types = 1 300\n", 6,
		   "'300' is not a number 0..255");
	expect_err(NODE "[ehfilter]\nrh_drop_types = 1 x\n", 6, "'x' is not a number");
	expect_err(NODE "[ehfilter]\nhbh_keep_types = 5 5\n", 6, "5 is listed twice");
	expect_err(NODE "[ehfilter]\nhbh_keep_types = 05\n", 6, "'05' is not a number");
	expect_err(NODE "[ehfilter]\nmax_eh_count = 13\n", 6, "13 is out of range 1..12");
	expect_err(NODE "[ehfilter]\nmax_eh_count = 0\n", 6, "out of range");
	expect_err(NODE "[ehfilter]\nparse_window = 47\n", 6, "out of range 48..65535");
	expect_err(NODE "[ehfilter]\nmax_dst_hdrs = 3\n", 6, "out of range 0..2");
	expect_err(NODE "[ehfilter]\nmax_pad_run = 0\n", 6, "out of range 1..255");
	expect_err(NODE "[ehfilter]\nmax_eh_chain_bytes = 7\n", 6, "out of range 8..65535");
	expect_err(NODE "[ehfilter]\nicmp_errors = maybe\n", 6, "'maybe' is not on, off, yes or no");
	expect_err(NODE "[ehfilter]\nenable = 2\n", 6, "is not on, off, yes or no");
	expect_err(NODE "[ehfilter]\nhbh = keep\nhbh = strip\n", 7, "hbh: set more than once");
	expect_err(NODE "[ehfilter]\nbogus = 1\n", 6, "[ehfilter]: unknown key 'bogus'");
	expect_err(NODE "[ehfilter.exit]\nmax_eh_count = 8\n", 6,
		   "[ehfilter.exit] max_eh_count: applies to both directions; set it in [ehfilter]");
	expect_err(NODE "[ehfilter.exit]\nicmp_errors = on\n", 6, "applies to both directions");
	expect_err(NODE "[ehfilter.exit]\nah_conflict = drop\n", 6, "applies to both directions");
	expect_err(NODE "[ehfilter.exit]\nrh_sl0 = drop\n", 6,
		   "[ehfilter.exit] rh_sl0: 'drop' is not one of keep, strip");
	expect_err(NODE "[ehfilter.entry]\nhbh = keep\n", 5, "unknown section [ehfilter.entry]");
	expect_err(NODE "[ehfilter.exit.x]\nhbh = keep\n", 5, "unknown section");
}

Test(conf, ehfilter_exit_inherits)
{
	expect_ok(NODE "[ehfilter]\ndstopt = drop\nrh_drop_types = 1\nhbh = drop\n"
		       "[ehfilter.exit]\nenable = yes\nrh_slnz = drop\n");
	const struct eh_rules *x = &c.ehfilter_exit.rules;
	cr_assert(x->enable);
	cr_assert_eq(x->hbh, EH_STRIP);	 /* the exit value, not [ehfilter]'s drop */
	cr_assert_eq(x->rh_sl0, EH_STRIP);
	cr_assert_eq(x->dstopt, EH_DROP); /* from [ehfilter] */
	cr_assert_eq(x->rh_slnz, EH_DROP);
	cr_assert_eq(c.ehfilter.rules.rh_slnz, EH_KEEP);
	for (unsigned t = 0; t < 256; t++)
		cr_assert_eq(eh_bit(x->rh_drop_types, t), t == 1);
	/* Set in the exit section wins, lists included. */
	expect_ok(NODE "[ehfilter]\nhbh_keep_types = 5\n"
		       "[ehfilter.exit]\nhbh = keep\nrh_sl0 = keep\nhbh_keep_types = none\n");
	x = &c.ehfilter_exit.rules;
	cr_assert_not(x->enable);
	cr_assert_eq(x->hbh, EH_KEEP);
	cr_assert_eq(x->rh_sl0, EH_KEEP);
	cr_assert_not(eh_bit(x->hbh_keep_types, 5));
	cr_assert(eh_bit(c.ehfilter.rules.hbh_keep_types, 5));
	/* The compiled policies. */
	struct eh_policy p[EH_DIR__COUNT];
	eh_policy_from_conf(p, &c);
	cr_assert(p[EH_DIR_ENTRY].r.enable);
	cr_assert(p[EH_DIR_ENTRY].keep_types_any);
	cr_assert_not(p[EH_DIR_EXIT].r.enable);
	cr_assert_not(p[EH_DIR_EXIT].keep_types_any);
}

Test(conf, ehfilter_later_file_overrides)
{
	struct conf_err e;
	cr_assert_eq(conf_parse_string(&c, NODE "[ehfilter]\nhbh = keep\nmax_eh_count = 4\n", "a",
				       &e),
		     0, "%s", e.msg);
	cr_assert_eq(conf_load_string(&c, "[ehfilter]\nhbh = strip\n[ehfilter.exit]\nhbh = keep\n",
				      "b", &e),
		     0, "%s", e.msg);
	cr_assert_eq(c.ehfilter.rules.hbh, EH_STRIP);
	cr_assert_eq(c.ehfilter.lim.max_eh_count, 4);
	cr_assert_eq(c.ehfilter_exit.rules.hbh, EH_KEEP);
}

Test(conf, ehfilter_never_needs_restart)
{
	/* A reload applies [ehfilter] live (node_reload rebuilds the policies). */
	static const char *const extra[] = {
		"[ehfilter]\nenable = no\n",
		"[ehfilter]\nhbh = drop\nmax_eh_count = 12\nicmp_errors = on\n",
		"[ehfilter.exit]\nenable = yes\nrh_slnz = drop\n",
	};
	struct conf a, b;
	struct conf_err e;

	conf_init(&a);
	cr_assert_eq(conf_load_string(&a, NODE, "a", &e), 0, "%s", e.msg);
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		conf_init(&b);
		cr_assert_eq(conf_parse_string(&b, NODE, "b", &e), 0);
		cr_assert_eq(conf_load_string(&b, extra[i], "extra", &e), 0, "%s", e.msg);
		cr_assert_not(conf_needs_restart(&a, &b), "%s", extra[i]);
		cr_assert_not(conf_needs_restart(&b, &a));
		conf_free(&b);
	}
	conf_free(&a);
}

Test(conf, dns_key_overridden_by_a_later_file)
{
	struct conf k;
	struct conf_err e;
	conf_init(&k);
	cr_assert_eq(conf_parse_string(&k, "[dns]\nttl = 30\n", "omnid.conf", &e), 0, "%s", e.msg);
	cr_assert_eq(conf_parse_string(&k, "[dns]\nttl = 90\n", "50-dns.conf", &e), 0, "%s", e.msg);
	cr_assert_eq(k.dns.ttl, 90);
	cr_assert_neq(conf_parse_string(&k, "[dns]\nttl = 10\nttl = 20\n", "60-x.conf", &e), 0);
	conf_free(&k);
}

Test(conf, offload_keys)
{
	struct conf k;
	struct conf_err e;
	conf_init(&k);
	cr_assert(k.omni.offload, "TUN offloads default to on");
	cr_assert_eq(conf_parse_string(&k, "[omni]\noffload = no\n[underlay.u]\nlisten = 0.0.0.0:8060\n",
				       "a.conf", &e), 0, "%s", e.msg);
	cr_assert(!k.omni.offload);
	cr_assert(k.underlays[0].offload, "underlay offloads default to on");
	cr_assert_eq(conf_parse_string(&k, "[underlay.u]\noffload = no\n", "b.conf", &e), 0, "%s",
		     e.msg);
	cr_assert(!k.underlays[0].offload);
	cr_assert_neq(conf_parse_string(&k, "[omni]\noffload = maybe\n", "c.conf", &e), 0);
	conf_free(&k);
}

/* ---- [api], [issuer.NAME], [agent.NAME] (spec/agentic-jwt.md B.8.2) ---- */

Test(conf, api_keys)
{
	char buf[ADDR_STR_MAX];

	expect_ok("[node]\nname = alpha\n" NODE "[api]\nsocket_group = omnid-api\n"
		  "admin_group = wheel\nreadonly_group = omnid_ro.1\nlisten_tcp = 127.0.0.1:7411\n"
		  "clock_skew = 0\nmax_token_lifetime = 86400\nmax_token_bytes = 1024\n"
		  "replay_cache_size = 16777216\nsingle_use_writes = yes\n"
		  "audit_log = /var/log/omnid-audit.log\n");
	cr_assert_str_eq(c.api.socket_group, "omnid-api");
	cr_assert_str_eq(c.api.admin_group, "wheel");
	cr_assert_str_eq(c.api.readonly_group, "omnid_ro.1");
	cr_assert(c.api.has_listen_tcp);
	cr_assert_str_eq(addr_format_endpoint(&c.api.listen_tcp, buf, sizeof(buf)),
			 "127.0.0.1:7411");
	/* The audience defaults to the node name. */
	cr_assert_str_eq(c.api.audience, "urn:omnid:node:alpha");
	cr_assert_eq(c.api.clock_skew, 0);
	cr_assert_eq(c.api.max_token_lifetime, 86400);
	cr_assert_eq(c.api.max_token_bytes, 1024);
	cr_assert_eq(c.api.replay_cache_size, 1U << 24);
	cr_assert(c.api.single_use_writes);
	cr_assert_str_eq(c.api.audit_log, "/var/log/omnid-audit.log");

	expect_ok(NODE "[api]\nlisten_tcp = [::1]:7411\naudience = https://a.omni.internal/\n");
	cr_assert_str_eq(addr_format_endpoint(&c.api.listen_tcp, buf, sizeof(buf)), "[::1]:7411");
	cr_assert_str_eq(c.api.audience, "https://a.omni.internal/");
}

Test(conf, api_empty_values_mean_off)
{
	struct conf_err e;

	/* A later file turns the admin group and the TCP listener off again. */
	cr_assert_eq(conf_parse_string(&c, NODE "[api]\nlisten_tcp = 127.0.0.1:1\n"
					      "readonly_group = ro\n",
				       "a", &e),
		     0, "%s", e.msg);
	cr_assert(c.api.has_listen_tcp);
	cr_assert_eq(conf_load_string(&c, "[api]\nadmin_group =\nreadonly_group =\nlisten_tcp =\n",
				      "b", &e),
		     0, "%s", e.msg);
	cr_assert_str_eq(c.api.admin_group, "");
	cr_assert_str_eq(c.api.readonly_group, "");
	cr_assert_not(c.api.has_listen_tcp);
	/* Only those three. */
	expect_err(NODE "[api]\nsocket_group =\n", 6, "empty value");
	expect_err(NODE "[api]\naudience =\n", 6, "empty value");
	expect_err(NODE "[api]\naudit_log =\n", 6, "empty value");
	/* An empty value still counts as set. */
	expect_err(NODE "[api]\nadmin_group =\nadmin_group = x\n", 7, "more than once");
	expect_err(NODE "[api]\nlisten_tcp = 127.0.0.1:2\nlisten_tcp =\n", 7, "more than once");
}

Test(conf, api_bad_values)
{
	static const struct {
		const char *line, *needle;
	} cases[] = {
		{ "socket_group = -x", "group name" },
		{ "socket_group = a b", "group name" },
		{ "admin_group = x/y", "group name" },
		{ "readonly_group = 123456789012345678901234567890123", "group name" },
		{ "listen_tcp = 0.0.0.0:7411", "loopback" },
		{ "listen_tcp = 127.0.0.2:7411", "loopback" },
		{ "listen_tcp = 192.0.2.1:7411", "loopback" },
		{ "listen_tcp = [::]:7411", "loopback" },
		{ "listen_tcp = [2001:db8::1]:7411", "loopback" },
		{ "listen_tcp = 127.0.0.1", "address:port" },
		{ "listen_tcp = 127.0.0.1:0", "address:port" },
		{ "listen_tcp = localhost:7411", "address:port" },
		{ "audience = a b", "spaces" },
		{ "audience = caf\xc3\xa9", "non-ASCII" },
		{ "clock_skew = 601", "out of range 0..600" },
		{ "clock_skew = -1", "decimal" },
		{ "max_token_lifetime = 0", "out of range 1..86400" },
		{ "max_token_lifetime = 86401", "out of range" },
		{ "max_token_bytes = 1023", "out of range 1024..65536" },
		{ "max_token_bytes = 65537", "out of range" },
		{ "replay_cache_size = 1023", "out of range 1024..16777216" },
		{ "replay_cache_size = 16777217", "out of range" },
		{ "single_use_writes = maybe", "not yes" },
		{ "audit_log = audit.log", "absolute path" },
		{ "tokens = 1", "unknown key" },
	};
	char text[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), NODE "[api]\n%s\n", cases[i].line);
		expect_err(text, 6, cases[i].needle);
	}
	/* Edges accepted. */
	expect_ok(NODE "[api]\nsocket_group = 12345678901234567890123456789012\n");
	expect_ok(NODE "[api]\nreplay_cache_size = 1024\nmax_token_bytes = 65536\n");
}

#define ISSUER "[issuer.corp]\niss = https://idp.example.internal\nkey_file = /etc/k.pem\n"
#define AGENT "[agent.patcher]\nsub = agent-patcher-01\nchecksum = " SUM_A "\n"

Test(conf, issuer_and_agent)
{
	expect_ok(NODE ISSUER "kid = corp-2026-01\nalg = EdDSA\n"
		       "[issuer.es]\niss = https://idp.example.internal\nkey_file = /k2\n"
		       "alg = ES256\n"
		       "kid = es-1\n" AGENT "checksum = " SUM_B "\n"
		       "max_scopes = route.read peer.read status.read\n"
		       "registration_id = reg_agent-patcher-01_1767225600\n"
		       "registration_id = reg_2\nrevoked_registration_id = reg_2\n"
		       "workflow_id = wf-patch\npeer_uid = 0\n"
		       "[agent.other]\nsub = agent-2\nchecksum = " SUM_A "\n"
		       "max_scopes = dns.read\n");
	cr_assert_eq(c.n_issuers, 2);
	cr_assert_str_eq(c.issuers[0].name, "corp");
	cr_assert_str_eq(c.issuers[0].iss, "https://idp.example.internal");
	cr_assert_str_eq(c.issuers[0].key_file, "/etc/k.pem");
	cr_assert_str_eq(c.issuers[0].kid, "corp-2026-01");
	cr_assert_eq(c.issuers[0].alg, JWS_ALG_EDDSA);
	cr_assert_eq(c.issuers[1].alg, JWS_ALG_ES256);
	cr_assert_eq(c.issuers[0].src_line, 5);
	cr_assert_eq(c.n_agents, 2);
	const struct conf_agent *a = &c.agents[0];
	cr_assert_str_eq(a->sub, "agent-patcher-01");
	cr_assert_eq(a->n_checksums, 2);
	cr_assert_eq(a->checksums[0][0], 0x24);
	cr_assert_eq(a->checksums[0][31], 0xf3);
	cr_assert_eq(a->checksums[1][31], 0x01);
	cr_assert_eq(a->max_scopes,
		     JWS_SCOPE_ROUTE_READ | JWS_SCOPE_PEER_READ | JWS_SCOPE_STATUS_READ);
	cr_assert_eq(a->n_registration_ids, 2);
	cr_assert_str_eq(a->registration_ids[1], "reg_2");
	cr_assert_eq(a->n_revoked_registration_ids, 1);
	cr_assert_eq(a->n_workflow_ids, 1);
	cr_assert_str_eq(a->workflow_ids[0], "wf-patch");
	cr_assert(a->has_peer_uid);
	cr_assert_eq(a->peer_uid, 0);
	cr_assert_not(c.agents[1].has_peer_uid);
	cr_assert_eq(c.agents[1].max_scopes, JWS_SCOPE_DNS_READ);
}

Test(conf, issuer_and_agent_across_files)
{
	struct conf_err e;

	/* A later file overrides scalars and appends to lists of the same agent. */
	cr_assert_eq(conf_parse_string(&c, NODE AGENT "max_scopes = route.read\n", "a", &e), 0,
		     "%s", e.msg);
	cr_assert_eq(conf_load_string(&c, "[agent.PATCHER]\nchecksum = " SUM_B "\n"
					  "max_scopes = peer.write\n",
				      "b", &e),
		     0, "%s", e.msg);
	cr_assert_eq(c.n_agents, 1);
	cr_assert_eq(c.agents[0].n_checksums, 2);
	cr_assert_eq(c.agents[0].max_scopes, JWS_SCOPE_PEER_WRITE);
}

Test(conf, issuer_and_agent_errors)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *needle;
	} cases[] = {
		{ "[issuer]\n", 5, "needs a name" },
		{ "[issuer.-x]\n", 5, "not a name" },
		{ "[issuer.i]\niss = a b\n", 6, "spaces" },
		{ "[issuer.i]\nkey_file = k.pem\n", 6, "absolute path" },
		{ "[issuer.i]\nalg = eddsa\n", 6, "not EdDSA or ES256" },
		{ "[issuer.i]\nalg = RS256\n", 6, "not EdDSA or ES256" },
		{ "[issuer.i]\nalg = none\n", 6, "not EdDSA or ES256" },
		{ "[issuer.i]\nkid = \x01\n", 6, "control character" },
		{ "[issuer.i]\nalg = EdDSA\nalg = ES256\n", 7, "more than once" },
		{ "[issuer.i]\nsub = x\n", 6, "unknown key" },
		{ "[agent]\n", 5, "needs a name" },
		{ "[agent.a]\nchecksum = " SUM_A "0\n", 6, "64 lowercase hex" },
		{ "[agent.a]\nchecksum = "
		  "242D2F23A194483A0AEA19C60F86CA2FB887D97EDFD2CDFDCF4E2D650A2F79F3\n",
		  6, "64 lowercase hex" },
		{ "[agent.a]\nchecksum = sha256:" SUM_A "\n", 6, "64 lowercase hex" },
		{ "[agent.a]\nchecksum = " SUM_A "\nchecksum = " SUM_A "\n", 7, "listed twice" },
		{ "[agent.a]\nmax_scopes = route.*\n", 6, "known scopes" },
		{ "[agent.a]\nmax_scopes = route.read  peer.read\n", 6, "known scopes" },
		{ "[agent.a]\nmax_scopes = route.read route.read\n", 6, "known scopes" },
		{ "[agent.a]\nmax_scopes = admin\n", 6, "known scopes" },
		{ "[agent.a]\nregistration_id = a\nregistration_id = a\n", 7, "listed twice" },
		{ "[agent.a]\nworkflow_id = w\x7f\n", 6, "control character" },
		{ "[agent.a]\nworkflow_id = w\xc3\xa9\n", 6, "non-ASCII" },
		{ "[agent.a]\nworkflow_id = "
		  "12345678901234567890123456789012345678901234567890123456789012345678901234567890"
		  "1234567890123456789012345678901234567890123456789\n",
		  6, "longer than 128" },
		{ "[agent.a]\npeer_uid = 4294967295\n", 6, "out of range" },
		{ "[agent.a]\npeer_uid = root\n", 6, "decimal" },
		{ "[agent.a]\nsub = x\nsub = y\n", 7, "more than once" },
		{ "[agent.a]\niss = x\n", 6, "unknown key" },
		/* conf_finish: required keys and duplicates, at the section header. */
		{ "[issuer.i]\nkey_file = /k\nalg = EdDSA\n", 5, "[issuer.i]: 'iss" },
		{ "[issuer.i]\niss = x\nalg = EdDSA\n", 5, "'key_file" },
		{ "[issuer.i]\niss = x\nkey_file = /k\n", 5, "'alg = EdDSA' or" },
		{ ISSUER "alg = EdDSA\n[issuer.j]\niss = https://idp.example.internal\n"
			 "key_file = /j\nalg = ES256\n",
		  9, "same iss as [issuer.corp]" },
		{ ISSUER "alg = EdDSA\nkid = a\n[issuer.j]\niss = https://idp.example.internal\n"
			 "key_file = /j\nalg = ES256\n",
		  10, "its own kid" },
		{ ISSUER "alg = EdDSA\nkid = a\n[issuer.j]\niss = https://idp.example.internal\n"
			 "key_file = /j\nalg = ES256\nkid = a\n",
		  10, "its own kid" },
		{ "[agent.a]\nchecksum = " SUM_A "\nmax_scopes = route.read\n", 5, "'sub" },
		{ "[agent.a]\nsub = s\nmax_scopes = route.read\n", 5, "'checksum" },
		{ "[agent.a]\nsub = s\nchecksum = " SUM_A "\n", 5, "'max_scopes" },
		{ AGENT "max_scopes = route.read\n[agent.b]\nsub = agent-patcher-01\n"
			"checksum = " SUM_B "\nmax_scopes = route.read\n",
		  9, "also [agent.patcher]'s" },
	};
	char text[1024];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), NODE "%s", cases[i].text);
		expect_err(text, cases[i].line, cases[i].needle);
	}
	/* Same iss with different kids, and same kid under different iss, are fine. */
	expect_ok(NODE ISSUER "alg = EdDSA\nkid = a\n"
			      "[issuer.j]\niss = https://idp.example.internal\n"
			      "key_file = /j\nalg = ES256\nkid = b\n[issuer.k]\niss = https://o\n"
			      "key_file = /j\nalg = ES256\nkid = b\n");
	/* An empty max_scopes is not allowed; the agent needs at least one scope. */
	expect_err(NODE AGENT "max_scopes =\n", 8, "empty value");
}

/* ---- [scion], [scion.route.NAME], [scion.link.NAME] (docs/scion.md) ---- */

#define SCION_HOST                                                                                 \
	NODE "[scion]\nrole = host\nisd_as = 1-ff00:0:110\nlisten = 10.1.0.2:30041\n"             \
	     "first_hop = 10.1.0.1:30042\npath_file = /etc/omnid/paths.json\n"
#define SCION_ROUTER                                                                               \
	NODE "[scion]\nrole = router\nisd_as = 1-ff00:0:110\nlisten = 10.1.0.1:30042\n"

Test(conf, scion_off_by_default)
{
	expect_ok(NODE);
	cr_assert_eq(c.scion.role, CONF_SCION_OFF);
	cr_assert_eq(c.scion.port, 30041);
	cr_assert_eq(c.scion.probe_interval, 1000);
	cr_assert_eq(c.n_scion_routes, 0);
}

Test(conf, scion_host_route)
{
	expect_ok(SCION_HOST "[scion.route.far]\nisd_as = 1-ff00:0:112\nhost = 10.4.0.2\n"
			     "prefix = 10.40.0.0/24\nprefix = 2001:db8:40::/48\n"
			     "[scion]\nprefer = b\nprefer = a\nhysteresis = 500\nifdown_hold = 0\n");
	cr_assert_eq(c.scion.role, CONF_SCION_HOST);
	cr_assert_eq(c.scion.isd_as, 0x0001ff0000000110ULL);
	cr_assert(prefix_is(&c.scion.host, "10.1.0.2/32")); /* defaults to the listen address */
	cr_assert(endpoint_is(&c.scion.first_hop, "10.1.0.1:30042"));
	cr_assert_eq(c.n_scion_routes, 1);
	cr_assert_eq(c.scion_routes[0].isd_as, 0x0001ff0000000112ULL);
	cr_assert(prefix_is(&c.scion_routes[0].host, "10.4.0.2/32"));
	cr_assert_eq(c.scion_routes[0].n_prefixes, 2);
	/* The prefixes join [omni] route, so the TUN gets them. */
	cr_assert_eq(c.omni.n_routes, 2);
	cr_assert(prefix_is(&c.omni.routes[0], "10.40.0.0/24"));
	cr_assert_eq(c.scion.n_prefer, 2);
	cr_assert_str_eq(c.scion.prefer[0], "b");
	cr_assert_str_eq(c.scion.prefer[1], "a");
	cr_assert(c.scion.has_hysteresis);
	cr_assert_eq(c.scion.hysteresis, 500);
	cr_assert(c.scion.has_ifdown_hold);
	cr_assert_eq(c.scion.ifdown_hold, 0);
}

Test(conf, scion_router_keys)
{
	/* master0.key of the reference implementation -> K1 (vectors/scion §3). */
	static const uint8_t k1[16] = { 0x49, 0x0b, 0x3a, 0x8b, 0xd9, 0x1d, 0xc8, 0x4b,
					0x43, 0x1c, 0x1f, 0x17, 0x6b, 0x69, 0x01, 0xe5 };
	static const uint8_t raw[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

	expect_ok(SCION_ROUTER "master_key = WBwuhjeRhrAyNMQnc7cxfw==\nkeepalive = 100\n"
			       "[scion.link.up]\nifid = 7\nlocal = 10.9.0.1:50000\n"
			       "remote = 10.9.0.2:50000\nup = no\nneighbor_isd_as = 1-ff00:0:111\n");
	cr_assert(c.scion.has_forwarding_key);
	cr_assert_arr_eq(c.scion.forwarding_key, k1, 16);
	cr_assert_eq(c.scion.keepalive, 100);
	cr_assert_eq(c.n_scion_links, 1);
	cr_assert_eq(c.scion_links[0].ifid, 7);
	cr_assert_not(c.scion_links[0].up);
	cr_assert_eq(c.scion_links[0].neighbor_isd_as, 0x0001ff0000000111ULL);
	expect_ok(SCION_ROUTER "forwarding_key = AAECAwQFBgcICQoLDA0ODw==\n"
			       "[scion.link.a]\nifid = 1\nlocal = 10.9.0.1:50000\n"
			       "remote = 10.9.0.2:50000\n");
	cr_assert_arr_eq(c.scion.forwarding_key, raw, 16);
	cr_assert(c.scion_links[0].up);
}

Test(conf, scion_errors)
{
	expect_err(NODE "[scion]\nisd_as = 1-1\n", 0, "'role = host' or 'role = router' is required");
	expect_err(NODE "[scion.route.x]\nisd_as = 1-2\n", 5, "role = host");
	expect_err(NODE "[scion]\nrole = gateway\n", 6, "'gateway' is not host or router");
	expect_err(NODE "[scion]\nisd_as = 0-5\n", 6, "is not an ISD-AS");
	expect_err(NODE "[scion]\nisd_as = 1-0\n", 6, "is not an ISD-AS");
	expect_err(NODE "[scion]\nisd_as = 1-ff00:0:1:2\n", 6, "is not an ISD-AS");
	expect_err(NODE "[scion]\nforwarding_key = AAECAwQFBgcICQoLDA0O\n", 6, "24 characters");
	expect_err(NODE "[scion]\nmaster_key = AAECAwQFBgcICQoLDA0ODw=\n", 6, "24 characters");
	expect_err(NODE "[scion]\nhost = 10.0.0.1/32\n", 6, "is not an IPv4 or IPv6 address");
	expect_err(NODE "[scion]\nhost = 0.0.0.0\n", 6, "is not an IPv4 or IPv6 address");
	expect_err(NODE "[scion]\nport = 0\n", 6, "out of range 1..65535");
	expect_err(NODE "[scion]\nprefer = a b\n", 6, "has spaces");
	expect_err(NODE "[scion]\nprefer = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 6, "longer than 31");
	expect_err(NODE "[scion]\nloss_threshold = 0\n", 6, "out of range 1..1000");
	expect_err(NODE "[scion]\nkeepalive = 60001\n", 6, "out of range 0..60000");
	expect_err(NODE "[scion]\nrole = host\nrole = host\n", 7, "set more than once");
	expect_err(NODE "[scion]\nrole = host\n", 0, "'isd_as = <ISD-AS>' is required");
	expect_err(NODE "[scion]\nrole = host\nisd_as = 1-1\n", 0, "'listen");
	expect_err(NODE "[scion]\nrole = host\nisd_as = 1-1\nlisten = 0.0.0.0:30041\n", 0,
		   "host: required when listen is the unspecified");
	expect_err(NODE "[scion]\nrole = host\nisd_as = 1-1\nlisten = 10.0.0.1:1\n", 0,
		   "'first_hop");
	expect_err(NODE "[scion]\nrole = host\nisd_as = 1-1\nlisten = 10.0.0.1:1\n"
			"first_hop = 10.0.0.2:2\n",
		   0, "'path_file");
	/* Routes. */
	expect_err(SCION_HOST "[scion.route.r]\nhost = 10.4.0.2\nprefix = 10.4.0.0/24\n", 11,
		   "[scion.route.r]: 'isd_as = <ISD-AS>' is required");
	expect_err(SCION_HOST "[scion.route.r]\nisd_as = 1-2\nprefix = 10.4.0.0/24\n", 11,
		   "'host = <address>' is required");
	expect_err(SCION_HOST "[scion.route.r]\nisd_as = 1-2\nhost = 10.4.0.2\n", 11,
		   "'prefix = <prefix>' is required");
	expect_err(SCION_HOST "[scion.route.r]\nisd_as = 1-ff00:0:110\nhost = 10.4.0.2\n"
			      "prefix = 10.4.0.0/24\n",
		   11, "own ISD-AS");
	expect_err(SCION_HOST "[scion.route.r]\nisd_as = 1-2\nhost = 10.4.0.2\n"
			      "prefix = 2001:db8:a:1::/64\n",
		   11, "overlaps this node's own mnp");
	expect_err(SCION_HOST "[scion.route.r]\nisd_as = 1-2\nhost = 10.4.0.2\n"
			      "prefix = 10.4.0.0/24\nprefix = 10.4.0.128/25\n",
		   11, "10.4.0.128/25 overlaps 10.4.0.0/24 of [scion.route.r]");
	expect_err(SCION_HOST "[scion.route.r]\nisd_as = 1-2\nhost = 10.4.0.2\n"
			      "prefix = 10.4.0.0/24\n[scion.route.s]\nisd_as = 1-3\n"
			      "host = 10.5.0.2\nprefix = 10.0.0.0/8\n",
		   15, "overlaps 10.4.0.0/24 of [scion.route.r]");
	expect_err(SCION_HOST "forwarding_key = AAECAwQFBgcICQoLDA0ODw==\n", 0, "need 'role = router'");
	expect_err(SCION_HOST "[scion.route.r]\nisd_as = 1-2\nhost = 10.4.0.2\n"
			      "prefix = 10.4.0.0/24\n[peer.p]\npublic_key = " PK_A "\n"
			      "msid = 5\nallowed_prefix = 10.4.0.128/25\n",
		   11, "10.4.0.0/24 overlaps 10.4.0.128/25 of [peer.p]");
	expect_err(SCION_HOST "[scion.link.l]\nifid = 1\n", 11, "links need 'role = router'");
	/* Routers. */
	expect_err(SCION_ROUTER "[scion.link.l]\nifid = 1\nlocal = 10.9.0.1:1\nremote = 10.9.0.2:1\n",
		   0, "'forwarding_key = <base64>' or 'master_key = <base64>' is required");
	expect_err(SCION_ROUTER "forwarding_key = AAECAwQFBgcICQoLDA0ODw==\n"
				"master_key = AAECAwQFBgcICQoLDA0ODw==\n",
		   0, "only one of forwarding_key and master_key");
	expect_err(SCION_ROUTER "forwarding_key = AAECAwQFBgcICQoLDA0ODw==\n", 0,
		   "at least one [scion.link.NAME]");
	expect_err(SCION_ROUTER "forwarding_key = AAECAwQFBgcICQoLDA0ODw==\n"
				"[scion.link.l]\nlocal = 10.9.0.1:1\nremote = 10.9.0.2:1\n",
		   10, "[scion.link.l]: 'ifid = <1..65535>' is required");
	expect_err(SCION_ROUTER "forwarding_key = AAECAwQFBgcICQoLDA0ODw==\n"
				"[scion.link.l]\nifid = 1\nremote = 10.9.0.2:1\n",
		   10, "'local = <address>:<port>' is required");
	expect_err(SCION_ROUTER "forwarding_key = AAECAwQFBgcICQoLDA0ODw==\n"
				"[scion.link.l]\nifid = 1\nlocal = 10.9.0.1:1\n",
		   10, "'remote = <address>:<port>' is required");
	expect_err(SCION_ROUTER "forwarding_key = AAECAwQFBgcICQoLDA0ODw==\n"
				"[scion.link.l]\nifid = 1\nlocal = 10.9.0.1:1\nremote = [::1]:1\n",
		   10, "different address families");
	expect_err(SCION_ROUTER "forwarding_key = AAECAwQFBgcICQoLDA0ODw==\n"
				"[scion.link.l]\nifid = 1\nlocal = 10.9.0.1:1\nremote = 10.9.0.2:1\n"
				"[scion.link.m]\nifid = 1\nlocal = 10.9.0.3:1\nremote = 10.9.0.4:1\n",
		   14, "ifid: 1 is also [scion.link.l]'s");
	expect_err(SCION_ROUTER "forwarding_key = AAECAwQFBgcICQoLDA0ODw==\n"
				"[scion.link.l]\nifid = 1\nlocal = 10.9.0.1:1\nremote = 10.9.0.2:1\n"
				"[scion.link.m]\nifid = 2\nlocal = 10.9.0.1:1\nremote = 10.9.0.4:1\n",
		   14, "local: 10.9.0.1:1 is also [scion.link.l]'s");
	expect_err(SCION_ROUTER "forwarding_key = AAECAwQFBgcICQoLDA0ODw==\n"
				"[scion.link.l]\nifid = 1\nlocal = 10.1.0.1:30042\nremote = 10.9.0.2:1\n",
		   10, "the same as [scion] listen");
	expect_err(SCION_ROUTER "[scion.route.r]\nisd_as = 1-2\n", 9, "routes need 'role = host'");
}

Test(conf, scion_restart_rules)
{
	struct conf a, b;
	struct conf_err e;
	const char *base = SCION_ROUTER "forwarding_key = AAECAwQFBgcICQoLDA0ODw==\n"
					"[scion.link.l]\nifid = 1\nlocal = 10.9.0.1:1\n";

	char t1[1024], t2[1024];
	snprintf(t1, sizeof(t1), "%sremote = 10.9.0.2:1\n", base);
	snprintf(t2, sizeof(t2), "%sremote = 10.9.0.3:1\nup = no\n", base);
	conf_init(&a);
	conf_init(&b);
	cr_assert_eq(conf_load_string(&a, t1, "a", &e), 0, "%s", e.msg);
	cr_assert_eq(conf_load_string(&b, t2, "b", &e), 0, "%s", e.msg);
	cr_assert_not(conf_needs_restart(&a, &b)); /* remote and up/down apply live */
	b.scion_links[0].ifid = 2;
	cr_assert(conf_needs_restart(&a, &b));
	b.scion_links[0].ifid = 1;
	b.scion.isd_as++;
	cr_assert(conf_needs_restart(&a, &b));
	conf_free(&a);
	conf_free(&b);
}

/* AERO (docs/aero.md): [node] role, [server.NAME], [client.NAME], [aero]. */
#define SRV_NODE "[node]\nrole = server\n[omni]\nmsid = 7\n[underlay.u]\nlisten = 192.0.2.1:8060\n"

Test(conf, aero_client_and_server)
{
	expect_ok(NODE "[server.s1]\npublic_key = " PK_S "\nendpoint = 192.0.2.9:8060\nmsid = 7\n"
		       "[aero]\nmsp = 2001:db8::/32\nmsp = 2001:db9::/32\n");
	cr_assert_eq(c.node.role, CONF_ROLE_CLIENT);
	cr_assert_eq(c.n_peers, 1);
	cr_assert_eq(c.peers[0].kind, CONF_PEER_SERVER);
	cr_assert_eq(c.peers[0].msid, 7);
	cr_assert_eq(c.aero.n_msp, 2);
	cr_assert_eq(c.aero.router_lifetime, 600);
	cr_assert_eq(c.aero.nat_keepalive, 25);
	expect_ok(SRV_NODE "[aero]\nrouter_lifetime = 30\n[client.a]\npublic_key = " PK_A
			   "\nmnp = 2001:db8:a::/48\n[peer.s2]\npublic_key = " PK_B "\nmsid = 8\n");
	cr_assert_eq(c.node.role, CONF_ROLE_SERVER);
	cr_assert_eq(c.aero.router_lifetime, 30);
	/* a role change needs a restart */
	struct conf other;
	conf_init(&other);
	cr_assert_eq(conf_load_string(&other, SRV_NODE, "o.conf", &err), 0);
	cr_assert_not(conf_needs_restart(&c, &other));
	other.node.role = CONF_ROLE_CLIENT;
	cr_assert(conf_needs_restart(&c, &other));
	conf_free(&other);
	cr_assert_eq(c.n_peers, 2);
	cr_assert_eq(c.peers[0].kind, CONF_PEER_CLIENT);
	cr_assert_eq(c.peers[1].kind, CONF_PEER_STATIC);
	cr_assert_not(c.peers[1].mesh);
	expect_ok(SRV_NODE "[peer.s2]\npublic_key = " PK_B "\nmsid = 8\nmesh = yes\n");
	cr_assert(c.peers[0].mesh);
}

Test(conf, aero_errors)
{
	expect_err("[node]\nrole = relay\n", 2, "not one of client, server");
	expect_err(SRV_NODE "[aero]\nrouter_lifetime = 2\n", 8, "router_lifetime");
	expect_err(SRV_NODE "[aero]\nrouter_lifetime = 9001\n", 8, "router_lifetime");
	expect_err("[node]\nrole = server\n" NODE, 0, "role = server needs [omni] msid");
	/* a server section needs msid and endpoint, and only clients have one */
	expect_err(NODE "[server.s1]\npublic_key = " PK_S "\nmsid = 7\n", 5, "[server.s1]");
	expect_err(NODE "[server.s1]\npublic_key = " PK_S "\nendpoint = 192.0.2.9:8060\n", 5,
		   "mnp");
	expect_err(SRV_NODE "[server.s1]\npublic_key = " PK_S
			    "\nendpoint = 192.0.2.9:8060\nmsid = 9\n",
		   7, "[server.s1]");
	expect_err(NODE "[client.a]\npublic_key = " PK_A "\nmnp = 2001:db8:b::/48\n", 5,
		   "only a node with [node] role = server");
	expect_err(SRV_NODE "[client.a]\nendpoint = 192.0.2.9:8060\n", 8, "unknown key 'endpoint'");
	expect_err(SRV_NODE "[client.a]\nmsid = 3\n", 8, "unknown key 'msid'");
	/* an IPv6 server endpoint without msp would route the underlay into the overlay */
	expect_err("[omni]\nmnp = 2001:db8:a::/48\n[underlay.u]\nlisten = [2001:db8:ff::1]:8060\n"
		   "[server.s1]\npublic_key = " PK_S "\nendpoint = [2001:db8:ff::2]:8060\nmsid = 7\n",
		   5, "needs [aero] msp");
	expect_ok("[omni]\nmnp = 2001:db8:a::/48\n[underlay.u]\nlisten = [2001:db8:ff::1]:8060\n"
		  "[server.s1]\npublic_key = " PK_S "\nendpoint = [2001:db8:ff::2]:8060\nmsid = 7\n"
		  "[aero]\nmsp = 2001:db8::/32\n");
	/* one name, one kind */
	expect_err(SRV_NODE "[peer.a]\npublic_key = " PK_A "\nmsid = 9\n[client.a]\n", 10,
		   "already used");
	/* the server mesh: only between servers, and the meshed peer is named by its msid */
	expect_err(NODE "[peer.s2]\npublic_key = " PK_B "\nmsid = 8\nmesh = yes\n", 5,
		   "[peer.s2] mesh: needs [node] role = server");
	expect_err(SRV_NODE "[peer.s2]\npublic_key = " PK_B "\nmnp = 2001:db8:b::/48\nmesh = yes\n",
		   7, "the peer's 'msid'");
	expect_err(SRV_NODE "[peer.s2]\npublic_key = " PK_B "\nmsid = 8\nmesh = maybe\n", 10,
		   "mesh");
	/* two clients with overlapping MNPs */
	expect_err(SRV_NODE "[client.a]\npublic_key = " PK_A "\nmnp = 2001:db8:a::/48\n"
			    "[client.b]\npublic_key = " PK_B "\nmnp = 2001:db8:a:1::/64\n",
		   10, "overlaps");
}

/* ---- conf_section_values: effective values rendered back to the text form ---- */

struct rendered {
	char text[8192];
	size_t len;
	unsigned calls;
	unsigned stop_after; /* 0 = never stop */
};

static int collect(void *arg, const char *key, const char *value)
{
	struct rendered *r = arg;

	r->calls++;
	r->len += (size_t)snprintf(r->text + r->len, sizeof(r->text) - r->len, "%s = %s\n", key,
				   value);
	cr_assert_lt(r->len, sizeof(r->text));
	return r->stop_after && r->calls == r->stop_after ? 7 : 0;
}

/* "[section]\n" plus every key = value of @section in @from. */
static void render_section(const struct conf *from, const char *section, struct rendered *r)
{
	memset(r, 0, sizeof(*r));
	r->len = (size_t)snprintf(r->text, sizeof(r->text), "[%s]\n", section);
	cr_assert_eq(conf_section_values(from, section, collect, r), 0);
}

/* The effective values of two rule sets (has_* flags say who set them, not what they are). */
static void rules_eq(const struct eh_rules *a, const struct eh_rules *b)
{
	cr_assert_eq(a->enable, b->enable);
	cr_assert_eq(a->hbh_pad, b->hbh_pad);
	cr_assert_eq(a->hbh, b->hbh);
	cr_assert_eq(a->dstopt, b->dstopt);
	cr_assert_eq(a->rh2, b->rh2);
	cr_assert_eq(a->rh_sl0, b->rh_sl0);
	cr_assert_eq(a->rh_slnz, b->rh_slnz);
	cr_assert_eq(a->rh_unknown_sl0, b->rh_unknown_sl0);
	cr_assert_eq(a->rh_unknown_slnz, b->rh_unknown_slnz);
	cr_assert_eq(a->exp_eh, b->exp_eh);
	cr_assert_eq(a->unknown_nh, b->unknown_nh);
	cr_assert_arr_eq(a->hbh_keep_types, b->hbh_keep_types, 32);
	cr_assert_arr_eq(a->rh_drop_types, b->rh_drop_types, 32);
}

/* Render both EH sections of c, load NODE + them into a fresh conf, compare. */
static void eh_round_trip(void)
{
	struct rendered in, ex;
	char text[20000];
	struct conf d;
	struct conf_err e = { 0 };

	render_section(&c, "ehfilter", &in);
	render_section(&c, "ehfilter.exit", &ex);
	cr_assert_eq(in.calls, 21, "every [ehfilter] key once, got %u", in.calls);
	cr_assert_eq(ex.calls, 13, "the 13 rule keys of [ehfilter.exit], got %u", ex.calls);
	cr_assert_null(strstr(ex.text, "max_eh_count"));
	snprintf(text, sizeof(text), NODE "%s%s", in.text, ex.text);
	conf_init(&d);
	cr_assert_eq(conf_load_string(&d, text, "r.conf", &e), 0, "%s\n%s", e.msg, text);
	cr_assert(memcmp(&c.ehfilter.lim, &d.ehfilter.lim, sizeof(d.ehfilter.lim)) == 0);
	rules_eq(&c.ehfilter.rules, &d.ehfilter.rules);
	rules_eq(&c.ehfilter_exit.rules, &d.ehfilter_exit.rules);
	conf_free(&d);
}

Test(conf, section_values_ehfilter_defaults)
{
	struct rendered r;

	expect_ok(NODE);
	render_section(&c, "ehfilter", &r);
	/* Known answers: the A.6 defaults, and the exit values conf_finish resolved. */
	cr_assert_not_null(strstr(r.text, "\nenable = on\n"), "%s", r.text);
	cr_assert_not_null(strstr(r.text, "\nhbh_pad = strip\n"));
	cr_assert_not_null(strstr(r.text, "\nexp_eh = drop\n"));
	cr_assert_not_null(strstr(r.text, "\nhbh_keep_types = none\n"));
	cr_assert_not_null(strstr(r.text, "\nrh_drop_types = 1 3 253 254\n"), "%s", r.text);
	cr_assert_not_null(strstr(r.text, "\nicmp_errors = "));
	render_section(&c, "ehfilter.exit", &r);
	cr_assert_not_null(strstr(r.text, "\nenable = off\n"), "%s", r.text);
	cr_assert_not_null(strstr(r.text, "\nhbh = strip\n"));
	cr_assert_not_null(strstr(r.text, "\nrh_sl0 = strip\n"));
	cr_assert_not_null(strstr(r.text, "\nexp_eh = drop\n"));
	eh_round_trip();
}

Test(conf, section_values_ehfilter_every_key)
{
	expect_ok(NODE "[ehfilter]\n"
		       "enable = off\nhbh_pad = keep\nhbh = drop\nhbh_keep_types = 5 0 255\n"
		       "dstopt = drop\nrh_drop_types = none\nrh2 = drop\nrh_sl0 = strip\n"
		       "rh_slnz = drop\nrh_unknown_sl0 = strip\nrh_unknown_slnz = drop\n"
		       "exp_eh = keep\nunknown_nh = drop\nmax_eh_count = 3\n"
		       "max_eh_chain_bytes = 999\nparse_window = 48\nmax_dst_hdrs = 0\n"
		       "max_opts_per_hdr = 255\nmax_pad_run = 1\nah_conflict = drop\n"
		       "icmp_errors = no\n"
		       "[ehfilter.exit]\n"
		       "enable = yes\nhbh_pad = drop\nhbh = keep\nhbh_keep_types = 7\n"
		       "dstopt = keep\nrh_drop_types = 0 1 2 3 4\nrh2 = keep\nrh_sl0 = keep\n"
		       "rh_slnz = keep\nrh_unknown_sl0 = keep\nrh_unknown_slnz = keep\n"
		       "exp_eh = drop\nunknown_nh = keep\n");
	eh_round_trip();

	struct rendered r;
	render_section(&c, "ehfilter", &r);
	cr_assert_not_null(strstr(r.text, "\nhbh_keep_types = 0 5 255\n"), "%s", r.text);
	cr_assert_not_null(strstr(r.text, "\nrh_drop_types = none\n"));
	cr_assert_not_null(strstr(r.text, "\nmax_eh_chain_bytes = 999\n"));
	cr_assert_not_null(strstr(r.text, "\nicmp_errors = off\n"));
	render_section(&c, "ehfilter.exit", &r);
	cr_assert_not_null(strstr(r.text, "\nenable = on\n"));
	cr_assert_not_null(strstr(r.text, "\nhbh_pad = drop\n"));
	cr_assert_not_null(strstr(r.text, "\nrh_drop_types = 0 1 2 3 4\n"));
}

Test(conf, section_values_unknown_section)
{
	struct rendered r = { 0 };

	expect_ok(MINIMAL);
	cr_assert_eq(conf_section_values(&c, "nosuch", collect, &r), -ENOENT);
	cr_assert_eq(conf_section_values(&c, "", collect, &r), -ENOENT);
	cr_assert_eq(conf_section_values(&c, "ehfilter.", collect, &r), -ENOENT);
	cr_assert_eq(conf_section_values(&c, "EHFILTER", collect, &r), -ENOENT);
	/* A named section kind needs the name of an existing object (never creates one). */
	cr_assert_eq(conf_section_values(&c, "peer", collect, &r), -ENOENT);
	cr_assert_eq(conf_section_values(&c, "peer.", collect, &r), -ENOENT);
	cr_assert_eq(conf_section_values(&c, "peer.gamma", collect, &r), -ENOENT);
	cr_assert_eq(conf_section_values(&c, "underlay", collect, &r), -ENOENT);
	cr_assert_eq(conf_section_values(&c, "underlay.beta", collect, &r), -ENOENT);
	cr_assert_eq(conf_section_values(&c, "scion.link", collect, &r), -ENOENT);
	cr_assert_eq(conf_section_values(&c, "scion.link.x", collect, &r), -ENOENT);
	cr_assert_eq(r.calls, 0);
	cr_assert_eq(c.n_peers, 1, "a lookup created nothing");
	cr_assert_eq(c.n_underlays, 1);
	render_section(&c, "peer.beta", &r);
	cr_assert_str_eq(r.text, "[peer.beta]\npublic_key = " PK_B "\nendpoint = 192.0.2.20:8060\n"
				 "mnp = 2001:db8:1000:3000::/56\npersistent_keepalive = 0\n");
	memset(&r, 0, sizeof(r));
	/* A callback's non-zero answer stops the walk and is returned. */
	r.stop_after = 2;
	cr_assert_eq(conf_section_values(&c, "ehfilter", collect, &r), 7);
	cr_assert_eq(r.calls, 2);
}

/* Every unnamed section: render, parse into a fresh conf, render again: same text. */
Test(conf, section_values_round_trip_all_sections)
{
	static const char *const secs[] = { "node",	"omni",		 "secure", "api",
					    "dns",	"ehfilter",	 "ehfilter.exit", "scion" };
	expect_ok("[node]\nname = alpha\nlog_level = debug\ndebug = peer hs crypto\n"
		  "overlay = corp\nprivate_key_file = /k\n"
		  "[omni]\ntun = ov1\nmtu = 9000\nmnp = 2001:db8:a::/48\n"
		  "ula_domain = fd00:1:2::/48\nlink_id = 7\naddress = 2001:db8:a::5/64\n"
		  "address = 10.1.2.3/24\nroute = 10.9.0.0/16\nroute = 2001:db8:ff::/48\n"
		  "oal_hop_limit = 9\noal_checksum = no\noffload = no\nreassembly_timeout = 3\n"
		  "reassembly_mem_peer = 70000\nreassembly_mem_total = 80000\n"
		  "[secure]\nrekey_after_time = 100\nrekey_after_packets = 18446744073709551615\n"
		  "keepalive = 5\n"
		  "[underlay.u]\nlisten = [2001:db8::1]:9\n"
		  "[api]\nsocket = /run/x.sock\nsocket_group = g1\nadmin_group = \n"
		  "readonly_group = ro\nlisten_tcp = [::1]:8080\naudience = urn:x\n"
		  "clock_skew = 0\nsingle_use_writes = yes\n"
		  "[dns]\nenable = yes\nlisten_port = 5353\nttl = 0\nregister_resolved = no\n"
		  "hosts_export = /h\nrate_limit = 0\n"
		  "[scion]\nrole = host\nisd_as = 1-ff00:0:110\nlisten = 10.0.0.1:30041\n"
		  "host = 10.0.0.2\npath_file = /p.json\n"
		  "first_hop = 10.0.0.9:30042\nport = 99\nprefer = a\nprefer = b-c\n"
		  "hysteresis = 0\n"
		  "[scion.route.r]\nisd_as = 1-ff00:0:111\nhost = 10.0.1.2\nprefix = 10.77.0.0/16\n");
	for (size_t i = 0; i < ARRAY_SIZE(secs); i++) {
		struct rendered a, b;
		struct conf d;
		struct conf_err e = { 0 };

		render_section(&c, secs[i], &a);
		conf_init(&d);
		cr_assert_eq(conf_parse_string(&d, a.text, "r.conf", &e), 0, "%s: %s\n%s", secs[i],
			     e.msg, a.text);
		render_section(&d, secs[i], &b);
		cr_assert_str_eq(a.text, b.text, "[%s] does not round-trip", secs[i]);
		conf_free(&d);
	}
	struct rendered r;
	render_section(&c, "node", &r);
	cr_assert_not_null(strstr(r.text, "\ndebug = peer hs crypto\n"), "%s", r.text);
	cr_assert_not_null(strstr(r.text, "\nlog_level = debug\n"));
	render_section(&c, "omni", &r);
	cr_assert_not_null(strstr(r.text, "\naddress = 10.1.2.3/24\n"), "%s", r.text);
	cr_assert_not_null(strstr(r.text, "\nroute = 2001:db8:ff::/48\n"));
	cr_assert_null(strstr(r.text, "msid"), "msid 0 is 'not set'");
	render_section(&c, "api", &r);
	cr_assert_not_null(strstr(r.text, "\nadmin_group = \n"), "%s", r.text);
	cr_assert_not_null(strstr(r.text, "\nlisten_tcp = [::1]:8080\n"));
	render_section(&c, "scion", &r);
	cr_assert_not_null(strstr(r.text, "\nisd_as = 1-ff00:0:110\n"), "%s", r.text);
	cr_assert_not_null(strstr(r.text, "\nhost = 10.0.0.2\n"));
	cr_assert_not_null(strstr(r.text, "\nprefer = a\nprefer = b-c\n"));
	cr_assert_null(strstr(r.text, "forwarding_key ="), "unset keys are not shown");

	/* A router: the key kinds only it has (K_KEY16), parsed without conf_finish. */
	struct rendered a, b;
	struct conf d;
	struct conf_err e = { 0 };
	conf_free(&c);
	conf_init(&c);
	cr_assert_eq(conf_parse_string(&c,
				       "[scion]\nrole = router\nmaster_key = "
				       "AAECAwQFBgcICQoLDA0ODw==\nisd_as = 64-6730\n",
				       "t", &err),
		     0, "%s", err.msg);
	render_section(&c, "scion", &a);
	cr_assert_not_null(strstr(a.text, "\nmaster_key = AAECAwQFBgcICQoLDA0ODw==\n"), "%s",
			   a.text);
	cr_assert_not_null(strstr(a.text, "\nrole = router\nisd_as = 64-6730\n"), "%s", a.text);
	conf_init(&d);
	cr_assert_eq(conf_parse_string(&d, a.text, "r", &e), 0, "%s", e.msg);
	render_section(&d, "scion", &b);
	cr_assert_str_eq(a.text, b.text);
	cr_assert_arr_eq(c.scion.master_key, d.scion.master_key, 16);
	conf_free(&d);
}

/* Every named section kind, and with it the key kinds only they have. */
Test(conf, section_values_round_trip_named)
{
	static const char *const secs[] = { "underlay.u", "underlay.v6", "peer.p1", "peer.p2",
					    "issuer.ed", "agent.a", "scion.route.r",
					    "scion.link.l" };
	struct rendered r;

	cr_assert_eq(conf_parse_string(&c,
				       "[underlay.u]\nlisten = 192.0.2.1:8060\ninterface = eth0\n"
				       "path_mtu = 1400\nplain = yes\noffload = no\n"
				       "link_quality = 12\n"
				       "dscp_pref = ef=3 cs1=0 default=2\n"
				       "[underlay.v6]\nlisten = [2001:db8::1]:8061\n"
				       "[peer.p1]\npublic_key = " PK_A "\nendpoint = 192.0.2.9:1\n"
				       "endpoint = [2001:db8::9]:2\nmnp = 2001:db8:9::/48\n"
				       "allowed_prefix = 10.9.0.0/16\nallowed_prefix = 2001:db8:99::/48\n"
				       "persistent_keepalive = 25\n"
				       "[peer.p2]\npublic_key = " PK_S "\nmsid = 77\n"
				       "[issuer.ed]\niss = https://idp.test\nkey_file = /k.pem\nkid = k1\n"
				       "alg = ES256\n"
				       "[agent.a]\nsub = agent-1\nchecksum = " SUM_A "\nchecksum = " SUM_B "\n"
				       "max_scopes = route.write status.read\nregistration_id = r1\n"
				       "revoked_registration_id = r0\nworkflow_id = w1\nworkflow_id = w2\n"
				       "peer_uid = 0\n"
				       "[scion.route.r]\nisd_as = 1-ff00:0:111\nhost = 2001:db8::5\n"
				       "prefix = 10.77.0.0/16\n"
				       "[scion.link.l]\nifid = 3\nlocal = 10.0.0.1:50000\n"
				       "remote = 10.0.0.2:50000\nneighbor_isd_as = 1-ff00:0:112\nup = no\n",
				       "t", &err),
		     0, "%s", err.msg);
	for (size_t i = 0; i < ARRAY_SIZE(secs); i++) {
		struct rendered a, b;
		struct conf d;
		struct conf_err e = { 0 };

		render_section(&c, secs[i], &a);
		conf_init(&d);
		cr_assert_eq(conf_parse_string(&d, a.text, "r.conf", &e), 0, "%s: %s\n%s", secs[i],
			     e.msg, a.text);
		render_section(&d, secs[i], &b);
		cr_assert_str_eq(a.text, b.text, "[%s] does not round-trip", secs[i]);
		conf_free(&d);
	}
	render_section(&c, "underlay.u", &r);
	cr_assert_str_eq(r.text, "[underlay.u]\nlisten = 192.0.2.1:8060\ninterface = eth0\n"
				 "path_mtu = 1400\nplain = yes\noffload = no\nlink_quality = 12\n"
				 "dscp_pref = default=2 cs1=0 ef=3\n");
	render_section(&c, "peer.p1", &r);
	cr_assert_str_eq(r.text, "[peer.p1]\npublic_key = " PK_A "\nendpoint = 192.0.2.9:1\n"
				 "endpoint = [2001:db8::9]:2\nmnp = 2001:db8:9::/48\n"
				 "allowed_prefix = 10.9.0.0/16\nallowed_prefix = 2001:db8:99::/48\n"
				 "persistent_keepalive = 25\n");
	render_section(&c, "peer.p2", &r);
	cr_assert_not_null(strstr(r.text, "\nmsid = 77\n"), "%s", r.text);
	cr_assert_null(strstr(r.text, "mnp"), "an unset mnp is not shown");
	render_section(&c, "issuer.ed", &r);
	cr_assert_str_eq(r.text, "[issuer.ed]\niss = https://idp.test\nkey_file = /k.pem\n"
				 "kid = k1\nalg = ES256\n");
	render_section(&c, "agent.a", &r);
	cr_assert_str_eq(r.text, "[agent.a]\nsub = agent-1\nchecksum = " SUM_A "\nchecksum = " SUM_B
				 "\nmax_scopes = status.read route.write\nregistration_id = r1\n"
				 "revoked_registration_id = r0\nworkflow_id = w1\nworkflow_id = w2\n"
				 "peer_uid = 0\n");
	render_section(&c, "scion.route.r", &r);
	cr_assert_str_eq(r.text, "[scion.route.r]\nisd_as = 1-ff00:0:111\nhost = 2001:db8::5\n"
				 "prefix = 10.77.0.0/16\n");
	render_section(&c, "scion.link.l", &r);
	cr_assert_str_eq(r.text, "[scion.link.l]\nifid = 3\nlocal = 10.0.0.1:50000\n"
				 "remote = 10.0.0.2:50000\nneighbor_isd_as = 1-ff00:0:112\nup = no\n");
}

Test(conf, node_debug_groups)
{
	expect_ok(NODE "[node]\ndebug = peer  hs\tcrypto\n");
	cr_assert_eq(c.node.debug, (1U << LOG_GRP_PEER) | (1U << LOG_GRP_HS) |
					   (1U << LOG_GRP_CRYPTO));
	expect_ok(NODE "[node]\ndebug = none\n");
	cr_assert_eq(c.node.debug, 0);
	expect_ok(NODE);
	cr_assert_eq(c.node.debug, 0, "default: no group");
	cr_assert_eq(load(NODE "[node]\ndebug = peer peer\n"), -EINVAL);
	cr_assert_not_null(strstr(err.msg, "[node] debug"), "%s", err.msg);
	cr_assert_eq(load(NODE "[node]\ndebug = bogus\n"), -EINVAL);
	cr_assert_eq(load(NODE "[node]\ndebug = peer none\n"), -EINVAL);
	cr_assert_eq(load(NODE "[node]\ndebug = \n"), -EINVAL);
	cr_assert_eq(load(NODE "[node]\ndebug = hs\ndebug = peer\n"), -EINVAL, "repeated key");
}

/* The AERO keys render and round-trip too: [node] role, [aero], [client.NAME], [server.NAME]. */
Test(conf, section_values_round_trip_aero)
{
	static const char *const secs[] = { "node", "aero", "client.a" };
	struct rendered r;

	expect_ok(SRV_NODE "[aero]\nrouter_lifetime = 30\n[client.a]\npublic_key = " PK_A
			   "\nmnp = 2001:db8:a::/48\n");
	for (size_t i = 0; i < ARRAY_SIZE(secs); i++) {
		struct rendered a, b;
		struct conf d;
		struct conf_err e = { 0 };

		render_section(&c, secs[i], &a);
		conf_init(&d);
		cr_assert_eq(conf_parse_string(&d, a.text, "r.conf", &e), 0, "%s: %s\n%s", secs[i],
			     e.msg, a.text);
		render_section(&d, secs[i], &b);
		cr_assert_str_eq(a.text, b.text, "[%s] does not round-trip", secs[i]);
		conf_free(&d);
	}
	render_section(&c, "node", &r);
	cr_assert_not_null(strstr(r.text, "role = server\n"), "%s", r.text);
	render_section(&c, "client.a", &r);
	cr_assert_not_null(strstr(r.text, "mnp = 2001:db8:a::/48\n"), "%s", r.text);
	/* [peer] mesh is rendered only when set (a plain [peer] reads as before) */
	expect_ok(SRV_NODE "[peer.s2]\npublic_key = " PK_B "\nmsid = 8\nmesh = yes\n"
			   "[peer.s3]\npublic_key = " PK_A "\nmsid = 9\n");
	render_section(&c, "peer.s2", &r);
	cr_assert_not_null(strstr(r.text, "mesh = yes\n"), "%s", r.text);
	render_section(&c, "peer.s3", &r);
	cr_assert_null(strstr(r.text, "mesh"), "%s", r.text);
	expect_ok(SRV_NODE "[aero]\nrouter_lifetime = 30\n[client.a]\npublic_key = " PK_A
			   "\nmnp = 2001:db8:a::/48\n");
	/* a [client.a] is not a [peer.a] or a [server.a] */
	cr_assert_eq(conf_section_values(&c, "peer.a", collect, &r), -ENOENT);
	cr_assert_eq(conf_section_values(&c, "server.a", collect, &r), -ENOENT);

	expect_ok(NODE "[server.s1]\npublic_key = " PK_S "\nendpoint = 192.0.2.9:8060\nmsid = 7\n");
	render_section(&c, "server.s1", &r);
	cr_assert_not_null(strstr(r.text, "endpoint = 192.0.2.9:8060\n"), "%s", r.text);
	cr_assert_not_null(strstr(r.text, "msid = 7\n"), "%s", r.text);
}

/* conf_fail_at(), the one error formatter of conf_finish() and conf_scion_finish(). */
Test(conf, fail_at_points_at_file_and_line)
{
	struct conf d;
	struct conf_err e;

	conf_init(&d);
	conf_set_origin(&d, "/etc/omnid/a.conf", 4);
	conf_set_origin(&d, "/etc/omnid/b.conf", 9);
	memset(&e, 'x', sizeof(e));
	cr_assert_eq(conf_fail_at(&d, &e, 1, 9, "[peer.%s]: %d", "p", 7), -EINVAL);
	cr_assert_str_eq(e.file, "/etc/omnid/b.conf");
	cr_assert_eq(e.line, 9);
	cr_assert_str_eq(e.msg, "[peer.p]: 7");
	/* An unknown file index leaves no stale or garbage file name behind. */
	cr_assert_eq(conf_fail_at(&d, &e, 2, 0, "no file"), -EINVAL);
	cr_assert_str_eq(e.file, "");
	cr_assert_eq(e.line, 0);
	cr_assert_str_eq(e.msg, "no file");
	/* A long message is cut at the buffer, NUL-terminated. */
	cr_assert_eq(conf_fail_at(&d, &e, 0, 1, "%300s", "y"), -EINVAL);
	cr_assert_eq(strlen(e.msg), sizeof(e.msg) - 1);
	cr_assert_str_eq(e.file, "/etc/omnid/a.conf");
	/* No error record: still -EINVAL. */
	cr_assert_eq(conf_fail_at(&d, NULL, 0, 1, "ignored"), -EINVAL);
	conf_free(&d);
}

/* [underlay.NAME] link_quality (multilink, docs/aero.md): default 8, 0..15, no more. */
Test(conf, underlay_link_quality)
{
	cr_assert_eq(conf_parse_string(&c, "[underlay.u]\nlisten = 192.0.2.1:8060\n", "t", &err), 0,
		     "%s", err.msg);
	cr_assert_eq(c.underlays[0].link_quality, 8);
	conf_free(&c);
	conf_init(&c);
	cr_assert_eq(conf_parse_string(&c,
				       "[underlay.u]\nlisten = 192.0.2.1:8060\nlink_quality = 0\n",
				       "t", &err),
		     0, "%s", err.msg);
	cr_assert_eq(c.underlays[0].link_quality, 0);
	conf_free(&c);
	conf_init(&c);
	cr_assert_eq(conf_parse_string(&c,
				       "[underlay.u]\nlisten = 192.0.2.1:8060\nlink_quality = 15\n",
				       "t", &err),
		     0, "%s", err.msg);
	cr_assert_eq(c.underlays[0].link_quality, 15);
	conf_free(&c);
	conf_init(&c);
	cr_assert_neq(
	    conf_parse_string(&c, "[underlay.u]\nlisten = 192.0.2.1:8060\nlink_quality = 16\n", "t",
			      &err),
	    0);
	cr_assert_not_null(strstr(err.msg, "link_quality") ? err.msg : strstr(err.msg, "15"), "%s",
			   err.msg);
}

/* [underlay.NAME] dscp_pref (§4.5 Preferences, docs/aero.md Multilink): names, numbers,
 * default, and every kind of bad value refused with the file and line and nothing kept. */
Test(conf, underlay_dscp_pref)
{
	static const char *const bad[] = {
	    "ef=4",	"ef",	    "ef=",	"=3",	       "ef=3 ef=1", "46=1 ef=2",
	    "64=1",	"xx=1",	    "ef=-1",	"default=1 default=2", "ef=3,cs1=0", "af44=1",
	};
	char buf[256];

	cr_assert_eq(conf_parse_string(&c, "[underlay.u]\nlisten = 192.0.2.1:8060\n", "t", &err), 0,
		     "%s", err.msg);
	for (size_t d = 0; d < 64; d++)
		cr_assert_eq(c.underlays[0].dscp_pref[d], 2);
	conf_free(&c);
	conf_init(&c);
	cr_assert_eq(conf_parse_string(&c,
				       "[underlay.u]\nlisten = 192.0.2.1:8060\n"
				       "dscp_pref = EF=3 af41=3 cs1=0 12=1 default=1\n",
				       "t", &err),
		     0, "%s", err.msg);
	for (size_t d = 0; d < 64; d++)
		cr_assert_eq(c.underlays[0].dscp_pref[d],
			     d == 46 || d == 34 ? 3 : d == 8 ? 0 : 1, "DSCP %zu", d);
	conf_free(&c);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		conf_init(&c);
		snprintf(buf, sizeof(buf),
			 "[underlay.u]\nlisten = 192.0.2.1:8060\nlink_quality = 3\ndscp_pref = %s\n",
			 bad[i]);
		memset(&err, 0, sizeof(err));
		cr_assert_neq(conf_parse_string(&c, buf, "t.conf", &err), 0, "'%s' accepted", bad[i]);
		cr_assert_not_null(strstr(err.msg, "dscp_pref"), "'%s': %s", bad[i], err.msg);
		cr_assert_str_eq(err.file, "t.conf");
		cr_assert_eq(err.line, 4, "'%s': line %u", bad[i], err.line);
		conf_free(&c);
	}
	/* A long valid value renders within the value limit and reads back the same (the
	 * named canonical form would be 156 characters here). */
	static const char *const longer =
	    "0=1 1=1 8=1 10=1 12=1 14=1 16=1 18=1 20=1 22=1 24=1 26=1 28=1 30=1 32=1 34=1 36=1 "
	    "38=1 40=1 44=1 46=1 48=1 56=1";
	struct rendered r;
	conf_init(&c);
	snprintf(buf, sizeof(buf), "[underlay.u]\nlisten = 192.0.2.1:8060\ndscp_pref = %s\n", longer);
	cr_assert_eq(conf_parse_string(&c, buf, "t", &err), 0, "%s", err.msg);
	render_section(&c, "underlay.u", &r);
	struct conf d;
	conf_init(&d);
	cr_assert_eq(conf_parse_string(&d, r.text, "rendered", &err), 0, "%s: %s", r.text, err.msg);
	cr_assert_eq(memcmp(c.underlays[0].dscp_pref, d.underlays[0].dscp_pref, 64), 0, "%s", r.text);
	conf_free(&d);
	conf_free(&c);
	conf_init(&c);
}

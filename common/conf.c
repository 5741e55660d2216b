// SPDX-License-Identifier: MIT
/*
 * conf.c - the configuration model: defaults, conf_apply() for one
 * `section / key = value` at a time (table-driven, strict value parsers),
 * conf_finish() for the cross-key rules of spec/omni-aero.md §5.14, and
 * conf_section_values(), which renders a section's values back to the text
 * form through the same key tables (the control API's effective views).
 * Knows nothing about files or inih (conf_load.c does); never logs, never
 * reads key files, and every error is a message in struct conf_err.
 */
#include "conf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "conf_scion.h"
#include "jws.h"
#include "wire_scion.h"
#include <sodium.h>
#include "keys.h"
#include "omni_wire.h"
#include "scion_paths.h"

/* Defaults of spec/omni-aero.md §5.14 not already in omni_wire.h. */
#define DEF_PRIVATE_KEY_FILE "/etc/omnid/private.key"
#define DEF_TUN "omni0"
#define DEF_API_SOCKET "/run/omnid/api.sock"
/* spec/internal-tld.md §2.3 config sketch. */
#define DEF_OVERLAY "omni"
#define DEF_DNS_PORT 53
#define DEF_DNS_TTL 60
#define DEF_AERO_ROUTER_LIFETIME 600 /* spec §5.12 */
#define DEF_AERO_NAT_KEEPALIVE 25    /* spec §5.12 */
#define DEF_DNS_RATE_LIMIT 50
/* spec/agentic-jwt.md B.8.2. */
#define DEF_API_SOCKET_GROUP "omnid"
#define DEF_API_ADMIN_GROUP "omnid-admin"
#define DEF_API_CLOCK_SKEW 60
#define DEF_API_MAX_TOKEN_LIFETIME 600
#define DEF_API_MAX_TOKEN_BYTES 8192
#define DEF_API_REPLAY_CACHE_SIZE 65536
#define DEF_API_AUDIT_LOG "/var/lib/omnid/audit.log"
#define API_AUDIENCE_PREFIX "urn:omnid:node:"

enum key_type {
	K_LDH,	    /* char[64]: an LDH label */
	K_PATH,	    /* char[size]: an absolute path */
	K_LOGLEVEL, /* enum log_level */
	K_ROLE,	    /* enum conf_role: client or server */
	K_IFNAME,   /* char[16]: a network device name */
	K_UINT,	    /* uint{8,16,32,64}_t by size, strict decimal in [min, max] */
	K_BOOL,	    /* bool */
	K_MNP,	    /* struct prefix (IPv6, len <= 64, no host bits), bool at aux */
	K_ULA,	    /* struct prefix: an RFC 4193 /48 */
	K_ADDRESS,  /* list of struct prefix, host bits kept */
	K_ROUTE,    /* list of struct prefix, no host bits */
	K_LISTEN,   /* union sockaddr_any, bool at aux */
	K_ENDPOINT, /* list of union sockaddr_any */
	K_PUBKEY,   /* uint8_t[32] from base64, bool at aux */
	K_TRISTATE, /* enum conf_tristate: auto, or a K_BOOL value */
	K_EHACT,    /* uint8_t enum eh_action; min = EH_ACT_BIT mask of the allowed words */
	K_EHTYPES,  /* uint8_t[32] map of 0..255 ("1 3 253" or "none"), bool at aux */
	K_ONOFF,    /* bool from on/off or a K_BOOL value; bool at aux when aux != 0 */
	K_EHGLOBAL, /* a [ehfilter] key repeated in [ehfilter.exit]: always an error */
	K_GROUP,    /* char[33]: a POSIX group name */
	K_LOOPBACK, /* union sockaddr_any 127.0.0.1:port or [::1]:port, bool at aux */
	K_TEXT,	    /* char[size]: printable ASCII without spaces */
	K_ALG,	    /* enum jws_alg: EdDSA or ES256 */
	K_CHECKSUM, /* list of uint8_t[32] from 64 lowercase hex */
	K_SCOPES,   /* uint32_t JWS_SCOPE_* mask (jws_scope_parse), bool at aux */
	K_STRLIST,  /* list of heap strings, K_TEXT rules, at most max characters */
	K_ISDAS,    /* uint64_t SCION ISD-AS ("1-ff00:0:110"), neither part 0, bool at aux */
	K_KEY16,    /* uint8_t[16] from base64 (24 characters), bool at aux */
	K_IP,	    /* struct prefix: one IPv4 or IPv6 address without a length, bool at aux */
	K_SCIONROLE, /* enum conf_scion_role: host or router */
	K_LOGGRPS,   /* uint32_t mask of log groups: "peer hs" (log_grp_parse names) or "none" */
	K_DSCPPREF,  /* uint8_t[64] preference 0..3 per DSCP: "default=2 ef=3 cs1=0 34=1" */
};

struct key_def {
	const char *name;
	enum key_type type;
	size_t off;  /* field offset in the section object */
	size_t size; /* field size (strings, integers) */
	size_t aux;  /* "has" flag (K_MNP, K_LISTEN, K_PUBKEY) or count field (lists) */
	uint64_t min, max;
	bool empty_ok; /* an empty value clears the field (and the aux flag) */
};

enum section_kind {
	SEC_NODE,
	SEC_OMNI,
	SEC_SECURE,
	SEC_API,
	SEC_UNDERLAY,
	SEC_PEER,
	SEC_SERVER,
	SEC_CLIENT,
	SEC_AERO,
	SEC_DNS,
	SEC_EHFILTER,
	SEC_EHFILTER_EXIT,
	SEC_ISSUER,
	SEC_AGENT,
	SEC_SCION,
	SEC_SCION_ROUTE,
	SEC_SCION_LINK,
};

struct section_def {
	const char *name; /* the bare name, or the prefix before '.' of a named section */
	enum section_kind kind;
	bool named;
	const struct key_def *keys;
	size_t n_keys;
	size_t seen_off; /* offset of the seen mask in the section object */
};

#define FSZ(type, member) sizeof(((type *)0)->member)
/* Designators of a key in struct conf (CK), struct conf_underlay (UK), struct conf_peer (PK). */
#define CK(n, t, m)                                                                                \
	.name = (n), .type = (t), .off = offsetof(struct conf, m), .size = FSZ(struct conf, m)
#define UK(n, t, m)                                                                                \
	.name = (n), .type = (t), .off = offsetof(struct conf_underlay, m),                        \
	.size = FSZ(struct conf_underlay, m)
#define PK(n, t, m)                                                                                \
	.name = (n), .type = (t), .off = offsetof(struct conf_peer, m),                            \
	.size = FSZ(struct conf_peer, m)
/* ... struct conf_issuer (IK), struct conf_agent (AK). */
#define IK(n, t, m)                                                                                \
	.name = (n), .type = (t), .off = offsetof(struct conf_issuer, m),                          \
	.size = FSZ(struct conf_issuer, m)
#define AK(n, t, m)                                                                                \
	.name = (n), .type = (t), .off = offsetof(struct conf_agent, m),                           \
	.size = FSZ(struct conf_agent, m)

static const struct key_def node_keys[] = {
    {CK("name", K_LDH, node.name)},
    {CK("private_key_file", K_PATH, node.private_key_file)},
    {CK("log_level", K_LOGLEVEL, node.log_level)},
    {CK("role", K_ROLE, node.role)},
    {CK("debug", K_LOGGRPS, node.debug)},
    {CK("overlay", K_LDH, node.overlay)},
};

static const struct key_def omni_keys[] = {
    {CK("tun", K_IFNAME, omni.tun)},
    {CK("mtu", K_UINT, omni.mtu), .min = OMNI_MTU_MIN, .max = OMNI_MTU_MAX},
    {CK("mnp", K_MNP, omni.mnp), .aux = offsetof(struct conf, omni.has_mnp)},
    {CK("msid", K_UINT, omni.msid), .min = 1, .max = UINT32_MAX},
    {CK("ula_domain", K_ULA, omni.ula_domain)},
    {CK("link_id", K_UINT, omni.link_id), .min = 0, .max = 65535},
    {CK("address", K_ADDRESS, omni.addresses), .aux = offsetof(struct conf, omni.n_addresses)},
    {CK("route", K_ROUTE, omni.routes), .aux = offsetof(struct conf, omni.n_routes)},
    {CK("oal_hop_limit", K_UINT, omni.oal_hop_limit), .min = 1, .max = 255},
    {CK("oal_checksum", K_BOOL, omni.oal_checksum)},
    {CK("offload", K_BOOL, omni.offload)},
    /* RFC 8200 §4.5 allows reassembly to wait 60 s at most. */
    {CK("reassembly_timeout", K_UINT, omni.reassembly_timeout), .min = 1, .max = 60},
    {CK("reassembly_mem_peer", K_UINT, omni.reassembly_mem_peer), .min = 65536, .max = 1ULL << 40},
    {CK("reassembly_mem_total", K_UINT, omni.reassembly_mem_total), .min = 65536,
     .max = 1ULL << 40},
};

static const struct key_def secure_keys[] = {
    /* A session must rekey before it may no longer send (spec §5.13 item 3). */
    {CK("rekey_after_time", K_UINT, secure.rekey_after_time), .min = 1,
     .max = SESSION_REJECT_AFTER_TIME_S - 1},
    {CK("rekey_after_packets", K_UINT, secure.rekey_after_packets), .min = 1, .max = UINT64_MAX},
    {CK("keepalive", K_UINT, secure.keepalive), .min = 1, .max = 3600},
    {CK("replay_window", K_UINT, secure.replay_window), .min = REPLAY_WINDOW_MIN,
     .max = REPLAY_WINDOW_MAX},
};

static const struct key_def api_keys[] = {
    {CK("socket", K_PATH, api.socket)},
    {CK("socket_group", K_GROUP, api.socket_group)},
    {CK("admin_group", K_GROUP, api.admin_group), .empty_ok = true},
    {CK("readonly_group", K_GROUP, api.readonly_group), .empty_ok = true},
    {CK("listen_tcp", K_LOOPBACK, api.listen_tcp), .aux = offsetof(struct conf, api.has_listen_tcp),
     .empty_ok = true},
    {CK("audience", K_TEXT, api.audience)},
    {CK("clock_skew", K_UINT, api.clock_skew), .min = 0, .max = 600},
    {CK("max_token_lifetime", K_UINT, api.max_token_lifetime), .min = 1, .max = 86400},
    /* Below 1 KiB no real token fits; jws.c caps the decoded parts anyway. */
    {CK("max_token_bytes", K_UINT, api.max_token_bytes), .min = 1024, .max = 65536},
    /* jws.c REPLAY_CAP_MAX. */
    {CK("replay_cache_size", K_UINT, api.replay_cache_size), .min = 1024, .max = 1U << 24},
    {CK("single_use_writes", K_BOOL, api.single_use_writes)},
    {CK("audit_log", K_PATH, api.audit_log)},
};

static const struct key_def issuer_keys[] = {
    {IK("iss", K_TEXT, iss)},
    {IK("key_file", K_PATH, key_file)},
    {IK("kid", K_TEXT, kid)},
    {IK("alg", K_ALG, alg)},
};

static const struct key_def agent_keys[] = {
    {AK("sub", K_TEXT, sub)},
    {AK("checksum", K_CHECKSUM, checksums), .aux = offsetof(struct conf_agent, n_checksums)},
    {AK("max_scopes", K_SCOPES, max_scopes), .aux = offsetof(struct conf_agent, has_max_scopes)},
    {AK("registration_id", K_STRLIST, registration_ids), .max = CONF_VALUE_MAX,
     .aux = offsetof(struct conf_agent, n_registration_ids)},
    {AK("revoked_registration_id", K_STRLIST, revoked_registration_ids),
     .max = CONF_VALUE_MAX, .aux = offsetof(struct conf_agent, n_revoked_registration_ids)},
    {AK("workflow_id", K_STRLIST, workflow_ids), .max = JWS_INTENT_STR_MAX,
     .aux = offsetof(struct conf_agent, n_workflow_ids)},
    /* uid_t (uint32_t) without (uid_t)-1. */
    {AK("peer_uid", K_UINT, peer_uid), .aux = offsetof(struct conf_agent, has_peer_uid), .min = 0,
     .max = UINT32_MAX - 1},
};

static const struct key_def dns_keys[] = {
    {CK("enable", K_BOOL, dns.enable)},
    {CK("listen_port", K_UINT, dns.listen_port), .min = 1, .max = 65535},
    {CK("ttl", K_UINT, dns.ttl), .min = 0, .max = 86400},
    {CK("register_resolved", K_TRISTATE, dns.register_resolved)},
    {CK("hosts_export", K_PATH, dns.hosts_export)},
    {CK("rate_limit", K_UINT, dns.rate_limit), .min = 0, .max = 1000000},
};

/* spec/eh-removal.md A.6. The policy keys exist in both [ehfilter] and [ehfilter.exit]. */
#define EH_KSD (EH_ACT_BIT(EH_KEEP) | EH_ACT_BIT(EH_STRIP) | EH_ACT_BIT(EH_DROP))
#define EH_KS (EH_ACT_BIT(EH_KEEP) | EH_ACT_BIT(EH_STRIP))
#define EH_KD (EH_ACT_BIT(EH_KEEP) | EH_ACT_BIT(EH_DROP))
#define EH_RULE_KEYS(sec)                                                                          \
	{CK("enable", K_ONOFF, sec.rules.enable), .aux = offsetof(struct conf, sec.rules.has_enable)}, \
	{CK("hbh_pad", K_EHACT, sec.rules.hbh_pad), .min = EH_KSD},                                \
	{CK("hbh", K_EHACT, sec.rules.hbh), .min = EH_KSD},                                        \
	{CK("hbh_keep_types", K_EHTYPES, sec.rules.hbh_keep_types),                                \
	 .aux = offsetof(struct conf, sec.rules.has_hbh_keep_types)},                              \
	{CK("dstopt", K_EHACT, sec.rules.dstopt), .min = EH_KD},                                   \
	{CK("rh_drop_types", K_EHTYPES, sec.rules.rh_drop_types),                                  \
	 .aux = offsetof(struct conf, sec.rules.has_rh_drop_types)},                               \
	{CK("rh2", K_EHACT, sec.rules.rh2), .min = EH_KD},                                         \
	{CK("rh_sl0", K_EHACT, sec.rules.rh_sl0), .min = EH_KS},                                   \
	{CK("rh_slnz", K_EHACT, sec.rules.rh_slnz), .min = EH_KD},                                 \
	{CK("rh_unknown_sl0", K_EHACT, sec.rules.rh_unknown_sl0), .min = EH_KS},                   \
	{CK("rh_unknown_slnz", K_EHACT, sec.rules.rh_unknown_slnz), .min = EH_KD},                 \
	{CK("exp_eh", K_EHACT, sec.rules.exp_eh), .min = EH_KD},                                   \
	{CK("unknown_nh", K_EHACT, sec.rules.unknown_nh), .min = EH_KD}

static const struct key_def ehfilter_keys[] = {
    EH_RULE_KEYS(ehfilter),
    /* Linux's IP6_MAX_EXT_HDRS_CNT is the ceiling (spec A.5). */
    {CK("max_eh_count", K_UINT, ehfilter.lim.max_eh_count), .min = 1, .max = EH_MAX_HDRS},
    {CK("max_eh_chain_bytes", K_UINT, ehfilter.lim.max_eh_chain_bytes), .min = 8, .max = 65535},
    {CK("parse_window", K_UINT, ehfilter.lim.parse_window), .min = 48, .max = 65535},
    {CK("max_dst_hdrs", K_UINT, ehfilter.lim.max_dst_hdrs), .min = 0, .max = 2},
    {CK("max_opts_per_hdr", K_UINT, ehfilter.lim.max_opts_per_hdr), .min = 0, .max = 255},
    {CK("max_pad_run", K_UINT, ehfilter.lim.max_pad_run), .min = 1, .max = 255},
    {CK("ah_conflict", K_EHACT, ehfilter.lim.ah_conflict), .min = EH_KD},
    {CK("icmp_errors", K_ONOFF, ehfilter.lim.icmp_errors)},
};

static const struct key_def ehfilter_exit_keys[] = {
    EH_RULE_KEYS(ehfilter_exit),
    {.name = "max_eh_count", .type = K_EHGLOBAL},
    {.name = "max_eh_chain_bytes", .type = K_EHGLOBAL},
    {.name = "parse_window", .type = K_EHGLOBAL},
    {.name = "max_dst_hdrs", .type = K_EHGLOBAL},
    {.name = "max_opts_per_hdr", .type = K_EHGLOBAL},
    {.name = "max_pad_run", .type = K_EHGLOBAL},
    {.name = "ah_conflict", .type = K_EHGLOBAL},
    {.name = "icmp_errors", .type = K_EHGLOBAL},
};

static const struct key_def underlay_keys[] = {
    {UK("listen", K_LISTEN, listen), .aux = offsetof(struct conf_underlay, has_listen)},
    {UK("interface", K_IFNAME, interface)},
    /* The family-specific floor is checked by conf_finish (spec §3.5). */
    {UK("path_mtu", K_UINT, path_mtu), .min = OMNI_PMTU4_MIN, .max = OMNI_PMTU_MAX},
    {UK("plain", K_BOOL, plain)},
    {UK("offload", K_BOOL, offload)},
    /* spec §4.5 Interface Attributes Link: 0 = unusable .. 15 = best (daemon/mlink.c). */
    {UK("link_quality", K_UINT, link_quality), .min = 0, .max = 15},
    /* spec §4.5 Preferences, advertised per underlay in the RS (docs/aero.md Multilink). */
    {UK("dscp_pref", K_DSCPPREF, dscp_pref)},
};

/* docs/scion.md. */
#define RK(n, t, m)                                                                                \
	.name = (n), .type = (t), .off = offsetof(struct conf_scion_route, m),                     \
	.size = FSZ(struct conf_scion_route, m)
#define LK(n, t, m)                                                                                \
	.name = (n), .type = (t), .off = offsetof(struct conf_scion_link, m),                      \
	.size = FSZ(struct conf_scion_link, m)

static const struct key_def scion_keys[] = {
    {CK("role", K_SCIONROLE, scion.role)},
    {CK("isd_as", K_ISDAS, scion.isd_as), .aux = offsetof(struct conf, scion.has_isd_as)},
    {CK("listen", K_LISTEN, scion.listen), .aux = offsetof(struct conf, scion.has_listen)},
    {CK("host", K_IP, scion.host), .aux = offsetof(struct conf, scion.has_host)},
    {CK("forwarding_key", K_KEY16, scion.forwarding_key),
     .aux = offsetof(struct conf, scion.has_forwarding_key)},
    {CK("master_key", K_KEY16, scion.master_key), .aux = offsetof(struct conf, scion.has_master_key)},
    {CK("path_file", K_PATH, scion.path_file)},
    {CK("first_hop", K_LISTEN, scion.first_hop), .aux = offsetof(struct conf, scion.has_first_hop)},
    {CK("port", K_UINT, scion.port), .min = 1, .max = 65535},
    {CK("probe_interval", K_UINT, scion.probe_interval), .min = 0, .max = 3600000},
    {CK("prefer", K_STRLIST, scion.prefer), .max = SCION_PATHS_NAME_MAX - 1,
     .aux = offsetof(struct conf, scion.n_prefer)},
    {CK("hysteresis", K_UINT, scion.hysteresis), .min = 0, .max = 3600000,
     .aux = offsetof(struct conf, scion.has_hysteresis)},
    {CK("loss_threshold", K_UINT, scion.loss_threshold), .min = 1, .max = 1000,
     .aux = offsetof(struct conf, scion.has_loss_threshold)},
    {CK("ifdown_hold", K_UINT, scion.ifdown_hold), .min = 0, .max = 3600000,
     .aux = offsetof(struct conf, scion.has_ifdown_hold)},
    {CK("scmp_rate_limit", K_UINT, scion.scmp_rate_limit), .min = 0, .max = 1000000},
    {CK("keepalive", K_UINT, scion.keepalive), .min = 0, .max = 60000},
};

static const struct key_def scion_route_keys[] = {
    {RK("isd_as", K_ISDAS, isd_as), .aux = offsetof(struct conf_scion_route, has_isd_as)},
    {RK("host", K_IP, host), .aux = offsetof(struct conf_scion_route, has_host)},
    {RK("prefix", K_ROUTE, prefixes), .aux = offsetof(struct conf_scion_route, n_prefixes)},
};

static const struct key_def scion_link_keys[] = {
    {LK("ifid", K_UINT, ifid), .min = 1, .max = 65535},
    {LK("local", K_LISTEN, local), .aux = offsetof(struct conf_scion_link, has_local)},
    {LK("remote", K_LISTEN, remote), .aux = offsetof(struct conf_scion_link, has_remote)},
    {LK("neighbor_isd_as", K_ISDAS, neighbor_isd_as),
     .aux = offsetof(struct conf_scion_link, has_neighbor_isd_as)},
    {LK("up", K_BOOL, up)},
};

static const struct key_def peer_keys[] = {
    {PK("public_key", K_PUBKEY, public_key), .aux = offsetof(struct conf_peer, has_public_key)},
    {PK("endpoint", K_ENDPOINT, endpoints), .aux = offsetof(struct conf_peer, n_endpoints)},
    {PK("mnp", K_MNP, mnp), .aux = offsetof(struct conf_peer, has_mnp)},
    {PK("msid", K_UINT, msid), .min = 1, .max = UINT32_MAX},
    {PK("allowed_prefix", K_ROUTE, allowed), .aux = offsetof(struct conf_peer, n_allowed)},
    {PK("persistent_keepalive", K_UINT, persistent_keepalive), .min = 0, .max = 65535},
    /* AERO server mesh (spec §5.4 [P], docs/aero.md "Servers and the mesh"). */
    /* (aux = the field itself: rendered only when yes, so a [peer] without it reads as before) */
    {PK("mesh", K_BOOL, mesh), .aux = offsetof(struct conf_peer, mesh)},
};

/* AERO (docs/aero.md): [server.NAME] on clients, [client.NAME] on servers, [aero]. */
static const struct key_def server_keys[] = {
    {PK("public_key", K_PUBKEY, public_key), .aux = offsetof(struct conf_peer, has_public_key)},
    {PK("endpoint", K_ENDPOINT, endpoints), .aux = offsetof(struct conf_peer, n_endpoints)},
    {PK("msid", K_UINT, msid), .min = 1, .max = UINT32_MAX},
};

static const struct key_def client_keys[] = {
    {PK("public_key", K_PUBKEY, public_key), .aux = offsetof(struct conf_peer, has_public_key)},
    {PK("mnp", K_MNP, mnp), .aux = offsetof(struct conf_peer, has_mnp)},
};

static const struct key_def aero_keys[] = {
    /* RFC 4861 §6.2.1 caps AdvDefaultLifetime at 9000 s. */
    {CK("router_lifetime", K_UINT, aero.router_lifetime), .min = 3, .max = 9000},
    {CK("msp", K_ROUTE, aero.msp), .aux = offsetof(struct conf, aero.n_msp)},
    /* spec §5.10 / §5.12 NAT keepalive, 0 = off. */
    {CK("nat_keepalive", K_UINT, aero.nat_keepalive), .min = 0, .max = 3600},
    /* spec §5.9 multilink (daemon/mlink.c), off by default. */
    {CK("multilink", K_BOOL, aero.multilink)},
};

static const struct section_def sections[] = {
    {"node", SEC_NODE, false, node_keys, ARRAY_SIZE(node_keys), offsetof(struct conf, node.seen)},
    {"omni", SEC_OMNI, false, omni_keys, ARRAY_SIZE(omni_keys), offsetof(struct conf, omni.seen)},
    {"secure", SEC_SECURE, false, secure_keys, ARRAY_SIZE(secure_keys),
     offsetof(struct conf, secure.seen)},
    {"api", SEC_API, false, api_keys, ARRAY_SIZE(api_keys), offsetof(struct conf, api.seen)},
    {"underlay", SEC_UNDERLAY, true, underlay_keys, ARRAY_SIZE(underlay_keys),
     offsetof(struct conf_underlay, seen)},
    {"peer", SEC_PEER, true, peer_keys, ARRAY_SIZE(peer_keys), offsetof(struct conf_peer, seen)},
    {"server", SEC_SERVER, true, server_keys, ARRAY_SIZE(server_keys),
     offsetof(struct conf_peer, seen)},
    {"client", SEC_CLIENT, true, client_keys, ARRAY_SIZE(client_keys),
     offsetof(struct conf_peer, seen)},
    {"aero", SEC_AERO, false, aero_keys, ARRAY_SIZE(aero_keys), offsetof(struct conf, aero.seen)},
    {"dns", SEC_DNS, false, dns_keys, ARRAY_SIZE(dns_keys), offsetof(struct conf, dns.seen)},
    {"ehfilter", SEC_EHFILTER, false, ehfilter_keys, ARRAY_SIZE(ehfilter_keys),
     offsetof(struct conf, ehfilter.seen)},
    {"ehfilter.exit", SEC_EHFILTER_EXIT, false, ehfilter_exit_keys,
     ARRAY_SIZE(ehfilter_exit_keys), offsetof(struct conf, ehfilter_exit.seen)},
    {"issuer", SEC_ISSUER, true, issuer_keys, ARRAY_SIZE(issuer_keys),
     offsetof(struct conf_issuer, seen)},
    {"agent", SEC_AGENT, true, agent_keys, ARRAY_SIZE(agent_keys),
     offsetof(struct conf_agent, seen)},
    {"scion", SEC_SCION, false, scion_keys, ARRAY_SIZE(scion_keys), offsetof(struct conf, scion.seen)},
    {"scion.route", SEC_SCION_ROUTE, true, scion_route_keys, ARRAY_SIZE(scion_route_keys),
     offsetof(struct conf_scion_route, seen)},
    {"scion.link", SEC_SCION_LINK, true, scion_link_keys, ARRAY_SIZE(scion_link_keys),
     offsetof(struct conf_scion_link, seen)},
};

static int fail(struct conf_err *err, const char *fmt, ...) PRINTF(2, 3);

static int fail(struct conf_err *err, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* ---- defaults and lifetime ---- */

void conf_init(struct conf *c)
{
	int rc;

	memset(c, 0, sizeof(*c));
	snprintf(c->node.private_key_file, sizeof(c->node.private_key_file), "%s",
		 DEF_PRIVATE_KEY_FILE);
	c->node.log_level = LOG_LVL_INFO;
	snprintf(c->omni.tun, sizeof(c->omni.tun), "%s", DEF_TUN);
	c->omni.mtu = OMNI_MTU_DEFAULT;
	rc = addr_parse_prefix(OMNI_ULA_DOMAIN_DEFAULT, &c->omni.ula_domain);
	OMNI_ASSERT(rc == 0);
	c->omni.link_id = OMNI_LINK_ID_DEFAULT;
	c->omni.oal_hop_limit = OAL_HOP_LIMIT_DEFAULT;
	c->omni.oal_checksum = true;
	c->omni.offload = true;
	c->omni.reassembly_timeout = OAL_REASM_TIMEOUT_S;
	c->omni.reassembly_mem_peer = OAL_REASM_MEM_PEER;
	c->omni.reassembly_mem_total = OAL_REASM_MEM_TOTAL;
	c->secure.rekey_after_time = SESSION_REKEY_AFTER_TIME_S;
	c->secure.rekey_after_packets = SESSION_REKEY_AFTER_PACKETS;
	c->secure.keepalive = SESSION_KEEPALIVE_S;
	c->secure.replay_window = REPLAY_WINDOW_MIN;
	snprintf(c->api.socket, sizeof(c->api.socket), "%s", DEF_API_SOCKET);
	snprintf(c->node.overlay, sizeof(c->node.overlay), "%s", DEF_OVERLAY);
	c->dns.listen_port = DEF_DNS_PORT;
	c->dns.ttl = DEF_DNS_TTL;
	c->aero.router_lifetime = DEF_AERO_ROUTER_LIFETIME;
	c->aero.nat_keepalive = DEF_AERO_NAT_KEEPALIVE;
	c->dns.register_resolved = CONF_AUTO;
	c->dns.rate_limit = DEF_DNS_RATE_LIMIT;
	eh_limits_default(&c->ehfilter.lim);
	eh_rules_default(&c->ehfilter.rules);
	snprintf(c->api.socket_group, sizeof(c->api.socket_group), "%s", DEF_API_SOCKET_GROUP);
	snprintf(c->api.admin_group, sizeof(c->api.admin_group), "%s", DEF_API_ADMIN_GROUP);
	c->api.clock_skew = DEF_API_CLOCK_SKEW;
	c->api.max_token_lifetime = DEF_API_MAX_TOKEN_LIFETIME;
	c->api.max_token_bytes = DEF_API_MAX_TOKEN_BYTES;
	c->api.replay_cache_size = DEF_API_REPLAY_CACHE_SIZE;
	snprintf(c->api.audit_log, sizeof(c->api.audit_log), "%s", DEF_API_AUDIT_LOG);
	conf_scion_init(c);
}

static void strlist_free(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

void conf_free(struct conf *c)
{
	free(c->omni.addresses);
	free(c->omni.routes);
	free(c->aero.msp);
	free(c->underlays);
	for (size_t i = 0; i < c->n_peers; i++) {
		free(c->peers[i].endpoints);
		free(c->peers[i].allowed);
	}
	free(c->peers);
	free(c->issuers);
	for (size_t i = 0; i < c->n_agents; i++) {
		struct conf_agent *a = &c->agents[i];
		free(a->checksums);
		strlist_free(a->registration_ids, a->n_registration_ids);
		strlist_free(a->revoked_registration_ids, a->n_revoked_registration_ids);
		strlist_free(a->workflow_ids, a->n_workflow_ids);
	}
	free(c->agents);
	conf_scion_free(c);
	for (size_t i = 0; i < c->n_src_files; i++)
		free(c->src_files[i]);
	free(c->src_files);
	conf_init(c);
}

/*
 * Grow an array of @n elements so that one more fits. Capacity is implicit:
 * 4, then each power of two, so appends are amortised O(1).
 */
static void *grow(void *arr, size_t n, size_t elem)
{
	if (n == 0)
		return xrealloc(arr, 4 * elem);
	if (n >= 4 && (n & (n - 1)) == 0)
		return xrealloc(arr, 2 * n * elem);
	return arr;
}

void conf_file_begin(struct conf *c)
{
	c->node.seen = c->omni.seen = c->secure.seen = c->api.seen = 0;
	c->ehfilter.seen = c->ehfilter_exit.seen = c->dns.seen = 0;
	for (size_t i = 0; i < c->n_underlays; i++)
		c->underlays[i].seen = 0;
	for (size_t i = 0; i < c->n_peers; i++)
		c->peers[i].seen = 0;
	for (size_t i = 0; i < c->n_issuers; i++)
		c->issuers[i].seen = 0;
	for (size_t i = 0; i < c->n_agents; i++)
		c->agents[i].seen = 0;
	conf_scion_file_begin(c);
}

void conf_set_origin(struct conf *c, const char *file, unsigned line)
{
	if (file && (c->n_src_files == 0 || strcmp(c->src_files[c->cur_file], file) != 0)) {
		size_t i;
		for (i = 0; i < c->n_src_files; i++) {
			if (strcmp(c->src_files[i], file) == 0)
				break;
		}
		if (i == c->n_src_files) {
			c->src_files = grow(c->src_files, c->n_src_files, sizeof(*c->src_files));
			c->src_files[c->n_src_files++] = xstrdup(file);
		}
		c->cur_file = (uint32_t)i;
	}
	c->cur_line = line;
}

/* ---- value parsers ---- */

static bool is_ldh(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CONF_NAME_MAX || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (const char *p = s; *p; p++) {
		char ch = *p;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-'))
			return false;
	}
	return true;
}

/* The kernel's dev_valid_name() rules: 1..15 octets, not "." / "..", no '/', ':' or space. */
static bool is_ifname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= 16 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '/' || *p == ':' || *p <= ' ' || *p == 0x7f)
			return false;
	}
	return true;
}

/* Strict decimal: digits only, no sign, no leading zero, no overflow. */
static bool parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0' || (s[0] == '0' && s[1] != '\0'))
		return false;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static bool parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"yes", "true", "1"}, *const no[] = {"no", "false", "0"};

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

static bool has_host_bits(const struct prefix *p)
{
	struct prefix m = *p;

	prefix_mask(&m);
	return memcmp(m.addr, p->addr, sizeof(m.addr)) != 0;
}

static bool prefix_eq(const struct prefix *a, const struct prefix *b)
{
	return a->family == b->family && a->plen == b->plen &&
	       memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

static bool addr_is_zero(const struct prefix *p)
{
	static const uint8_t zero[16];

	return memcmp(p->addr, zero, p->family == AF_INET ? 4 : 16) == 0;
}

static bool sockaddr_is_unspec(const union sockaddr_any *a)
{
	if (a->sa.sa_family == AF_INET)
		return a->in4.sin_addr.s_addr == 0;
	return IN6_IS_ADDR_UNSPECIFIED(&a->in6.sin6_addr);
}

/* ---- conf_apply ---- */

static const struct section_def *find_section(const char *section, const char **name)
{
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++) {
		const struct section_def *sd = &sections[i];
		size_t n = strlen(sd->name);

		if (strncmp(section, sd->name, n) != 0)
			continue;
		if (!sd->named && section[n] == '\0') {
			*name = NULL;
			return sd;
		}
		if (sd->named && (section[n] == '.' || section[n] == '\0')) {
			*name = section[n] == '.' ? section + n + 1 : NULL;
			return sd;
		}
	}
	return NULL;
}

static struct conf_underlay *get_underlay(struct conf *c, const char *name)
{
	struct conf_underlay *u;

	for (size_t i = 0; i < c->n_underlays; i++) {
		if (strcasecmp(c->underlays[i].name, name) == 0)
			return &c->underlays[i];
	}
	c->underlays = grow(c->underlays, c->n_underlays, sizeof(*c->underlays));
	u = &c->underlays[c->n_underlays++];
	memset(u, 0, sizeof(*u));
	snprintf(u->name, sizeof(u->name), "%s", name);
	u->offload = true;
	u->link_quality = 8;
	memset(u->dscp_pref, 2, sizeof(u->dscp_pref));
	u->src_file = c->cur_file;
	u->src_line = c->cur_line;
	return u;
}

static struct conf_peer *get_peer(struct conf *c, const char *name, enum conf_peer_kind kind)
{
	struct conf_peer *p;

	for (size_t i = 0; i < c->n_peers; i++) {
		if (strcasecmp(c->peers[i].name, name) == 0)
			return c->peers[i].kind == kind ? &c->peers[i] : NULL;
	}
	c->peers = grow(c->peers, c->n_peers, sizeof(*c->peers));
	p = &c->peers[c->n_peers++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->kind = kind;
	p->src_file = c->cur_file;
	p->src_line = c->cur_line;
	return p;
}

static struct conf_issuer *get_issuer(struct conf *c, const char *name)
{
	struct conf_issuer *is;

	for (size_t i = 0; i < c->n_issuers; i++) {
		if (strcasecmp(c->issuers[i].name, name) == 0)
			return &c->issuers[i];
	}
	c->issuers = grow(c->issuers, c->n_issuers, sizeof(*c->issuers));
	is = &c->issuers[c->n_issuers++];
	memset(is, 0, sizeof(*is));
	snprintf(is->name, sizeof(is->name), "%s", name);
	is->src_file = c->cur_file;
	is->src_line = c->cur_line;
	return is;
}

static struct conf_scion_route *get_scion_route(struct conf *c, const char *name)
{
	struct conf_scion_route *r;

	for (size_t i = 0; i < c->n_scion_routes; i++) {
		if (strcasecmp(c->scion_routes[i].name, name) == 0)
			return &c->scion_routes[i];
	}
	c->scion_routes = grow(c->scion_routes, c->n_scion_routes, sizeof(*c->scion_routes));
	r = &c->scion_routes[c->n_scion_routes++];
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->src_file = c->cur_file;
	r->src_line = c->cur_line;
	return r;
}

static struct conf_scion_link *get_scion_link(struct conf *c, const char *name)
{
	struct conf_scion_link *l;

	for (size_t i = 0; i < c->n_scion_links; i++) {
		if (strcasecmp(c->scion_links[i].name, name) == 0)
			return &c->scion_links[i];
	}
	c->scion_links = grow(c->scion_links, c->n_scion_links, sizeof(*c->scion_links));
	l = &c->scion_links[c->n_scion_links++];
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->up = true;
	l->src_file = c->cur_file;
	l->src_line = c->cur_line;
	return l;
}

static struct conf_agent *get_agent(struct conf *c, const char *name)
{
	struct conf_agent *a;

	for (size_t i = 0; i < c->n_agents; i++) {
		if (strcasecmp(c->agents[i].name, name) == 0)
			return &c->agents[i];
	}
	c->agents = grow(c->agents, c->n_agents, sizeof(*c->agents));
	a = &c->agents[c->n_agents++];
	memset(a, 0, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", name);
	a->src_file = c->cur_file;
	a->src_line = c->cur_line;
	return a;
}

/* A portable group name (POSIX.1-2017 §3.437 characters), at most 32 octets like useradd. */
static bool is_group(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 32 || s[0] == '-')
		return false;
	for (const char *p = s; *p; p++) {
		char ch = *p;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.'))
			return false;
	}
	return true;
}

/* Claim values compared byte for byte with a token's: printable ASCII, no spaces. */
static bool is_text(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p <= ' ' || *p >= 0x7f)
			return false;
	}
	return *s != '\0';
}

static bool parse_hex32(const char *s, uint8_t out[32])
{
	if (strlen(s) != 64)
		return false;
	for (size_t i = 0; i < 32; i++) {
		unsigned v = 0;
		for (size_t j = 0; j < 2; j++) {
			char ch = s[2 * i + j];
			if (ch >= '0' && ch <= '9')
				v = v * 16 + (unsigned)(ch - '0');
			else if (ch >= 'a' && ch <= 'f')
				v = v * 16 + (unsigned)(ch - 'a' + 10);
			else
				return false;
		}
		out[i] = (uint8_t)v;
	}
	return true;
}

static bool sum_eq_v(const void *a, const void *b)
{
	return memcmp(a, b, 32) == 0;
}

static bool str_eq_v(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b) == 0;
}

static void store_uint(void *field, size_t size, uint64_t v)
{
	switch (size) {
	case 1: {
		uint8_t x = (uint8_t)v;
		memcpy(field, &x, 1);
		break;
	}
	case 2: {
		uint16_t x = (uint16_t)v;
		memcpy(field, &x, 2);
		break;
	}
	case 4: {
		uint32_t x = (uint32_t)v;
		memcpy(field, &x, 4);
		break;
	}
	default:
		OMNI_ASSERT(size == 8);
		memcpy(field, &v, 8);
		break;
	}
}

/* Append @elem (of @esize) to the list at @base + kd->off / kd->aux unless already present. */
static int list_append(uint8_t *base, const struct key_def *kd, const void *elem, size_t esize,
		       bool (*eq)(const void *, const void *))
{
	void **arr = (void **)(void *)(base + kd->off);
	size_t *n = (size_t *)(void *)(base + kd->aux);
	uint8_t *items = *arr;

	for (size_t i = 0; i < *n; i++) {
		if (eq(items + i * esize, elem))
			return -EEXIST;
	}
	items = grow(items, *n, esize);
	memcpy(items + *n * esize, elem, esize);
	*arr = items;
	(*n)++;
	return 0;
}

static bool prefix_eq_v(const void *a, const void *b)
{
	return prefix_eq(a, b);
}

static bool sockaddr_eq_v(const void *a, const void *b)
{
	return addr_equal(a, b);
}

/* An [ehfilter] type list: "1 3 253 254" (space-separated 0..255) or "none". */
static int parse_eh_types(const char *sec, const char *k, const char *value, uint8_t out[32],
			  struct conf_err *err)
{
	char buf[CONF_VALUE_MAX + 1], *save = NULL;
	uint8_t map[32] = { 0 };

	if (strcasecmp(value, "none") != 0) {
		snprintf(buf, sizeof(buf), "%s", value);
		for (char *t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
			uint64_t v;
			if (!parse_u64(t, &v) || v > 255)
				return fail(err,
					    "[%s] %s: '%s' is not a number 0..255 (a list such as "
					    "'1 3 253', or 'none')",
					    sec, k, t);
			if ((map[v / 8] >> (v % 8)) & 1)
				return fail(err, "[%s] %s: %s is listed twice", sec, k, t);
			map[v / 8] = (uint8_t)(map[v / 8] | 1U << (v % 8));
		}
	}
	memcpy(out, map, sizeof(map));
	return 0;
}

/* RFC 2474 / 2597 / 3246 / 5865 / 8622 names of DSCPs for dscp_pref. */
static const struct {
	const char *name;
	uint8_t dscp;
} dscp_names[] = {
    {"cs0", 0},	  {"le", 1},	{"cs1", 8},   {"af11", 10}, {"af12", 12}, {"af13", 14},
    {"cs2", 16},  {"af21", 18}, {"af22", 20}, {"af23", 22}, {"cs3", 24},  {"af31", 26},
    {"af32", 28}, {"af33", 30}, {"cs4", 32},  {"af41", 34}, {"af42", 36}, {"af43", 38},
    {"cs5", 40},  {"va", 44},	{"ef", 46},   {"cs6", 48},  {"cs7", 56},
};

/*
 * "default=2 ef=3 af41=3 cs1=0 12=1": NAME=PREF pairs, NAME a DSCP name of dscp_names, a
 * number 0..63 or "default" (every DSCP not named; 2 when absent), PREF 0..3 (0 = not on
 * this underlay, 1 low, 2 medium, 3 high). Each DSCP and "default" at most once.
 */
static int parse_dscp_pref(const char *sec, const char *k, const char *value, uint8_t out[64],
			   struct conf_err *err)
{
	char buf[CONF_VALUE_MAX + 1], *save = NULL;
	uint8_t map[64], seen[64] = {0};
	int def = -1;

	snprintf(buf, sizeof(buf), "%s", value);
	for (char *t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(t, '=');
		uint64_t pv, d = 64;

		if (!eq || !parse_u64(eq + 1, &pv) || pv > 3)
			return fail(err,
				    "[%s] %s: '%s' is not NAME=PREF with PREF 0..3 (e.g. 'ef=3 "
				    "cs1=0 default=2')",
				    sec, k, t);
		*eq = '\0';
		if (strcasecmp(t, "default") == 0) {
			if (def >= 0)
				return fail(err, "[%s] %s: default is given twice", sec, k);
			def = (int)pv;
			continue;
		}
		for (size_t i = 0; i < ARRAY_SIZE(dscp_names) && d == 64; i++)
			if (strcasecmp(t, dscp_names[i].name) == 0)
				d = dscp_names[i].dscp;
		if (d == 64 && (!parse_u64(t, &d) || d > 63))
			return fail(err,
				    "[%s] %s: '%s' is not a DSCP (0..63, cs0..cs7, af11..af43, ef, "
				    "va, le or default)",
				    sec, k, t);
		if (seen[d])
			return fail(err, "[%s] %s: DSCP %s is given twice", sec, k, t);
		seen[d] = 1;
		map[d] = (uint8_t)pv;
	}
	for (size_t d = 0; d < 64; d++)
		out[d] = seen[d] ? map[d] : (uint8_t)(def >= 0 ? def : 2);
	return 0;
}

/* @pref as "default=N" (unless @with_default is false) and each DSCP that differs from N,
 * by name where it has one and @names is set. Returns the length it needs. */
static size_t render_dscp_pref(const uint8_t pref[64], unsigned def, bool names,
			       bool with_default, char *buf, size_t cap)
{
	size_t n = with_default ? (size_t)snprintf(buf, cap, "default=%u", def) : 0;

	if (cap)
		buf[MIN(n, cap - 1)] = '\0';
	for (unsigned d = 0; d < 64; d++) {
		const char *name = NULL;

		if (pref[d] == def)
			continue;
		for (size_t i = 0; names && i < ARRAY_SIZE(dscp_names) && !name; i++)
			if (dscp_names[i].dscp == d)
				name = dscp_names[i].name;
		char one[16];
		if (name)
			snprintf(one, sizeof(one), "%s%s=%u", n ? " " : "", name, pref[d]);
		else
			snprintf(one, sizeof(one), "%s%u=%u", n ? " " : "", d, pref[d]);
		if (n < cap)
			snprintf(buf + n, cap - n, "%s", one);
		n += strlen(one);
	}
	return n;
}

/*
 * The canonical form: "default=N" (N the most common preference) and each DSCP that
 * differs, named where it has a name. When that is longer than a config value may be,
 * numbers instead of names, and then without "default=2" (the implicit default): the
 * last form is never longer than the shortest value that gives these preferences.
 */
static void format_dscp_pref(const uint8_t pref[64], char *buf, size_t cap)
{
	unsigned cnt[4] = {0}, def = 2;

	for (size_t d = 0; d < 64; d++)
		cnt[pref[d] & 3]++;
	for (unsigned v = 0; v < 4; v++)
		if (cnt[v] > cnt[def])
			def = v;
	if (render_dscp_pref(pref, def, true, true, buf, cap) <= CONF_VALUE_MAX)
		return;
	if (render_dscp_pref(pref, def, false, true, buf, cap) <= CONF_VALUE_MAX || def != 2)
		return;
	(void)render_dscp_pref(pref, def, false, false, buf, cap);
}

static int parse_eh_action(const char *sec, const struct key_def *kd, const char *value,
			   uint8_t *out, struct conf_err *err)
{
	static const char *const words[] = { [EH_KEEP] = "keep", [EH_STRIP] = "strip",
					     [EH_DROP] = "drop" };
	char allowed[32] = "";

	for (unsigned a = EH_KEEP; a <= EH_DROP; a++) {
		if (!(kd->min & EH_ACT_BIT(a)))
			continue;
		if (strcasecmp(value, words[a]) == 0) {
			*out = (uint8_t)a;
			return 0;
		}
		size_t n = strlen(allowed);
		snprintf(allowed + n, sizeof(allowed) - n, "%s%s", n ? ", " : "", words[a]);
	}
	return fail(err, "[%s] %s: '%s' is not one of %s", sec, kd->name, value, allowed);
}

/* A [node] debug list: "peer hs" (space-separated log group names, each once) or "none". */
static int conf_parse_log_groups(const char *value, uint32_t *mask)
{
	char buf[CONF_VALUE_MAX + 1], *save = NULL;
	uint32_t m = 0;
	enum log_grp g;

	if (strcasecmp(value, "none") == 0) {
		*mask = 0;
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", value);
	for (char *t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (log_grp_parse(t, &g) < 0 || (m >> g) & 1U)
			return -EINVAL;
		m |= 1U << g;
	}
	if (!m)
		return -EINVAL;
	*mask = m;
	return 0;
}

static int apply_value(uint8_t *base, const char *sec, const struct key_def *kd, const char *value,
		       struct conf_err *err)
{
	void *field = base + kd->off;
	const char *k = kd->name;

	switch (kd->type) {
	case K_LDH:
		if (!is_ldh(value))
			return fail(err,
				    "[%s] %s: '%s' is not a name of 1..63 letters, digits and '-' "
				    "(not starting or ending with '-')",
				    sec, k, value);
		snprintf(field, kd->size, "%s", value);
		return 0;
	case K_PATH:
		if (value[0] != '/')
			return fail(err, "[%s] %s: '%s' is not an absolute path", sec, k, value);
		if (strlen(value) >= kd->size)
			return fail(err, "[%s] %s: path is longer than %zu characters", sec, k,
				    kd->size - 1);
		snprintf(field, kd->size, "%s", value);
		return 0;
	case K_LOGLEVEL: {
		enum log_level lvl;
		if (log_level_parse(value, &lvl) < 0)
			return fail(err, "[%s] %s: '%s' is not one of err, warn, info, debug", sec,
				    k, value);
		memcpy(field, &lvl, sizeof(lvl));
		return 0;
	}
	case K_ROLE: {
		enum conf_role role;
		if (strcmp(value, "client") == 0)
			role = CONF_ROLE_CLIENT;
		else if (strcmp(value, "server") == 0)
			role = CONF_ROLE_SERVER;
		else
			return fail(err, "[%s] %s: '%s' is not one of client, server", sec, k, value);
		memcpy(field, &role, sizeof(role));
		return 0;
	}
	case K_IFNAME:
		if (!is_ifname(value))
			return fail(err, "[%s] %s: '%s' is not a device name (1..15 characters)",
				    sec, k, value);
		snprintf(field, kd->size, "%s", value);
		return 0;
	case K_UINT: {
		uint64_t v;
		if (!parse_u64(value, &v))
			return fail(err, "[%s] %s: '%s' is not a decimal number", sec, k, value);
		if (v < kd->min || v > kd->max)
			return fail(err, "[%s] %s: %s is out of range %llu..%llu", sec, k, value,
				    (unsigned long long)kd->min, (unsigned long long)kd->max);
		store_uint(field, kd->size, v);
		if (kd->aux) {
			bool yes = true;
			memcpy(base + kd->aux, &yes, sizeof(yes));
		}
		return 0;
	}
	case K_GROUP:
		if (!is_group(value))
			return fail(err,
				    "[%s] %s: '%s' is not a group name (1..32 letters, digits, "
				    "'.', '_', '-')",
				    sec, k, value);
		snprintf(field, kd->size, "%s", value);
		return 0;
	case K_LOOPBACK: {
		union sockaddr_any a;
		bool yes = true, lo;
		if (addr_parse_endpoint(value, 0, &a) < 0)
			return fail(err, "[%s] %s: '%s' is not address:port", sec, k, value);
		/* B.8.1: exactly the two addresses the Host check accepts. */
		if (a.sa.sa_family == AF_INET)
			lo = a.in4.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && a.in4.sin_port;
		else
			lo = IN6_IS_ADDR_LOOPBACK(&a.in6.sin6_addr) && a.in6.sin6_port &&
			     a.in6.sin6_scope_id == 0;
		if (!lo)
			return fail(err,
				    "[%s] %s: '%s' is not 127.0.0.1:<port> or [::1]:<port> (never "
				    "a non-loopback address)",
				    sec, k, value);
		memcpy(field, &a, sizeof(a));
		memcpy(base + kd->aux, &yes, sizeof(yes));
		return 0;
	}
	case K_TEXT:
		if (!is_text(value))
			return fail(err, "[%s] %s: '%s' has spaces or non-ASCII characters", sec,
				    k, value);
		if (strlen(value) >= kd->size)
			return fail(err, "[%s] %s: longer than %zu characters", sec, k,
				    kd->size - 1);
		snprintf(field, kd->size, "%s", value);
		return 0;
	case K_ALG: {
		enum jws_alg alg;
		/* JOSE names are case-sensitive (RFC 7515 §4.1.1). */
		if (strcmp(value, "EdDSA") == 0)
			alg = JWS_ALG_EDDSA;
		else if (strcmp(value, "ES256") == 0)
			alg = JWS_ALG_ES256;
		else
			return fail(err, "[%s] %s: '%s' is not EdDSA or ES256", sec, k, value);
		memcpy(field, &alg, sizeof(alg));
		return 0;
	}
	case K_CHECKSUM: {
		uint8_t sum[32];
		if (!parse_hex32(value, sum))
			return fail(err, "[%s] %s: not 64 lowercase hex digits (a SHA-256)", sec,
				    k);
		if (list_append(base, kd, sum, sizeof(sum), sum_eq_v) < 0)
			return fail(err, "[%s] %s: '%s' is listed twice", sec, k, value);
		return 0;
	}
	case K_SCOPES: {
		uint32_t mask;
		bool yes = true;
		if (jws_scope_parse(value, strlen(value), &mask) < 0)
			return fail(err,
				    "[%s] %s: '%s' is not a list of known scopes separated by "
				    "single spaces, without repeats",
				    sec, k, value);
		memcpy(field, &mask, sizeof(mask));
		memcpy(base + kd->aux, &yes, sizeof(yes));
		return 0;
	}
	case K_STRLIST: {
		char *dup;
		if (!is_text(value))
			return fail(err, "[%s] %s: '%s' has spaces or non-ASCII characters", sec,
				    k, value);
		if (strlen(value) > kd->max)
			return fail(err, "[%s] %s: longer than %llu characters", sec, k,
				    (unsigned long long)kd->max);
		dup = xstrdup(value);
		if (list_append(base, kd, &dup, sizeof(dup), str_eq_v) < 0) {
			free(dup);
			return fail(err, "[%s] %s: '%s' is listed twice", sec, k, value);
		}
		return 0;
	}
	case K_BOOL: {
		bool b;
		if (!parse_bool(value, &b))
			return fail(err, "[%s] %s: '%s' is not yes, no, true, false, 1 or 0", sec,
				    k, value);
		memcpy(field, &b, sizeof(b));
		return 0;
	}
	case K_TRISTATE: {
		enum conf_tristate t = CONF_AUTO;
		bool b;
		if (strcasecmp(value, "auto") != 0) {
			if (!parse_bool(value, &b))
				return fail(err, "[%s] %s: '%s' is not auto, yes or no", sec, k,
					    value);
			t = b ? CONF_YES : CONF_NO;
		}
		memcpy(field, &t, sizeof(t));
		return 0;
	}
	case K_EHACT:
		return parse_eh_action(sec, kd, value, field, err);
	case K_EHTYPES: {
		bool yes = true;
		if (parse_eh_types(sec, k, value, field, err) < 0)
			return -EINVAL;
		memcpy(base + kd->aux, &yes, sizeof(yes));
		return 0;
	}
	case K_ONOFF: {
		bool b, yes = true;
		if (strcasecmp(value, "on") == 0)
			b = true;
		else if (strcasecmp(value, "off") == 0)
			b = false;
		else if (!parse_bool(value, &b))
			return fail(err, "[%s] %s: '%s' is not on, off, yes or no", sec, k, value);
		memcpy(field, &b, sizeof(b));
		if (kd->aux)
			memcpy(base + kd->aux, &yes, sizeof(yes));
		return 0;
	}
	case K_EHGLOBAL:
		return fail(err, "[%s] %s: applies to both directions; set it in [ehfilter]", sec,
			    k);
	case K_MNP: {
		struct prefix p;
		bool yes = true;
		if (addr_parse_prefix(value, &p) < 0 || p.family != AF_INET6 || !strchr(value, '/'))
			return fail(err, "[%s] %s: '%s' is not an IPv6 prefix (address/length)",
				    sec, k, value);
		if (p.plen > 64)
			return fail(err, "[%s] %s: '%s' is longer than /64", sec, k, value);
		if (has_host_bits(&p))
			return fail(err, "[%s] %s: '%s' has bits set beyond its length", sec, k,
				    value);
		memcpy(field, &p, sizeof(p));
		memcpy(base + kd->aux, &yes, sizeof(yes));
		return 0;
	}
	case K_ULA: {
		struct prefix p;
		/* RFC 4193 §3.1: fc00::/7, /48 per site. */
		if (addr_parse_prefix(value, &p) < 0 || p.family != AF_INET6 || p.plen != 48 ||
		    (p.addr[0] & 0xfe) != 0xfc || has_host_bits(&p))
			return fail(err,
				    "[%s] %s: '%s' is not a unique-local /48 (fdXX:XXXX:XXXX::/48)",
				    sec, k, value);
		memcpy(field, &p, sizeof(p));
		return 0;
	}
	case K_ADDRESS:
	case K_ROUTE: {
		struct prefix p;
		if (addr_parse_prefix(value, &p) < 0)
			return fail(err, "[%s] %s: '%s' is not an IPv4 or IPv6 %s", sec, k, value,
				    kd->type == K_ADDRESS ? "address[/length]" : "prefix");
		if (kd->type == K_ADDRESS && addr_is_zero(&p))
			return fail(err, "[%s] %s: '%s' is the unspecified address", sec, k, value);
		if (kd->type == K_ROUTE && has_host_bits(&p))
			return fail(err, "[%s] %s: '%s' has bits set beyond its length", sec, k,
				    value);
		if (list_append(base, kd, &p, sizeof(p), prefix_eq_v) < 0)
			return fail(err, "[%s] %s: '%s' is listed twice", sec, k, value);
		return 0;
	}
	case K_LISTEN:
	case K_ENDPOINT: {
		union sockaddr_any a;
		bool yes = true;
		if (addr_parse_endpoint(value, OMNI_UDP_PORT, &a) < 0)
			return fail(err,
				    "[%s] %s: '%s' is not address:port (a.b.c.d:port or "
				    "[v6]:port)",
				    sec, k, value);
		if (kd->type == K_LISTEN) {
			memcpy(field, &a, sizeof(a));
			memcpy(base + kd->aux, &yes, sizeof(yes));
			return 0;
		}
		if (sockaddr_is_unspec(&a))
			return fail(err, "[%s] %s: '%s' is the unspecified address", sec, k, value);
		if (list_append(base, kd, &a, sizeof(a), sockaddr_eq_v) < 0)
			return fail(err, "[%s] %s: '%s' is listed twice", sec, k, value);
		return 0;
	}
	case K_ISDAS: {
		uint64_t ia;
		bool yes = true;
		if (scion_paths_ia_parse(value, &ia) < 0 || (ia >> 48) == 0 ||
		    (ia & 0xffffffffffffULL) == 0)
			return fail(err,
				    "[%s] %s: '%s' is not an ISD-AS such as 1-ff00:0:110 or 64-6730 "
				    "(neither part 0)",
				    sec, k, value);
		memcpy(field, &ia, sizeof(ia));
		memcpy(base + kd->aux, &yes, sizeof(yes));
		return 0;
	}
	case K_KEY16: {
		bool yes = true;
		if (conf_scion_key16(value, field) < 0)
			return fail(err, "[%s] %s: not 24 characters of base64 (16 octets)", sec, k);
		memcpy(base + kd->aux, &yes, sizeof(yes));
		return 0;
	}
	case K_IP: {
		struct prefix p;
		bool yes = true;
		if (strchr(value, '/') || addr_parse_prefix(value, &p) < 0 || addr_is_zero(&p))
			return fail(err, "[%s] %s: '%s' is not an IPv4 or IPv6 address", sec, k,
				    value);
		memcpy(field, &p, sizeof(p));
		memcpy(base + kd->aux, &yes, sizeof(yes));
		return 0;
	}
	case K_SCIONROLE: {
		enum conf_scion_role r;
		if (strcmp(value, "host") == 0)
			r = CONF_SCION_HOST;
		else if (strcmp(value, "router") == 0)
			r = CONF_SCION_ROUTER;
		else
			return fail(err, "[%s] %s: '%s' is not host or router", sec, k, value);
		memcpy(field, &r, sizeof(r));
		return 0;
	}
	case K_DSCPPREF:
		return parse_dscp_pref(sec, k, value, field, err);
	case K_LOGGRPS: {
		uint32_t mask;
		if (conf_parse_log_groups(value, &mask) < 0)
			return fail(err,
				    "[%s] %s: '%s' is not a list of log groups (main tun udp oal nd "
				    "peer hs scion eh api dns conf nl crypto, each once) or 'none'",
				    sec, k, value);
		memcpy(field, &mask, sizeof(mask));
		return 0;
	}
	case K_PUBKEY: {
		bool yes = true;
		uint8_t pk[32], x[32];
		if (keys_b64_decode32(value, pk) < 0)
			return fail(err, "[%s] %s: not 44 characters of base64 (omnictl pubkey)",
				    sec, k);
		/* The handshake needs the X25519 form; refuse a key that has none now. */
		if (keys_ed_pk_to_x(pk, x) < 0)
			return fail(err, "[%s] %s: '%s' is not a usable Ed25519 public key", sec, k,
				    value);
		memcpy(field, pk, sizeof(pk));
		memcpy(base + kd->aux, &yes, sizeof(yes));
		return 0;
	}
	}
	return fail(err, "[%s] %s: internal error", sec, k);
}

int conf_apply(struct conf *c, const char *section, const char *key, const char *value,
	       struct conf_err *err)
{
	const struct section_def *sd;
	const char *name = NULL;
	uint8_t *base;
	uint32_t *seen;

	if (!section)
		section = "";
	if (section[0] == '\0')
		return fail(err, "'%s' is outside of any [section]", key ? key : "");
	sd = find_section(section, &name);
	if (!sd)
		return fail(err, "unknown section [%.64s]", section);
	if (sd->named && !name)
		return fail(err, "section [%s] needs a name: [%s.NAME]", section, sd->name);
	if (name && !is_ldh(name))
		return fail(err,
			    "[%.80s]: '%.64s' is not a name of 1..63 letters, digits and '-' "
			    "(not starting or ending with '-')",
			    section, name);

	if (sd->kind == SEC_UNDERLAY)
		base = (uint8_t *)get_underlay(c, name);
	else if (sd->kind == SEC_PEER || sd->kind == SEC_SERVER || sd->kind == SEC_CLIENT) {
		base = (uint8_t *)get_peer(c, name,
					   sd->kind == SEC_SERVER   ? CONF_PEER_SERVER
					   : sd->kind == SEC_CLIENT ? CONF_PEER_CLIENT
								    : CONF_PEER_STATIC);
		if (!base)
			return fail(err, "[%s]: the name '%s' is already used by another [peer], "
					 "[server] or [client] section",
				    section, name);
	}
	else if (sd->kind == SEC_ISSUER)
		base = (uint8_t *)get_issuer(c, name);
	else if (sd->kind == SEC_AGENT)
		base = (uint8_t *)get_agent(c, name);
	else if (sd->kind == SEC_SCION_ROUTE)
		base = (uint8_t *)get_scion_route(c, name);
	else if (sd->kind == SEC_SCION_LINK)
		base = (uint8_t *)get_scion_link(c, name);
	else
		base = (uint8_t *)c;
	if (!key)
		return 0;

	const struct key_def *kd = NULL;
	size_t idx;
	for (idx = 0; idx < sd->n_keys; idx++) {
		if (strcmp(sd->keys[idx].name, key) == 0) {
			kd = &sd->keys[idx];
			break;
		}
	}
	if (!kd)
		return fail(err, "[%s]: unknown key '%.64s'", section, key);
	bool is_list = kd->type == K_ADDRESS || kd->type == K_ROUTE || kd->type == K_ENDPOINT ||
		       kd->type == K_CHECKSUM || kd->type == K_STRLIST;
	seen = (uint32_t *)(void *)(base + sd->seen_off);
	if ((!value || value[0] == '\0') && kd->empty_ok && !is_list) {
		bool no = false;
		if (*seen & (1U << idx))
			return fail(err, "[%s] %s: set more than once in this file", section, key);
		memset(base + kd->off, 0, kd->size);
		if (kd->aux)
			memcpy(base + kd->aux, &no, sizeof(no));
		*seen |= 1U << idx;
		return 0;
	}
	if (!value || value[0] == '\0')
		return fail(err, "[%s] %s: empty value", section, key);
	if (strlen(value) > CONF_VALUE_MAX)
		return fail(err, "[%s] %s: value longer than %d characters", section, key,
			    CONF_VALUE_MAX);

	if (!is_list) {
		if (*seen & (1U << idx))
			return fail(err, "[%s] %s: set more than once in this file", section, key);
	}
	int rc = apply_value(base, section, kd, value, err);
	if (rc == 0 && !is_list)
		*seen |= 1U << idx;
	return rc;
}

/* ---- conf_finish ---- */

int conf_fail_at(const struct conf *c, struct conf_err *err, uint32_t file, unsigned line,
		 const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->file[0] = '\0';
	if (file < c->n_src_files)
		snprintf(err->file, sizeof(err->file), "%s", c->src_files[file]);
	err->line = line;
	return -EINVAL;
}

/* The short name the conf_finish rules below use (conf_scion.c calls conf_fail_at()). */
#define fail_at conf_fail_at

static void default_node_name(struct conf *c)
{
	char host[256] = "";

	if (gethostname(host, sizeof(host) - 1) < 0)
		return;
	host[sizeof(host) - 1] = '\0';
	char *dot = strchr(host, '.');
	if (dot)
		*dot = '\0';
	for (char *p = host; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	}
	if (is_ldh(host))
		snprintf(c->node.name, sizeof(c->node.name), "%s", host);
}

/* The prefixes a peer owns: its mnp and its allowed_prefix list. */
static size_t peer_prefixes(const struct conf_peer *p, const struct prefix **out, size_t i)
{
	if (p->has_mnp) {
		if (i == 0) {
			*out = &p->mnp;
			return 1;
		}
		i--;
	}
	if (i < p->n_allowed) {
		*out = &p->allowed[i];
		return 1;
	}
	return 0;
}

static int finish_underlays(struct conf *c, struct conf_err *err)
{
	char buf[ADDR_STR_MAX];

	for (size_t i = 0; i < c->n_underlays; i++) {
		struct conf_underlay *u = &c->underlays[i];
		bool v6;

		if (!u->has_listen)
			return fail_at(c, err, u->src_file, u->src_line,
				       "[underlay.%s]: 'listen = <address>:8060' is required",
				       u->name);
		v6 = u->listen.sa.sa_family == AF_INET6;
		if (u->path_mtu == 0)
			u->path_mtu = v6 ? OMNI_PMTU6_DEFAULT : OMNI_PMTU4_DEFAULT;
		if (v6 && u->path_mtu < OMNI_PMTU6_MIN)
			return fail_at(c, err, u->src_file, u->src_line,
				       "[underlay.%s] path_mtu: %u is below %u, the IPv6 minimum",
				       u->name, u->path_mtu, OMNI_PMTU6_MIN);
		for (size_t j = 0; j < i; j++) {
			if (addr_equal(&c->underlays[j].listen, &u->listen))
				return fail_at(c, err, u->src_file, u->src_line,
					       "[underlay.%s] listen: %s is also [underlay.%s]",
					       u->name,
					       addr_format_endpoint(&u->listen, buf, sizeof(buf)),
					       c->underlays[j].name);
		}
	}
	return 0;
}

static bool have_underlay_family(const struct conf *c, int family)
{
	for (size_t i = 0; i < c->n_underlays; i++) {
		if (c->underlays[i].listen.sa.sa_family == family)
			return true;
	}
	return false;
}

static int finish_peer(struct conf *c, size_t idx, struct conf_err *err)
{
	struct conf_peer *p = &c->peers[idx];
	char b1[ADDR_STR_MAX], b2[ADDR_STR_MAX];
	const struct prefix *a, *b;

	if (!p->has_public_key)
		return fail_at(c, err, p->src_file, p->src_line,
			       "[peer.%s]: 'public_key = <44 base64 characters>' is required",
			       p->name);
	if (p->has_mnp == (p->msid != 0))
		return fail_at(c, err, p->src_file, p->src_line,
			       p->has_mnp ? "[peer.%s]: set only one of mnp and msid"
					  : "[peer.%s]: one of 'mnp = <prefix>' or 'msid = <n>' "
					    "is required",
			       p->name);
	for (size_t i = 0; i < p->n_endpoints; i++) {
		int fam = p->endpoints[i].sa.sa_family;
		if (!have_underlay_family(c, fam))
			return fail_at(c, err, p->src_file, p->src_line,
				       "[peer.%s] endpoint: %s needs an %s [underlay.NAME]",
				       p->name,
				       addr_format_endpoint(&p->endpoints[i], b1, sizeof(b1)),
				       fam == AF_INET ? "IPv4" : "IPv6");
	}
	if (p->msid && p->msid == c->omni.msid)
		return fail_at(c, err, p->src_file, p->src_line,
			       "[peer.%s] msid: %u is this node's own msid", p->name, p->msid);
	/* AERO (docs/aero.md): which side may declare what. */
	if (p->kind == CONF_PEER_SERVER && (c->node.role != CONF_ROLE_CLIENT || !p->msid ||
					    !p->n_endpoints))
		return fail_at(c, err, p->src_file, p->src_line,
			       "[server.%s]: needs [node] role = client, 'msid' and 'endpoint'",
			       p->name);
	for (size_t i = 0; p->kind == CONF_PEER_SERVER && !c->aero.n_msp && i < p->n_endpoints; i++)
		if (p->endpoints[i].sa.sa_family == AF_INET6)
			return fail_at(c, err, p->src_file, p->src_line,
				       "[server.%s]: an IPv6 endpoint needs [aero] msp (the default "
				       "route via the server would capture the underlay itself)",
				       p->name);
	if (p->mesh && (c->node.role != CONF_ROLE_SERVER || !p->msid))
		return fail_at(c, err, p->src_file, p->src_line,
			       "[peer.%s] mesh: needs [node] role = server and the peer's 'msid'",
			       p->name);
	if (p->kind == CONF_PEER_CLIENT && c->node.role != CONF_ROLE_SERVER)
		return fail_at(c, err, p->src_file, p->src_line,
			       "[client.%s]: only a node with [node] role = server has clients",
			       p->name);
	for (size_t i = 0; peer_prefixes(p, &a, i); i++) {
		if (c->omni.has_mnp && prefix_overlaps(a, &c->omni.mnp))
			return fail_at(c, err, p->src_file, p->src_line,
				       "[peer.%s]: %s overlaps this node's own mnp %s", p->name,
				       prefix_format(a, b1, sizeof(b1)),
				       prefix_format(&c->omni.mnp, b2, sizeof(b2)));
	}
	for (size_t j = 0; j < idx; j++) {
		const struct conf_peer *q = &c->peers[j];

		if (keys_equal(p->public_key, q->public_key, sizeof(p->public_key)))
			return fail_at(c, err, p->src_file, p->src_line,
				       "[peer.%s] public_key: the same key as [peer.%s]", p->name,
				       q->name);
		if (p->msid && p->msid == q->msid)
			return fail_at(c, err, p->src_file, p->src_line,
				       "[peer.%s] msid: %u is also [peer.%s]'s", p->name, p->msid,
				       q->name);
		/*
		 * The inner-source check (spec §5.14) accepts a source inside any of
		 * the sender's prefixes, so prefixes of different peers must be
		 * disjoint or one peer could speak for the other.
		 */
		for (size_t i = 0; peer_prefixes(p, &a, i); i++) {
			for (size_t k = 0; peer_prefixes(q, &b, k); k++) {
				if (prefix_overlaps(a, b))
					return fail_at(c, err, p->src_file, p->src_line,
						       "[peer.%s]: %s overlaps %s of [peer.%s]",
						       p->name, prefix_format(a, b1, sizeof(b1)),
						       prefix_format(b, b2, sizeof(b2)), q->name);
			}
		}
	}
	return 0;
}

/* spec/agentic-jwt.md B.8.2: [api] derived defaults, [issuer.NAME] and [agent.NAME]. */
static int finish_auth(struct conf *c, struct conf_err *err)
{
	if (c->api.audience[0] == '\0')
		snprintf(c->api.audience, sizeof(c->api.audience), "%s%s", API_AUDIENCE_PREFIX,
			 c->node.name);
	for (size_t i = 0; i < c->n_issuers; i++) {
		const struct conf_issuer *is = &c->issuers[i];
		const char *missing = !is->iss[0]	 ? "'iss = <issuer URL>'"
				      : !is->key_file[0] ? "'key_file = <path>'"
				      : !is->alg	 ? "'alg = EdDSA' or 'alg = ES256'"
							 : NULL;
		if (missing)
			return fail_at(c, err, is->src_file, is->src_line,
				       "[issuer.%s]: %s is required", is->name, missing);
		for (size_t j = 0; j < i; j++) {
			const struct conf_issuer *o = &c->issuers[j];
			/* Keys of one iss are told apart by kid alone (jws_ctx_new agrees). */
			if (strcmp(o->iss, is->iss) == 0 &&
			    (!o->kid[0] || !is->kid[0] || strcmp(o->kid, is->kid) == 0))
				return fail_at(c, err, is->src_file, is->src_line,
					       "[issuer.%s]: the same iss as [issuer.%s]; give "
					       "each key of one iss its own kid",
					       is->name, o->name);
		}
	}
	for (size_t i = 0; i < c->n_agents; i++) {
		const struct conf_agent *a = &c->agents[i];
		const char *missing = !a->sub[0]	    ? "'sub = <agent id>'"
				      : !a->n_checksums	    ? "'checksum = <64 hex>'"
				      : !a->has_max_scopes ? "'max_scopes = <scope ...>'"
							    : NULL;
		if (missing)
			return fail_at(c, err, a->src_file, a->src_line,
				       "[agent.%s]: %s is required", a->name, missing);
		for (size_t j = 0; j < i; j++) {
			if (strcmp(c->agents[j].sub, a->sub) == 0)
				return fail_at(c, err, a->src_file, a->src_line,
					       "[agent.%s] sub: '%s' is also [agent.%s]'s", a->name,
					       a->sub, c->agents[j].name);
		}
	}
	return 0;
}

int conf_finish(struct conf *c, struct conf_err *err)
{
	int rc;

	/* spec/eh-removal.md A.6: [ehfilter.exit] keys not set take the exit or [ehfilter] value. */
	eh_rules_inherit(&c->ehfilter_exit.rules, &c->ehfilter.rules);
	if (c->node.name[0] == '\0')
		default_node_name(c);
	if (c->node.name[0] == '\0')
		return fail_at(
		    c, err, 0, 0,
		    "[node] name: the host name is not a valid name; set 'name = <label>'");
	if (!c->omni.has_mnp && c->omni.msid == 0)
		return fail_at(c, err, 0, 0,
			       c->n_underlays == 0
				   ? "this node has no identity and no underlay: add [omni] "
				     "'mnp = <IPv6 prefix>/<len>' (or 'msid = <n>' on a server) "
				     "and an [underlay.NAME] section with 'listen = "
				     "<address>:8060', e.g. in conf.d/50-node.conf"
				   : "[omni]: add 'mnp = <IPv6 prefix>/<len>' (or 'msid = <n>' "
				     "on a server), e.g. in conf.d/50-node.conf");
	if (c->omni.has_mnp && c->omni.msid != 0)
		return fail_at(c, err, 0, 0, "[omni]: set only one of mnp and msid");
	if (c->n_underlays == 0)
		return fail_at(c, err, 0, 0,
			       "no underlay: add an [underlay.NAME] section with 'listen = "
			       "<address>:8060', e.g. in conf.d/50-node.conf");
	if (c->omni.reassembly_mem_total < c->omni.reassembly_mem_peer)
		return fail_at(
		    c, err, 0, 0,
		    "[omni] reassembly_mem_total: %llu is below reassembly_mem_peer %llu",
		    (unsigned long long)c->omni.reassembly_mem_total,
		    (unsigned long long)c->omni.reassembly_mem_peer);
	rc = finish_underlays(c, err);
	if (rc < 0)
		return rc;

	if (c->omni.has_mnp) {
		bool inside = false;
		for (size_t i = 0; i < c->omni.n_addresses; i++) {
			const struct prefix *a = &c->omni.addresses[i];
			if (prefix_contains(&c->omni.mnp, a->family, a->addr))
				inside = true;
		}
		if (!inside) {
			/* spec §2.5: <mnp>::1/128 (the mnp is at most /64, so the IID is free). */
			struct prefix def = c->omni.mnp;
			def.addr[15] |= 1;
			def.plen = 128;
			c->omni.addresses =
			    grow(c->omni.addresses, c->omni.n_addresses, sizeof(def));
			c->omni.addresses[c->omni.n_addresses++] = def;
		}
	}

	if (c->node.role == CONF_ROLE_SERVER && !c->omni.msid)
		return fail(err, "[node] role = server needs [omni] msid");
	for (size_t i = 0; i < c->n_peers; i++) {
		rc = finish_peer(c, i, err);
		if (rc < 0)
			return rc;
	}
	rc = conf_scion_finish(c, err);
	if (rc < 0)
		return rc;
	return finish_auth(c, err);
}

/* ---- reload support ---- */

static bool prefixes_eq(const struct prefix *a, size_t na, const struct prefix *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		if (!prefix_eq(&a[i], &b[i]))
			return false;
	}
	return true;
}

bool conf_needs_restart(const struct conf *a, const struct conf *b)
{
	if (a->node.role != b->node.role ||
	    strcmp(a->omni.tun, b->omni.tun) != 0 || a->omni.mtu != b->omni.mtu ||
	    a->omni.offload != b->omni.offload ||
	    a->omni.has_mnp != b->omni.has_mnp ||
	    (a->omni.has_mnp && !prefix_eq(&a->omni.mnp, &b->omni.mnp)) ||
	    a->omni.msid != b->omni.msid || !prefix_eq(&a->omni.ula_domain, &b->omni.ula_domain) ||
	    a->omni.link_id != b->omni.link_id ||
	    !prefixes_eq(a->omni.addresses, a->omni.n_addresses, b->omni.addresses,
			 b->omni.n_addresses) ||
	    strcmp(a->api.socket, b->api.socket) != 0 ||
	    strcmp(a->api.socket_group, b->api.socket_group) != 0 ||
	    a->api.has_listen_tcp != b->api.has_listen_tcp ||
	    (a->api.has_listen_tcp && !addr_equal(&a->api.listen_tcp, &b->api.listen_tcp)) ||
	    a->api.replay_cache_size != b->api.replay_cache_size ||
	    strcmp(a->node.private_key_file, b->node.private_key_file) != 0 ||
	    strcasecmp(a->node.overlay, b->node.overlay) != 0 || a->dns.enable != b->dns.enable ||
	    a->dns.listen_port != b->dns.listen_port ||
	    a->dns.register_resolved != b->dns.register_resolved ||
	    a->n_underlays != b->n_underlays || conf_scion_needs_restart(a, b))
		return true;
	for (size_t i = 0; i < a->n_underlays; i++) {
		const struct conf_underlay *x = &a->underlays[i], *y = &b->underlays[i];
		if (strcmp(x->name, y->name) != 0 || x->has_listen != y->has_listen ||
		    (x->has_listen && !addr_equal(&x->listen, &y->listen)) ||
		    strcmp(x->interface, y->interface) != 0 || x->path_mtu != y->path_mtu ||
		    x->plain != y->plain || x->offload != y->offload)
			return true;
	}
	return false;
}

char *conf_err_format(const struct conf_err *err, char *buf, size_t len)
{
	if (err->file[0] && err->line)
		snprintf(buf, len, "%s:%u: %s", err->file, err->line, err->msg);
	else if (err->file[0])
		snprintf(buf, len, "%s: %s", err->file, err->msg);
	else
		snprintf(buf, len, "%s", err->msg);
	return buf;
}

/* ---- conf_section_values: the effective values back in the text form ---- */

static bool aux_flag(const uint8_t *base, const struct key_def *kd)
{
	bool b;

	if (!kd->aux)
		return true;
	memcpy(&b, base + kd->aux, sizeof(b));
	return b;
}

static uint64_t load_uint(const void *field, size_t size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (size) {
	case 1:
		memcpy(&u8, field, 1);
		return u8;
	case 2:
		memcpy(&u16, field, 2);
		return u16;
	case 4:
		memcpy(&u32, field, 4);
		return u32;
	default:
		OMNI_ASSERT(size == 8);
		memcpy(&u64, field, 8);
		return u64;
	}
}

/* A 256-bit type map as "1 3 253" or "none". */
static void format_eh_types(const uint8_t map[32], char *buf, size_t cap)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned t = 0; t < 256 && n < cap; t++)
		if ((map[t / 8] >> (t % 8)) & 1)
			n += (size_t)snprintf(buf + n, cap - n, "%s%u", n ? " " : "", t);
	if (n == 0)
		snprintf(buf, cap, "none");
}

/* Bits of @mask named by @name(bit) joined with spaces, or @none_word for 0. */
static void format_names(uint32_t mask, unsigned nbits, const char *(*name)(unsigned), char *buf,
			 size_t cap, const char *none_word)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < nbits && n < cap; i++)
		if ((mask >> i) & 1U)
			n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? " " : "", name(i));
	if (n == 0)
		snprintf(buf, cap, "%s", none_word);
}

static const char *grp_name_at(unsigned i)
{
	return log_grp_name((enum log_grp)i);
}

static const char *scope_name_at(unsigned i)
{
	const char *s = jws_scope_name(1U << i);

	return s ? s : "?";
}

/* Call @cb for each element of the list key @kd at @base (one value per element). */
static int render_list(const uint8_t *base, const struct key_def *kd,
		       int (*cb)(void *, const char *, const char *), void *arg)
{
	const void *items;
	size_t n;
	char buf[CONF_VALUE_MAX + 1];
	int r;

	memcpy(&items, base + kd->off, sizeof(items));
	memcpy(&n, base + kd->aux, sizeof(n));
	for (size_t i = 0; i < n; i++) {
		const uint8_t *it = (const uint8_t *)items;

		if (kd->type == K_ADDRESS || kd->type == K_ROUTE) {
			prefix_format((const struct prefix *)(const void *)it + i, buf,
				      sizeof(buf));
		} else if (kd->type == K_ENDPOINT) {
			addr_format_endpoint((const union sockaddr_any *)(const void *)it + i, buf,
					     sizeof(buf));
		} else if (kd->type == K_CHECKSUM) {
			for (size_t b = 0; b < 32; b++)
				snprintf(buf + 2 * b, sizeof(buf) - 2 * b, "%02x", it[i * 32 + b]);
		} else {
			const char *const *v = (const char *const *)items;
			snprintf(buf, sizeof(buf), "%s", v[i]);
		}
		r = cb(arg, kd->name, buf);
		if (r)
			return r;
	}
	return 0;
}

/*
 * The text of one scalar key into @buf; false when the key has no value to
 * show (unset optional key, or one that belongs to another section).
 */
static bool render_scalar(const uint8_t *base, const struct key_def *kd, char *buf, size_t cap)
{
	static const char *const act_words[] = { [EH_KEEP] = "keep", [EH_STRIP] = "strip",
						 [EH_DROP] = "drop" };
	const void *field = base + kd->off;

	switch (kd->type) {
	case K_LDH:
	case K_PATH:
	case K_IFNAME:
	case K_GROUP:
	case K_TEXT: {
		const char *s = field;
		if (!s[0] && !kd->empty_ok)
			return false;
		snprintf(buf, cap, "%.*s", (int)kd->size, s);
		return true;
	}
	case K_ROLE: {
		enum conf_role r;
		memcpy(&r, field, sizeof(r));
		snprintf(buf, cap, "%s", r == CONF_ROLE_SERVER ? "server" : "client");
		return true;
	}
	case K_LOGLEVEL: {
		enum log_level l;
		memcpy(&l, field, sizeof(l));
		snprintf(buf, cap, "%s",
			 l == LOG_LVL_ERR    ? "err"
			 : l == LOG_LVL_WARN ? "warn"
			 : l == LOG_LVL_DEBUG ? "debug"
					      : "info");
		return true;
	}
	case K_UINT: {
		uint64_t v = load_uint(field, kd->size);
		/* Out of range = the "not set" value (msid 0). */
		if (!aux_flag(base, kd) || v < kd->min || v > kd->max)
			return false;
		snprintf(buf, cap, "%llu", (unsigned long long)v);
		return true;
	}
	case K_BOOL: {
		bool b;
		if (!aux_flag(base, kd))
			return false;
		memcpy(&b, field, sizeof(b));
		snprintf(buf, cap, "%s", b ? "yes" : "no");
		return true;
	}
	case K_ONOFF: {
		bool b;
		memcpy(&b, field, sizeof(b));
		snprintf(buf, cap, "%s", b ? "on" : "off");
		return true;
	}
	case K_TRISTATE: {
		enum conf_tristate t;
		memcpy(&t, field, sizeof(t));
		snprintf(buf, cap, "%s", t == CONF_YES ? "yes" : t == CONF_NO ? "no" : "auto");
		return true;
	}
	case K_EHACT: {
		uint8_t a;
		memcpy(&a, field, 1);
		if (a < EH_KEEP || a > EH_DROP) /* EH_UNSET: not resolved yet */
			return false;
		snprintf(buf, cap, "%s", act_words[a]);
		return true;
	}
	case K_EHTYPES:
		format_eh_types(field, buf, cap);
		return true;
	case K_DSCPPREF:
		format_dscp_pref(field, buf, cap);
		return true;
	case K_LOGGRPS: {
		uint32_t m;
		memcpy(&m, field, sizeof(m));
		format_names(m, LOG_GRP__COUNT, grp_name_at, buf, cap, "none");
		return true;
	}
	case K_SCOPES: {
		uint32_t m;
		if (!aux_flag(base, kd))
			return false;
		memcpy(&m, field, sizeof(m));
		format_names(m, 32, scope_name_at, buf, cap, "");
		return buf[0] != '\0';
	}
	case K_MNP:
	case K_ULA:
	case K_IP: {
		const struct prefix *p = field;
		if (!aux_flag(base, kd))
			return false;
		prefix_format(p, buf, cap);
		if (kd->type == K_IP)
			buf[strcspn(buf, "/")] = '\0';
		return true;
	}
	case K_LISTEN:
	case K_LOOPBACK:
		if (!aux_flag(base, kd)) {
			if (!kd->empty_ok)
				return false;
			buf[0] = '\0';
			return true;
		}
		addr_format_endpoint(field, buf, cap);
		return true;
	case K_PUBKEY: {
		char b64[45];
		if (!aux_flag(base, kd))
			return false;
		keys_b64_encode32(field, b64);
		snprintf(buf, cap, "%s", b64);
		return true;
	}
	case K_KEY16:
		if (!aux_flag(base, kd))
			return false;
		sodium_bin2base64(buf, cap, field, 16, sodium_base64_VARIANT_ORIGINAL);
		return true;
	case K_ISDAS: {
		uint64_t ia;
		if (!aux_flag(base, kd))
			return false;
		memcpy(&ia, field, sizeof(ia));
		scion_ia_format(ia, buf, cap);
		return true;
	}
	case K_ALG: {
		enum jws_alg alg;
		memcpy(&alg, field, sizeof(alg));
		if (alg == JWS_ALG_EDDSA)
			snprintf(buf, cap, "EdDSA");
		else if (alg == JWS_ALG_ES256)
			snprintf(buf, cap, "ES256");
		else
			return false;
		return true;
	}
	case K_SCIONROLE: {
		enum conf_scion_role r;
		memcpy(&r, field, sizeof(r));
		if (r == CONF_SCION_OFF)
			return false;
		snprintf(buf, cap, "%s", r == CONF_SCION_HOST ? "host" : "router");
		return true;
	}
	case K_EHGLOBAL:
	case K_ADDRESS:
	case K_ROUTE:
	case K_ENDPOINT:
	case K_CHECKSUM:
	case K_STRLIST:
		return false;
	}
	return false;
}

/* The existing object [KIND.@name] of a named section kind, or NULL (never creates one). */
static const uint8_t *find_object(const struct conf *c, enum section_kind kind, const char *name)
{
	const void *arr;
	size_t n, size;

	switch (kind) {
	case SEC_UNDERLAY:
		arr = c->underlays, n = c->n_underlays, size = sizeof(*c->underlays);
		break;
	case SEC_PEER:
	case SEC_SERVER:
	case SEC_CLIENT:
		/* [peer.], [server.] and [client.] share c->peers; the kind must match too. */
		for (size_t i = 0; i < c->n_peers; i++) {
			const struct conf_peer *p = &c->peers[i];
			enum conf_peer_kind want = kind == SEC_SERVER	? CONF_PEER_SERVER
						   : kind == SEC_CLIENT ? CONF_PEER_CLIENT
									: CONF_PEER_STATIC;
			if (p->kind == want && strcmp(p->name, name) == 0)
				return (const uint8_t *)p;
		}
		return NULL;
	case SEC_ISSUER:
		arr = c->issuers, n = c->n_issuers, size = sizeof(*c->issuers);
		break;
	case SEC_AGENT:
		arr = c->agents, n = c->n_agents, size = sizeof(*c->agents);
		break;
	case SEC_SCION_ROUTE:
		arr = c->scion_routes, n = c->n_scion_routes, size = sizeof(*c->scion_routes);
		break;
	case SEC_SCION_LINK:
		arr = c->scion_links, n = c->n_scion_links, size = sizeof(*c->scion_links);
		break;
	case SEC_NODE:
	case SEC_OMNI:
	case SEC_SECURE:
	case SEC_API:
	case SEC_DNS:
	case SEC_EHFILTER:
	case SEC_EHFILTER_EXIT:
	case SEC_SCION:
	case SEC_AERO:
	default:
		return NULL;
	}
	/* Every named object starts with its char name[CONF_NAME_MAX + 1]. */
	for (size_t i = 0; i < n; i++) {
		const uint8_t *o = (const uint8_t *)arr + i * size;
		if (strcmp((const char *)o, name) == 0)
			return o;
	}
	return NULL;
}

int conf_section_values(const struct conf *c, const char *section,
			int (*cb)(void *arg, const char *key, const char *value), void *arg)
{
	const struct section_def *sd;
	const uint8_t *base = (const uint8_t *)c;
	const char *name = NULL;
	char buf[CONF_VALUE_MAX + 1];
	int r;

	sd = find_section(section, &name);
	if (!sd || (sd->named && !name))
		return -ENOENT;
	if (sd->named) {
		base = find_object(c, sd->kind, name);
		if (!base)
			return -ENOENT;
	}
	for (size_t i = 0; i < sd->n_keys; i++) {
		const struct key_def *kd = &sd->keys[i];
		bool is_list = kd->type == K_ADDRESS || kd->type == K_ROUTE ||
			       kd->type == K_ENDPOINT || kd->type == K_CHECKSUM ||
			       kd->type == K_STRLIST;

		if (is_list)
			r = render_list(base, kd, cb, arg);
		else
			r = render_scalar(base, kd, buf, sizeof(buf)) ? cb(arg, kd->name, buf) : 0;
		if (r)
			return r;
	}
	return 0;
}

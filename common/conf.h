/* SPDX-License-Identifier: MIT */
/*
 * conf.h - the configuration model of spec/omni-aero.md §5.14 and the one
 * entry point that fills it, conf_apply(section, key, value) (STYLE.md §8),
 * plus the loader (conf_load.c: omnid.conf, then conf.d/ *.conf in byte
 * order, through Debian's libinih). Everything here is pure except
 * conf_load() (reads files) and conf_finish() (gethostname for the default
 * node name). A struct conf owns every array it points to; conf_free()
 * releases them. Never reads the private key file (keys.h does).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "eh.h"
#include "jws.h"
#include "log.h"
#include "util.h"

#define CONF_NAME_MAX 63   /* LDH label */
#define CONF_VALUE_MAX 150 /* STYLE.md §8: longer values are errors */
#define CONF_LINE_MAX 197  /* libinih INI_MAX_LINE 200 minus CR, LF, NUL */

struct conf_underlay {
	char name[CONF_NAME_MAX + 1]; /* the NAME of [underlay.NAME] */
	union sockaddr_any listen;
	bool has_listen;
	char interface[16]; /* "" = not bound to a device */
	uint32_t path_mtu;  /* 0 until conf_finish fills the family default */
	bool plain;
	bool offload;                 /* UDP GSO/GRO when the kernel has them (default yes) */
	uint32_t link_quality;        /* spec §4.5 Link 0..15 for multilink, default 8 */
	uint8_t dscp_pref[64];        /* spec §4.5 Preferences 0..3 per DSCP, default 2 */
	/* bookkeeping */
	uint32_t seen;	   /* scalar keys set in the current file */
	uint32_t src_file; /* index into conf.src_files; where the section began */
	unsigned src_line;
};

/* What a [peer.NAME]-like section declares (docs/aero.md). */
enum conf_peer_kind {
	CONF_PEER_STATIC, /* [peer.NAME]: a static neighbor, prefixes routed at start */
	CONF_PEER_SERVER, /* [server.NAME] on a client: msid, endpoint; routes after registration */
	CONF_PEER_CLIENT, /* [client.NAME] on a server: key + the mnp it may register */
	CONF_PEER_RO,	  /* never in a file: a neighbor learned by route optimization */
};

/* [node] role (spec §1, §5.14). */
enum conf_role { CONF_ROLE_CLIENT, CONF_ROLE_SERVER };

struct conf_peer {
	char name[CONF_NAME_MAX + 1];
	enum conf_peer_kind kind;
	uint8_t public_key[32];
	bool has_public_key;
	union sockaddr_any *endpoints;
	size_t n_endpoints;
	bool has_mnp;
	struct prefix mnp;
	uint32_t msid; /* 0 = not set */
	struct prefix *allowed;
	size_t n_allowed;
	uint32_t persistent_keepalive; /* 0 = off */
	bool mesh; /* [peer] on a server: a meshed AERO server (docs/aero.md) */
	/* bookkeeping */
	uint32_t seen;
	uint32_t src_file;
	unsigned src_line;
};

/* One [issuer.NAME] of spec/agentic-jwt.md B.8.2: a token issuer key. */
struct conf_issuer {
	char name[CONF_NAME_MAX + 1];
	char iss[CONF_VALUE_MAX + 1]; /* required */
	char key_file[256];	      /* required; read by auth_conf.c, never here */
	char kid[CONF_VALUE_MAX + 1]; /* "" = none */
	enum jws_alg alg;	      /* required; 0 until set */
	/* bookkeeping */
	uint32_t seen;
	uint32_t src_file;
	unsigned src_line;
};

/* One [agent.NAME] of B.8.2: an agent allowed to present tokens. */
struct conf_agent {
	char name[CONF_NAME_MAX + 1];
	char sub[CONF_VALUE_MAX + 1]; /* required */
	uint8_t (*checksums)[32];     /* list `checksum`, at least one */
	size_t n_checksums;
	uint32_t max_scopes; /* JWS_SCOPE_* mask; required */
	bool has_max_scopes;
	char **registration_ids; /* list; none = any */
	size_t n_registration_ids;
	char **revoked_registration_ids; /* list */
	size_t n_revoked_registration_ids;
	char **workflow_ids; /* list; none = any */
	size_t n_workflow_ids;
	bool has_peer_uid;
	uint32_t peer_uid;
	/* bookkeeping */
	uint32_t seen;
	uint32_t src_file;
	unsigned src_line;
};

/* [scion] role (docs/scion.md). */
enum conf_scion_role { CONF_SCION_OFF = 0, CONF_SCION_HOST, CONF_SCION_ROUTER };

/* One [scion.route.NAME]: remote prefixes reached over SCION (docs/scion.md). */
struct conf_scion_route {
	char name[CONF_NAME_MAX + 1];
	uint64_t isd_as; /* required */
	bool has_isd_as;
	struct prefix host; /* the remote end's SCION host address; required */
	bool has_host;
	struct prefix *prefixes; /* list `prefix`, at least one */
	size_t n_prefixes;
	/* bookkeeping */
	uint32_t seen;
	uint32_t src_file;
	unsigned src_line;
};

/* One [scion.link.NAME]: a border-router interface (docs/scion.md). */
struct conf_scion_link {
	char name[CONF_NAME_MAX + 1];
	uint16_t ifid; /* required, 1..65535 */
	union sockaddr_any local, remote; /* required */
	bool has_local, has_remote;
	uint64_t neighbor_isd_as; /* informational, 0 = not set */
	bool has_neighbor_isd_as;
	bool up; /* default yes; "no" answers SCMP External Interface Down */
	/* bookkeeping */
	uint32_t seen;
	uint32_t src_file;
	unsigned src_line;
};

/* A yes / no / auto key ([dns] register_resolved). */
enum conf_tristate { CONF_AUTO, CONF_YES, CONF_NO };

struct conf {
	struct {
		char name[CONF_NAME_MAX + 1]; /* "" until conf_finish fills the host name */
		char overlay[CONF_NAME_MAX + 1]; /* the zone <overlay>.internal (internal-tld.md §2) */
		char private_key_file[4096];
		enum log_level log_level;
		enum conf_role role;
		uint32_t debug; /* groups with debug output on (1U << LOG_GRP_*), 0 = none */
		uint32_t seen;
	} node;
	struct {
		uint32_t router_lifetime; /* s, advertised by a server (spec §5.12: 600) */
		struct prefix *msp;	  /* client: prefixes routed via the server (none: ::/0) */
		size_t n_msp;
		uint32_t nat_keepalive; /* s, client: keepalive to an idle server (§5.10), 0 off */
		bool multilink;		/* §5.9: several paths per neighbor (daemon/mlink.c) */
		uint32_t seen;
	} aero;
	struct {
		char tun[16];
		uint32_t mtu;
		bool has_mnp;
		struct prefix mnp;
		uint32_t msid; /* 0 = not set */
		struct prefix ula_domain;
		uint16_t link_id;
		struct prefix *addresses; /* host bits kept: address/len as put on the TUN */
		size_t n_addresses;
		struct prefix *routes;
		size_t n_routes;
		uint8_t oal_hop_limit;
		bool oal_checksum;
		bool offload; /* TUN offloads (IFF_VNET_HDR, TSO/USO, checksum) */
		uint32_t reassembly_timeout;
		uint64_t reassembly_mem_peer, reassembly_mem_total;
		uint32_t seen;
	} omni;
	struct {
		uint32_t rekey_after_time;
		uint64_t rekey_after_packets;
		uint32_t keepalive;
		uint32_t replay_window;
		uint32_t seen;
	} secure;
	struct conf_underlay *underlays;
	size_t n_underlays;
	struct {
		char socket[108];
		char socket_group[33];	 /* group of the socket (B.8.1) */
		char admin_group[33];	 /* "" = uid 0 only */
		char readonly_group[33]; /* "" = none */
		union sockaddr_any listen_tcp; /* loopback only */
		bool has_listen_tcp;
		char audience[CONF_VALUE_MAX + 1]; /* conf_finish: urn:omnid:node:<name> */
		uint32_t clock_skew;
		uint32_t max_token_lifetime;
		uint32_t max_token_bytes;
		uint32_t replay_cache_size;
		bool single_use_writes;
		char audit_log[256];
		uint32_t seen;
	} api;
	struct {
		bool enable; /* the .internal responder (spec/internal-tld.md §2.2) */
		uint16_t listen_port;
		uint32_t ttl;
		enum conf_tristate register_resolved;
		char hosts_export[256]; /* "" = off */
		uint32_t rate_limit;	/* answers per second per source, 0 = unlimited */
		uint32_t seen;
	} dns;
	struct {
		struct eh_limits lim;  /* both directions (spec/eh-removal.md A.6) */
		struct eh_rules rules; /* packets entering the overlay */
		uint32_t seen;
	} ehfilter;
	struct {
		struct eh_rules rules; /* packets leaving it; conf_finish fills unset keys */
		uint32_t seen;
	} ehfilter_exit;
	struct {
		enum conf_scion_role role; /* off unless set */
		uint64_t isd_as;
		bool has_isd_as;
		union sockaddr_any listen; /* host: data socket; router: internal address */
		bool has_listen;
		struct prefix host; /* our SCION host address; default: the listen address */
		bool has_host;
		uint8_t forwarding_key[16]; /* router; derived from master_key when that is set */
		bool has_forwarding_key;
		uint8_t master_key[16];
		bool has_master_key;
		char path_file[256];
		union sockaddr_any first_hop; /* host: the border router of its AS */
		bool has_first_hop;
		uint16_t port;		    /* UDP/SCION port of IP-in-SCION, both ends */
		uint32_t probe_interval;    /* ms, 0 = no probes */
		char **prefer;		    /* list: path names in order of preference */
		size_t n_prefer;
		uint32_t hysteresis;	    /* ms */
		bool has_hysteresis;
		uint32_t loss_threshold;
		bool has_loss_threshold;
		uint32_t ifdown_hold; /* ms */
		bool has_ifdown_hold;
		uint32_t scmp_rate_limit;   /* SCMP errors per second, router */
		uint32_t keepalive;	    /* router: ms between link keepalives, 0 = off */
		uint32_t seen;
	} scion;
	struct conf_scion_route *scion_routes;
	size_t n_scion_routes;
	struct conf_scion_link *scion_links;
	size_t n_scion_links;
	struct conf_peer *peers;
	size_t n_peers;
	struct conf_issuer *issuers;
	size_t n_issuers;
	struct conf_agent *agents;
	size_t n_agents;

	/* Loader bookkeeping: the names of the files read, for conf_finish messages. */
	char **src_files;
	size_t n_src_files;
	uint32_t cur_file;
	unsigned cur_line;
};

/** Where an error is: @file and @line (0 = not tied to a line) are set by the loader. */
struct conf_err {
	char file[256];
	unsigned line;
	char msg[256];
};

/** Fill @c with every default of §5.14 (no arrays allocated). */
void conf_init(struct conf *c);
/** Free every array of @c and leave it as after conf_init(). */
void conf_free(struct conf *c);

/**
 * Apply one `key = value` of section @section (the text between the
 * brackets, "" before any section). @key == NULL (and @value ignored) means
 * the section header itself was seen: it is validated and a named object
 * ([underlay.NAME], [peer.NAME]) is created, so an empty named section still
 * counts. Scalars repeated within one section of one file are errors (see
 * conf_file_begin); a later file overrides them; list keys (`address`,
 * `route`, `endpoint`, `allowed_prefix`, and the [agent.NAME] `checksum`,
 * `registration_id`, `revoked_registration_id`, `workflow_id`) append. An
 * empty value is an error except for [api] admin_group, readonly_group and
 * listen_tcp, where it means "off". The only function that
 * writes to the model. Returns 0 or -EINVAL with @err->msg naming the
 * section and key (@err->file/line untouched).
 */
int conf_apply(struct conf *c, const char *section, const char *key, const char *value,
	       struct conf_err *err) WUR;
/** Start a new file: reset the per-file repeated-key bookkeeping. */
void conf_file_begin(struct conf *c);
/**
 * Loader bookkeeping: the next conf_apply() calls come from @file, @line
 * (recorded as the origin of named sections for conf_finish messages).
 * @file may be NULL to keep the current file and change only the line.
 */
void conf_set_origin(struct conf *c, const char *file, unsigned line);

/**
 * Cross-key validation and derived defaults after all files:
 *  - node name defaults to the host name (first label, lowercased);
 *  - exactly one of [omni] mnp / msid, and at least one [underlay.NAME];
 *  - address <mnp>::1/128 is added when mnp is set and no configured address
 *    lies inside the mnp (the daemon adds the MNP-LLA itself);
 *  - underlay listen required, path_mtu defaults to 1400 (IPv4) / 1280 (IPv6)
 *    and must be 576..65535 (IPv4) / 1280..65535 (IPv6); no two underlays on
 *    the same address and port;
 *  - each peer needs public_key and exactly one of mnp / msid; an endpoint
 *    needs an underlay of its family; no two peers share a key, an msid, or
 *    overlapping prefixes (mnp and allowed_prefix); no peer prefix overlaps
 *    this node's own mnp and no peer msid equals ours;
 *  - reassembly_mem_total >= reassembly_mem_peer;
 *  - [api] audience defaults to urn:omnid:node:<node name>; each issuer needs
 *    iss, key_file and alg, and two keys of one iss need distinct kids; each
 *    agent needs sub,
 *    a checksum and max_scopes, and no two share a sub.
 * A peer key equal to our own is left to the daemon. Returns 0 or -EINVAL;
 * @err->msg names the section/key and, where the error belongs to a named
 * section, @err->file/line point at its header (else line 0).
 */
int conf_finish(struct conf *c, struct conf_err *err) WUR;
/**
 * For conf_finish() and the conf_* modules it calls: format @fmt into @err->msg
 * and point @err at source file index @file of @c (the file name is cleared if
 * @file is not a known index) and @line (0: not tied to a line). @err may be NULL.
 * Always returns -EINVAL.
 */
int conf_fail_at(const struct conf *c, struct conf_err *err, uint32_t file, unsigned line,
		 const char *fmt, ...) PRINTF(5, 6) WUR;

/**
 * Load @path, then every `*.conf` (not starting with '.') of the `conf.d`
 * directory next to it, sorted with scandir + alphasort; a missing conf.d is
 * fine. @c must be conf_init()ed by the caller; conf_finish() runs at the
 * end. Stops at the first error: fills @err ("file:line: message") and
 * returns -EINVAL, or -errno for I/O errors (the message says which file).
 * On error @c holds partial data: conf_free() it.
 */
int conf_load(struct conf *c, const char *path, struct conf_err *err) WUR;
/**
 * conf_load(), except that the conf.d file named @name (e.g. "90-api.conf") is
 * taken from the in-memory @text instead of the disk, in its sorted place,
 * whether or not it exists. The control API checks a change with it before
 * writing the file.
 */
int conf_load_override(struct conf *c, const char *path, const char *name, const char *text,
		       struct conf_err *err) WUR;
/**
 * Same for the in-memory text @text, reported as file @name; conf_finish()
 * runs at the end. Used by tests and the fuzzer.
 */
int conf_load_string(struct conf *c, const char *text, const char *name, struct conf_err *err) WUR;
/**
 * Like conf_load_string() but without conf_finish(), so several texts can be
 * stacked like files (each one is one "file" for the repeated-key rule).
 */
int conf_parse_string(struct conf *c, const char *text, const char *name, struct conf_err *err) WUR;

/**
 * True if @a and @b differ in anything that needs the TUN or an underlay
 * socket re-created: tun, mtu, own mnp / msid, ula_domain, link_id,
 * addresses, the underlays, the [api] listeners (socket, socket_group,
 * listen_tcp) or replay_cache_size (the cache would lose its entries),
 * [node] private_key_file or
 * overlay, or [dns] enable, listen_port or register_resolved. A reload keeps
 * those and applies only peer, route, issuer, agent, the other [api] and
 * the other [dns] changes.
 */
bool conf_needs_restart(const struct conf *a, const struct conf *b);

/**
 * conf_section_values() - the effective value of every key of section
 * @section of @c ("ehfilter", "ehfilter.exit", "node", ..., or an existing
 * named object such as "peer.beta" or "scion.link.a"), rendered
 * in the config text form through the same key table conf_apply() parses
 * with, so that conf_apply(section, key, value) of each rendered pair gives
 * the same value back. Calls @cb once per key in table order (once per
 * element for list keys, never for an empty list, an unset optional key or
 * a key that belongs to another section, such as [ehfilter.exit]
 * max_eh_count); meant for a conf_finish()ed @c, where the [ehfilter.exit]
 * keys are resolved. Secret keys ([scion] forwarding_key, master_key) are
 * rendered too: the caller decides what to show. Pure.
 * Return: 0; -ENOENT if @section is unknown, a named section kind without a
 * name ("peer") or a name no object has; or the first non-zero value @cb
 * returned (which stops the walk).
 */
WUR int conf_section_values(const struct conf *c, const char *section,
			    int (*cb)(void *arg, const char *key, const char *value), void *arg);

/** Format @err as "file:line: msg" (or "file: msg" for line 0) into @buf. Returns @buf. */
char *conf_err_format(const struct conf_err *err, char *buf, size_t len);

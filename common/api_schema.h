/* SPDX-License-Identifier: MIT */
/*
 * api_schema.h - the control API's JSON documents (STYLE.md §7), shared by
 * omnid (encodes responses, decodes requests) and omnictl (the reverse), and
 * by the fuzzers. Each endpoint gets a plain C struct and encode/decode
 * functions here; rendering for humans lives in cli/, transport in
 * daemon/api.c and cli/http.c. Pure jansson code: no I/O, no globals.
 *
 * Decoding responses is tolerant of unknown members (a newer daemon may add
 * some within /v1/) but strict about the members it knows: a wrong JSON type,
 * an over-long string, an out-of-range integer or too many elements is an
 * error with a message naming the member ("peers[1].rx_bytes: ...").
 * Encoders abort on out-of-memory like the other control-plane allocators.
 */
#pragma once

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "util.h"

/* Paths, all under /v1/ (STYLE.md §7). */
#define API_PATH_STATUS "/v1/status"
#define API_PATH_DNS_NAMES "/v1/dns/names"
#define API_PATH_PEERS "/v1/peers"
#define API_PATH_ROUTES "/v1/routes"
#define API_PATH_LOG "/v1/log"
#define API_PATH_RELOAD "/v1/reload"
#define API_PATH_EHFILTER "/v1/ehfilter"
#define API_PATH_AUDIT "/v1/audit"
#define API_PATH_METRICS "/v1/metrics"
#define API_PATH_SHUTDOWN "/v1/shutdown"
#define API_PATH_REGISTRATIONS "/v1/registrations"
#define API_PATH_NEIGHBORS "/v1/neighbors"

/* Transport limits shared by both ends. */
#define API_REQUEST_BODY_MAX (64 * 1024) /* larger request bodies get 413 */
#define API_RESPONSE_MAX (1024 * 1024)	 /* omnictl refuses larger responses */
#define API_JSON_MAX_DEPTH 32		 /* nesting accepted by api_json_parse() */

/* Element and length caps enforced by the decoders. */
#define API_MAX_COUNTERS 1024
#define API_MAX_PEERS 16384
#define API_MAX_PREFIXES 4096 /* per peer */
#define API_MAX_UNDERLAYS 256
#define API_COUNTER_NAME_MAX 64 /* including the NUL */
#define API_LIST_STRING_MAX 128 /* prefixes[] and underlays[] items, including the NUL */
#define API_ERROR_CODE_MAX 64
#define API_MAX_DNS_NAMES 65536
#define API_MAX_DNS_ADDRS 32  /* per name */
#define API_MAX_DNS_LISTEN 16 /* responder sockets */

/* Error codes of the {"error": {...}} object (STYLE.md §7, spec/agentic-jwt.md B.8.3). */
#define API_ERR_INVALID_REQUEST "invalid_request"	   /* 400 */
#define API_ERR_INVALID_TOKEN "invalid_token"		   /* 401 */
#define API_ERR_INSUFFICIENT_SCOPE "insufficient_scope"	   /* 403 */
#define API_ERR_NOT_FOUND "not_found"			   /* 404 */
#define API_ERR_METHOD_NOT_ALLOWED "method_not_allowed"	   /* 405 */
#define API_ERR_CONFLICT "conflict"			   /* 409 */
#define API_ERR_TOO_LARGE "payload_too_large"		   /* 413 */
#define API_ERR_UNSUPPORTED_MEDIA "unsupported_media_type" /* 415 */
#define API_ERR_INTERNAL "internal_error"		   /* 500 */
#define API_ERR_BUSY "busy"				   /* 503 */

/*
 * A named counter. On encode, @name is borrowed (normally a static string).
 * On decode, @name points at a string allocated by the decoder and freed by
 * api_status_free().
 */
struct api_counter {
	const char *name;
	uint64_t value; /* encoded as a JSON integer: values above INT64_MAX are clamped */
};

struct api_peer_status {
	char name[64];
	char public_key[45];
	char endpoint[64];
	char oal_addr[64];
	char state[16];		/* "established", "handshake", "idle" */
	int64_t last_handshake; /* unix seconds, 0 = never */
	int64_t last_rx_ms_ago; /* -1 = never */
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	struct api_counter *counters; /* per-peer drop reasons etc. */
	size_t n_counters;
	char **prefixes; /* "addr/len" strings */
	size_t n_prefixes;
};

/* GET /v1/status response. */
struct api_status {
	char node[64];
	char version[32];
	char public_key[45];
	char tun[16];
	uint32_t mtu;
	char oal_addr[64];
	uint64_t uptime_s;
	int pid;
	struct api_counter *counters; /* global counters */
	size_t n_counters;
	struct api_peer_status *peers;
	size_t n_peers;
	char **underlays; /* "name listen-address" strings */
	size_t n_underlays;
};

/**
 * api_status_encode() - build the GET /v1/status document from @s.
 * Every pointer in @s is borrowed; the fixed-size strings need not be
 * NUL-terminated at their full length. A string that is not valid UTF-8 is
 * encoded with its offending octets replaced by '?'.
 * Return: a new reference owned by the caller (json_decref()); never NULL.
 */
json_t *api_status_encode(const struct api_status *s);

/**
 * api_status_decode() - fill @out from a GET /v1/status document.
 * Unknown members are ignored; the known ones are all required and checked.
 * On success @out owns the arrays and strings it points at (counter names
 * included) and must be released with api_status_free(). On failure @out is
 * left zeroed with nothing allocated, and @err (if not NULL) holds a message.
 * Return: 0 or -EBADMSG.
 */
int api_status_decode(const json_t *j, struct api_status *out, char *err, size_t errlen) WUR;

/**
 * api_status_free() - free what api_status_decode() allocated and zero @s.
 * Only for decoded structs: encoder input is owned by its builder.
 */
void api_status_free(struct api_status *s);

/* One name of GET /v1/dns/names. */
struct api_dns_name {
	char name[256];	 /* FQDN without the final dot: "alpha.corp.internal" */
	char id[17];	 /* the Node ID in 16 hex digits, "" if unknown */
	char source[16]; /* "self", "config" or "registration" */
	uint32_t ttl;	 /* TTL of answers about it now */
	char **addresses; /* "2001:db8::1", "10.0.0.1" */
	size_t n_addresses;
};

/* GET /v1/dns/names response: the zone's name table (spec/internal-tld.md §2). */
struct api_dns_names {
	char zone[256];	      /* "corp.internal" */
	uint32_t ttl;	      /* [dns] ttl */
	uint32_t serial;      /* SOA serial, bumped on every change */
	uint32_t listen_port; /* 0: the responder is off */
	char **listen;	      /* "[addr]:port" / "addr:port" of each responder socket */
	size_t n_listen;
	struct api_dns_name *names;
	size_t n_names;
};

/**
 * api_dns_names_encode() - build the GET /v1/dns/names document from @d
 * (every pointer borrowed). Return: a new reference; never NULL.
 */
json_t *api_dns_names_encode(const struct api_dns_names *d);
/**
 * api_dns_names_decode() - fill @out from a GET /v1/dns/names document,
 * with the rules of api_status_decode(). Release with api_dns_names_free().
 * Return: 0 or -EBADMSG (message in @err).
 */
int api_dns_names_decode(const json_t *j, struct api_dns_names *out, char *err,
			 size_t errlen) WUR;
/** Free what api_dns_names_decode() allocated and zero @d. */
void api_dns_names_free(struct api_dns_names *d);

/**
 * api_error_encode() - {"error": {"code": @code, "message": @message,
 * "errno": |@err|}}. @message may be NULL (""), @err is an errno value of
 * either sign, 0 for none. Return: a new reference; never NULL.
 */
json_t *api_error_encode(const char *code, const char *message, int err);

/**
 * api_error_decode() - read an error object. @code must fit @codelen
 * (API_ERROR_CODE_MAX is enough) or -EBADMSG; @msg is truncated to @msglen
 * if longer ("" if absent). Return: 0 or -EBADMSG (not an error object).
 */
int api_error_decode(const json_t *j, char *code, size_t codelen, char *msg, size_t msglen) WUR;

/**
 * api_json_parse() - strict parse of a request or response body: one JSON
 * value, duplicate keys rejected, nesting limited to API_JSON_MAX_DEPTH,
 * @len at most API_RESPONSE_MAX.
 * Return: 0 with *@out a new reference, or -EBADMSG (message in @err) or
 * -EMSGSIZE (too long).
 */
int api_json_parse(const char *buf, size_t len, json_t **out, char *err, size_t errlen) WUR;

/*
 * Request bodies (docs/api.md). The decoders are strict: the body must be an
 * object, unknown members, wrong types, over-long strings, out-of-range
 * integers and strings with control characters or surrounding blanks are
 * refused with a message naming the member. They check form only; the values
 * are then validated by the daemon exactly like config file values
 * (conf_apply()). Each returns 0 or -EBADMSG (message in @err).
 */
#define API_REQ_STR_MAX 151	   /* CONF_VALUE_MAX + NUL */
#define API_REQ_MAX_ENDPOINTS 16
#define API_REQ_MAX_ALLOWED 64
#define API_REQ_MAX_DEBUG 16
#define API_REQ_MAX_EH_KEYS 64 /* per section */

/* POST /v1/peers. */
struct api_peer_req {
	char name[64];
	char public_key[API_REQ_STR_MAX];
	char endpoints[API_REQ_MAX_ENDPOINTS][API_REQ_STR_MAX];
	size_t n_endpoints;
	char mnp[API_REQ_STR_MAX]; /* "" = absent */
	bool has_msid;
	uint32_t msid;
	char allowed[API_REQ_MAX_ALLOWED][API_REQ_STR_MAX];
	size_t n_allowed;
	bool has_keepalive;
	uint32_t keepalive; /* persistent_keepalive, 0..65535 */
};
int api_peer_req_decode(const json_t *j, struct api_peer_req *out, char *err, size_t errlen) WUR;
/** Return: a new reference; never NULL. */
json_t *api_peer_req_encode(const struct api_peer_req *r);

/* POST /v1/routes. */
struct api_route_req {
	char prefix[API_REQ_STR_MAX];
	char peer[64];
};
int api_route_req_decode(const json_t *j, struct api_route_req *out, char *err,
			 size_t errlen) WUR;
json_t *api_route_req_encode(const struct api_route_req *r);

/* PUT /v1/log: either member may be absent. */
struct api_log_req {
	char level[8]; /* "" = unchanged */
	bool has_debug;
	char debug[API_REQ_MAX_DEBUG][16]; /* group names */
	size_t n_debug;
};
int api_log_req_decode(const json_t *j, struct api_log_req *out, char *err, size_t errlen) WUR;
json_t *api_log_req_encode(const struct api_log_req *r);

/* POST /v1/reload (an absent body is {"check": false}). */
struct api_reload_req {
	bool check;
};
int api_reload_req_decode(const json_t *j, struct api_reload_req *out, char *err,
			  size_t errlen) WUR;
json_t *api_reload_req_encode(const struct api_reload_req *r);

/* PUT /v1/ehfilter: {"ehfilter": {key: "value"}, "ehfilter_exit": {...}}, both optional. */
struct api_eh_kv {
	char key[32];
	char value[API_REQ_STR_MAX];
};
struct api_ehfilter_req {
	struct api_eh_kv entry[API_REQ_MAX_EH_KEYS];
	size_t n_entry;
	struct api_eh_kv exit[API_REQ_MAX_EH_KEYS];
	size_t n_exit;
};
int api_ehfilter_req_decode(const json_t *j, struct api_ehfilter_req *out, char *err,
			    size_t errlen) WUR;
json_t *api_ehfilter_req_encode(const struct api_ehfilter_req *r);

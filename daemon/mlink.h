/* SPDX-License-Identifier: MIT */
/*
 * mlink.h - multilink in the daemon (spec/omni-aero.md §5.7, §5.9; docs/aero.md
 * "Multilink"): with [aero] multilink = yes, each neighbor keeps up to
 * AERO_ML_MAX_PATHS paths (local underlay + remote endpoint) in a struct
 * aero_ml, learned from the underlays of a configured endpoint and from where
 * authenticated packets arrive; every inner packet is placed on one path by
 * its flow hash, quiet paths are probed with keepalives (NUD) and a path that
 * misses them goes down, moving its flows. Owns the struct mlink_peer inside
 * each struct peer. Loop thread only.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "aero_ml.h"

struct node;
struct peer;
struct aero_ifattr;

/* One interface the far side advertised (§4.5 Interface Attributes), by its ifIndex. */
struct mlink_far {
	uint8_t if_index; /* 0 = unused entry */
	uint8_t link;	  /* 0 = it says the interface is down */
	uint8_t pref[AERO_ML_NDSCP];
	bool has_ep;
	union sockaddr_any ep; /* where its carrier packets come from (the L2ADDR we see) */
};

struct mlink_peer {
	struct aero_ml t;
	int ul[AERO_ML_MAX_PATHS];	     /* local underlay index per slot */
	uint64_t tx[AERO_ML_MAX_PATHS];	     /* inner packets placed on the slot */
	uint64_t rx[AERO_ML_MAX_PATHS];	     /* authenticated datagrams received on it */
	uint64_t down_at[AERO_ML_MAX_PATHS]; /* when it last went down, 0 never */
	uint64_t tx_ms[AERO_ML_MAX_PATHS];   /* when we last sent on it */
	uint64_t rx_ms[AERO_ML_MAX_PATHS];   /* when we last received on it */
	uint64_t echo_rx[AERO_ML_MAX_PATHS]; /* probe echoes received on it */
	int rx_slot;			     /* slot of the datagram being handled, -1 */
	int pin;			     /* slot + 1 the next packets must take, 0 none */
	bool came_up;			     /* a path came back (mlink_take_came_up()) */
	struct mlink_far far[AERO_ML_MAX_PATHS];
};

/*
 * An authenticated datagram from @p arrived on underlay @ul from @from: counts it on (or
 * learns) that path. It does not confirm the path for sending: only a probe echo does
 * (mlink_control()), since hearing the far side does not mean it hears us. Returns true
 * when multilink is on (the caller then leaves p->endpoint alone: mlink owns it), false
 * to let the caller roam as without multilink.
 */
bool mlink_rx(struct node *n, struct peer *p, int ul, const union sockaddr_any *from, uint64_t now);

/* Before an inner packet (@pkt, @len) goes to @p: points p->endpoint / p->underlay at the
 * path its flow is placed on. No-op without multilink or without a usable path. */
void mlink_place(struct node *n, struct peer *p, const uint8_t *pkt, size_t len);

/*
 * A sealed payload of @len octets from @p (after mlink_rx()): a path probe is answered with
 * an echo on the path it came in on (with or without multilink, so a node without it never
 * looks dead to one with it), an echo confirms its path and gives the RTT. Returns true
 * when @d was a probe or echo (consumed), false for anything else (an OAL fragment).
 */
bool mlink_control(struct node *n, struct peer *p, const uint8_t *d, size_t len, uint64_t now);

/* Every tick: creates the paths of configured endpoints, runs NUD, sends the probes. */
void mlink_tick(struct node *n, uint64_t now);

/* True once after a path of @p came back into use (a client then registers again, so the
 * RS on that underlay reaches the server even if the first one after the link came back was
 * lost). */
bool mlink_take_came_up(struct peer *p);

/* Pin the next packets to @p on slot @slot (-1: unpin), e.g. an RS per underlay. */
void mlink_pin(struct peer *p, int slot);

/* The slot of @p's path from local underlay @ul to its configured endpoint, or -1. */
int mlink_conf_slot(const struct node *n, const struct peer *p, int ul);

/* The Link quality we advertise for local underlay @ul: 0 while it is down, else its
 * link_quality. */
uint8_t mlink_ul_link(const struct node *n, int ul);

/*
 * §5.8 item 1: look at each local underlay (its listen address present on an interface
 * that is up and running) and mark its paths unusable (or usable again) at once. Returns
 * true when some underlay changed.
 */
bool mlink_underlays_check(struct node *n, uint64_t now);

/*
 * The far side's Interface Attributes @ifs (@k of them) from an RS or NA about @p: each
 * is recorded by ifIndex; the first one of an RS (@from_rx) describes the path the message
 * arrived on, the others (and all of an NA) apply to the paths whose endpoint is their
 * L2ADDR, or to the paths already bound to that ifIndex (a Link 0 sent through another
 * interface). Paths to advertised endpoints are created. Flows move at once. Returns true
 * when some path went out of use or came back, or an interface went down, came back or
 * moved (the caller tells the Report List).
 */
bool mlink_far_update(struct node *n, struct peer *p, const struct aero_ifattr *ifs, size_t k,
		      bool from_rx, uint64_t now);

/* @p's far interfaces as Interface Attributes for an NA about it (§5.6 item 3): up to
 * AERO_ND_MAX_IFS with an endpoint; *@k = 0 when it has none (multilink off). */
void mlink_far_ifattrs(const struct node *n, const struct peer *p, struct aero_ifattr *out,
		       size_t *k);

/*
 * The registration origin of client @p under multilink: @prev while it is the address of an
 * interface its RS named (Link > 0, a usable path to it), so flows shifting between paths do
 * not move it; else the first such interface (one whose RS came from a new address moved
 * there). Without advertised interfaces: @prev while a usable path goes there, else the
 * source of the datagram being handled, else p->endpoint.
 */
const union sockaddr_any *mlink_origin(const struct node *n, const struct peer *p,
				       const union sockaddr_any *prev);

/* Multilink: the source of the datagram from @p being handled (its path's endpoint), or
 * NULL (off, or not known). */
const union sockaddr_any *mlink_rx_source(const struct node *n, const struct peer *p);

/* The paths of @p as a JSON array (new reference): if_index, underlay, endpoint, state,
 * link_quality (ours), remote (the far side's attributes: if_index, link_quality), usable,
 * rtt_ms, slow, last_heard_ms_ago, tx, rx, echoes. */
json_t *mlink_paths_json(const struct node *n, const struct peer *p, uint64_t now);

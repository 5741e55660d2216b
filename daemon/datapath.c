// SPDX-License-Identifier: MIT
/*
 * datapath.c - TUN <-> OAL <-> secured carrier <-> UDP (datapath.h).
 *
 * Outbound: a TUN read lands in a pool buffer with headroom for the carrier
 * and OAL headers, so an unfragmented packet is encapsulated and encrypted in
 * place; a fragmented one is cut into fragment buffers. Sends are queued per
 * underlay and leave in one sendmmsg per batch. Inbound: one recvmmsg per
 * batch, decrypt in place, atomic fragments go to the TUN straight from the
 * receive slot, others through the reassembler. Every drop is counted; peer
 * input never allocates beyond the pools' caps and never logs unthrottled.
 */
#include "datapath.h"
#include "aero.h"
#include "mlink.h"
#include "aero_nd.h"
#include "cursor.h"
#include "icmp.h"
#include "ipv6.h"
#include "log.h"
#include "omni_wire.h"
#include "scion.h"
#include "tun.h"
#include "vnet.h"
#include "wire_carrier.h"
#include "wire_oal.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#define TUN_BATCH 64
#define UDP_ROUNDS 4       /* batches per wakeup before yielding to the loop */
#define UDP_GSO_MAX_SEGS 64     /* UDP_MAX_SEGMENTS of older kernels */
#define UDP_GSO_MAX_BYTES 60000 /* stay under the 64 KiB IP datagram limit */

/* One received datagram (a GRO buffer is cut into these). */
struct dgram {
	uint8_t *buf;
	size_t len;
	const union sockaddr_any *from;
};

static struct peer *peer_of(struct hs_peer *hp)
{
	return hp ? container_of(hp, struct peer, hs) : NULL;
}

static void tai64n_now(uint8_t ts[NOISE_TAI64N_LEN])
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	noise_tai64n(ts, (uint64_t)t.tv_sec, (uint32_t)t.tv_nsec);
}

int datapath_underlay_for(const struct node *n, const union sockaddr_any *a)
{
	for (size_t i = 0; i < n->n_ul; i++)
		if (n->ul[i].family == a->sa.sa_family)
			return (int)i;
	return -1;
}

static void flush_all(struct node *n)
{
	for (size_t i = 0; i < n->n_ul; i++) {
		struct underlay *ul = &n->ul[i];
		if (!ul->txq.n && !ul->txq.run)
			continue;
		uint64_t sent = ul->txq.sent, err = ul->txq.send_errors;
		udp_txq_flush(&ul->txq, ul->fd);
		n->c.udp_tx_datagrams += ul->txq.sent - sent;
		n->c.udp_tx_errors += ul->txq.send_errors - err;
	}
}

/* Write the pending coalesced super-packet, if any. */
static void gro_flush(struct node *n)
{
	const uint8_t *out;
	size_t len = vnet_gro_take(&n->gro, &out);
	if (!len)
		return;
	int r = tun_write(n->tun_fd, out, len);
	if (r < 0) {
		n->c.tun_tx_errors++;
		log_remote(LOG_GRP_TUN, "write: %s", strerror(-r));
		return;
	}
	n->c.tun_tx_writes++;
}

/* Seal the OAL fragment at @b->head (CARRIER_HDR_LEN of headroom and
 * CARRIER_TAG_LEN of tailroom available) and queue it. Consumes @b. */
static void seal_and_queue(struct node *n, struct peer *p, struct underlay *ul, struct pbuf *b,
			   uint64_t now)
{
	if (!ul->plain) {
		size_t plain = b->len, out;
		pbuf_push(b, CARRIER_HDR_LEN);
		pbuf_put(b, CARRIER_TAG_LEN);
		if (hs_seal(&p->hs, now, b->head, plain, &out) < 0) {
			/* Checked by the caller; only a session expiring mid-batch gets here. */
			n->c.drop_stale_session++;
			pbuf_free(b);
			return;
		}
		b->len = out;
	}
	udp_txq_add_coalesce(&ul->txq, ul->fd, b, &p->endpoint);
}

/* Encapsulate the inner packet in @b (pool_pkt buffer) for @p. Consumes @b. */
static void send_inner(struct node *n, struct peer *p, struct pbuf *b, uint64_t now)
{
	mlink_place(n, p, b->head, b->len);
	if (p->underlay < 0) {
		p->c.drop_no_endpoint++;
		pbuf_free(b);
		return;
	}
	struct underlay *ul = &n->ul[p->underlay];
	size_t oal_max = ul->budget - (ul->plain ? 0 : CARRIER_OVERHEAD);
	size_t inner_len = b->len;
	struct oal_tx tx = {
		.src = n->oal_addr,
		.dst = p->oal_addr,
		.tc = ipv6_inner_tc(b->head),
		.hop_limit = n->conf.omni.oal_hop_limit,
		.nh = (b->head[0] >> 4) == 6 ? OAL_NH_IPV6 : OAL_NH_IPV4,
		.id = p->oal_id++,
		.checksum = n->conf.omni.oal_checksum,
	};
	uint16_t trailer = tx.checksum ? oal_fletcher16(b->head, inner_len) : 0;
	size_t nfrag = oal_frag_count(inner_len, tx.checksum, oal_max);

	if (nfrag == 0) {
		n->c.drop_too_big++;
		pbuf_free(b);
		return;
	}
	p->tx_packets++;
	p->tx_bytes += inner_len;
	if (nfrag == 1) {
		if (tx.checksum)
			put_be16(pbuf_put(b, OAL_TRAILER_LEN), trailer);
		struct oal_frag f = { .tc = tx.tc,
				      .flow = tx.flow,
				      .hop_limit = tx.hop_limit,
				      .src = tx.src,
				      .dst = tx.dst,
				      .nh = tx.nh,
				      .id = tx.id,
				      .data_len = b->len };
		wire_oal_encode_hdr(pbuf_push(b, OAL_HDR_LEN), &f);
		seal_and_queue(n, p, ul, b, now);
		return;
	}
	/*
	 * Fragments go out as runs of equal-sized datagrams in one buffer: one
	 * UDP_SEGMENT message per run where the kernel offers GSO, else one
	 * sendmmsg entry per datagram pointing into the same buffer.
	 */
	size_t seg = CARRIER_HDR_LEN + OAL_HDR_LEN + oal_frag_data_max(oal_max) +
		     (ul->plain ? 0 : CARRIER_TAG_LEN);
	if (ul->plain)
		seg -= CARRIER_HDR_LEN;
	size_t per_run = MIN((size_t)UDP_GSO_MAX_SEGS, UDP_GSO_MAX_BYTES / seg);
	for (size_t first = 0; first < nfrag; first += per_run) {
		struct pbuf *g = pbuf_pool_get(n->pool_gso);
		if (!g) {
			n->c.drop_pool_empty++;
			break;
		}
		size_t last = MIN(first + per_run, nfrag);
		for (size_t i = first; i < last; i++) {
			size_t off = (i - first) * seg, hdr = ul->plain ? 0 : CARRIER_HDR_LEN;
			uint8_t *frag = g->head + off + hdr;
			ssize_t len = oal_frag_build(&tx, b->head, inner_len, trailer, oal_max, i, frag,
						     seg - hdr - (ul->plain ? 0 : CARRIER_TAG_LEN));
			if (omni_fails_assert(len > 0))
				break;
			size_t out = (size_t)len;
			if (!ul->plain && hs_seal(&p->hs, now, g->head + off, (size_t)len, &out) < 0) {
				n->c.drop_stale_session++;
				break;
			}
			g->len = off + out;
		}
		udp_txq_add_segs(&ul->txq, ul->fd, g, &p->endpoint, (uint16_t)seg);
	}
	pbuf_free(b);
}

/* A sealed carrier with payload @d (@len octets, 0 = a keepalive) on p->endpoint. */
static void send_sealed(struct node *n, struct peer *p, const uint8_t *d, size_t len,
			uint64_t now)
{
	if (p->underlay < 0 || n->ul[p->underlay].plain)
		return;
	struct pbuf *b = pbuf_pool_get(n->pool_frag);
	if (!b) {
		n->c.drop_pool_empty++;
		return;
	}
	if (len > pbuf_tailroom(b)) {
		pbuf_free(b);
		n->c.drop_too_big++;
		return;
	}
	if (len)
		memcpy(pbuf_put(b, len), d, len);
	else
		p->c.keepalives_tx++;
	seal_and_queue(n, p, &n->ul[p->underlay], b, now);
}

static void send_keepalive(struct node *n, struct peer *p, uint64_t now)
{
	send_sealed(n, p, NULL, 0, now);
}

static bool can_send(struct peer *p, uint64_t now, const struct node *n)
{
	if (p->underlay >= 0 && n->ul[p->underlay].plain)
		return true;
	return hs_established(&p->hs, now);
}

static void flush_queue(struct node *n, struct peer *p, uint64_t now)
{
	struct pbuf *b;
	while (can_send(p, now, n) && (b = peer_queue_pop(p)))
		send_inner(n, p, b, now);
}

static void do_actions(struct node *n, struct hs_actions *act, struct underlay *via,
		       const union sockaddr_any *to, uint64_t now)
{
	struct peer *p = peer_of(act->peer);

	if (act->msg_len) {
		struct underlay *ul = via;
		const union sockaddr_any *dst = to;
		if (!ul && p && p->has_endpoint && p->underlay >= 0) {
			ul = &n->ul[p->underlay];
			dst = &p->endpoint;
		}
		if (ul && dst) {
			if (act->msg[0] == CARRIER_TYPE_INIT)
				n->c.hs_init_tx++;
			else
				n->c.hs_resp_tx++;
			int r = udp_send_one(ul->fd, act->msg, act->msg_len, dst);
			if (r < 0) {
				n->c.udp_tx_errors++;
				log_remote(LOG_GRP_HS, "handshake send: %s", strerror(-r));
			}
		}
	}
	if (!p)
		return;
	if (act->flags & HS_ACT_ESTABLISHED) {
		p->c.handshakes++;
		log_debug(LOG_GRP_HS, "session with '%s' established", p->name);
	}
	if (act->flags & HS_ACT_GAVE_UP) {
		log_remote(LOG_GRP_HS, "no handshake response from '%s' for 90 s, dropping %u queued",
			   p->name, p->q_len);
		p->c.drop_queue_full += p->q_len;
		peer_queue_clear(p);
	}
	if (act->flags & HS_ACT_FLUSH) {
		if (p->q_len)
			flush_queue(n, p, now);
		else
			send_keepalive(n, p, now);
	}
	if (act->flags & HS_ACT_KEEPALIVE)
		send_keepalive(n, p, now);
}

/* ---- outbound ---- */

/* Answer a packet no neighbor's prefix covers with ICMP unreachable (§5.14), rate-limited. */
static void unreachable(struct node *n, const struct pbuf *b, int fam, uint64_t now)
{
	uint8_t out[ICMP6_ERR_MAX];
	const uint8_t *src = fam == AF_INET6 ? n->icmp_src6 : n->icmp_src4;
	if (!(fam == AF_INET6 ? n->has_icmp_src6 : n->has_icmp_src4))
		return;
	int len = icmp_unreach_build(b->head, b->len, src, out, sizeof(out));
	if (len <= 0 || !ratelimit_take(&n->icmp_rl, now))
		return;
	if (tun_write_packet(n->tun_fd, n->vnet, out, (size_t)len) >= 0)
		n->c.icmp_unreach_tx++;
}

/*
 * Egress extension-header policy (common/eh.h, spec/eh-removal.md A.6) for
 * the IPv6 packet @pkt (@len octets, writable) in direction @d. Returns the
 * octets to cut from its front, or -1: drop it. With icmp_errors a drop is
 * answered (rate-limited) into the TUN, or to the sending neighbor @from for
 * packets leaving the overlay.
 */
static int eh_egress(struct node *n, enum eh_dir d, struct peer *from, uint8_t *pkt, size_t len,
		     uint64_t now)
{
	struct eh_chain ch;
	uint8_t out[ICMP6_ERR_MAX];
	size_t cut;

	if (eh_filter(&n->eh[d], &n->eh_st[d], pkt, len, &ch, &cut) == 0)
		return (int)cut;
	if (ratelimit_take(&n->eh_log_rl, now))
		log_debug(LOG_GRP_EH, "%s: IPv6 packet dropped: %s at octet %u",
			  d == EH_DIR_EXIT ? "exit" : "entry", eh_reason_name(ch.reason), ch.ptr);
	if (!n->eh[d].lim.icmp_errors || !n->has_icmp_src6 || !ratelimit_take(&n->icmp_rl, now))
		return -1;
	int r = eh_icmp_build(pkt, len, &ch, n->icmp_src6, out, sizeof(out));
	if (r <= 0)
		return -1;
	if (!from) {
		if (tun_write_packet(n->tun_fd, n->vnet, out, (size_t)r) >= 0)
			n->eh_st[d].v[EH_ST_icmp_tx]++;
		return -1;
	}
	struct pbuf *b = can_send(from, now, n) ? pbuf_pool_get(n->pool_pkt) : NULL;
	if (b) {
		memcpy(pbuf_put(b, (size_t)r), out, (size_t)r);
		n->eh_st[d].v[EH_ST_icmp_tx]++;
		send_inner(n, from, b, now);
	}
	return -1;
}

static void to_peer(struct node *n, struct peer *p, struct pbuf *b, uint64_t now);

static void tun_packet(struct node *n, struct pbuf *b, uint64_t now)
{
	uint8_t nh;
	int fam;
	const uint8_t *dst;

	if (ipv6_inner_len(b->head, b->len, &nh) < 0) {
		n->c.drop_bad_inner++;
		pbuf_free(b);
		return;
	}
	ipv6_inner_dst(b->head, &fam, &dst);
	/* The OMNI link carries no multicast or link-local traffic from the host (ND is
	 * omnid's own, §4.1), not even through a default route: drop it silently. */
	if (fam == AF_INET6 && (dst[0] == 0xff || (dst[0] == 0xfe && (dst[1] & 0xc0) == 0x80))) {
		n->c.drop_no_route++;
		pbuf_free(b);
		return;
	}
	struct peer *p = peer_table_lookup_addr(&n->peers, fam, dst);
	if (!p && n->scion && scion_tun_packet(n->scion, b, fam, dst))
		return;
	if (!p) {
		n->c.drop_no_route++;
		unreachable(n, b, fam, now);
		pbuf_free(b);
		return;
	}
	if (p->kind != CONF_PEER_STATIC)
		p = aero_egress(n, p, fam, dst, now); /* route optimization (docs/aero.md) */
	if (eh_wants(&n->eh[EH_DIR_ENTRY], b->head, b->len)) {
		int cut = eh_egress(n, EH_DIR_ENTRY, NULL, b->head, b->len, now);
		if (cut < 0) {
			pbuf_free(b);
			return;
		}
		pbuf_pull(b, (size_t)cut);
	}
	to_peer(n, p, b, now);
}

/* Send the inner packet @b to @p, or queue it and start a session. Consumes @b. */
static void to_peer(struct node *n, struct peer *p, struct pbuf *b, uint64_t now)
{
	if (!can_send(p, now, n)) {
		struct hs_actions act;
		uint8_t ts[NOISE_TAI64N_LEN];
		if (b->pool != n->pool_pkt) {
			/* Do not park a 64 KiB read buffer in a queue: move the packet. */
			struct pbuf *c = pbuf_pool_get(n->pool_pkt);
			if (!c) {
				n->c.drop_pool_empty++;
				pbuf_free(b);
				return;
			}
			memcpy(pbuf_put(c, b->len), b->head, b->len);
			pbuf_free(b);
			b = c;
		}
		peer_queue_push(p, b);
		tai64n_now(ts);
		if (hs_want_session(&p->hs, now, ts, &act) < 0)
			log_remote(LOG_GRP_HS, "cannot start a handshake with '%s'", p->name);
		do_actions(n, &act, NULL, NULL, now);
		return;
	}
	if (p->q_len)
		flush_queue(n, p, now);
	send_inner(n, p, b, now);
}

/*
 * Read one packet from the TUN into a buffer of @pool. Returns the buffer,
 * or NULL when the device is drained (or the pool is, in which case one
 * packet is read and dropped: the poll is level-triggered).
 */
static struct pbuf *tun_read_one(struct node *n, struct pbuf_pool *pool)
{
	static uint8_t sink[VNET_GRO_BUF_LEN];
	struct pbuf *b = pbuf_pool_get(pool);
	if (!b) {
		if (tun_read(n->tun_fd, sink, sizeof(sink)) > 0)
			n->c.drop_pool_empty++;
		return NULL;
	}
	int r = tun_read(n->tun_fd, b->head, pbuf_tailroom(b) - OAL_TRAILER_LEN - CARRIER_TAG_LEN);
	if (r <= 0) {
		pbuf_free(b);
		if (r < 0 && r != -EAGAIN && r != -EINTR)
			log_remote(LOG_GRP_TUN, "read: %s", strerror(-r));
		return NULL;
	}
	b->len = (size_t)r;
	return b;
}

static void tun_in(struct node *n, struct pbuf *b, uint64_t now)
{
	n->c.tun_rx_packets++;
	n->c.tun_rx_bytes += b->len;
	tun_packet(n, b, now);
}

/*
 * With vnet headers a read may be a TCP/UDP super-packet (TSO/USO) or carry a
 * partial checksum: cut it into OMNI-MTU packets with complete checksums and
 * send each. A single packet is finished in place. Consumes @b.
 */
static void tun_vnet(struct node *n, struct pbuf *b, uint64_t now)
{
	size_t mtu = n->conf.omni.mtu;
	struct vnet_pkt v;
	size_t cnt = 0;

	if (vnet_hdr_parse(b->head, b->len, &v) < 0 || (cnt = vnet_seg_count(&v, mtu)) == 0) {
		if (cnt == 0)
			n->c.drop_too_big++;
		else
			n->c.drop_bad_vnet++;
		pbuf_free(b);
		return;
	}
	if (cnt == 1) {
		if (vnet_pkt_finish(&v, mtu, b->head + VNET_HDR_LEN) < 0) {
			n->c.drop_bad_vnet++;
			pbuf_free(b);
			return;
		}
		pbuf_pull(b, VNET_HDR_LEN);
		tun_in(n, b, now);
		return;
	}
	n->c.tun_rx_gso++;
	for (size_t k = 0; k < cnt; k++) {
		struct pbuf *seg = pbuf_pool_get(n->pool_pkt);
		if (!seg) {
			n->c.drop_pool_empty++;
			break;
		}
		ssize_t len = vnet_seg_build(&v, mtu, k, seg->head,
					     pbuf_tailroom(seg) - OAL_TRAILER_LEN - CARRIER_TAG_LEN);
		if (len <= 0) {
			n->c.drop_bad_vnet++;
			pbuf_free(seg);
			break;
		}
		seg->len = (size_t)len;
		tun_in(n, seg, now);
	}
	pbuf_free(b);
}

void datapath_tun_readable(struct node *n)
{
	uint64_t now = uv_now(n->loop);
	struct pbuf *b;

	for (int i = 0; i < TUN_BATCH; i++) {
		if (!(b = tun_read_one(n, n->vnet ? n->pool_rd : n->pool_pkt)))
			break;
		if (n->vnet)
			tun_vnet(n, b, now);
		else
			tun_in(n, b, now);
	}
	flush_all(n);
}

/* ---- inbound ---- */

static void deliver(struct node *n, struct peer *p, uint8_t *pkt, size_t len)
{
	int fam;
	const uint8_t *src;

	/* ND with the OMNI option is control traffic for AERO, never for the TUN. */
	if (aero_nd_is_nd(pkt, len)) {
		aero_input(n, p, pkt, len, uv_now(n->loop));
		return;
	}
	/* Inner-source check: the sender must own the source address (§5.14). */
	ipv6_inner_src(pkt, &fam, &src);
	struct peer *owner = peer_table_lookup_addr(&n->peers, fam, src);
	if (owner != p) {
		/* A client's server relays other clients' packets (docs/aero.md). */
		if (p->kind != CONF_PEER_SERVER) {
			p->c.drop_inner_src++;
			n->c.drop_inner_src++;
			return;
		}
		if (owner && owner->kind == CONF_PEER_RO)
			aero_relayed(n, owner, uv_now(n->loop));
	}
	/* Leaving the overlay: [ehfilter.exit] (until servers exist, wherever it is enabled). */
	if (eh_wants(&n->eh[EH_DIR_EXIT], pkt, len)) {
		int cut = eh_egress(n, EH_DIR_EXIT, p, pkt, len, uv_now(n->loop));
		if (cut < 0)
			return;
		pkt += cut;
		len -= (size_t)cut;
	}
	if (n->vnet) {
		/* Coalesce with what this batch already delivered; one write per super-packet. */
		if (!vnet_gro_add(&n->gro, pkt, len)) {
			gro_flush(n);
			if (!vnet_gro_add(&n->gro, pkt, len)) {
				int r = tun_write_packet(n->tun_fd, n->vnet, pkt, len);
				if (r < 0) {
					n->c.tun_tx_errors++;
					log_remote(LOG_GRP_TUN, "write: %s", strerror(-r));
					return;
				}
				n->c.tun_tx_writes++;
			}
		}
	} else {
		int r = tun_write(n->tun_fd, pkt, len);
		if (r < 0) {
			n->c.tun_tx_errors++;
			log_remote(LOG_GRP_TUN, "write: %s", strerror(-r));
			return;
		}
		n->c.tun_tx_writes++;
	}
	n->c.tun_tx_packets++;
	n->c.tun_tx_bytes += len;
	p->rx_packets++;
	p->rx_bytes += len;
}

static void oal_input(struct node *n, struct peer *p, uint8_t *data, size_t len, uint64_t now)
{
	struct oal_frag f;
	if (wire_oal_decode(data, len, &f) < 0) {
		n->c.drop_oal_bad++;
		return;
	}
	/* Between static neighbors the OAL addresses are fixed (§3.5 reassembly). */
	if (memcmp(&f.dst, &n->oal_addr, 16) != 0 || memcmp(&f.src, &p->oal_addr, 16) != 0) {
		n->c.drop_oal_addr++;
		p->c.drop_oal_addr++;
		return;
	}
	if (oal_frag_is_atomic(&f)) {
		size_t inner_len;
		int r = oal_reasm_atomic(n->reasm, &f, &inner_len);
		if (r < 0) {
			if (r == -EILSEQ)
				n->c.drop_oal_checksum++;
			else
				n->c.drop_oal_bad++;
			return;
		}
		deliver(n, p, data + (f.data - data), inner_len); /* f.data, writable */
		return;
	}
	struct pbuf *out = NULL;
	if (oal_reasm_input(n->reasm, &p->reasm_acct, &f, now, &out) < 0 || !out)
		return; /* counted by the reassembler */
	deliver(n, p, out->head, out->len);
	pbuf_free(out);
}

static void roam(struct node *n, struct peer *p, struct underlay *ul,
		 const union sockaddr_any *from)
{
	if (mlink_rx(n, p, (int)(ul - n->ul), from, uv_now(n->loop)))
		return;
	if (p->has_endpoint && addr_equal(&p->endpoint, from))
		return;
	char a[ADDR_STR_MAX], b[ADDR_STR_MAX];
	log_remote(LOG_GRP_PEER, "neighbor '%s' now at %s (was %s)", p->name,
		   addr_format_endpoint(from, a, sizeof(a)),
		   p->has_endpoint ? addr_format_endpoint(&p->endpoint, b, sizeof(b)) : "unknown");
	p->endpoint = *from;
	p->has_endpoint = true;
	p->underlay = (int)(ul - n->ul);
	p->c.roamed++;
}

static void handshake_input(struct node *n, struct underlay *ul, struct dgram *s, uint64_t now)
{
	uint8_t t = s->buf[0];
	if ((t == CARRIER_TYPE_INIT && s->len != HS_INIT_LEN) ||
	    (t == CARRIER_TYPE_RESP && s->len != HS_RESP_LEN)) {
		n->c.drop_short++;
		return;
	}
	if (t == CARRIER_TYPE_INIT)
		n->c.hs_init_rx++;
	else
		n->c.hs_resp_rx++;
	if (!ratelimit_take(&n->hs_rl, now)) {
		n->c.hs_rate_limited++;
		return;
	}
	struct hs_actions act;
	int r = hs_receive_handshake(&n->hs, s->buf, s->len, now, &act);
	if (r < 0) {
		switch (r) {
		case -EACCES:
			n->c.hs_bad_mac1++;
			break;
		case -ENOKEY:
			n->c.hs_unknown_key++;
			break;
		case -EALREADY:
			n->c.hs_replay++;
			break;
		case -EBUSY:
			break; /* simultaneous initiation, ours wins */
		default:
			n->c.hs_failed++;
			break;
		}
		char a[ADDR_STR_MAX];
		if (r != -EBUSY)
			log_remote(LOG_GRP_HS, "handshake from %s refused: %s",
				   addr_format_endpoint(s->from, a, sizeof(a)), strerror(-r));
		return;
	}
	struct peer *p = peer_of(act.peer);
	if (p) {
		roam(n, p, ul, s->from);
		p->last_rx_ms = now;
	}
	do_actions(n, &act, ul, s->from, now);
}

static void data_input(struct node *n, struct underlay *ul, struct dgram *s, uint64_t now)
{
	uint32_t idx;
	uint64_t ctr;
	size_t plen;

	if (carrier_parse_hdr(s->buf, s->len, &idx, &ctr) < 0) {
		n->c.drop_short++;
		return;
	}
	struct peer *p = peer_index_lookup(&n->peers, idx);
	if (!p) {
		hs_local_note_unknown_index(&n->hs);
		n->c.drop_unknown_index++;
		return;
	}
	int r = hs_open(&p->hs, now, s->buf, s->len, &plen);
	if (r < 0) {
		switch (r) {
		case -ENOENT:
			n->c.drop_unknown_index++;
			break;
		case -ESTALE:
			n->c.drop_stale_session++;
			break;
		case -EALREADY:
			n->c.drop_replay++;
			break;
		default:
			n->c.drop_bad_tag++;
			break;
		}
		return;
	}
	roam(n, p, ul, s->from);
	p->last_rx_ms = now;
	if (hs_deadline(&p->hs) <= now) {
		/* A confirming packet schedules the queue's flush (HS_ACT_FLUSH): act on it now. */
		struct hs_actions act;
		uint8_t ts[NOISE_TAI64N_LEN];
		tai64n_now(ts);
		if (hs_tick(&p->hs, now, ts, &act) < 0)
			log_remote(LOG_GRP_HS, "cannot start a handshake with '%s'", p->name);
		do_actions(n, &act, NULL, NULL, now);
	}
	if (plen == 0) {
		p->c.keepalives_rx++;
		return;
	}
	if (plen == CARRIER_ML_PROBE_LEN && mlink_control(n, p, s->buf + CARRIER_HDR_LEN, plen, now))
		return;
	oal_input(n, p, s->buf + CARRIER_HDR_LEN, plen, now);
}

static void datagram(struct node *n, struct underlay *ul, struct dgram *s, uint64_t now)
{
	n->c.udp_rx_datagrams++;
	n->c.udp_rx_bytes += s->len;
	if (s->len == 0) {
		n->c.drop_short++;
		return;
	}
	uint8_t t = s->buf[0];
	if (t == CARRIER_TYPE_DATA) {
		data_input(n, ul, s, now);
	} else if (t == CARRIER_TYPE_INIT || t == CARRIER_TYPE_RESP) {
		handshake_input(n, ul, s, now);
	} else if ((t & CARRIER_PLAIN_MASK) == CARRIER_PLAIN_VAL) {
		if (!ul->plain) {
			n->c.drop_plain_disabled++;
			return;
		}
		struct peer *p = peer_table_lookup_endpoint(&n->peers, s->from);
		if (!p) {
			n->c.drop_plain_unknown_peer++;
			return;
		}
		p->last_rx_ms = now;
		oal_input(n, p, s->buf, s->len, now);
	} else {
		n->c.drop_unknown_type++;
	}
}

void datapath_udp_readable(struct node *n, struct underlay *ul)
{
	uint64_t now = uv_now(n->loop);
	for (int round = 0; round < UDP_ROUNDS; round++) {
		int cnt = udp_recv_batch(ul->fd, &ul->rx);
		if (cnt < 0) {
			log_remote(LOG_GRP_UDP, "underlay %s: recvmmsg: %s", ul->name, strerror(-cnt));
			break;
		}
		for (int i = 0; i < cnt; i++) {
			struct udp_rxslot *slot = &ul->rx.slot[i];
			if (slot->truncated) {
				n->c.drop_truncated++;
				continue;
			}
			/* A UDP_GRO buffer holds several datagrams of slot->seg bytes. */
			size_t seg = slot->seg ? slot->seg : slot->len;
			size_t off = 0;
			do {
				struct dgram d = { .buf = slot->buf + off,
						   .len = MIN(seg, slot->len - off),
						   .from = &slot->from };
				datagram(n, ul, &d, now);
				off += seg;
			} while (off < slot->len);
		}
		if (cnt < UDP_BATCH)
			break;
	}
	if (n->vnet)
		gro_flush(n);
	flush_all(n);
}

/* ---- timers ---- */

void datapath_tick(struct node *n, uint64_t now)
{
	uint8_t ts[NOISE_TAI64N_LEN];
	bool have_ts = false;

	oal_reasm_expire(n->reasm, now);
	for (size_t i = 0; i < n->peers.n; i++) {
		struct peer *p = n->peers.v[i];
		if (hs_deadline(&p->hs) > now)
			continue;
		if (!have_ts) {
			tai64n_now(ts);
			have_ts = true;
		}
		struct hs_actions act;
		if (hs_tick(&p->hs, now, ts, &act) < 0)
			log_remote(LOG_GRP_HS, "cannot start a handshake with '%s'", p->name);
		do_actions(n, &act, NULL, NULL, now);
	}
	flush_all(n);
}

void datapath_peer_kick(struct node *n, struct peer *p, uint64_t now)
{
	if (!p->has_endpoint || p->underlay < 0 || n->ul[p->underlay].plain)
		return;
	uint8_t ts[NOISE_TAI64N_LEN];
	struct hs_actions act;
	tai64n_now(ts);
	if (hs_initiate(&p->hs, now, ts, &act) < 0)
		log_remote(LOG_GRP_HS, "cannot start a handshake with '%s'", p->name);
	do_actions(n, &act, NULL, NULL, now);
	flush_all(n);
}

void datapath_peer_keepalive(struct node *n, struct peer *p, uint64_t now)
{
	if (!can_send(p, now, n))
		return;
	send_keepalive(n, p, now);
	flush_all(n);
}

void datapath_peer_sealed(struct node *n, struct peer *p, const uint8_t *d, size_t len,
			  uint64_t now)
{
	if (!can_send(p, now, n))
		return;
	send_sealed(n, p, d, len, now);
	flush_all(n);
}

void datapath_peer_forget(struct node *n, struct peer *p)
{
	oal_reasm_flush_acct(n->reasm, &p->reasm_acct);
}

void datapath_send_control(struct node *n, struct peer *p, const uint8_t *pkt, size_t len,
			   uint64_t now)
{
	struct pbuf *b = pbuf_pool_get(n->pool_pkt);
	if (!b) {
		n->c.drop_pool_empty++;
		return;
	}
	if (len > pbuf_tailroom(b)) {
		pbuf_free(b);
		n->c.drop_too_big++;
		return;
	}
	memcpy(pbuf_put(b, len), pkt, len);
	to_peer(n, p, b, now);
	flush_all(n);
}

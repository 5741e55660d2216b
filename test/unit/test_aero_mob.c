// SPDX-License-Identifier: MIT
/*
 * test_aero_mob.c - daemon/aero_mob.c: which rtnetlink messages count as an
 * underlay change (aero_mob_relevant()): addresses of global scope on any
 * interface but the TUN, main-table routes off the TUN and not IPv6
 * link-local; every other type, scope, table, and every truncation of the
 * message, does not count.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "aero_mob.h"

#define TUN 9
#define ETH 2

static uint8_t buf[512] __attribute__((aligned(8)));

static struct nlmsghdr *addr_msg(uint16_t type, int family, int ifindex, uint8_t scope)
{
	memset(buf, 0, sizeof(buf));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_index = (uint32_t)ifindex;
	ifa->ifa_scope = scope;
	ifa->ifa_prefixlen = 24;
	uint8_t a[4] = {192, 0, 2, 11};
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(a), a);
	return nlh;
}

static struct nlmsghdr *route_msg(uint16_t type, int family, uint8_t table, int oif,
				  const char *dst6)
{
	memset(buf, 0, sizeof(buf));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	struct rtmsg *rt = mnl_nlmsg_put_extra_header(nlh, sizeof(*rt));
	rt->rtm_family = (uint8_t)family;
	rt->rtm_table = table;
	rt->rtm_dst_len = 64;
	if (dst6) {
		struct in6_addr d;
		cr_assert_eq(inet_pton(AF_INET6, dst6, &d), 1);
		mnl_attr_put(nlh, RTA_DST, 16, &d);
	}
	if (oif)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)oif);
	return nlh;
}

Test(aero_mob, addresses)
{
	struct nlmsghdr *h = addr_msg(RTM_NEWADDR, AF_INET, ETH, RT_SCOPE_UNIVERSE);
	cr_assert(aero_mob_relevant(h, h->nlmsg_len, TUN));
	h = addr_msg(RTM_DELADDR, AF_INET6, ETH, RT_SCOPE_UNIVERSE);
	cr_assert(aero_mob_relevant(h, h->nlmsg_len, TUN));
	h = addr_msg(RTM_NEWADDR, AF_INET6, ETH, RT_SCOPE_SITE);
	cr_assert(aero_mob_relevant(h, h->nlmsg_len, TUN));
	h = addr_msg(RTM_NEWADDR, AF_INET6, TUN, RT_SCOPE_UNIVERSE);
	cr_assert_not(aero_mob_relevant(h, h->nlmsg_len, TUN), "the TUN's own address");
	h = addr_msg(RTM_NEWADDR, AF_INET6, ETH, RT_SCOPE_LINK);
	cr_assert_not(aero_mob_relevant(h, h->nlmsg_len, TUN), "fe80::");
	h = addr_msg(RTM_NEWADDR, AF_INET, 1, RT_SCOPE_HOST);
	cr_assert_not(aero_mob_relevant(h, h->nlmsg_len, TUN), "loopback");
}

Test(aero_mob, routes)
{
	struct nlmsghdr *h = route_msg(RTM_NEWROUTE, AF_INET, RT_TABLE_MAIN, ETH, NULL);
	cr_assert(aero_mob_relevant(h, h->nlmsg_len, TUN));
	h = route_msg(RTM_DELROUTE, AF_INET6, RT_TABLE_MAIN, ETH, "2001:db8::");
	cr_assert(aero_mob_relevant(h, h->nlmsg_len, TUN));
	h = route_msg(RTM_NEWROUTE, AF_INET6, RT_TABLE_MAIN, 0, NULL);
	cr_assert(aero_mob_relevant(h, h->nlmsg_len, TUN), "no RTA_OIF (multipath)");
	h = route_msg(RTM_NEWROUTE, AF_INET6, RT_TABLE_MAIN, TUN, "2001:db8:b::");
	cr_assert_not(aero_mob_relevant(h, h->nlmsg_len, TUN), "our own route via the TUN");
	h = route_msg(RTM_NEWROUTE, AF_INET6, RT_TABLE_LOCAL, ETH, "2001:db8::1");
	cr_assert_not(aero_mob_relevant(h, h->nlmsg_len, TUN), "local table");
	h = route_msg(RTM_NEWROUTE, AF_INET6, RT_TABLE_MAIN, ETH, "fe80::");
	cr_assert_not(aero_mob_relevant(h, h->nlmsg_len, TUN), "link-local");
	h = route_msg(RTM_NEWROUTE, AF_INET6, RT_TABLE_MAIN, ETH, "febf::");
	cr_assert_not(aero_mob_relevant(h, h->nlmsg_len, TUN), "link-local fe80::/10");
	h = route_msg(RTM_NEWROUTE, AF_INET6, RT_TABLE_MAIN, ETH, "fec0::");
	cr_assert(aero_mob_relevant(h, h->nlmsg_len, TUN), "fec0:: is not link-local");
}

/* An interface going down or up (multilink, §5.8 item 1); not the TUN, not loopback, not a
 * message too short for its ifinfomsg. */
Test(aero_mob, links)
{
	static uint8_t lb[256] __attribute__((aligned(8)));
	struct nlmsghdr *h = mnl_nlmsg_put_header(lb);
	h->nlmsg_type = RTM_NEWLINK;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	ifi->ifi_index = ETH;
	ifi->ifi_change = IFF_UP;
	cr_assert(aero_mob_relevant(h, h->nlmsg_len, TUN));
	h->nlmsg_type = RTM_DELLINK;
	cr_assert(aero_mob_relevant(h, h->nlmsg_len, TUN));
	cr_assert_not(aero_mob_relevant(h, h->nlmsg_len - 1, TUN), "truncated");
	h->nlmsg_len = NLMSG_HDRLEN + sizeof(*ifi) - 1;
	cr_assert_not(aero_mob_relevant(h, h->nlmsg_len, TUN), "short ifinfomsg");
	h->nlmsg_len = NLMSG_HDRLEN + sizeof(*ifi);
	ifi->ifi_family = AF_INET6;
	cr_assert_not(aero_mob_relevant(h, h->nlmsg_len, TUN), "IPv6 device state");
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_change = IFF_PROMISC;
	cr_assert_not(aero_mob_relevant(h, h->nlmsg_len, TUN), "promiscuous mode");
	ifi->ifi_change = 0; /* carrier */
	cr_assert(aero_mob_relevant(h, h->nlmsg_len, TUN));
	ifi->ifi_index = TUN;
	cr_assert_not(aero_mob_relevant(h, h->nlmsg_len, TUN), "the TUN");
	ifi->ifi_index = 1;
	ifi->ifi_flags = IFF_LOOPBACK;
	cr_assert_not(aero_mob_relevant(h, h->nlmsg_len, TUN), "loopback");
}

Test(aero_mob, other_types)
{
	struct nlmsghdr *h = addr_msg(RTM_NEWLINK, AF_UNSPEC, ETH, 0);
	cr_assert_not(aero_mob_relevant(h, h->nlmsg_len, TUN));
	h = addr_msg(RTM_NEWNEIGH, AF_INET, ETH, 0);
	cr_assert_not(aero_mob_relevant(h, h->nlmsg_len, TUN));
	h->nlmsg_type = NLMSG_ERROR;
	cr_assert_not(aero_mob_relevant(h, h->nlmsg_len, TUN));
}

Test(aero_mob, truncated)
{
	struct nlmsghdr *h = addr_msg(RTM_NEWADDR, AF_INET, ETH, RT_SCOPE_UNIVERSE);
	uint32_t full = h->nlmsg_len;
	/* the buffer shorter than the message: never */
	for (uint32_t l = 0; l < full; l++)
		cr_assert_not(aero_mob_relevant(h, l, TUN), "len %u", l);
	/* the message itself claims too little for its ifaddrmsg */
	for (uint32_t l = 0; l < NLMSG_HDRLEN + sizeof(struct ifaddrmsg); l++) {
		h->nlmsg_len = l;
		cr_assert_not(aero_mob_relevant(h, full, TUN), "nlmsg_len %u", l);
	}
	h = route_msg(RTM_NEWROUTE, AF_INET6, RT_TABLE_MAIN, ETH, "2001:db8::");
	full = h->nlmsg_len;
	for (uint32_t l = 0; l < NLMSG_HDRLEN + sizeof(struct rtmsg); l++) {
		h->nlmsg_len = l;
		cr_assert_not(aero_mob_relevant(h, full, TUN), "route nlmsg_len %u", l);
	}
	/* an attribute whose length runs past the message */
	h = route_msg(RTM_NEWROUTE, AF_INET6, RT_TABLE_MAIN, ETH, "2001:db8::");
	struct nlattr *at = (struct nlattr *)(void *)((uint8_t *)h + NLMSG_HDRLEN +
						      NLMSG_ALIGN(sizeof(struct rtmsg)));
	at->nla_len = 200;
	cr_assert_not(aero_mob_relevant(h, h->nlmsg_len, TUN), "attribute overrun");
}

Test(aero_mob, scan_counts_and_stops_at_bad_lengths)
{
	static uint8_t b[1024] __attribute__((aligned(8)));
	size_t n = 0;
	struct nlmsghdr *h;

	/* three messages: relevant, the TUN's (not), relevant */
	h = addr_msg(RTM_NEWADDR, AF_INET, ETH, RT_SCOPE_UNIVERSE);
	memcpy(b + n, h, h->nlmsg_len);
	n += NLMSG_ALIGN(h->nlmsg_len);
	h = addr_msg(RTM_NEWADDR, AF_INET6, TUN, RT_SCOPE_UNIVERSE);
	memcpy(b + n, h, h->nlmsg_len);
	n += NLMSG_ALIGN(h->nlmsg_len);
	h = route_msg(RTM_DELROUTE, AF_INET, RT_TABLE_MAIN, ETH, NULL);
	memcpy(b + n, h, h->nlmsg_len);
	size_t last = n;
	n += NLMSG_ALIGN(h->nlmsg_len);
	cr_assert_eq(aero_mob_scan(b, n, TUN), 2);
	/* cut anywhere inside the last message: only the first one counts */
	for (size_t cut = last; cut < n; cut++)
		cr_assert_eq(aero_mob_scan(b, cut, TUN), 1, "cut %zu", cut);
	cr_assert_eq(aero_mob_scan(b, 0, TUN), 0);
	/* a length that a signed comparison would take for small (libmnl's mnl_nlmsg_ok) */
	struct nlmsghdr *m = (struct nlmsghdr *)(void *)(b + last);
	m->nlmsg_len = 0xfc000011u;
	cr_assert_eq(aero_mob_scan(b, n, TUN), 1);
	/* a length below the header stops the walk too */
	m->nlmsg_len = 8;
	cr_assert_eq(aero_mob_scan(b, n, TUN), 1);
	/* the first message's length claims the whole buffer: it alone is looked at */
	((struct nlmsghdr *)(void *)b)->nlmsg_len = (uint32_t)n;
	cr_assert_eq(aero_mob_scan(b, n, TUN), 1);
}

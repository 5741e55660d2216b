// SPDX-License-Identifier: MIT
/*
 * privops.c - the privileged operations: TUN open and the capability drop,
 * done with prctl(2) and the raw capget/capset system calls (no libcap).
 * Owns no state. Must stay small and auditable: no parsing of untrusted
 * input, no callbacks into other modules.
 */
#include "privops.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "log.h"
#include "tun.h"

int privops_tun_open(const char *name, char actual[IFNAMSIZ])
{
	return tun_open(name, actual);
}

int privops_tun_open_flags(const char *name, unsigned int flags, char actual[IFNAMSIZ])
{
	return tun_open_flags(name, flags, actual);
}

/* 64-bit capability sets as the two 32-bit words of _LINUX_CAPABILITY_VERSION_3. */
struct capsets {
	uint64_t eff, perm, inh;
};

static int caps_get(struct capsets *cs)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	cs->eff = data[0].effective | (uint64_t)data[1].effective << 32;
	cs->perm = data[0].permitted | (uint64_t)data[1].permitted << 32;
	cs->inh = data[0].inheritable | (uint64_t)data[1].inheritable << 32;
	return 0;
}

static int caps_set(const struct capsets *cs)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	data[0].effective = (uint32_t)cs->eff;
	data[1].effective = (uint32_t)(cs->eff >> 32);
	data[0].permitted = (uint32_t)cs->perm;
	data[1].permitted = (uint32_t)(cs->perm >> 32);
	data[0].inheritable = (uint32_t)cs->inh;
	data[1].inheritable = (uint32_t)(cs->inh >> 32);
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	return 0;
}

/* Drop every bounding-set capability outside @keep; the loop ends where the kernel's list does. */
static void bounding_drop(uint64_t keep)
{
	unsigned int dropped = 0;

	for (int cap = 0; cap < 64; cap++) {
		int r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);

		if (r < 0)
			break;
		if (r == 0 || (keep & (1ULL << cap)))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			if (errno != EPERM)
				log_errno(LOG_GRP_MAIN, "PR_CAPBSET_DROP %d", cap);
			continue;
		}
		dropped++;
	}
	log_debug(LOG_GRP_MAIN, "dropped %u capabilities from the bounding set", dropped);
}

static int drop_caps_keep(uint64_t keep)
{
	struct capsets cur = {0}, want;
	int ret;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		ret = -errno;
		log_errno(LOG_GRP_MAIN, "PR_SET_NO_NEW_PRIVS");
		return ret;
	}
	/* EINVAL on kernels before 4.3, which have no ambient set. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		log_errno(LOG_GRP_MAIN, "PR_CAP_AMBIENT_CLEAR_ALL");

	ret = caps_get(&cur);
	if (ret < 0) {
		log_err(LOG_GRP_MAIN, "capget: %s", strerror(-ret));
		return ret;
	}
	if (!cur.perm && !cur.inh && !cur.eff) {
		log_info(LOG_GRP_MAIN, "no capabilities to drop");
		return 0;
	}
	/* The bounding set can only shrink while CAP_SETPCAP is still effective. */
	if (cur.eff & (1ULL << CAP_SETPCAP))
		bounding_drop(keep);

	want.perm = cur.perm & keep;
	want.eff = want.perm;
	want.inh = 0;
	ret = caps_set(&want);
	if (ret < 0) {
		log_err(LOG_GRP_MAIN, "capset: %s", strerror(-ret));
		return ret;
	}
	log_info(LOG_GRP_MAIN, "capabilities: kept %s",
		 (want.perm & (1ULL << CAP_NET_ADMIN)) ? "cap_net_admin" : "none");
	return 0;
}

int privops_drop_caps(void)
{
	return drop_caps_keep(1ULL << CAP_NET_ADMIN);
}

int privops_drop_all_caps(void)
{
	return drop_caps_keep(0);
}

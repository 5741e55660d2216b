/* SPDX-License-Identifier: MIT */
/*
 * omni_wire.h - every OMNI/AERO wire constant in one place, so provisional
 * values (spec/omni-aero.md §0.2, tags R-M/R-L/P) can be re-pointed here once
 * checked against draft-templin-6man-omni3-80 / aero3-60 / amen-08.
 * Constants only: no code, no state.
 */
#pragma once

/* UDP port for carrier packets: IANA "aero", RFC 6706 (spec §2.4) [R-H]. */
#define OMNI_UDP_PORT 8060

/* OAL header (spec §3.2-3.3): an IPv6 header plus an always-present Fragment header. */
#define OAL_IPV6_HDR_LEN 40
#define OAL_FRAG_HDR_LEN 8
#define OAL_HDR_LEN (OAL_IPV6_HDR_LEN + OAL_FRAG_HDR_LEN)
#define OAL_NH_FRAGMENT 44
#define OAL_NH_IPV6 41
#define OAL_NH_IPV4 4
#define OAL_TRAILER_LEN 2     /* Fletcher-16 trailer, spec §3.4 [R-M/P] */
#define OAL_HOP_LIMIT_DEFAULT 16 /* spec §3.2 [P] */
#define OAL_MIN_NONFINAL_FRAG 256 /* spec §3.5 omnid profile [P] */

/* OMNI MTU (spec §3.5 [R-M]; RFC 2492's 9180). */
#define OMNI_MTU_DEFAULT 9180
#define OMNI_MTU_MIN 1280
#define OMNI_MTU_MAX 65535

/* Path MTU defaults and floors per underlay family (spec §3.5 [P]). */
#define OMNI_PMTU4_DEFAULT 1400
#define OMNI_PMTU6_DEFAULT 1280
#define OMNI_PMTU4_MIN 576
#define OMNI_PMTU6_MIN 1280
#define OMNI_PMTU_MAX 65535

/* Carrier demultiplexing by first UDP payload octet (spec §3.6 [P]). */
#define CARRIER_TYPE_INIT 0x01
#define CARRIER_TYPE_RESP 0x02
#define CARRIER_TYPE_COOKIE 0x03 /* reserved, never sent in v1 */
#define CARRIER_TYPE_DATA 0x04
#define CARRIER_PLAIN_MASK 0xf0
#define CARRIER_PLAIN_VAL 0x60   /* 0x6X: plain OAL fragment */

/* Secured carrier (spec §5.13 item 4, vectors/omni 09 [P]). */
#define CARRIER_HDR_LEN 16
#define CARRIER_TAG_LEN 16
#define CARRIER_OVERHEAD (CARRIER_HDR_LEN + CARRIER_TAG_LEN)

/* Noise_IK handshake messages (spec §5.13 item 3 [P]). */
#define HS_INIT_LEN 132
#define HS_RESP_LEN 76
#define HS_MAC_LEN 16
#define HS_PROTOCOL_NAME "Noise_IK_25519_ChaChaPoly_SHA256"
#define HS_PROLOGUE "omnid carrier v1"
#define HS_MAC1_LABEL "omnid mac1"

/* Session limits (spec §5.12-5.13 [P], WireGuard's values). */
#define SESSION_REKEY_AFTER_TIME_S 120
#define SESSION_REKEY_AFTER_PACKETS (1ULL << 60)
#define SESSION_REJECT_AFTER_TIME_S 180
#define SESSION_REJECT_AFTER_PACKETS (UINT64_MAX - (1ULL << 13))
#define SESSION_KEEPALIVE_S 10
#define HS_RETRANSMIT_MS 1000
#define HS_RETRANSMIT_MAX_MS 5000
#define HS_GIVE_UP_MS 90000
#define REPLAY_WINDOW_MIN 2048
#define REPLAY_WINDOW_MAX 65536

/* OMNI addressing (spec §2.3-2.5, vectors/omni 10) [R-M/P]. */
#define OMNI_ULA_DOMAIN_DEFAULT "fd00:6f6d:6e69::/48"
#define OMNI_LINK_ID_DEFAULT 1

/* Reassembly defaults (spec §3.5, §5.14 [P]). */
#define OAL_REASM_TIMEOUT_S 10
#define OAL_REASM_MEM_PEER (4U * 1024 * 1024)
#define OAL_REASM_MEM_TOTAL (64U * 1024 * 1024)

/* Key encodings (spec §5.14 [P]): 32 octets, standard base64 with padding. */
#define OMNI_KEY_LEN 32
#define OMNI_KEY_B64_LEN 44

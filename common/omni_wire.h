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

/*
 * [P] Multilink path probe inside a secured carrier (docs/aero.md Multilink): a sealed
 * payload of exactly 12 octets, Type (1) | reserved 0 (3) | the prober's timestamp (64),
 * never an OAL fragment (those start 0x6X). An echo goes back on the path the probe came
 * in on with the same timestamp, so the prober learns that the far side hears it there.
 */
#define CARRIER_ML_PROBE_LEN 12
#define CARRIER_ML_PROBE 0x01
#define CARRIER_ML_ECHO 0x02

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

/* IPv6 ND with the OMNI option (spec §2.4, §4.2-4.5, §5.13; vectors/omni 01-06). */
#define ND_HOP_LIMIT 255	 /* RFC 4861 §6.1: inner hop limit of every ND message */
#define ICMP6_NH 58		 /* IPv6 Next Header for ICMPv6 */
#define ICMP6_TYPE_RS 133	 /* RFC 4861 §4.1-4.4 */
#define ICMP6_TYPE_RA 134
#define ICMP6_TYPE_NS 135
#define ICMP6_TYPE_NA 136
#define ND_NA_FLAG_R 0x80000000u /* RFC 4861 §4.4 */
#define ND_NA_FLAG_S 0x40000000u
#define ND_NA_FLAG_O 0x20000000u
#define ND_RA_FLAG_M 0x80	 /* RFC 4861 §4.2 */
#define ND_RA_FLAG_O 0x40
#define ND_OPT_OMNI 253		 /* RFC 4727 experimental ND option type [R-M] */
#define OMNI_SUBLEN_MAX 0x7ff	 /* 11-bit Sub-Length (§4.3) */
#define OMNI_SUB_PAD1 0		 /* §4.4 registry [R-M]; 28/29 omnid [P] */
#define OMNI_SUB_PADN 1
#define OMNI_SUB_IFATTR1 2
#define OMNI_SUB_IFATTR 3
#define OMNI_SUB_TRAFFIC_SEL 4
#define OMNI_SUB_ORIGIN 5
#define OMNI_SUB_MS_REGISTER 6
#define OMNI_SUB_MS_RELEASE 7
#define OMNI_SUB_GEO 8
#define OMNI_SUB_DHCPV6 9
#define OMNI_SUB_HIP 10
#define OMNI_SUB_PIM 11
#define OMNI_SUB_REASM_LIMIT 12
#define OMNI_SUB_FRAG_REPORT 13
#define OMNI_SUB_NODE_ID 14
#define OMNI_SUB_AUTH 28
#define OMNI_SUB_NEIGH_COORD 29
/*
 * omnid "Vouched Key" [P]: the next free number below omnid's 28/29 (spec/omni-aero.md
 * §4.4, "[P] omnid assignments"; docs/aero.md). In an NA(AR) signed by a server: the
 * target's Ed25519 key (32), its MNP length (1) and MNP (16), vouched for by that server.
 */
#define AERO_SUB_VOUCHED_KEY 27
#define AERO_VOUCHED_KEY_LEN 49
/*
 * omnid "Route Update" [P]: the next free number below the Vouched Key. In a route update
 * between meshed servers (spec §5.4 [P], docs/aero.md "Servers and the mesh"): the anchor's
 * MSID (4) and the route lifetime in seconds (4; 0 withdraws).
 */
#define AERO_SUB_ROUTE_UPDATE 26
#define AERO_ROUTE_UPDATE_LEN 8
#define OMNI_SUB_EXT 30
#define OMNI_IFATTR_MIN 10	 /* Interface Attributes data without L2ADDR (§4.5 [P]) */
#define OMNI_IFATTR_API_NONE 0
#define OMNI_IFATTR_API_UDP4 1	 /* L2ADDR = port + IPv4, 6 octets */
#define OMNI_IFATTR_API_UDP6 2	 /* L2ADDR = port + IPv6, 18 octets */
#define OMNI_IFATTR_FMT_F 0x4
#define OMNI_IFATTR_FMT_M 0x2
#define OMNI_IFATTR_FMT_T 0x1
#define OMNI_NODE_ID_ED25519 253 /* Node Identification ID-Type [P] */
#define OMNI_AUTH_ALG_ED25519 1	 /* Authentication Alg [P] */
#define OMNI_AUTH_ALG_MAC 2	 /* phase 2, rejected */
#define OMNI_AUTH_HDR_LEN 14	 /* Alg, reserved, Key ID, Timestamp */
#define OMNI_AUTH_ED25519_SUBLEN 78
#define OMNI_AUTH_SIG_LEN 64
#define OMNI_AUTH_WINDOW_MS 30000 /* ±30 s timestamp window (§4.5 [P]) */

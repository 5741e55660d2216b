// SPDX-License-Identifier: MIT
/*
 * scion_mac.c - SCION hop-field MACs (see scion_mac.h): AES-128-CMAC through
 * OpenSSL 3 EVP_MAC with the key schedule loaded once per key, the reference
 * PBKDF2 forwarding-key derivation, accumulator chaining and the router-side
 * Acc update rules, peering-hop detection and expiry arithmetic. Only the
 * OpenSSL context is allocated, once per key, never per packet.
 */
#include "scion_mac.h"

#include <errno.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

int scion_mac_init(struct scion_mac *m, const uint8_t key[SCION_KEY_LEN])
{
	char cipher[] = "AES-128-CBC";
	OSSL_PARAM params[] = {
	    OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
	    OSSL_PARAM_construct_end(),
	};
	memset(m, 0, sizeof(*m));
	m->mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	if (!m->mac)
		goto fail;
	m->ctx = EVP_MAC_CTX_new(m->mac);
	if (!m->ctx || !EVP_MAC_init(m->ctx, key, SCION_KEY_LEN, params))
		goto fail;
	return 0;
fail:
	scion_mac_deinit(m);
	return -EIO;
}

void scion_mac_deinit(struct scion_mac *m)
{
	EVP_MAC_CTX_free(m->ctx);
	EVP_MAC_free(m->mac);
	m->ctx = NULL;
	m->mac = NULL;
}

int scion_mac_cmac(struct scion_mac *m, const uint8_t *msg, size_t len, uint8_t out[SCION_CMAC_LEN])
{
	size_t olen = 0;
	if (!m->ctx)
		return -EIO;
	/* A NULL key re-initialises the context with the key schedule it already has. */
	if (!EVP_MAC_init(m->ctx, NULL, 0, NULL) || !EVP_MAC_update(m->ctx, msg, len) ||
	    !EVP_MAC_final(m->ctx, out, &olen, SCION_CMAC_LEN) || olen != SCION_CMAC_LEN)
		return -EIO;
	return 0;
}

void scion_mac_input(uint16_t acc, uint32_t ts, const struct scion_hop *hf, uint8_t block[16])
{
	memset(block, 0, 16);
	put_be16(block + 2, acc);
	put_be32(block + 4, ts);
	block[9] = hf->exp;
	put_be16(block + 10, hf->cons_in);
	put_be16(block + 12, hf->cons_eg);
}

int scion_mac_hop(struct scion_mac *m, uint16_t acc, uint32_t ts, const struct scion_hop *hf,
		  uint8_t mac[SCION_MAC_LEN])
{
	uint8_t block[16], full[SCION_CMAC_LEN];
	scion_mac_input(acc, ts, hf, block);
	int rc = scion_mac_cmac(m, block, sizeof(block), full);
	if (rc)
		return rc;
	memcpy(mac, full, SCION_MAC_LEN);
	return 0;
}

int scion_mac_verify(struct scion_mac *m, uint16_t acc, uint32_t ts, const struct scion_hop *hf)
{
	uint8_t mac[SCION_MAC_LEN];
	int rc = scion_mac_hop(m, acc, ts, hf, mac);
	if (rc)
		return rc;
	return CRYPTO_memcmp(mac, hf->mac, SCION_MAC_LEN) == 0 ? 0 : -EBADMSG;
}

int scion_mac_derive_key(const uint8_t *master, size_t len, uint8_t key[SCION_KEY_LEN])
{
	if (!master || !len || len > INT32_MAX)
		return -EINVAL;
	if (!PKCS5_PBKDF2_HMAC((const char *)master, (int)len,
			       (const unsigned char *)SCION_KDF_SALT, sizeof(SCION_KDF_SALT) - 1,
			       SCION_KDF_ITER, EVP_sha256(), SCION_KEY_LEN, key))
		return -EIO;
	return 0;
}

uint16_t scion_beta(uint16_t seg_id, const uint8_t *macs, size_t i)
{
	uint16_t b = seg_id;
	for (size_t k = 0; k < i; k++)
		b = scion_acc_step(b, macs + k * SCION_MAC_LEN);
	return b;
}

bool scion_path_peering_ok(const struct scion_path *p)
{
	return p->seg_len[0] > 0 && p->seg_len[1] > 0 && p->seg_len[2] == 0;
}

bool scion_path_is_peer_hop(const struct scion_path *p)
{
	if (p->curr_inf >= SCION_MAX_INF || !(p->inf[p->curr_inf].flags & SCION_INF_P))
		return false;
	if (!scion_path_peering_ok(p))
		return false;
	unsigned int s0 = p->seg_len[0];
	return p->curr_hf == s0 - 1 || p->curr_hf == s0;
}

void scion_acc_ingress(struct scion_path *p, bool from_external)
{
	if (p->curr_inf >= SCION_MAX_INF || p->curr_hf >= SCION_MAX_HF)
		return;
	struct scion_info *inf = &p->inf[p->curr_inf];
	if (!(inf->flags & SCION_INF_C) && from_external && !scion_path_is_peer_hop(p))
		inf->acc = scion_acc_step(inf->acc, p->hf[p->curr_hf].mac);
}

void scion_acc_egress(struct scion_path *p)
{
	if (p->curr_inf >= SCION_MAX_INF || p->curr_hf >= SCION_MAX_HF)
		return;
	struct scion_info *inf = &p->inf[p->curr_inf];
	if ((inf->flags & SCION_INF_C) && !scion_path_is_peer_hop(p))
		inf->acc = scion_acc_step(inf->acc, p->hf[p->curr_hf].mac);
}

int scion_path_verify_current(struct scion_mac *m, const struct scion_path *p)
{
	if (p->curr_inf >= p->num_inf || p->curr_hf >= p->num_hf || p->num_inf > SCION_MAX_INF ||
	    p->num_hf > SCION_MAX_HF)
		return -EINVAL;
	const struct scion_info *inf = &p->inf[p->curr_inf];
	return scion_mac_verify(m, inf->acc, inf->ts, &p->hf[p->curr_hf]);
}

uint64_t scion_hop_expiry_ms(uint32_t ts, uint8_t exp_time)
{
	/* 86400 s / 256 = 337.5 s per ExpTime step (§2.3). */
	return (uint64_t)ts * 1000 + (1 + (uint64_t)exp_time) * 337500;
}

uint64_t scion_path_expiry_ms(const struct scion_path *p)
{
	uint64_t min = UINT64_MAX;
	if (p->num_hf == 0 || p->num_hf > SCION_MAX_HF)
		return 0;
	for (unsigned int i = 0; i < p->num_hf; i++) {
		int seg = scion_path_seg_of(p, i);
		if (seg < 0)
			return 0;
		uint64_t e = scion_hop_expiry_ms(p->inf[seg].ts, p->hf[i].exp);
		if (e < min)
			min = e;
	}
	return min;
}

bool scion_path_current_expired(const struct scion_path *p, uint64_t now_ms)
{
	if (p->curr_inf >= SCION_MAX_INF || p->curr_hf >= SCION_MAX_HF)
		return true;
	return now_ms > scion_hop_expiry_ms(p->inf[p->curr_inf].ts, p->hf[p->curr_hf].exp);
}

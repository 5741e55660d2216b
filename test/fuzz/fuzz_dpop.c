// SPDX-License-Identifier: MIT
/*
 * fuzz_dpop.c - the RFC 9449 proof side of the control-API verifier
 * (common/jws.c), always with a valid access token bound to the proof key.
 * First byte selects the mode:
 *   'R' + bytes: the rest is the DPoP header value as received;
 *   'S' + "header JSON\npayload JSON": signed here with the bound proof key, so
 *       the typ/alg/jwk, htm/htu/iat/ath/jti and replay checks run on fuzzed
 *       claims (the header's jwk is whatever the input says).
 */
#include "fuzz_jws_setup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *fz_token(void)
{
	static char *tok;
	struct fz *f = fz_get();
	json_t *h, *p;

	if (tok)
		return tok;
	h = json_pack("{s:s}", "alg", "EdDSA");
	p = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:{s:s}, s:{s:s, s:s, s:s, s:s, s:s},"
		      " s:{s:s}}",
		      "iss", FZ_ISS, "aud", FZ_AUD, "sub", "agent-patcher-01", "iat",
		      (json_int_t)FZ_IAT, "exp", (json_int_t)(FZ_IAT + 300), "jti",
		      "fuzz-token-jti-0001", "scope", "route.read", "cnf", "jkt", f->jkt, "intent",
		      "workflow_id", "wf", "workflow_step", "s", "executed_by", "agent-patcher-01",
		      "delegation_chain", "0123456789abcdef", "step_sequence_hash",
		      "0123456789abcdef", "agent_proof", "agent_checksum",
		      "242d2f23a194483a0aea19c60f86ca2fb887d97edfd2cdfdcf4e2d650a2f79f3");
	if (!h || !p)
		abort();
	tok = mint_sign(h, p, &f->iss_ed);
	json_decref(h);
	json_decref(p);
	return tok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz *f = fz_get();
	const char *tok = fz_token();
	char *proof, *h, *p;
	struct jws_compact c;
	const char *code;

	if (size < 1 || size > 8192)
		return 0;
	if (data[0] == 'R') {
		proof = strndup((const char *)data + 1, size - 1);
		if (!proof)
			abort();
		if (!jws_compact_parse(proof, strlen(proof), JWS_PROOF_MAX, &c, &code))
			jws_compact_deinit(&c);
		fz_verify(tok, proof, "GET");
		free(proof);
	} else if (data[0] == 'S') {
		if (fz_split(data + 1, size - 1, &h, &p))
			return 0;
		{
			/* A payload object without "ath" gets the right one, so the checks
			 * after ath (jti, replay) are reachable. */
			json_t *j = json_loads(p, JSON_REJECT_DUPLICATES, NULL);

			if (json_is_object(j) && !json_object_get(j, "ath")) {
				char ath[44];

				mint_ath(tok, ath);
				json_object_set_new(j, "ath", json_string(ath));
				free(p);
				p = json_dumps(j, JSON_COMPACT);
				if (!p)
					abort();
			}
			json_decref(j);
		}
		proof = mint_sign_raw(h, strlen(h), p, strlen(p), &f->proof);
		fz_verify(tok, proof, "GET");
		free(proof);
		free(h);
		free(p);
	}
	return 0;
}

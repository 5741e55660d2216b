// SPDX-License-Identifier: MIT
/*
 * fuzz_jws.c - the JWS/JWT side of the control-API verifier (common/jws.c).
 * First byte selects the mode:
 *   'R' + bytes: the rest is an access token as received (compact parse, thumbprint
 *       of any header jwk, full verification with a valid-shaped proof);
 *   'S' + "header JSON\npayload JSON": both texts are signed here with the
 *       configured issuer key, so every claim check after the signature runs on
 *       fuzzed claims, with a valid proof bound to the fuzzed token;
 *   anything else: the input is a scope list.
 */
#include "fuzz_jws_setup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz *f = fz_get();
	char *tok, *proof, *h, *p;
	struct jws_compact c;
	const char *code;
	uint32_t mask;

	if (size < 1 || size > 16384)
		return 0;
	if (data[0] == 'R') {
		tok = strndup((const char *)data + 1, size - 1);
		if (!tok)
			abort();
		if (!jws_compact_parse(tok, strlen(tok), 8192, &c, &code)) {
			char t[44];

			if (!c.header || !c.payload || c.signing_input_len >= strlen(tok))
				abort();
			(void)!jws_jwk_thumbprint(json_object_get(c.header, "jwk"), t);
			jws_compact_deinit(&c);
		} else if (!code) {
			abort();
		}
		proof = fz_proof_for(tok, "fuzz-proof-jti-0001");
		fz_verify(tok, proof, "GET");
		free(proof);
		free(tok);
	} else if (data[0] == 'S') {
		if (fz_split(data + 1, size - 1, &h, &p))
			return 0;
		tok = mint_sign_raw(h, strlen(h), p, strlen(p), &f->iss_ed);
		proof = fz_proof_for(tok, "fuzz-proof-jti-0002");
		fz_verify(tok, proof, "GET");
		fz_verify(tok, proof, "POST");
		free(tok);
		free(proof);
		free(h);
		free(p);
	} else {
		(void)!jws_scope_parse((const char *)data, size, &mask);
	}
	return 0;
}

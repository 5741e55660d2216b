// SPDX-License-Identifier: MIT
/*
 * test_keys.c - keys.[ch]: the seed -> public key known answers of
 * vectors/omni/keys.json, the base64 codec's strictness, private key file
 * secrecy checks, genkey/pubkey round trips and the X25519 conversion.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keys.h"

static void hex32(const char *hex, uint8_t out[32])
{
	size_t n = 0;

	cr_assert_eq(sodium_hex2bin(out, 32, hex, strlen(hex), NULL, &n, NULL), 0);
	cr_assert_eq(n, 32);
}

struct kat {
	uint8_t seed[32], pk[32];
};

static size_t load_kats(struct kat *k, size_t max)
{
	json_error_t jerr;
	json_t *root = json_load_file(VECTORS_DIR "/omni/keys.json", 0, &jerr);
	const char *name;
	json_t *v;
	size_t n = 0;

	cr_assert_not_null(root, "keys.json: %s", jerr.text);
	json_object_foreach(root, name, v)
	{
		cr_assert_lt(n, max);
		hex32(json_string_value(json_object_get(v, "seed")), k[n].seed);
		hex32(json_string_value(json_object_get(v, "public_key")), k[n].pk);
		n++;
	}
	json_decref(root);
	return n;
}

Test(keys, seed_to_public_known_answers)
{
	struct kat k[8];
	size_t n = load_kats(k, 8);

	cr_assert_eq(n, 3);
	for (size_t i = 0; i < n; i++) {
		struct keys_identity id;
		uint8_t x[32], xpk[32];

		cr_assert_eq(keys_identity_from_seed(k[i].seed, &id), 0);
		cr_assert_arr_eq(id.ed_pk, k[i].pk, 32);
		/* The secret key is libsodium's seed || public key. */
		cr_assert_arr_eq(id.ed_sk, k[i].seed, 32);
		cr_assert_arr_eq(id.ed_sk + 32, k[i].pk, 32);
		/* X25519 pair is consistent, and the public conversion agrees. */
		crypto_scalarmult_base(x, id.x_sk);
		cr_assert_arr_eq(x, id.x_pk, 32);
		cr_assert_eq(keys_ed_pk_to_x(k[i].pk, xpk), 0);
		cr_assert_arr_eq(xpk, id.x_pk, 32);
		keys_identity_free(&id);
		cr_assert_null(id.ed_sk);
		cr_assert_null(id.x_sk);
	}
}

Test(keys, pubkey_from_base64_known_answers)
{
	struct kat k[8];
	size_t n = load_kats(k, 8);

	for (size_t i = 0; i < n; i++) {
		char seed_b64[45], pk_b64[45], want[45];
		uint8_t back[32];

		keys_b64_encode32(k[i].seed, seed_b64);
		cr_assert_eq(strlen(seed_b64), 44);
		cr_assert_eq(keys_pubkey(seed_b64, pk_b64), 0);
		keys_b64_encode32(k[i].pk, want);
		cr_assert_str_eq(pk_b64, want);
		cr_assert_eq(keys_b64_decode32(pk_b64, back), 0);
		cr_assert_arr_eq(back, k[i].pk, 32);
	}
}

Test(keys, b64_known_answer)
{
	uint8_t in[32], out[32];
	char s[45];

	for (int i = 0; i < 32; i++)
		in[i] = (uint8_t)i;
	keys_b64_encode32(in, s);
	cr_assert_str_eq(s, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
	cr_assert_eq(keys_b64_decode32(s, out), 0);
	cr_assert_arr_eq(in, out, 32);
}

Test(keys, b64_trailing_whitespace_allowed)
{
	const char *ok[] = {
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\r\n",
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8= \t\n\n",
	};
	uint8_t out[32];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cr_assert_eq(keys_b64_decode32(ok[i], out), 0, "case %zu", i);
		cr_assert_eq(out[31], 31);
	}
}

Test(keys, b64_malformed_rejected)
{
	const char *bad[] = {
		"",
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",    /* 43, no padding */
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8==",  /* 45 */
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=x",  /* junk */
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8= x", /* junk after space */
		" AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",  /* leading space */
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=",   /* non-canonical bits */
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8A",   /* no padding char */
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd-h8=",   /* URL-safe alphabet */
		"AAECAwQFBgcICQoLDA0ODxAREh MUFRYXGBkaGxwdHh8=",  /* inner space */
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh==",   /* 31 octets */
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=AAAA",
	};
	uint8_t out[32];

	memset(out, 0xaa, sizeof(out));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(keys_b64_decode32(bad[i], out), -EINVAL, "case %zu: '%s'", i, bad[i]);
	cr_assert_eq(keys_b64_decode32(NULL, out), -EINVAL);
	/* Untouched on error. */
	for (size_t i = 0; i < 32; i++)
		cr_assert_eq(out[i], 0xaa);
}

Test(keys, b64_every_single_char_corruption)
{
	const char *good = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
	uint8_t ref[32], out[32];

	cr_assert_eq(keys_b64_decode32(good, ref), 0);
	for (size_t pos = 0; pos < 44; pos++) {
		for (int ch = 1; ch < 256; ch++) {
			char s[45];
			memcpy(s, good, 45);
			if ((char)ch == s[pos])
				continue;
			s[pos] = (char)ch;
			int rc = keys_b64_decode32(s, out);
			/* Either rejected, or a different valid key: never the same key. */
			if (rc == 0)
				cr_assert(memcmp(out, ref, 32) != 0, "pos %zu ch %d", pos, ch);
			else
				cr_assert_eq(rc, -EINVAL);
		}
	}
}

Test(keys, genkey_pubkey_round_trip)
{
	char a[45], b[45], pa[45], pb[45], pa2[45];
	uint8_t seed[32];
	struct keys_identity id;
	uint8_t pk[32];

	cr_assert_eq(keys_genkey(a), 0);
	cr_assert_eq(keys_genkey(b), 0);
	cr_assert_eq(strlen(a), 44);
	cr_assert_str_neq(a, b);
	cr_assert_eq(keys_pubkey(a, pa), 0);
	cr_assert_eq(keys_pubkey(a, pa2), 0);
	cr_assert_eq(keys_pubkey(b, pb), 0);
	cr_assert_str_eq(pa, pa2);
	cr_assert_str_neq(pa, pb);
	cr_assert_eq(keys_b64_decode32(a, seed), 0);
	cr_assert_eq(keys_identity_from_seed(seed, &id), 0);
	cr_assert_eq(keys_b64_decode32(pa, pk), 0);
	cr_assert_arr_eq(pk, id.ed_pk, 32);
	keys_identity_free(&id);
	cr_assert_eq(keys_pubkey("not a key", pa), -EINVAL);
}

Test(keys, equal_is_exact)
{
	uint8_t a[32] = { 1, 2, 3 }, b[32] = { 1, 2, 3 };

	cr_assert(keys_equal(a, b, 32));
	for (size_t i = 0; i < 32; i++) {
		b[i] ^= 0x80;
		cr_assert_not(keys_equal(a, b, 32));
		b[i] ^= 0x80;
	}
}

Test(keys, ed_pk_to_x_rejects_small_order)
{
	uint8_t ident[32] = { 1 }, x[32];

	/* The neutral element (y = 1) has small order. */
	cr_assert_eq(keys_ed_pk_to_x(ident, x), -EINVAL);
}

Test(keys, identity_free_is_idempotent)
{
	struct keys_identity id;

	memset(&id, 0, sizeof(id));
	keys_identity_free(&id);
	keys_identity_free(&id);
}

/* ---- private key files ---- */

static char tmpdir[] = "/tmp/omnid-keys-XXXXXX";

static void mk_tmpdir(void)
{
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void rm_tmpdir(void)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	cr_assert_eq(system(cmd), 0);
}

static const char *write_key(const char *name, const char *content, size_t len, mode_t mode)
{
	static char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, content, len), (ssize_t)len);
	close(fd);
	cr_assert_eq(chmod(path, mode), 0);
	return path;
}

#define CLIENT_A_SEED "09L+gyeCwfMXrMERPU7abbJeTAGfhFuzZ2FjrShNTaQ=\n"

Test(keys, load_private_ok_and_permissions, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	struct keys_identity id;
	uint8_t want[32];
	char msg[256];
	const char *p;
	const mode_t bad_modes[] = { 0644, 0640, 0604, 0610, 0601, 0620, 0602, 0660, 0666, 0777 };

	hex32("1655e265e1e2279eef0285ac732f57c69d955bece5548bcd2cdfe78b8fb64352", want);
	p = write_key("k", CLIENT_A_SEED, strlen(CLIENT_A_SEED), 0600);
	cr_assert_eq(keys_load_private(p, &id, msg, sizeof(msg)), 0, "%s", msg);
	cr_assert_arr_eq(id.ed_pk, want, 32);
	keys_identity_free(&id);

	chmod(p, 0400);
	cr_assert_eq(keys_load_private(p, &id, msg, sizeof(msg)), 0, "%s", msg);
	keys_identity_free(&id);

	for (size_t i = 0; i < sizeof(bad_modes) / sizeof(bad_modes[0]); i++) {
		cr_assert_eq(chmod(p, bad_modes[i]), 0);
		cr_assert_eq(keys_load_private(p, &id, msg, sizeof(msg)), -EPERM, "mode %o",
			     (unsigned)bad_modes[i]);
		cr_assert_not_null(strstr(msg, p), "message names the file: %s", msg);
		cr_assert_null(strstr(msg, "09L+gy"), "message leaks the key: %s", msg);
		cr_assert_null(id.ed_sk);
	}
}

Test(keys, load_private_without_newline, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	struct keys_identity id;
	const char *p = write_key("k", CLIENT_A_SEED, 44, 0600);

	cr_assert_eq(keys_load_private(p, &id, NULL, 0), 0);
	keys_identity_free(&id);
}

Test(keys, load_private_malformed, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	const char *bad[] = {
		"",
		"\n",
		"09L+gyeCwfMXrMERPU7abbJeTAGfhFuzZ2FjrShNTaQ\n",
		" 09L+gyeCwfMXrMERPU7abbJeTAGfhFuzZ2FjrShNTaQ=\n",
		"09L+gyeCwfMXrMERPU7abbJeTAGfhFuzZ2FjrShNTaQ=\nextra\n",
		"d3d2fe832782c1f317acc1113d4eda6db25e4c019f845bb3676163ad284d4da4\n",
	};
	struct keys_identity id;
	char msg[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *p = write_key("k", bad[i], strlen(bad[i]), 0600);
		cr_assert_eq(keys_load_private(p, &id, msg, sizeof(msg)), -EINVAL, "case %zu", i);
		cr_assert_neq(msg[0], '\0');
	}
	/* An embedded NUL. */
	static const char nul[] = "09L+gyeCwfMXrMERPU7abbJeTAGfhFuzZ2FjrShNTaQ=\n\0\n";
	const char *p = write_key("k", nul, sizeof(nul) - 1, 0600);
	cr_assert_eq(keys_load_private(p, &id, msg, sizeof(msg)), -EINVAL);
	/* Far too long. */
	char big[400];
	memset(big, 'A', sizeof(big));
	p = write_key("k", big, sizeof(big), 0600);
	cr_assert_eq(keys_load_private(p, &id, msg, sizeof(msg)), -EINVAL);
}

Test(keys, load_private_not_regular_or_missing, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	struct keys_identity id;
	char msg[256], path[512];

	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	cr_assert_eq(keys_load_private(path, &id, msg, sizeof(msg)), -ENOENT);
	cr_assert_not_null(strstr(msg, "missing"));

	snprintf(path, sizeof(path), "%s/dir", tmpdir);
	cr_assert_eq(mkdir(path, 0700), 0);
	cr_assert_eq(keys_load_private(path, &id, msg, sizeof(msg)), -EPERM);

	/* A FIFO must be refused without blocking. */
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	cr_assert_eq(mkfifo(path, 0600), 0);
	cr_assert_eq(keys_load_private(path, &id, msg, sizeof(msg)), -EPERM);
}

Test(keys, load_private_foreign_owner, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	struct keys_identity id;
	char msg[256];
	const char *p = write_key("k", CLIENT_A_SEED, strlen(CLIENT_A_SEED), 0600);

	if (geteuid() != 0)
		cr_skip_test("needs root to chown");
	cr_assert_eq(chown(p, 12345, 12345), 0);
	cr_assert_eq(keys_load_private(p, &id, msg, sizeof(msg)), -EPERM);
	cr_assert_not_null(strstr(msg, "uid 12345"), "%s", msg);
}

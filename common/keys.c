// SPDX-License-Identifier: MIT
/*
 * keys.c - base64 key codec, private key file loading with secrecy checks,
 * and identity derivation on libsodium. Seeds and secret keys only ever sit in
 * sodium_malloc'd memory or in stack buffers that are wiped before return;
 * error messages name the file, never its content.
 */
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* More than a key and some whitespace: the file is not a key file. */
#define KEYS_FILE_MAX 128

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int keys_b64_decode32(const char *s, uint8_t out[32])
{
	uint8_t tmp[KEYS_LEN];
	size_t bin_len = 0;
	const char *end = NULL;
	size_t n;

	if (!s)
		return -EINVAL;
	n = strnlen(s, KEYS_B64_LEN + 1);
	if (n < KEYS_B64_LEN)
		return -EINVAL;
	for (const char *p = s + KEYS_B64_LEN; *p; p++) {
		if (!is_space(*p))
			return -EINVAL;
	}
	if (sodium_base642bin(tmp, sizeof(tmp), s, KEYS_B64_LEN, NULL, &bin_len, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    bin_len != KEYS_LEN || end != s + KEYS_B64_LEN) {
		sodium_memzero(tmp, sizeof(tmp));
		return -EINVAL;
	}
	memcpy(out, tmp, KEYS_LEN);
	sodium_memzero(tmp, sizeof(tmp));
	return 0;
}

void keys_b64_encode32(const uint8_t in[32], char out[45])
{
	sodium_bin2base64(out, KEYS_B64_LEN + 1, in, KEYS_LEN, sodium_base64_VARIANT_ORIGINAL);
}

int keys_identity_from_seed(const uint8_t seed[32], struct keys_identity *id)
{
	memset(id, 0, sizeof(*id));
	if (sodium_init() < 0)
		return -EIO;
	id->ed_sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	id->x_sk = sodium_malloc(crypto_scalarmult_curve25519_BYTES);
	if (!id->ed_sk || !id->x_sk) {
		keys_identity_free(id);
		return -ENOMEM;
	}
	crypto_sign_seed_keypair(id->ed_pk, id->ed_sk, seed);
	/* Neither conversion can fail for a key pair libsodium just derived. */
	if (crypto_sign_ed25519_sk_to_curve25519(id->x_sk, id->ed_sk) != 0 ||
	    crypto_sign_ed25519_pk_to_curve25519(id->x_pk, id->ed_pk) != 0) {
		keys_identity_free(id);
		return -EIO;
	}
	/* Best effort: a stray write into the key is then a crash, not a silent change. */
	(void)sodium_mprotect_readonly(id->ed_sk);
	(void)sodium_mprotect_readonly(id->x_sk);
	return 0;
}

void keys_identity_free(struct keys_identity *id)
{
	/* sodium_free() makes the region writable again, wipes and unmaps it. */
	if (id->ed_sk)
		sodium_free(id->ed_sk);
	if (id->x_sk)
		sodium_free(id->x_sk);
	memset(id, 0, sizeof(*id));
}

static int errf(char *errbuf, size_t errlen, int rc, const char *fmt, const char *path, ...)
    PRINTF(4, 6);

static int errf(char *errbuf, size_t errlen, int rc, const char *fmt, const char *path, ...)
{
	char detail[128];
	va_list ap;

	va_start(ap, path);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (errbuf && errlen > 0)
		snprintf(errbuf, errlen, "private key file '%s': %s", path, detail);
	return rc;
}

int keys_load_private(const char *path, struct keys_identity *id, char *errbuf, size_t errlen)
{
	char text[KEYS_FILE_MAX + 1];
	uint8_t seed[KEYS_LEN];
	struct stat st;
	size_t len = 0;
	int fd, rc;

	memset(id, 0, sizeof(*id));
	if (errbuf && errlen > 0)
		errbuf[0] = '\0';
	/* O_NONBLOCK: a FIFO in place of the key must not hang start-up. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		rc = -errno;
		return errf(errbuf, errlen, rc, "%s", path, strerror(-rc));
	}
	/* fstat on the open descriptor: what we check is what we read. */
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		errf(errbuf, errlen, rc, "%s", path, strerror(-rc));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = errf(errbuf, errlen, -EPERM, "%s", path, "not a regular file");
		goto out;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		rc = errf(errbuf, errlen, -EPERM, "owned by uid %u, must be root or uid %u", path,
			  (unsigned)st.st_uid, (unsigned)geteuid());
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		rc = errf(errbuf, errlen, -EPERM,
			  "mode %04o gives group/other access; it must be 0600 or 0400", path,
			  (unsigned)(st.st_mode & 07777));
		goto out;
	}
	for (;;) {
		ssize_t r = read(fd, text + len, sizeof(text) - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			errf(errbuf, errlen, rc, "%s", path, strerror(-rc));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len == sizeof(text) - 1) {
			rc = errf(errbuf, errlen, -EINVAL, "%s", path, "too long for a key file");
			goto out;
		}
	}
	text[len] = '\0';
	if (memchr(text, '\0', len) || keys_b64_decode32(text, seed) < 0) {
		rc = errf(errbuf, errlen, -EINVAL, "%s", path,
			  "expected 44 base64 characters (omnictl genkey)");
		goto out;
	}
	rc = keys_identity_from_seed(seed, id);
	if (rc < 0)
		errf(errbuf, errlen, rc, "%s", path, "cannot derive the key pair");
out:
	sodium_memzero(text, sizeof(text));
	sodium_memzero(seed, sizeof(seed));
	close(fd);
	return rc;
}

int keys_genkey(char out[45])
{
	uint8_t seed[KEYS_LEN];

	if (sodium_init() < 0)
		return -EIO;
	randombytes_buf(seed, sizeof(seed));
	keys_b64_encode32(seed, out);
	sodium_memzero(seed, sizeof(seed));
	return 0;
}

int keys_pubkey(const char *priv_b64, char out[45])
{
	uint8_t seed[KEYS_LEN], pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	int rc;

	if (sodium_init() < 0)
		return -EIO;
	rc = keys_b64_decode32(priv_b64, seed);
	if (rc < 0)
		return rc;
	crypto_sign_seed_keypair(pk, sk, seed);
	keys_b64_encode32(pk, out);
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(seed, sizeof(seed));
	return 0;
}

bool keys_equal(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}

int keys_ed_pk_to_x(const uint8_t ed_pk[32], uint8_t x_pk[32])
{
	if (sodium_init() < 0)
		return -EIO;
	return crypto_sign_ed25519_pk_to_curve25519(x_pk, ed_pk) == 0 ? 0 : -EINVAL;
}

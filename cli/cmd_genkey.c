// SPDX-License-Identifier: MIT
/*
 * cmd_genkey.c - "omnictl genkey" and "omnictl pubkey", the key helpers of
 * spec/omni-aero.md §5.14 (like wg genkey / wg pubkey). The encoding and the
 * cryptography are keys.c's; this file only moves text between stdin/stdout
 * and wipes the private key from its buffers. Never talks to the daemon.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "cmd.h"
#include "keys.h"

/* Longer input than this cannot be a key (44 characters and whitespace). */
#define PUBKEY_INPUT_MAX 128

int cmd_genkey(int argc, char **argv, const struct cli_opts *o)
{
	char key[KEYS_B64_LEN + 1];
	int ret;

	(void)o;
	if (argc == 2 && cli_is_help(argv[1])) {
		printf("Usage: omnictl genkey\nPrints a new private key (base64 Ed25519 seed).\n");
		return CLI_EXIT_OK;
	}
	if (argc != 1) {
		fprintf(stderr, "Usage: omnictl genkey\n");
		return CLI_EXIT_FAIL;
	}
	ret = keys_genkey(key);
	if (ret < 0) {
		fprintf(stderr, "omnictl: cannot generate a key: %s\n", strerror(-ret));
		return CLI_EXIT_FAIL;
	}
	ret = puts(key) < 0 || fflush(stdout) != 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	sodium_memzero(key, sizeof(key));
	if (ret != CLI_EXIT_OK)
		fprintf(stderr, "omnictl: cannot write the key: %s\n", strerror(errno));
	return ret;
}

int cmd_pubkey(int argc, char **argv, const struct cli_opts *o)
{
	char in[PUBKEY_INPUT_MAX + 1], pub[KEYS_B64_LEN + 1];
	size_t n;
	int ret;

	(void)o;
	if (argc == 2 && cli_is_help(argv[1])) {
		printf("Usage: omnictl pubkey < private.key\n"
		       "Reads a private key on stdin and prints its public key.\n");
		return CLI_EXIT_OK;
	}
	if (argc != 1) {
		fprintf(stderr, "Usage: omnictl pubkey < private.key\n");
		return CLI_EXIT_FAIL;
	}
	/* read(2), not stdio, so no copy of the key is left in a FILE buffer. */
	for (n = 0; n < sizeof(in);) {
		ssize_t r = read(STDIN_FILENO, in + n, sizeof(in) - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "omnictl: cannot read stdin: %s\n", strerror(errno));
			ret = CLI_EXIT_FAIL;
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > PUBKEY_INPUT_MAX || memchr(in, '\0', n)) {
		fprintf(stderr, "omnictl: stdin is not a private key\n");
		ret = CLI_EXIT_FAIL;
		goto out;
	}
	in[n] = '\0';
	if (keys_pubkey(in, pub) < 0) {
		fprintf(stderr, "omnictl: stdin is not a private key (expected 44 base64 "
				"characters)\n");
		ret = CLI_EXIT_FAIL;
		goto out;
	}
	ret = puts(pub) < 0 || fflush(stdout) != 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	if (ret != CLI_EXIT_OK)
		fprintf(stderr, "omnictl: cannot write the key: %s\n", strerror(errno));
out:
	sodium_memzero(in, sizeof(in));
	return ret;
}

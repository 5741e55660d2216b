#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""noise_ref.py - an independent Noise_IK_25519_ChaChaPoly_SHA256 implementation of the omnid
carrier handshake (spec/omni-aero.md §5.13 item 3), written from the Noise specification (rev. 34)
with python3-cryptography only (no libsodium), to cross-check common/noise.c.

It prints the known-answer values hard-coded in test/unit/test_noise.c. Regenerate with:
    /usr/bin/python3 test/unit/data/noise_ref.py
and paste the output over the KAT block in test_noise.c if an input below is changed on purpose.

Inputs: initiator = client_a, responder = server_1 from shared/vectors/omni/keys.json; X25519 keys
derived from the Ed25519 seeds the way libsodium's crypto_sign_ed25519_{sk,pk}_to_curve25519 do
(the public one computed twice: as X25519(sk) and as the birational map of the Ed25519 key, and
asserted equal); fixed ephemerals, indices and timestamp below.
"""
import hashlib
import hmac
import json
import os
import struct
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives import serialization

RAW = serialization.Encoding.Raw
PUB = serialization.PublicFormat.Raw
PRIV = serialization.PrivateFormat.Raw
NOENC = serialization.NoEncryption()

NAME = b"Noise_IK_25519_ChaChaPoly_SHA256"
PROLOGUE = b"omnid carrier v1"
MAC1_LABEL = b"omnid mac1"

# KAT inputs (mirrored in test_noise.c).
E_I_LABEL = b"omnid noise kat: initiator ephemeral"
E_R_LABEL = b"omnid noise kat: responder ephemeral"
IDX_I = 0xA1B2C3D4
IDX_R = 0x0BADCAFE
TS_SEC = 1767225600  # 2026-01-01T00:00:00Z
TS_NSEC = 123456789

P = 2**255 - 19


def sha256(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.digest()


def hmac256(key, data):
    return hmac.new(key, data, hashlib.sha256).digest()


def hkdf(ck, ikm, n):
    """Noise §4.3 HKDF."""
    temp = hmac256(ck, ikm)
    out, prev = [], b""
    for i in range(1, n + 1):
        prev = hmac256(temp, prev + bytes([i]))
        out.append(prev)
    return out


def x25519_pub(sk):
    return X25519PrivateKey.from_private_bytes(sk).public_key().public_bytes(RAW, PUB)


def dh(sk, pk):
    return X25519PrivateKey.from_private_bytes(sk).exchange(X25519PublicKey.from_public_bytes(pk))


def ed_to_x_secret(seed):
    h = bytearray(hashlib.sha512(seed).digest()[:32])
    h[0] &= 248
    h[31] &= 127
    h[31] |= 64
    return bytes(h)


def ed_to_x_public(ed_pk):
    """Edwards y -> Montgomery u = (1 + y) / (1 - y) mod p (RFC 7748 §4.1)."""
    y = int.from_bytes(ed_pk, "little") & ((1 << 255) - 1)
    u = (1 + y) * pow((1 - y) % P, P - 2, P) % P
    return u.to_bytes(32, "little")


class Sym:
    """Noise §5.2 SymmetricState + §5.1 CipherState."""

    def __init__(self, responder_static):
        assert len(NAME) == 32
        self.h = NAME
        self.ck = self.h
        self.k = None
        self.n = 0
        self.mix_hash(PROLOGUE)
        self.mix_hash(responder_static)  # IK pre-message "<- s"

    def mix_hash(self, data):
        self.h = sha256(self.h, data)

    def mix_key(self, ikm):
        self.ck, self.k = hkdf(self.ck, ikm, 2)
        self.n = 0

    def nonce(self):
        n = b"\x00" * 4 + struct.pack("<Q", self.n)
        self.n += 1
        return n

    def encrypt_and_hash(self, pt):
        ct = ChaCha20Poly1305(self.k).encrypt(self.nonce(), pt, self.h)
        self.mix_hash(ct)
        return ct

    def decrypt_and_hash(self, ct):
        pt = ChaCha20Poly1305(self.k).decrypt(self.nonce(), ct, self.h)
        self.mix_hash(ct)
        return pt

    def split(self):
        return hkdf(self.ck, b"", 2)


def mac1(receiver_static_pub, msg):
    return hmac256(sha256(MAC1_LABEL, receiver_static_pub), msg)[:16]


def tai64n(sec, nsec):
    return struct.pack(">QI", (1 << 62) + sec, nsec)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    keys_path = os.path.join(here, "..", "..", "..", "..", "shared", "vectors", "omni", "keys.json")
    if len(sys.argv) > 1:
        keys_path = sys.argv[1]
    with open(keys_path) as f:
        keys = json.load(f)

    ids = {}
    for name in ("client_a", "server_1"):
        seed = bytes.fromhex(keys[name]["seed"])
        ed_pk = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(RAW, PUB)
        assert ed_pk.hex() == keys[name]["public_key"], name
        x_sk = ed_to_x_secret(seed)
        x_pk = x25519_pub(x_sk)
        assert x_pk == ed_to_x_public(ed_pk), name
        ids[name] = (x_sk, x_pk)
    si, spi = ids["client_a"]
    sr, spr = ids["server_1"]

    ei = sha256(E_I_LABEL)
    er = sha256(E_R_LABEL)
    ts = tai64n(TS_SEC, TS_NSEC)

    # Initiator: -> e, es, s, ss, payload
    a = Sym(spr)
    epi = x25519_pub(ei)
    a.mix_hash(epi)
    a.mix_key(dh(ei, spr))
    enc_s = a.encrypt_and_hash(spi)
    a.mix_key(dh(si, spr))
    enc_ts = a.encrypt_and_hash(ts)
    init = bytes([1, 0, 0, 0]) + struct.pack(">I", IDX_I) + epi + enc_s + enc_ts
    init += mac1(spr, init)
    assert len(init) == 132

    # Responder reads it.
    b = Sym(spr)
    assert hmac.compare_digest(init[116:], mac1(spr, init[:116]))
    re = init[8:40]
    b.mix_hash(re)
    b.mix_key(dh(sr, re))
    rs = b.decrypt_and_hash(init[40:88])
    assert rs == spi
    b.mix_key(dh(sr, rs))
    assert b.decrypt_and_hash(init[88:116]) == ts

    # Responder: <- e, ee, se, payload
    epr = x25519_pub(er)
    b.mix_hash(epr)
    b.mix_key(dh(er, re))
    b.mix_key(dh(er, rs))
    enc_empty = b.encrypt_and_hash(b"")
    resp = bytes([2, 0, 0, 0]) + struct.pack(">II", IDX_R, IDX_I) + epr + enc_empty
    resp += mac1(spi, resp)
    assert len(resp) == 76

    # Initiator reads it.
    assert hmac.compare_digest(resp[60:], mac1(spi, resp[:60]))
    a.mix_hash(resp[12:44])
    a.mix_key(dh(ei, resp[12:44]))
    a.mix_key(dh(si, resp[12:44]))
    assert a.decrypt_and_hash(resp[44:60]) == b""
    assert a.h == b.h
    k1, k2 = a.split()
    assert (k1, k2) == tuple(b.split())

    out = {
        "initiator_x_pk": spi, "responder_x_pk": spr,
        "e_i_sk": ei, "e_r_sk": er, "tai64n": ts,
        "initiation": init, "response": resp,
        "handshake_hash": a.h,
        "initiator_send_key": k1, "initiator_recv_key": k2,
    }
    for k, v in out.items():
        print(f"{k} = {v.hex()}")


if __name__ == "__main__":
    main()

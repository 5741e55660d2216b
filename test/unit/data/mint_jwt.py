#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# mint_jwt.py - independent known-answer minting for test_jws.c: PyJWT + cryptography
# sign an Agentic JWT and its RFC 9449 DPoP proof with fixed keys and fixed claims.
# Run it, then paste its output into test_jws.c (kat_* strings). EdDSA output is
# deterministic; ES256 signatures are randomised, so only the pasted copy is fixed.
import base64
import hashlib
import json

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives import serialization as ser


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def okp(seed):
    k = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    x = k.public_key().public_bytes(ser.Encoding.Raw, ser.PublicFormat.Raw)
    return k, {"kty": "OKP", "crv": "Ed25519", "x": b64u(x)}


def p256(scalar):
    k = ec.derive_private_key(scalar, ec.SECP256R1())
    n = k.public_key().public_numbers()
    return k, {"kty": "EC", "crv": "P-256", "x": b64u(n.x.to_bytes(32, "big")),
               "y": b64u(n.y.to_bytes(32, "big"))}


def thumb(jwk):
    # RFC 7638 §3: required members only, sorted, no whitespace.
    req = {k: jwk[k] for k in (("crv", "kty", "x") if jwk["kty"] == "OKP"
                                else ("crv", "kty", "x", "y"))}
    return b64u(hashlib.sha256(json.dumps(req, sort_keys=True,
                                          separators=(",", ":")).encode()).digest())


IAT = 1767225600
CHECKSUM = hashlib.sha256(b"patcher").hexdigest()


def claims(scope, cnf):
    return {
        "iss": "https://idp.example.internal", "aud": ["urn:omnid:node:test", "other"],
        "sub": "agent-patcher-01", "iat": IAT, "exp": IAT + 300,
        "jti": "tok-0123456789abcdef", "scope": scope, "cnf": cnf,
        "intent": {"workflow_id": "wf-patch", "workflow_step": "scan",
                   "executed_by": "agent-patcher-01", "delegation_chain": "0123456789abcdef",
                   "step_sequence_hash": "fedcba9876543210"},
        "agent_proof": {"agent_checksum": "sha256:" + CHECKSUM,
                        "registration_id": "reg_agent-patcher-01_1767225600"},
    }


def proof(key, jwk, alg, htm, htu, token):
    ath = b64u(hashlib.sha256(token.encode()).digest())
    return jwt.encode({"jti": "prf-0123456789abcdef", "htm": htm, "htu": htu,
                       "iat": IAT + 10, "ath": ath}, key, algorithm=alg,
                      headers={"typ": "dpop+jwt", "jwk": jwk})


iss_ed, _ = okp(bytes(range(32)))
iss_ec, _ = p256(0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef)
prf_ed, prf_ed_jwk = okp(bytes(range(32, 64)))
prf_ec, prf_ec_jwk = p256(0x0fedcba987654321fedcba987654321fedcba987654321fedcba987654321f)

t1 = jwt.encode(claims("route.read peer.read", {"jkt": thumb(prf_ed_jwk)}), iss_ed,
                algorithm="EdDSA")
p1 = proof(prf_ed, prf_ed_jwk, "EdDSA", "GET", "http://localhost/v1/routes", t1)
t2 = jwt.encode(claims("peer.read", {"jwk": prf_ec_jwk}), iss_ec, algorithm="ES256",
                headers={"kid": "corp-es-1"})
p2 = proof(prf_ec, prf_ec_jwk, "ES256", "GET", "http://127.0.0.1:7411/v1/peers", t2)
for name, v in (("kat_ed_token", t1), ("kat_ed_proof", p1), ("kat_ec_token", t2),
                ("kat_ec_proof", p2), ("kat_ed_jkt", thumb(prf_ed_jwk)),
                ("kat_ec_jkt", thumb(prf_ec_jwk))):
    print(f'static const char {name}[] = "{v}";')
print('static const char kat_iss_ed_pub[] = "%s";' % iss_ed.public_key().public_bytes(
    ser.Encoding.Raw, ser.PublicFormat.Raw).hex())
print('static const char kat_iss_ec_pub[] = "%s";' % iss_ec.public_key().public_bytes(
    ser.Encoding.X962, ser.PublicFormat.UncompressedPoint).hex())

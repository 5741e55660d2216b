#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# t_api_mint.py - an independent minter of Agentic JWTs and RFC 9449 DPoP proofs
# for t_api.sh, on Debian's python3-jwt and python3-cryptography (never omnid's
# own code). Usage:
#   t_api_mint.py keys DIR            issuer and proof keys (EdDSA + ES256) into DIR
#   t_api_mint.py mint DIR [options]  prints the access token and the proof, one per line
import argparse
import base64
import hashlib
import json
import os
import secrets
import sys
import time

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def save(dirname, name, key):
    with open(os.path.join(dirname, name + ".pem"), "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    with open(os.path.join(dirname, name + ".pub.pem"), "wb") as f:
        f.write(key.public_key().public_bytes(serialization.Encoding.PEM,
                                              serialization.PublicFormat.SubjectPublicKeyInfo))


def load(dirname, name):
    with open(os.path.join(dirname, name + ".pem"), "rb") as f:
        return serialization.load_pem_private_key(f.read(), None)


def public_jwk(key):
    pub = key.public_key()
    if isinstance(pub, ed25519.Ed25519PublicKey):
        raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": b64u(raw)}
    nums = pub.public_numbers()
    return {"kty": "EC", "crv": "P-256", "x": b64u(nums.x.to_bytes(32, "big")),
            "y": b64u(nums.y.to_bytes(32, "big"))}


def thumbprint(jwk):
    # RFC 7638 section 3: required members, lexicographic order, no whitespace.
    req = ["crv", "kty", "x"] + (["y"] if jwk["kty"] == "EC" else [])
    canon = json.dumps({k: jwk[k] for k in req}, separators=(",", ":"), sort_keys=True)
    return b64u(hashlib.sha256(canon.encode()).digest())


def alg_of(key):
    return "EdDSA" if isinstance(key, ed25519.Ed25519PrivateKey) else "ES256"


def cmd_keys(a):
    os.makedirs(a.dir, exist_ok=True)
    save(a.dir, "issuer_ed", ed25519.Ed25519PrivateKey.generate())
    save(a.dir, "issuer_es", ec.generate_private_key(ec.SECP256R1()))
    save(a.dir, "dpop_ed", ed25519.Ed25519PrivateKey.generate())
    save(a.dir, "dpop_es", ec.generate_private_key(ec.SECP256R1()))
    save(a.dir, "dpop_other", ed25519.Ed25519PrivateKey.generate())


def cmd_mint(a):
    now = int(time.time())
    ikey = load(a.dir, "issuer_" + a.issuer)
    pkey = load(a.dir, "dpop_" + a.dpop)
    bound = load(a.dir, "dpop_" + (a.bind or a.dpop))
    if a.token:
        token = a.token
    else:
        claims = {
            "iss": a.iss, "aud": a.aud, "sub": a.sub,
            "iat": now + a.iat_offset, "exp": now + a.iat_offset + a.lifetime,
            "jti": a.jti or secrets.token_hex(16),
            "scope": a.scope,
            "cnf": {"jkt": thumbprint(public_jwk(bound))},
            "agent_proof": {"agent_checksum": a.checksum},
            "intent": {"executed_by": a.sub, "workflow_id": a.workflow,
                       "workflow_step": a.step, "delegation_chain": "0123456789abcdef",
                       "step_sequence_hash": "fedcba9876543210"},
        }
        token = jwt.encode(claims, ikey, algorithm=alg_of(ikey), headers={"typ": "JWT"})
    ath = b64u(hashlib.sha256(token.encode()).digest())
    if a.bad_ath:
        ath = b64u(hashlib.sha256(b"another token").digest())
    print(token)
    for _ in range(a.count):
        proof_claims = {"htm": a.method, "htu": a.htu or "http://localhost" + a.path,
                        "iat": now, "jti": a.proof_jti or secrets.token_hex(16), "ath": ath}
        print(jwt.encode(proof_claims, pkey, algorithm=alg_of(pkey),
                         headers={"typ": "dpop+jwt", "jwk": public_jwk(pkey)}))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    k = sub.add_parser("keys")
    k.add_argument("dir")
    m = sub.add_parser("mint")
    m.add_argument("dir")
    m.add_argument("--issuer", default="ed", choices=["ed", "es"])
    m.add_argument("--dpop", default="ed", choices=["ed", "es", "other"])
    m.add_argument("--bind", choices=["ed", "es", "other"], help="key named in cnf.jkt")
    m.add_argument("--iss", default="https://idp.test")
    m.add_argument("--aud", default="urn:omnid:test")
    m.add_argument("--sub", default="agent-ops-01")
    m.add_argument("--scope", default="status.read")
    m.add_argument("--checksum", default="11" * 32)
    m.add_argument("--workflow", default="wf-1")
    m.add_argument("--step", default="step-1")
    m.add_argument("--jti")
    m.add_argument("--proof-jti")
    m.add_argument("--iat-offset", type=int, default=0)
    m.add_argument("--lifetime", type=int, default=300)
    m.add_argument("--method", default="GET")
    m.add_argument("--path", default="/v1/status")
    m.add_argument("--htu")
    m.add_argument("--token", help="reuse this access token (new proof)")
    m.add_argument("--bad-ath", action="store_true")
    m.add_argument("--count", type=int, default=1, help="proofs to mint for the token")
    a = p.parse_args()
    {"keys": cmd_keys, "mint": cmd_mint}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())

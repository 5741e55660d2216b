#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# check_openapi.py SRCDIR - docs/openapi.yaml parses (PyYAML), is OpenAPI 3.0,
# every $ref resolves, every operationId is unique, and every (method, path)
# of the B.8.2 scope table in common/jws.c is documented with its scope.
import re
import sys

try:
    import yaml
except ImportError:
    print("SKIP: python3-yaml missing")
    sys.exit(77)

src = sys.argv[1]
d = yaml.safe_load(open(src + "/docs/openapi.yaml", encoding="utf-8"))
assert str(d["openapi"]).startswith("3.0"), "not OpenAPI 3.0"


def refs(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k == "$ref":
                yield v
            else:
                yield from refs(v)
    elif isinstance(o, list):
        for v in o:
            yield from refs(v)


for r in refs(d):
    node = d
    for part in r[2:].split("/"):
        assert part in node, "unresolved $ref " + r
        node = node[part]

ids = [op["operationId"] for p in d["paths"].values() for m, op in p.items()
       if m in ("get", "put", "post", "delete")]
assert len(ids) == len(set(ids)), "duplicate operationId"

table = re.findall(r'\{"(GET|POST|PUT|DELETE)", "(/v1/[^"]*)", (JWS_SCOPE_\w+)\}',
                   open(src + "/common/jws.c", encoding="utf-8").read())
assert len(table) >= 25, "scope table not found in common/jws.c"
for meth, path, scope in table:
    shape = path.replace("*", "{}")
    cands = [k for k in d["paths"] if re.sub(r"\{[^}]+\}", "{}", k) == shape]
    assert cands, "undocumented path " + path
    op = d["paths"][cands[0]].get(meth.lower())
    assert op, "undocumented %s %s" % (meth, path)
    want = scope[len("JWS_SCOPE_"):].lower().replace("_", ".", 1)
    assert op.get("x-omnid-scope") == want, "%s %s: scope %s, want %s" % (
        meth, path, op.get("x-omnid-scope"), want)
print("PASS: %d operations of the scope table, %d paths" % (len(table), len(d["paths"])))

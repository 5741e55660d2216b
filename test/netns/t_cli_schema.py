#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# t_cli_schema.py OPENAPI DIR - validates each JSON answer kept by t_cli.sh
# (DIR/manifest: "file path method status" lines) against the response
# schema docs/openapi.yaml gives for that operation (python3-jsonschema,
# Draft 4 semantics, $refs inlined). Exit 1 naming the first mismatch.
import json
import sys

import jsonschema
import yaml

doc = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))


def inline(o):
    if isinstance(o, dict):
        if "$ref" in o:
            node = doc
            for part in o["$ref"][2:].split("/"):
                node = node[part]
            return inline(node)
        return {k: inline(v) for k, v in o.items() if not k.startswith("x-")}
    if isinstance(o, list):
        return [inline(v) for v in o]
    return o


n = 0
for line in open(sys.argv[2] + "/manifest", encoding="utf-8"):
    name, path, method, status = line.split()
    op = doc["paths"][path][method]
    resp = inline(op["responses"][status])
    schema = resp["content"]["application/json"]["schema"]
    answer = json.load(open(sys.argv[2] + "/" + name, encoding="utf-8"))
    try:
        jsonschema.Draft4Validator(schema).validate(answer)
    except jsonschema.ValidationError as e:
        print("FAIL: %s %s %s: %s at %s" % (method.upper(), path, status, e.message,
                                            "/".join(str(p) for p in e.absolute_path)))
        sys.exit(1)
    n += 1
print("# %d answers match docs/openapi.yaml" % n)

#!/usr/bin/env python3
"""Regenerates openapi_excerpt.json: the operations of DigitalOcean's official OpenAPI description that the
digitalocean driver uses, with every component they refer to, copied unchanged. fake_digitalocean.py checks
against it when PyYAML is not there to read the full YAML description.
Usage: make_excerpt.py [/work/shared/specs/digitalocean-openapi.yaml]  (needs PyYAML)"""
import json
import os
import sys

import schema_check

PATHS = ["/v2/regions", "/v2/account/keys", "/v2/account/keys/{ssh_key_identifier}", "/v2/droplets",
         "/v2/droplets/{droplet_id}", "/v2/droplets/{droplet_id}/actions", "/v2/actions/{action_id}"]


def refs(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/components/"):
                found.add(value)
            else:
                refs(value, found)
    elif isinstance(node, list):
        for value in node:
            refs(value, found)


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/specs/digitalocean-openapi.yaml"
    doc = schema_check.load_document(source)
    out = {key: doc[key] for key in ("openapi", "info", "servers", "security")}
    out["info"] = dict(doc["info"], description="Excerpt of DigitalOcean's OpenAPI description (" +
                       os.path.basename(source) + "): the operations the docker-machine digitalocean driver uses.")
    out["paths"] = {path: doc["paths"][path] for path in PATHS}
    components = {}
    pending = set()
    refs(out["paths"], pending)
    done = set()
    while pending:
        ref = pending.pop()
        if ref in done:
            continue
        done.add(ref)
        _, _, section, name = ref.split("/", 3)
        node = doc["components"][section][name]
        components.setdefault(section, {})[name] = node
        refs(node, pending)
    components["securitySchemes"] = {"bearer_auth": doc["components"]["securitySchemes"]["bearer_auth"]}
    out["components"] = components
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "openapi_excerpt.json"), "w") as stream:
        json.dump(out, stream, indent=1, sort_keys=False)
        stream.write("\n")


if __name__ == "__main__":
    main()

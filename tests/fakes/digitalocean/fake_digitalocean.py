#!/usr/bin/env python3
# A FAKE of DigitalOcean's API v2 (https://api.digitalocean.com), for tests only. The real API cannot be reached
# from here (no network but package registries), so this stateful stand-in answers the few endpoints the
# `digitalocean` driver uses, on 127.0.0.1 and a free port, and checks every request it receives and every
# answer it gives against DigitalOcean's official OpenAPI description (/work/shared/specs/digitalocean-openapi.yaml,
# or $DO_OPENAPI_SPEC), see schema_check.py. Python 3 standard library only (+ PyYAML to read the YAML
# description; without it the checks use openapi_excerpt.json, an excerpt generated from that description).
#
# Endpoints (as in the API): GET /v2/regions (paginated), GET|DELETE /v2/account/keys/{id or fingerprint},
# POST /v2/account/keys, POST /v2/droplets, GET|DELETE /v2/droplets/{id}, POST /v2/droplets/{id}/actions,
# GET /v2/actions/{id}.
#
# Droplets get their public IPv4 address from --addresses, in creation order, so that a test host
# (tests/testhost/up.sh -a ADDR) can stand at that address. Life cycle, as the real API shows it: a new droplet
# is "new" without networks; once the --hook command has run for "create" (it gets the droplet's public keys on
# stdin, as cloud-init would install them; a failing hook is only recorded) and --ip-after GETs have passed, it
# is "active" with its address.
# Actions (power_on, shutdown, power_off, reboot) run the hook with the action type, then set the status.
#
# Test-only endpoints under /_fake/ (never part of the real API): GET /_fake/state (keys, droplets, actions),
# GET /_fake/findings (requests or answers that break the API description), GET /_fake/requests,
# POST /_fake/fail {"method", "path" (regex), "status", "id", "message", "times"} to make the next matching
# requests fail, POST /_fake/reset.
#
# Usage: fake_digitalocean.py [--port 0] [--token T ...] [--addresses 10.213.22.2,...] [--hook CMD]
# It prints "listening on http://127.0.0.1:PORT" once ready.
import argparse
import datetime
import hashlib
import base64
import json
import os
import re
import subprocess
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import schema_check  # noqa: E402

DEFAULT_SPEC = os.environ.get("DO_OPENAPI_SPEC", "/work/shared/specs/digitalocean-openapi.yaml")
EXCERPT = os.path.join(HERE, "openapi_excerpt.json")

SIZES = ["s-1vcpu-512mb-10gb", "s-1vcpu-1gb", "s-1vcpu-2gb", "s-2vcpu-2gb", "s-2vcpu-4gb", "s-4vcpu-8gb"]
REGIONS = [
    ("New York 1", "nyc1"), ("San Francisco 1", "sfo1"), ("New York 2", "nyc2"), ("Amsterdam 2", "ams2"),
    ("Singapore 1", "sgp1"), ("London 1", "lon1"), ("New York 3", "nyc3"), ("Amsterdam 3", "ams3"),
    ("Frankfurt 1", "fra1"), ("Toronto 1", "tor1"), ("San Francisco 2", "sfo2"), ("Bangalore 1", "blr1"),
    ("San Francisco 3", "sfo3"), ("Sydney 1", "syd1"),
]
IMAGES = {"ubuntu-16-04-x64": 23754420, "ubuntu-18-04-x64": 53893572, "ubuntu-20-04-x64": 72067660,
          "debian-12-x64": 143200000}


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def load_spec(path):
    try:
        return schema_check.Spec.from_file(path), path
    except ImportError:  # no PyYAML: the excerpt generated from the same description
        return schema_check.Spec.from_file(EXCERPT), EXCERPT


def fingerprint_of(public_key):
    parts = public_key.split()
    if len(parts) < 2:
        return None
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except ValueError:
        return None
    digest = hashlib.md5(blob).hexdigest()  # noqa: S324 - the API's fingerprint is MD5
    return ":".join(digest[i:i + 2] for i in range(0, 32, 2))


class ApiFailure(Exception):
    def __init__(self, status, error_id, message):
        super().__init__(message)
        self.status = status
        self.error_id = error_id
        self.message = message


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.RLock()
        self.reset()

    def reset(self):
        with self.lock:
            self.keys = {}
            self.droplets = {}
            self.actions = {}
            self.next_key_id = 512190
            self.next_droplet_id = 3164444
            self.next_action_id = 36804636
            self.addresses = [a for a in self.args.addresses.split(",") if a]
            self.failures = []
            self.findings = []
            self.requests = []
            self.hook_log = []

    # ---- regions, sizes, images ----
    def region(self, slug):
        for name, region_slug in REGIONS:
            if region_slug == slug:
                return {"name": name, "slug": slug, "features": ["backups", "ipv6", "metadata", "install_agent",
                                                                   "storage", "image_transfer"],
                        "available": True, "sizes": SIZES}
        return None

    def size(self, slug):
        vcpus, memory = 1, 1024
        match = re.match(r"s-(\d+)vcpu-(\d+)(gb|mb)", slug)
        if match:
            vcpus = int(match.group(1))
            memory = int(match.group(2)) * (1024 if match.group(3) == "gb" else 1)
        return {"slug": slug, "memory": memory, "vcpus": vcpus, "disk": 25, "transfer": 1.0,
                "price_monthly": 6.0, "price_hourly": 0.00893, "regions": [s for _, s in REGIONS],
                "available": True, "description": "Basic"}

    def image(self, slug):
        return {"id": IMAGES[slug], "name": slug, "type": "base", "distribution": "Ubuntu", "slug": slug,
                "public": True, "regions": [s for _, s in REGIONS], "created_at": "2020-01-01T00:00:00Z",
                "min_disk_size": 15, "size_gigabytes": 2.34, "description": slug, "tags": [],
                "status": "available", "error_message": ""}

    # ---- rendering ----
    def droplet_json(self, droplet):
        networks = {"v4": [], "v6": []}
        if droplet["assigned"]:
            networks["v4"].append({"ip_address": droplet["ip"], "netmask": "255.255.255.0",
                                   "gateway": droplet["ip"].rsplit(".", 1)[0] + ".1", "type": "public"})
            if droplet["private_networking"]:
                networks["v4"].append({"ip_address": "10.132.0.%d" % (droplet["id"] % 250 + 2),
                                       "netmask": "255.255.0.0", "gateway": "10.132.0.1", "type": "private"})
        size = self.size(droplet["size"])
        features = [f for f, on in (("backups", droplet["backups"]), ("ipv6", droplet["ipv6"]),
                                    ("monitoring", droplet["monitoring"])) if on]
        return {
            "id": droplet["id"], "name": droplet["name"], "memory": size["memory"], "vcpus": size["vcpus"],
            "disk": size["disk"], "locked": False, "status": droplet["status"],
            "created_at": droplet["created_at"], "features": features, "backup_ids": [],
            "next_backup_window": None, "snapshot_ids": [], "image": self.image(droplet["image"]),
            "volume_ids": [], "size": size, "size_slug": droplet["size"], "networks": networks,
            "region": self.region(droplet["region"]), "tags": droplet["tags"],
        }

    def action_json(self, action):
        return dict(action)

    def new_action(self, droplet, action_type, status):
        action = {"id": self.next_action_id, "status": status, "type": action_type, "started_at": now(),
                  "completed_at": now() if status == "completed" else None, "resource_id": droplet["id"],
                  "resource_type": "droplet", "region": self.region(droplet["region"]),
                  "region_slug": droplet["region"]}
        self.next_action_id += 1
        self.actions[action["id"]] = action
        return action

    # ---- hooks: what "the cloud" does to the machine behind a droplet ----
    def run_hook(self, event, droplet):
        if not self.args.hook:
            return True
        env = dict(os.environ, DROPLET_IP=droplet["ip"] or "", DROPLET_NAME=droplet["name"],
                   DROPLET_ID=str(droplet["id"]), DROPLET_EVENT=event)
        keys = "".join(self.keys[k]["public_key"].strip() + "\n" for k in droplet["key_ids"] if k in self.keys)
        done = subprocess.run(["/bin/sh", "-c", self.args.hook + ' "$0"', event], input=keys, env=env,
                              capture_output=True, text=True, timeout=300)
        with self.lock:
            self.hook_log.append({"event": event, "droplet": droplet["id"], "code": done.returncode,
                                  "stdout": done.stdout[-2000:], "stderr": done.stderr[-2000:]})
        return done.returncode == 0

    def boot(self, droplet):
        # The droplet gets its address whatever the hook did (a failed hook shows in /_fake/state "hooks" and,
        # for the driver, as a machine it cannot reach), so a create never waits forever on the fake.
        self.run_hook("create", droplet)
        with self.lock:
            droplet["booted"] = True

    def act(self, droplet, action, target_status):
        ok = self.run_hook(action["type"], droplet)
        with self.lock:
            if ok:
                droplet["status"] = target_status
            action["status"] = "completed" if ok else "errored"
            action["completed_at"] = now()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-digitalocean"

    def log_message(self, fmt, *args):
        if self.server.args.verbose:
            sys.stderr.write("fake-do: " + fmt % args + "\n")

    # ---- plumbing ----
    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status, payload=None, operation=None, extra_headers=None):
        state = self.server.state
        body = b"" if payload is None else json.dumps(payload).encode()
        headers = {"ratelimit-limit": "5000", "ratelimit-remaining": "4999",
                   "ratelimit-reset": str(int(datetime.datetime.now().timestamp()) + 60),
                   "content-type": "application/json; charset=utf-8", "x-request-id": str(uuid.uuid4())}
        headers.update(extra_headers or {})
        if operation is not None:
            findings = self.server.spec.check_response(operation, status, headers, body)
            if findings:
                with state.lock:
                    state.findings += ["answer: " + f for f in findings]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status, error_id, message, operation):
        payload = {"id": error_id, "message": message, "request_id": str(uuid.uuid4())}
        self._send(status, payload, operation)

    def _fake_endpoint(self, method, path, body):
        state = self.server.state
        with state.lock:
            if method == "GET" and path == "/_fake/state":
                payload = {"keys": list(state.keys.values()),
                           "droplets": [dict(d, json=state.droplet_json(d)) for d in state.droplets.values()],
                           "actions": list(state.actions.values()), "hooks": state.hook_log}
            elif method == "GET" and path == "/_fake/findings":
                payload = state.findings
            elif method == "GET" and path == "/_fake/requests":
                payload = state.requests
            elif method == "POST" and path == "/_fake/fail":
                rule = json.loads(body or b"{}")
                rule.setdefault("times", 1)
                state.failures.append(rule)
                payload = rule
            elif method == "POST" and path == "/_fake/reset":
                state.reset()
                payload = {}
            else:
                self.send_error(404)
                return
        data = json.dumps(payload, default=str).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self, method):
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query, keep_blank_values=True)
        body = self._body()
        if path.startswith("/_fake/"):
            self._fake_endpoint(method, path, body)
            return
        state = self.server.state
        headers = {name.lower(): value for name, value in self.headers.items()}
        operation, findings = self.server.spec.check_request(method, path, query, headers, body)
        with state.lock:
            state.requests.append({"method": method, "path": self.path, "body": body.decode(errors="replace")})
            state.findings += ["request: " + f for f in findings]
        if operation is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        # The real API answers 401 for a missing or unknown token.
        token = headers.get("authorization", "")[len("Bearer "):]
        if token not in self.server.args.token:
            self._error(401, "Unauthorized", "Unable to authenticate you", operation)
            return
        if findings:
            self._error(422, "unprocessable_entity", "fake: request does not match the API description: " +
                        "; ".join(findings), operation)
            return
        with state.lock:
            for rule in state.failures:
                if rule["times"] > 0 and rule.get("method", method) == method and \
                        re.search(rule.get("path", ".*"), path):
                    rule["times"] -= 1
                    self._error(rule.get("status", 500), rule.get("id", "server_error"),
                                rule.get("message", "Server Error"), operation)
                    return
        try:
            status, payload = self._dispatch(method, path, query, json.loads(body) if body else None)
        except ApiFailure as failure:
            self._error(failure.status, failure.error_id, failure.message, operation)
            return
        self._send(status, payload, operation)

    do_GET = lambda self: self._handle("GET")  # noqa: E731
    do_POST = lambda self: self._handle("POST")  # noqa: E731
    do_DELETE = lambda self: self._handle("DELETE")  # noqa: E731
    do_PUT = lambda self: self._handle("PUT")  # noqa: E731

    # ---- the API ----
    def _dispatch(self, method, path, query, body):
        state = self.server.state
        base = "http://%s" % self.headers.get("Host", "127.0.0.1")
        if method == "GET" and path == "/v2/regions":
            page = int(query.get("page", ["1"])[0])
            per_page = int(query.get("per_page", [str(self.server.args.per_page)])[0])
            regions = [state.region(slug) for _, slug in REGIONS]
            chunk = regions[(page - 1) * per_page: page * per_page]
            last = max(1, (len(regions) + per_page - 1) // per_page)
            pages = {}
            if page < last:
                pages["next"] = f"{base}/v2/regions?page={page + 1}&per_page={per_page}"
                pages["last"] = f"{base}/v2/regions?page={last}&per_page={per_page}"
            if page > 1:
                pages["first"] = f"{base}/v2/regions?page=1&per_page={per_page}"
                pages["prev"] = f"{base}/v2/regions?page={page - 1}&per_page={per_page}"
            return 200, {"regions": chunk, "links": {"pages": pages}, "meta": {"total": len(regions)}}

        match = re.fullmatch(r"/v2/account/keys/([^/]+)", path)
        if match:
            ident = match.group(1)
            with state.lock:
                key = next((k for k in state.keys.values()
                            if str(k["id"]) == ident or k["fingerprint"] == ident), None)
                if key is None:
                    raise ApiFailure(404, "not_found", "The resource you were accessing could not be found.")
                if method == "GET":
                    return 200, {"ssh_key": key}
                if method == "DELETE":
                    del state.keys[key["id"]]
                    return 204, None
        if method == "POST" and path == "/v2/account/keys":
            fingerprint = fingerprint_of(body["public_key"])
            if fingerprint is None:
                raise ApiFailure(422, "unprocessable_entity", "Key invalid type, we support 'ssh-rsa', "
                                 "'ssh-dss', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', "
                                 "or 'ssh-ed25519'")
            with state.lock:
                if any(k["fingerprint"] == fingerprint for k in state.keys.values()):
                    raise ApiFailure(422, "unprocessable_entity", "SSH Key is already in use on your account")
                key = {"id": state.next_key_id, "fingerprint": fingerprint, "public_key": body["public_key"],
                       "name": body["name"]}
                state.next_key_id += 1
                state.keys[key["id"]] = key
            return 201, {"ssh_key": key}

        if method == "POST" and path == "/v2/droplets":
            return self._create_droplet(body)

        match = re.fullmatch(r"/v2/droplets/(\d+)", path)
        if match:
            with state.lock:
                droplet = state.droplets.get(int(match.group(1)))
                if droplet is None:
                    raise ApiFailure(404, "not_found", "The resource you were accessing could not be found.")
                if method == "GET":
                    droplet["gets"] += 1
                    if droplet["status"] == "new" and droplet["booted"] and \
                            droplet["gets"] > self.server.args.ip_after:
                        droplet["assigned"] = True
                        droplet["status"] = "active"
                    return 200, {"droplet": state.droplet_json(droplet)}
                if method == "DELETE":
                    del state.droplets[droplet["id"]]
            threading.Thread(target=state.run_hook, args=("destroy", droplet), daemon=True).start()
            return 204, None

        match = re.fullmatch(r"/v2/droplets/(\d+)/actions", path)
        if match and method == "POST":
            targets = {"power_on": "active", "shutdown": "off", "power_off": "off", "reboot": "active"}
            with state.lock:
                droplet = state.droplets.get(int(match.group(1)))
                if droplet is None:
                    raise ApiFailure(404, "not_found", "The resource you were accessing could not be found.")
                if body["type"] not in targets:
                    raise ApiFailure(422, "unprocessable_entity", "fake: action not implemented")
                if body["type"] == "power_on" and droplet["status"] == "active":
                    raise ApiFailure(422, "unprocessable_entity", "Droplet is already powered on.")
                if body["type"] in ("shutdown", "power_off") and droplet["status"] == "off":
                    raise ApiFailure(422, "unprocessable_entity", "Droplet is already powered off.")
                action = state.new_action(droplet, body["type"], "in-progress")
                snapshot = state.action_json(action)
            threading.Thread(target=state.act, args=(droplet, action, targets[body["type"]]), daemon=True).start()
            return 201, {"action": snapshot}

        match = re.fullmatch(r"/v2/actions/(\d+)", path)
        if match and method == "GET":
            with state.lock:
                action = state.actions.get(int(match.group(1)))
                if action is None:
                    raise ApiFailure(404, "not_found", "The resource you were accessing could not be found.")
                return 200, {"action": state.action_json(action)}
        raise ApiFailure(404, "not_found", "fake: endpoint not implemented")

    def _create_droplet(self, body):
        state = self.server.state
        if "name" not in body:
            raise ApiFailure(422, "unprocessable_entity", "fake: multi-droplet create is not implemented")
        if body.get("region") and state.region(body["region"]) is None:
            raise ApiFailure(422, "unprocessable_entity", "Region is not available")
        if body["size"] not in SIZES:
            raise ApiFailure(422, "unprocessable_entity", "You specified an invalid size for Droplet creation.")
        if body["image"] not in IMAGES:
            raise ApiFailure(422, "unprocessable_entity",
                             "You specified an invalid image for Droplet creation.")
        with state.lock:
            key_ids = []
            for ref in body.get("ssh_keys") or []:
                key = next((k for k in state.keys.values() if k["id"] == ref or k["fingerprint"] == ref), None)
                if key is None:
                    raise ApiFailure(422, "unprocessable_entity", "You specified invalid ssh key ids for "
                                     "Droplet creation.")
                key_ids.append(key["id"])
            if not state.addresses:
                raise ApiFailure(422, "unprocessable_entity", "fake: no addresses left to hand out")
            droplet = {"id": state.next_droplet_id, "name": body["name"], "region": body.get("region") or "nyc3",
                       "size": body["size"], "image": body["image"], "key_ids": key_ids,
                       "backups": body.get("backups", False), "ipv6": body.get("ipv6", False),
                       "private_networking": body.get("private_networking", False),
                       "monitoring": body.get("monitoring", False), "user_data": body.get("user_data"),
                       "tags": body.get("tags") or [], "status": "new", "created_at": now(),
                       "ip": state.addresses.pop(0), "assigned": False, "booted": False, "gets": 0}
            state.next_droplet_id += 1
            state.droplets[droplet["id"]] = droplet
            create_action = state.new_action(droplet, "create", "in-progress")
            rendered = state.droplet_json(droplet)
        threading.Thread(target=state.boot, args=(droplet,), daemon=True).start()
        base = "http://%s" % self.headers.get("Host", "127.0.0.1")
        return 202, {"droplet": rendered, "links": {"actions": [
            {"id": create_action["id"], "rel": "create", "href": f"{base}/v2/actions/{create_action['id']}"}]}}


def main():
    parser = argparse.ArgumentParser(description="A fake of DigitalOcean's API v2 for tests.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", action="append", default=[], help="an access token the fake accepts")
    parser.add_argument("--addresses", default="10.213.22.2", help="public IPv4 addresses to hand out, in order")
    parser.add_argument("--hook", default="", help="shell command run as `CMD EVENT` for droplet events")
    parser.add_argument("--ip-after", type=int, default=1, help="GETs of a booted droplet before its IP shows")
    parser.add_argument("--per-page", type=int, default=20, help="default page size of list endpoints")
    parser.add_argument("--spec", default=DEFAULT_SPEC)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    if not args.token:
        args.token = ["fake-token"]
    spec, used = load_spec(args.spec)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.args = args
    server.spec = spec
    server.state = State(args)
    print(f"listening on http://127.0.0.1:{server.server_address[1]} (API description: {used})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

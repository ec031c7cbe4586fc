#!/usr/bin/env python3
# A FAKE of Microsoft Azure (Azure Active Directory's OAuth 2.0 endpoints, Azure Resource Manager and the blob
# service), for tests only. The real Azure cannot be reached from here (no network but package registries), so
# this stateful stand-in answers the requests the `azure` driver makes, on 127.0.0.1 and a free port. Python 3
# standard library only.
#
# Every Resource Manager request and answer is checked against Microsoft's official Swagger 2.0 descriptions
# (/work/shared/specs/azure, or $AZURE_SPECS_DIR): Microsoft.Resources 2016-07-01, Microsoft.Compute 2016-03-30,
# Microsoft.Network 2016-09-01, Microsoft.Storage 2016-01-01 (path, method, api-version, parameters, bodies,
# status codes), see ../digitalocean/schema_check.py. What those files do not describe is checked by hand here:
# error answers the old descriptions do not declare (ARM's {"error": ErrorResponse} of common-types), the
# long-running-operation status resource (network.json's AzureAsyncOperationResult), the subscription tenant
# lookup (GET /subscriptions/{id}, 401 + WWW-Authenticate), the OAuth token endpoints (client_credentials,
# device_code, refresh_token grants) and the blob service (SharedKey signature, x-ms-version).
#
# State: tokens, resource providers, resource groups, availability sets, network security groups, virtual
# networks, subnets, public IPs, NICs, storage accounts (+ keys and blob containers) and VMs. Long-running
# operations answer 201/202 with Azure-AsyncOperation (storage: Location) and report InProgress once before
# Succeeded. Public IPs get their address from --addresses, in order, so that a test host
# (tests/testhost/up.sh -a ADDR) can stand there. The --hook command plays the cloud's part on the machine: it
# is run as `CMD EVENT` (create, powerOff, start, restart, delete) with VM_IP, VM_NAME and ADMIN_USER in the
# environment and the VM's SSH public keys on stdin; a power operation completes when its hook has.
#
# Test-only endpoints under /_fake/: GET state, GET findings, GET requests, POST fail
# {"method", "path" (regex), "status", "code", "message", "times"}, POST reset.
#
# Usage: fake_azure.py [--port 0] [--tenant T] [--client ID:SECRET] [--addresses 10.213.23.2] [--hook CMD]
# It prints "listening on http://127.0.0.1:PORT" once ready.
import argparse
import base64
import datetime
import glob
import hashlib
import hmac
import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "digitalocean"))
import schema_check  # noqa: E402

SPECS = os.environ.get("AZURE_SPECS_DIR", "/work/shared/specs/azure")
SPEC_FILES = [
    "specification/compute/resource-manager/Microsoft.Compute/stable/2016-03-30/compute.json",
    "specification/network/resource-manager/Microsoft.Network/stable/2016-09-01/virtualNetwork.json",
    "specification/network/resource-manager/Microsoft.Network/stable/2016-09-01/networkSecurityGroup.json",
    "specification/network/resource-manager/Microsoft.Network/stable/2016-09-01/publicIpAddress.json",
    "specification/network/resource-manager/Microsoft.Network/stable/2016-09-01/networkInterface.json",
    "specification/storage/resource-manager/Microsoft.Storage/stable/2016-01-01/storage.json",
    "specification/resources/resource-manager/Microsoft.Resources/stable/2016-07-01/resources.json",
]
NETWORK_JSON = "specification/network/resource-manager/Microsoft.Network/stable/2016-09-01/network.json"
TYPES_JSON = "specification/common-types/resource-management/v1/types.json"
AUDIENCE = "https://management.core.windows.net/"
DEVICE_APP = "637ddaba-219b-43b8-bf19-8cea500cf273"
SIZES = {"Standard_A0", "Standard_A1", "Standard_A2", "Standard_A3", "Standard_D1_v2", "Standard_D2_v2",
         "Standard_DS1_v2", "Standard_B1s"}
LOCATIONS = {"westus", "eastus", "westeurope", "northeurope", "centralus", "westus2"}
RESERVED_USERS = {"root", "admin", "administrator", "guest", "user", "test", "sys", "daemon"}
IMAGES = {("canonical", "ubuntuserver", "16.04.0-lts"), ("canonical", "ubuntuserver", "18.04-lts"),
          ("debian", "debian-12", "12")}
PROVIDERS = ["Microsoft.Compute", "Microsoft.Network", "Microsoft.Storage", "Microsoft.Resources",
             "Microsoft.KeyVault"]


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")


class ArmFailure(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def not_found(kind, name, group):
    return ArmFailure(404, "ResourceNotFound",
                      f"The Resource '{kind}/{name}' under resource group '{group}' was not found.")


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.RLock()
        self.reset()

    def reset(self):
        with self.lock:
            self.tokens = set()
            self.device_codes = {}
            self.refresh_tokens = {}
            self.providers = {p: "Registered" for p in PROVIDERS}
            for p in self.args.unregistered:
                self.providers[p] = "NotRegistered"
            self.groups = {}        # lower name -> resource group JSON
            self.resources = {}     # lower id -> JSON of the resource
            self.blobs = {}         # account -> {container: [blob names]}
            self.keys = {}          # account -> [key1, key2]
            self.operations = {}    # op id -> {"polls", "status", "done": Event or None, "error"}
            self.addresses = [a for a in self.args.addresses.split(",") if a]
            self.private_next = {}  # subnet id -> next host number
            self.failures = []
            self.findings = []
            self.requests = []
            self.hook_log = []

    def new_operation(self, done_event=None):
        op_id = str(uuid.uuid4())
        self.operations[op_id] = {"polls": 0, "done": done_event, "status": "InProgress", "error": None}
        return op_id

    def run_hook(self, event, vm):
        if not self.args.hook:
            return True
        nic = self.resources.get(vm["properties"]["networkProfile"]["networkInterfaces"][0]["id"].lower(), {})
        ip = ""
        for config in nic.get("properties", {}).get("ipConfigurations", []):
            public = config["properties"].get("publicIPAddress")
            if public and public["id"].lower() in self.resources:
                ip = self.resources[public["id"].lower()]["properties"].get("ipAddress", "")
            ip = ip or config["properties"].get("privateIPAddress", "")
        os_profile = vm["properties"]["osProfile"]
        keys = "".join(k["keyData"].strip() + "\n" for k in os_profile["linuxConfiguration"]["ssh"]["publicKeys"])
        env = dict(os.environ, VM_IP=ip, VM_NAME=vm["name"], ADMIN_USER=os_profile["adminUsername"], VM_EVENT=event)
        done = subprocess.run(["/bin/sh", "-c", self.args.hook + ' "$0"', event], input=keys, env=env,
                              capture_output=True, text=True, timeout=300)
        with self.lock:
            self.hook_log.append({"event": event, "vm": vm["name"], "code": done.returncode,
                                  "stdout": done.stdout[-2000:], "stderr": done.stderr[-2000:]})
        return done.returncode == 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-azure"

    def log_message(self, fmt, *args):
        if self.server.args.verbose:
            sys.stderr.write("fake-azure: " + fmt % args + "\n")

    @property
    def state(self):
        return self.server.state

    def base_url(self):
        return "http://%s" % self.headers.get("Host", "127.0.0.1")

    def finding(self, text):
        with self.state.lock:
            self.state.findings.append(text)

    # ---- sending ----
    def _raw(self, status, body, headers):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send(self, status, payload=None, operation=None, headers=None):
        body = b"" if payload is None else json.dumps(payload).encode()
        all_headers = {"Content-Type": "application/json; charset=utf-8", "x-ms-request-id": str(uuid.uuid4()),
                       "Cache-Control": "no-cache"}
        all_headers.update(headers or {})
        if operation is not None:
            self._check_answer(operation, status, all_headers, body)
        self._raw(status, body, all_headers)

    def _check_answer(self, operation, status, headers, body):
        responses = operation.node.get("responses", {})
        lower = {k.lower(): v for k, v in headers.items()}
        if str(status) in responses or "default" in responses or status < 400:
            findings = self.server.spec.check_response(operation, status, lower, body)
        else:
            # Error answers the 2016 descriptions do not declare: ARM's common error shape.
            findings = []
            try:
                payload = json.loads(body)
            except ValueError:
                payload = None
            if not isinstance(payload, dict) or set(payload) != {"error"}:
                findings.append(f"{operation}: error answer {status} is not {{\"error\": ...}}")
            else:
                findings += self.server.types.validate(payload["error"], {"$ref": "#/definitions/ErrorResponse"},
                                                       self.server.types.root_file, "response",
                                                       f"{operation} -> {status} error")
        for text in findings:
            self.finding("answer: " + text)

    def _error(self, status, code, message, operation=None):
        self._send(status, {"error": {"code": code, "message": message}}, operation)

    # ---- entry ----
    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self, method):
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query, keep_blank_values=True)
        body = self._body()
        host = self.headers.get("Host", "").split(":")[0]
        with self.state.lock:
            self.state.requests.append({"method": method, "path": self.path, "host": host,
                                        "body": body.decode(errors="replace")})
        if path.startswith("/_fake/"):
            return self._fake_endpoint(method, path, body)
        if host.endswith(".blob.localhost"):
            return self._blob(method, host.split(".")[0], path, query)
        if re.fullmatch(r"/[^/]+/oauth2/(token|devicecode)", path):
            return self._oauth(method, path, query, body)
        if re.fullmatch(r"/subscriptions/[^/]+", path) and method == "GET":
            return self._subscription(path, query)
        if re.fullmatch(r"/subscriptions/[^/]+/providers/[^/]+/locations/[^/]+/operations/[^/]+", path):
            return self._operation_status(path, query)
        if re.fullmatch(r"/subscriptions/[^/]+/providers/[^/]+/locations/[^/]+/operationResults/[^/]+", path):
            return self._operation_result(path, query)
        return self._arm(method, path, query, body)

    do_GET = lambda self: self._handle("GET")  # noqa: E731
    do_POST = lambda self: self._handle("POST")  # noqa: E731
    do_PUT = lambda self: self._handle("PUT")  # noqa: E731
    do_DELETE = lambda self: self._handle("DELETE")  # noqa: E731
    do_PATCH = lambda self: self._handle("PATCH")  # noqa: E731
    do_HEAD = lambda self: self._handle("HEAD")  # noqa: E731

    def _fake_endpoint(self, method, path, body):
        state = self.state
        with state.lock:
            if method == "GET" and path == "/_fake/state":
                payload = {"groups": state.groups, "resources": state.resources, "blobs": state.blobs,
                           "providers": state.providers, "hooks": state.hook_log}
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
                return self._raw(404, b"", {})
        self._raw(200, json.dumps(payload, default=str).encode(), {"Content-Type": "application/json"})

    # ---- Azure Active Directory ----
    def _subscription(self, path, query):
        if query.get("api-version") != ["2015-01-01"]:
            self.finding(f"request: GET {path}: api-version {query.get('api-version')} (the driver's SDK used "
                         "2015-01-01)")
        if self.headers.get("Authorization"):
            sub = path.rsplit("/", 1)[1]
            return self._send(200, {"id": path, "subscriptionId": sub, "displayName": "fake", "state": "Enabled"})
        challenge = (f'Bearer authorization_uri="{self.base_url()}/{self.server.args.tenant}", error="invalid_token", '
                     'error_description="The authentication failed because of missing \'Authorization\' header."')
        self._send(401, {"error": {"code": "AuthenticationFailed",
                                   "message": "Authentication failed. The 'Authorization' header is missing."}},
                   headers={"WWW-Authenticate": challenge})

    def _token(self, refresh=True):
        token = "fake-at-" + secrets.token_hex(16)
        now = int(time.time())
        with self.state.lock:
            self.state.tokens.add(token)
        answer = {"token_type": "Bearer", "expires_in": "3599", "ext_expires_in": "3599",
                  "expires_on": str(now + 3599), "not_before": str(now), "resource": AUDIENCE, "access_token": token}
        if refresh:
            refresh_token = "fake-rt-" + secrets.token_hex(16)
            with self.state.lock:
                self.state.refresh_tokens[refresh_token] = True
            answer["refresh_token"] = refresh_token
        return answer

    def _oauth_error(self, status, error, description):
        self._send(status, {"error": error, "error_description": description, "error_codes": [70000],
                            "timestamp": utc_now(), "trace_id": str(uuid.uuid4())})

    def _oauth(self, method, path, query, body):
        tenant, endpoint = path.strip("/").split("/")[0], path.rsplit("/", 1)[1]
        where = f"{method} {path}"
        if method != "POST":
            return self._oauth_error(405, "invalid_request", "POST only")
        if query.get("api-version") != ["1.0"]:
            self.finding(f"request: {where}: api-version {query.get('api-version')}, the v1 endpoint wants 1.0")
        if "application/x-www-form-urlencoded" not in self.headers.get("Content-Type", ""):
            self.finding(f"request: {where}: body is not application/x-www-form-urlencoded")
        form = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
        if tenant != self.server.args.tenant:
            return self._oauth_error(400, "invalid_request", f"AADSTS90002: Tenant '{tenant}' not found.")
        if form.get("resource", AUDIENCE) != AUDIENCE:
            self.finding(f"request: {where}: resource {form.get('resource')!r}, expected {AUDIENCE!r}")
        if endpoint == "devicecode":
            if form.get("client_id") != DEVICE_APP:
                return self._oauth_error(400, "unauthorized_client", "AADSTS700016: Application not found.")
            device_code = secrets.token_hex(16)
            user_code = secrets.token_hex(4).upper()
            with self.state.lock:
                self.state.device_codes[device_code] = 0
            return self._send(200, {"user_code": user_code, "device_code": device_code,
                                    "verification_url": "https://microsoft.com/devicelogin", "expires_in": "900",
                                    "interval": "5",
                                    "message": "To sign in, use a web browser to open the page "
                                               "https://microsoft.com/devicelogin and enter the code " + user_code +
                                               " to authenticate."})
        grant = form.get("grant_type")
        if grant == "client_credentials":
            if f"{form.get('client_id')}:{form.get('client_secret')}" not in self.server.args.client:
                return self._oauth_error(401, "invalid_client", "AADSTS7000215: Invalid client secret is provided.")
            return self._send(200, self._token(refresh=False))
        if grant == "device_code":
            with self.state.lock:
                polls = self.state.device_codes.get(form.get("code"))
                if polls is None:
                    return self._oauth_error(400, "expired_token", "AADSTS70019: Verification code expired.")
                self.state.device_codes[form["code"]] = polls + 1
            if polls < self.server.args.device_polls:
                return self._oauth_error(400, "authorization_pending", "AADSTS70016: Pending end-user authorization.")
            return self._send(200, self._token())
        if grant == "refresh_token":
            with self.state.lock:
                known = self.state.refresh_tokens.pop(form.get("refresh_token"), None)
            if not known:
                return self._oauth_error(400, "invalid_grant", "AADSTS70000: The refresh token is invalid.")
            return self._send(200, self._token())
        return self._oauth_error(400, "unsupported_grant_type", f"grant_type {grant!r}")

    # ---- long-running operations ----
    def _operation_status(self, path, query):
        op_id = path.rsplit("/", 1)[1]
        with self.state.lock:
            op = self.state.operations.get(op_id)
            if op is None:
                return self._error(404, "NotFound", "no such operation")
            op["polls"] += 1
            if op["status"] == "InProgress" and op["polls"] > 1 and (op["done"] is None or op["done"].is_set()):
                op["status"] = "Failed" if op["error"] else "Succeeded"
            payload = {"status": op["status"]}
            if op["error"]:
                payload["error"] = op["error"]
        findings = self.server.network.validate(payload, {"$ref": "#/definitions/AzureAsyncOperationResult"},
                                                self.server.network.root_file, "response", "operation status")
        for text in findings:
            self.finding("answer: " + text)
        self._send(200, payload, headers={"Retry-After": str(self.server.args.retry_after)})

    def _operation_result(self, path, query):
        # Location polling (storage): 202 until done, then 200 with the resource.
        op_id = path.rsplit("/", 1)[1]
        with self.state.lock:
            op = self.state.operations.get(op_id)
            if op is None:
                return self._error(404, "NotFound", "no such operation")
            op["polls"] += 1
            if op["polls"] <= 1:
                return self._send(202, None, headers={"Location": self.base_url() + path + "?" +
                                                      urlsplit(self.path).query,
                                                      "Retry-After": str(self.server.args.retry_after)})
            resource = self.state.resources.get(op.get("resource", ""))
        self._send(200, resource)

    def _lro_headers(self, sub, namespace, location, done_event=None, error=None):
        with self.state.lock:
            op_id = self.state.new_operation(done_event)
            self.state.operations[op_id]["error"] = error
        api = {"Microsoft.Compute": "2016-03-30", "Microsoft.Network": "2016-09-01"}.get(namespace, "2016-07-01")
        url = f"{self.base_url()}/subscriptions/{sub}/providers/{namespace}/locations/{location}/operations/{op_id}" \
              f"?api-version={api}"
        return {"Azure-AsyncOperation": url, "Retry-After": str(self.server.args.retry_after)}

    # ---- blob service ----
    def _blob(self, method, account, path, query):
        with self.state.lock:
            keys = self.state.keys.get(account)
            containers = self.state.blobs.get(account)
        if keys is None:
            return self._raw(404, b"", {})
        if self.headers.get("x-ms-version") is None:
            self.finding(f"request: blob {method} {path}: no x-ms-version header")
        authorization = self.headers.get("Authorization", "")
        match = re.fullmatch(r"SharedKey ([^:]+):(.+)", authorization)
        ms_headers = sorted((k.lower(), v.strip()) for k, v in self.headers.items() if k.lower().startswith("x-ms-"))
        to_sign = "\n".join([method] + [""] * 11) + "\n"
        to_sign += "".join(f"{k}:{v}\n" for k, v in ms_headers)
        to_sign += f"/{account}{path}"
        for name in sorted(query):
            to_sign += f"\n{name.lower()}:{','.join(sorted(query[name]))}"
        valid = match and match.group(1) == account and any(
            hmac.compare_digest(match.group(2), base64.b64encode(
                hmac.new(base64.b64decode(key), to_sign.encode(), hashlib.sha256).digest()).decode())
            for key in keys)
        if not valid:
            self.finding(f"request: blob {method} {path}: bad SharedKey signature")
            return self._raw(403, b"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthenticationFailed"
                                  b"</Code><Message>Server failed to authenticate the request.</Message></Error>",
                             {"Content-Type": "application/xml"})
        if method == "DELETE" and query.get("restype") == ["container"]:
            name = unquote(path.strip("/"))
            with self.state.lock:
                if name not in containers:
                    return self._raw(404, b"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ContainerNotFound"
                                          b"</Code><Message>The specified container does not exist.</Message></Error>",
                                     {"Content-Type": "application/xml"})
                del containers[name]
            return self._raw(202, b"", {"x-ms-version": "2015-02-21"})
        if method == "GET" and query.get("comp") == ["list"] and path == "/":
            with self.state.lock:
                names = sorted(containers)
            xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults ServiceEndpoint=\"" + \
                  self.base_url() + "/\"><Containers>" + \
                  "".join(f"<Container><Name>{n}</Name><Properties></Properties></Container>" for n in names) + \
                  "</Containers><NextMarker /></EnumerationResults>"
            return self._raw(200, xml.encode(), {"Content-Type": "application/xml"})
        self.finding(f"request: blob {method} {self.path}: not implemented by the fake")
        return self._raw(400, b"", {})

    # ---- Azure Resource Manager ----
    def _arm(self, method, path, query, body):
        state = self.state
        headers = {k.lower(): v for k, v in self.headers.items()}
        operation, findings = self.server.spec.check_request(method, path, query, headers, body)
        for text in findings:
            self.finding("request: " + text)
        if operation is None:
            return self._error(404, "InvalidResourceType", f"fake: no operation for {method} {path}")
        token = headers.get("authorization", "")[len("Bearer "):]
        with state.lock:
            known_token = token in state.tokens
        if not known_token:
            return self._error(401, "InvalidAuthenticationToken", "The access token is invalid.", operation)
        if findings:
            return self._error(400, "InvalidRequestContent", "fake: request does not match the API description: " +
                               "; ".join(findings), operation)
        with state.lock:
            for rule in state.failures:
                if rule["times"] > 0 and rule.get("method", method) == method and \
                        re.search(rule.get("path", ".*"), path):
                    rule["times"] -= 1
                    return self._error(rule.get("status", 500), rule.get("code", "InternalServerError"),
                                       rule.get("message", "Internal server error."), operation)
        try:
            status, payload, extra = self._dispatch(method, path, query, json.loads(body) if body else None)
        except ArmFailure as failure:
            return self._error(failure.status, failure.code, failure.message, operation)
        self._send(status, payload, operation, extra)

    def _dispatch(self, method, path, query, body):
        state = self.state
        match = re.fullmatch(r"/subscriptions/([^/]+)/providers", path)
        if match:
            with state.lock:
                value = [{"id": f"/subscriptions/{match.group(1)}/providers/{ns}", "namespace": ns,
                          "registrationState": reg, "resourceTypes": []} for ns, reg in state.providers.items()]
            return 200, {"value": value}, {}
        match = re.fullmatch(r"/subscriptions/([^/]+)/providers/([^/]+)/register", path)
        if match:
            with state.lock:
                ns = next((p for p in state.providers if p.lower() == match.group(2).lower()), None)
                if ns is None:
                    raise ArmFailure(404, "InvalidResourceNamespace", f"The resource namespace '{match.group(2)}' "
                                     "is invalid.")
                state.providers[ns] = "Registered"
            return 200, {"id": f"/subscriptions/{match.group(1)}/providers/{ns}", "namespace": ns,
                         "registrationState": "Registered", "resourceTypes": []}, {}
        match = re.fullmatch(r"/subscriptions/([^/]+)/resourcegroups/([^/]+)", path)
        if match:
            return self._resource_group(method, match.group(1), unquote(match.group(2)), body)
        match = re.fullmatch(r"/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\.Storage/"
                             r"storageAccounts", path)
        if match:
            self._group(match.group(2))
            with state.lock:
                value = [r for r in state.resources.values()
                         if r["type"] == "Microsoft.Storage/storageAccounts" and
                         r["id"].lower().startswith(f"/subscriptions/{match.group(1)}/resourcegroups/"
                                                    f"{match.group(2)}/".lower())]
            return 200, {"value": value}, {}
        match = re.fullmatch(r"/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/(Microsoft\.[A-Za-z]+)/"
                             r"([A-Za-z]+)/([^/]+)(?:/subnets/([^/]+))?(?:/([A-Za-z]+))?", path)
        if not match:
            raise ArmFailure(404, "InvalidResourceType", f"fake: {method} {path} is not implemented")
        sub, group, namespace, kind, name, subnet, action = match.groups()
        group_json = self._group(group)
        handler = getattr(self, "_" + kind.lower(), None)
        if handler is None:
            raise ArmFailure(404, "InvalidResourceType", f"fake: {kind} is not implemented")
        resource_id = f"/subscriptions/{sub}/resourceGroups/{group_json['name']}/providers/{namespace}/{kind}/{name}"
        return handler(method, resource_id, sub, group_json, namespace, name, subnet, action, body, query)

    def _group(self, group):
        with self.state.lock:
            found = self.state.groups.get(group.lower())
        if found is None:
            raise ArmFailure(404, "ResourceGroupNotFound", f"Resource group '{group}' could not be found.")
        return found

    def _resource_group(self, method, sub, group, body):
        state = self.state
        with state.lock:
            existing = state.groups.get(group.lower())
            if method == "GET":
                if existing is None:
                    raise ArmFailure(404, "ResourceGroupNotFound", f"Resource group '{group}' could not be found.")
                return 200, existing, {}
            if method == "PUT":
                if body["location"] not in LOCATIONS:
                    raise ArmFailure(400, "LocationNotAvailableForResourceGroup",
                                     f"The provided location '{body['location']}' is not available for resource "
                                     "group.")
                state.groups[group.lower()] = {"id": f"/subscriptions/{sub}/resourceGroups/{group}", "name": group,
                                               "location": body["location"],
                                               "properties": {"provisioningState": "Succeeded"}}
                return (200 if existing else 201), state.groups[group.lower()], {}
        raise ArmFailure(405, "MethodNotAllowed", "fake: not implemented")

    # ---- helpers for resources ----
    def _get(self, resource_id):
        with self.state.lock:
            return self.state.resources.get(resource_id.lower())

    def _put(self, resource_json):
        with self.state.lock:
            self.state.resources[resource_json["id"].lower()] = resource_json

    def _delete(self, resource_id):
        with self.state.lock:
            return self.state.resources.pop(resource_id.lower(), None)

    @staticmethod
    def _etag():
        return 'W/"%s"' % uuid.uuid4()

    def _ref_list_remove(self, container_id, path, ref_id):
        container = self._get(container_id)
        if container is None:
            return
        node = container
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = [r for r in node.get(path[-1], []) if r["id"].lower() != ref_id.lower()]

    def _ref_list_add(self, container_id, path, ref_id):
        container = self._get(container_id)
        if container is None:
            return
        node = container
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node.setdefault(path[-1], []).append({"id": ref_id})

    # ---- Microsoft.Compute/availabilitySets ----
    def _availabilitysets(self, method, rid, sub, group, ns, name, subnet, action, body, query):
        existing = self._get(rid)
        if method == "GET":
            if existing is None:
                raise not_found("Microsoft.Compute/availabilitySets", name, group["name"])
            return 200, existing, {}
        if method == "PUT":
            resource = existing or {"id": rid, "name": name, "type": "Microsoft.Compute/availabilitySets",
                                    "location": body["location"],
                                    "properties": {"platformUpdateDomainCount": 5, "platformFaultDomainCount": 3,
                                                   "virtualMachines": []}}
            self._put(resource)
            return 200, resource, {}
        if method == "DELETE":
            if existing and existing["properties"]["virtualMachines"]:
                raise ArmFailure(409, "AvailabilitySetInUse", "The availability set has virtual machines.")
            self._delete(rid)
            if existing is None:
                return 204, None, {}
            return 200, {"name": str(uuid.uuid4()), "status": "Succeeded", "startTime": utc_now(),
                         "endTime": utc_now()}, {}
        raise ArmFailure(405, "MethodNotAllowed", "fake: not implemented")

    # ---- Microsoft.Network ----
    def _networksecuritygroups(self, method, rid, sub, group, ns, name, subnet, action, body, query):
        existing = self._get(rid)
        if method == "GET":
            if existing is None:
                raise not_found("Microsoft.Network/networkSecurityGroups", name, group["name"])
            return 200, existing, {}
        if method == "PUT":
            rules = []
            for rule in body.get("properties", {}).get("securityRules", []):
                props = dict(rule["properties"], provisioningState="Succeeded")
                rules.append({"id": f"{rid}/securityRules/{rule['name']}", "name": rule["name"], "etag": self._etag(),
                              "properties": props})
            resource = {"id": rid, "name": name, "type": "Microsoft.Network/networkSecurityGroups",
                        "location": body["location"], "etag": self._etag(),
                        "properties": {"securityRules": rules, "defaultSecurityRules": [],
                                       "networkInterfaces": (existing or {}).get("properties", {}).get(
                                           "networkInterfaces", []),
                                       "provisioningState": "Succeeded", "resourceGuid": str(uuid.uuid4())}}
            self._put(resource)
            return (200 if existing else 201), resource, self._lro_headers(sub, ns, body["location"])
        if method == "DELETE":
            if existing and existing["properties"]["networkInterfaces"]:
                raise ArmFailure(400, "InUseNetworkSecurityGroupCannotBeDeleted",
                                 f"Network security group {rid} cannot be deleted because it is in use.")
            self._delete(rid)
            if existing is None:
                return 204, None, {}
            return 202, None, self._lro_headers(sub, ns, existing["location"])
        raise ArmFailure(405, "MethodNotAllowed", "fake: not implemented")

    def _virtualnetworks(self, method, rid, sub, group, ns, name, subnet, action, body, query):
        if subnet is not None:
            return self._subnet(method, rid, sub, group, ns, name, unquote(subnet), body)
        existing = self._get(rid)
        if method == "GET":
            if existing is None:
                raise not_found("Microsoft.Network/virtualNetworks", name, group["name"])
            return 200, existing, {}
        if method == "PUT":
            resource = {"id": rid, "name": name, "type": "Microsoft.Network/virtualNetworks",
                        "location": body["location"], "etag": self._etag(),
                        "properties": {"addressSpace": body["properties"]["addressSpace"],
                                       "subnets": (existing or {}).get("properties", {}).get("subnets", []),
                                       "provisioningState": "Succeeded", "resourceGuid": str(uuid.uuid4())}}
            self._put(resource)
            return (200 if existing else 201), resource, self._lro_headers(sub, ns, body["location"])
        if method == "DELETE":
            if existing and existing["properties"]["subnets"]:
                raise ArmFailure(400, "InUseSubnetCannotBeDeleted", "The virtual network has subnets in use.")
            self._delete(rid)
            if existing is None:
                return 204, None, {}
            return 202, None, self._lro_headers(sub, ns, existing["location"])
        raise ArmFailure(405, "MethodNotAllowed", "fake: not implemented")

    def _subnet(self, method, vnet_id, sub, group, ns, vnet_name, name, body):
        vnet = self._get(vnet_id)
        if vnet is None:
            raise not_found("Microsoft.Network/virtualNetworks", vnet_name, group["name"])
        sid = f"{vnet_id}/subnets/{name}"
        with self.state.lock:
            subnets = vnet["properties"]["subnets"]
            existing = next((s for s in subnets if s["name"].lower() == name.lower()), None)
            if method == "GET":
                if existing is None:
                    raise ArmFailure(404, "NotFound", f"Resource {sid} not found.")
                return 200, existing, {}
            if method == "PUT":
                resource = {"id": sid, "name": name, "etag": self._etag(),
                            "properties": {"addressPrefix": body["properties"]["addressPrefix"],
                                           "ipConfigurations": (existing or {}).get("properties", {}).get(
                                               "ipConfigurations", []),
                                           "provisioningState": "Succeeded"}}
                vnet["properties"]["subnets"] = [s for s in subnets if s is not existing] + [resource]
                return (200 if existing else 201), resource, self._lro_headers(sub, ns, vnet["location"])
            if method == "DELETE":
                if existing is None:
                    return 204, None, {}
                if existing["properties"]["ipConfigurations"]:
                    raise ArmFailure(400, "InUseSubnetCannotBeDeleted", f"Subnet {name} is in use.")
                vnet["properties"]["subnets"] = [s for s in subnets if s is not existing]
                return 202, None, self._lro_headers(sub, ns, vnet["location"])
        raise ArmFailure(405, "MethodNotAllowed", "fake: not implemented")

    def _publicipaddresses(self, method, rid, sub, group, ns, name, subnet, action, body, query):
        existing = self._get(rid)
        if method == "GET":
            if existing is None:
                raise not_found("Microsoft.Network/publicIPAddresses", name, group["name"])
            return 200, existing, {}
        if method == "PUT":
            props = body["properties"]
            resource = {"id": rid, "name": name, "type": "Microsoft.Network/publicIPAddresses",
                        "location": body["location"], "etag": self._etag(),
                        "properties": {"publicIPAllocationMethod": props["publicIPAllocationMethod"],
                                       "publicIPAddressVersion": "IPv4", "idleTimeoutInMinutes": 4,
                                       "provisioningState": "Succeeded", "resourceGuid": str(uuid.uuid4())}}
            if "dnsSettings" in props:
                label = props["dnsSettings"]["domainNameLabel"]
                resource["properties"]["dnsSettings"] = {
                    "domainNameLabel": label, "fqdn": f"{label}.{body['location']}.cloudapp.azure.com"}
            if existing and "ipAddress" in existing["properties"]:
                resource["properties"]["ipAddress"] = existing["properties"]["ipAddress"]
            elif props["publicIPAllocationMethod"] == "Static":
                resource["properties"]["ipAddress"] = self._take_address()
            self._put(resource)
            return (200 if existing else 201), resource, self._lro_headers(sub, ns, body["location"])
        if method == "DELETE":
            if existing and existing["properties"].get("ipConfiguration"):
                raise ArmFailure(400, "PublicIPAddressInUse", f"Public IP address {rid} is in use.")
            self._delete(rid)
            if existing is None:
                return 204, None, {}
            return 202, None, self._lro_headers(sub, ns, existing["location"])
        raise ArmFailure(405, "MethodNotAllowed", "fake: not implemented")

    def _take_address(self):
        with self.state.lock:
            if not self.state.addresses:
                raise ArmFailure(400, "PublicIPCountLimitReached", "fake: no addresses left to hand out")
            return self.state.addresses.pop(0)

    def _networkinterfaces(self, method, rid, sub, group, ns, name, subnet, action, body, query):
        existing = self._get(rid)
        if method == "GET":
            if existing is None:
                raise not_found("Microsoft.Network/networkInterfaces", name, group["name"])
            return 200, existing, {}
        if method == "PUT":
            nsg_id = body["properties"]["networkSecurityGroup"]["id"]
            if self._get(nsg_id) is None:
                raise ArmFailure(400, "InvalidResourceReference", f"Resource {nsg_id} referenced by resource {rid} "
                                 "was not found.")
            configurations = []
            for config in body["properties"]["ipConfigurations"]:
                props = config["properties"]
                subnet_id = props["subnet"]["id"]
                subnet_json = self._find_subnet(subnet_id)
                if subnet_json is None:
                    raise ArmFailure(400, "InvalidResourceReference", f"Resource {subnet_id} referenced by resource "
                                     f"{rid} was not found.")
                cid = f"{rid}/ipConfigurations/{config['name']}"
                private = props.get("privateIPAddress") or self._next_private(subnet_json)
                out = {"privateIPAddress": private, "privateIPAllocationMethod": props["privateIPAllocationMethod"],
                       "subnet": {"id": subnet_id}, "provisioningState": "Succeeded", "primary": True}
                if props.get("publicIPAddress"):
                    public_id = props["publicIPAddress"]["id"]
                    public = self._get(public_id)
                    if public is None:
                        raise ArmFailure(400, "InvalidResourceReference", f"Resource {public_id} referenced by "
                                         f"resource {rid} was not found.")
                    out["publicIPAddress"] = {"id": public_id}
                    public["properties"]["ipConfiguration"] = {"id": cid}
                configurations.append({"id": cid, "name": config["name"], "etag": self._etag(), "properties": out})
                with self.state.lock:
                    subnet_json["properties"].setdefault("ipConfigurations", []).append({"id": cid})
            self._ref_list_add(nsg_id, ["properties", "networkInterfaces"], rid)
            resource = {"id": rid, "name": name, "type": "Microsoft.Network/networkInterfaces",
                        "location": body["location"], "etag": self._etag(),
                        "properties": {"ipConfigurations": configurations, "networkSecurityGroup": {"id": nsg_id},
                                       "enableIPForwarding": False, "provisioningState": "Succeeded",
                                       "resourceGuid": str(uuid.uuid4())}}
            self._put(resource)
            return (200 if existing else 201), resource, self._lro_headers(sub, ns, body["location"])
        if method == "DELETE":
            if existing is None:
                return 204, None, {}
            if existing["properties"].get("virtualMachine"):
                raise ArmFailure(400, "NicInUse", f"Network Interface {rid} is used by existing resource.")
            for config in existing["properties"]["ipConfigurations"]:
                subnet_json = self._find_subnet(config["properties"]["subnet"]["id"])
                if subnet_json is not None:
                    subnet_json["properties"]["ipConfigurations"] = [
                        c for c in subnet_json["properties"]["ipConfigurations"] if c["id"] != config["id"]]
                public = config["properties"].get("publicIPAddress")
                if public and self._get(public["id"]):
                    self._get(public["id"])["properties"].pop("ipConfiguration", None)
            self._ref_list_remove(existing["properties"]["networkSecurityGroup"]["id"],
                                  ["properties", "networkInterfaces"], rid)
            self._delete(rid)
            return 202, None, self._lro_headers(sub, ns, existing["location"])
        raise ArmFailure(405, "MethodNotAllowed", "fake: not implemented")

    def _find_subnet(self, subnet_id):
        vnet_id, _, name = subnet_id.rpartition("/subnets/")
        vnet = self._get(vnet_id)
        if vnet is None:
            return None
        return next((s for s in vnet["properties"]["subnets"] if s["name"].lower() == name.lower()), None)

    def _next_private(self, subnet_json):
        prefix = subnet_json["properties"]["addressPrefix"]
        base = prefix.split("/")[0].split(".")
        with self.state.lock:
            number = self.state.private_next.get(subnet_json["id"], 4)  # Azure keeps .0 to .3
            self.state.private_next[subnet_json["id"]] = number + 1
        return ".".join(base[:3] + [str(int(base[3]) + number)])

    # ---- Microsoft.Storage/storageAccounts ----
    def _storageaccounts(self, method, rid, sub, group, ns, name, subnet, action, body, query):
        existing = self._get(rid)
        if action == "listKeys" and method == "POST":
            if existing is None:
                raise not_found("Microsoft.Storage/storageAccounts", name, group["name"])
            with self.state.lock:
                keys = self.state.keys[name]
            return 200, {"keys": [{"keyName": "key1", "value": keys[0], "permissions": "FULL"},
                                  {"keyName": "key2", "value": keys[1], "permissions": "FULL"}]}, {}
        if method == "GET":
            if existing is None:
                raise not_found("Microsoft.Storage/storageAccounts", name, group["name"])
            return 200, existing, {}
        if method == "PUT":
            if not re.fullmatch(r"[a-z0-9]{3,24}", name):
                raise ArmFailure(400, "AccountNameInvalid", f"{name} is not a valid storage account name.")
            port = self.headers.get("Host", "127.0.0.1").rpartition(":")[2]
            resource = {"id": rid, "name": name, "type": "Microsoft.Storage/storageAccounts",
                        "location": body["location"], "sku": {"name": body["sku"]["name"], "tier": "Standard"},
                        "kind": body["kind"],
                        "properties": {"provisioningState": "Succeeded",
                                       "primaryEndpoints": {"blob": f"http://{name}.blob.localhost:{port}/",
                                                            "queue": f"http://{name}.queue.localhost:{port}/",
                                                            "table": f"http://{name}.table.localhost:{port}/",
                                                            "file": f"http://{name}.file.localhost:{port}/"},
                                       "primaryLocation": body["location"], "statusOfPrimary": "Available",
                                       "creationTime": utc_now()}}
            self._put(resource)
            with self.state.lock:
                self.state.keys.setdefault(name, [base64.b64encode(secrets.token_bytes(64)).decode()
                                                  for _ in range(2)])
                self.state.blobs.setdefault(name, {})
                op_id = self.state.new_operation()
                self.state.operations[op_id]["resource"] = rid.lower()
            location = f"{self.base_url()}/subscriptions/{sub}/providers/Microsoft.Storage/locations/" \
                       f"{body['location']}/operationResults/{op_id}?api-version=2016-01-01"
            return 202, None, {"Location": location, "Retry-After": str(self.server.args.retry_after)}
        if method == "DELETE":
            self._delete(rid)
            with self.state.lock:
                self.state.keys.pop(name, None)
                self.state.blobs.pop(name, None)
            return (200 if existing else 204), None, {}
        raise ArmFailure(405, "MethodNotAllowed", "fake: not implemented")

    # ---- Microsoft.Compute/virtualMachines ----
    def _virtualmachines(self, method, rid, sub, group, ns, name, subnet, action, body, query):
        existing = self._get(rid)
        if action is not None:
            return self._vm_action(existing, rid, sub, group, ns, name, action)
        if method == "GET":
            if existing is None:
                raise not_found("Microsoft.Compute/virtualMachines", name, group["name"])
            answer = {k: v for k, v in existing.items() if not k.startswith("_")}
            if query.get("$expand") == ["instanceView"]:
                answer = json.loads(json.dumps(answer))
                answer["properties"]["instanceView"] = {
                    "statuses": [{"code": "ProvisioningState/succeeded", "level": "Info",
                                  "displayStatus": "Provisioning succeeded", "time": utc_now()},
                                 {"code": "PowerState/" + existing["_power"], "level": "Info",
                                  "displayStatus": "VM " + existing["_power"]}]}
            return 200, answer, {}
        if method == "PUT":
            if existing is not None:
                raise ArmFailure(409, "OperationNotAllowed", "fake: updating a VM is not implemented")
            return self._create_vm(rid, sub, group, ns, name, body)
        if method == "DELETE":
            if existing is None:
                return 204, None, {}
            props = existing["properties"]
            nic = self._get(props["networkProfile"]["networkInterfaces"][0]["id"])
            if nic is not None:
                nic["properties"].pop("virtualMachine", None)
            self._ref_list_remove(props["availabilitySet"]["id"], ["properties", "virtualMachines"], rid)
            self._delete(rid)
            done = threading.Event()
            threading.Thread(target=lambda: (self.state.run_hook("delete", existing), done.set()),
                             daemon=True).start()
            return 202, None, self._lro_headers(sub, ns, existing["location"], done)
        raise ArmFailure(405, "MethodNotAllowed", "fake: not implemented")

    def _create_vm(self, rid, sub, group, ns, name, body):
        props = body["properties"]
        size = props["hardwareProfile"]["vmSize"]
        if size not in SIZES:
            raise ArmFailure(400, "InvalidParameter", f"The value {size} provided for the VM size is not valid.")
        if body["location"] not in LOCATIONS:
            raise ArmFailure(400, "LocationNotAvailableForResourceType",
                             f"The provided location '{body['location']}' is not available for resource type "
                             "'Microsoft.Compute/virtualMachines'.")
        admin = props["osProfile"]["adminUsername"]
        if admin.lower() in RESERVED_USERS:
            raise ArmFailure(400, "InvalidParameter", "The Admin Username specified is not allowed.")
        image = props["storageProfile"]["imageReference"]
        if (image["publisher"].lower(), image["offer"].lower(), image["sku"].lower()) not in IMAGES:
            raise ArmFailure(404, "PlatformImageNotFound",
                             "The platform image '%s:%s:%s:%s' is not available." % (
                                 image["publisher"], image["offer"], image["sku"], image["version"]))
        nic_id = props["networkProfile"]["networkInterfaces"][0]["id"]
        nic = self._get(nic_id)
        if nic is None:
            raise ArmFailure(400, "InvalidResourceReference", f"Resource {nic_id} was not found.")
        avset_id = props["availabilitySet"]["id"]
        if self._get(avset_id) is None:
            raise ArmFailure(400, "InvalidResourceReference", f"Resource {avset_id} was not found.")
        vhd = props["storageProfile"]["osDisk"]["vhd"]["uri"]
        match = re.match(r"https?://([a-z0-9]+)\.blob\.[^/]+/([^/]+)/([^/]+)$", vhd)
        if not match or match.group(1) not in self.state.blobs:
            raise ArmFailure(400, "StorageAccountNotFound", f"fake: no storage account for the VHD {vhd}")
        with self.state.lock:
            self.state.blobs[match.group(1)].setdefault(match.group(2), []).append(match.group(3))
        for config in nic["properties"]["ipConfigurations"]:
            public = config["properties"].get("publicIPAddress")
            if public:
                public_json = self._get(public["id"])
                if public_json is not None and "ipAddress" not in public_json["properties"]:
                    public_json["properties"]["ipAddress"] = self._take_address()
        nic["properties"]["virtualMachine"] = {"id": rid}
        self._ref_list_add(avset_id, ["properties", "virtualMachines"], rid)
        os_profile = {k: v for k, v in props["osProfile"].items() if k != "customData"}
        os_disk = dict(props["storageProfile"]["osDisk"], osType="Linux")
        resource = {"id": rid, "name": name, "type": "Microsoft.Compute/virtualMachines", "location": body["location"],
                    "properties": {"vmId": str(uuid.uuid4()), "hardwareProfile": props["hardwareProfile"],
                                   "storageProfile": {"imageReference": image, "osDisk": os_disk,
                                                      "dataDisks": []},
                                   "osProfile": os_profile, "networkProfile": props["networkProfile"],
                                   "availabilitySet": props["availabilitySet"], "provisioningState": "Succeeded"},
                    "_power": "starting", "_custom_data": props["osProfile"].get("customData")}
        self._put(resource)
        done = threading.Event()

        def boot():
            ok = self.state.run_hook("create", body_for_hook)
            with self.state.lock:
                resource["_power"] = "running" if ok else "stopped"
            done.set()

        body_for_hook = {k: v for k, v in resource.items()}
        threading.Thread(target=boot, daemon=True).start()
        answer = {k: v for k, v in resource.items() if not k.startswith("_")}
        return 201, answer, self._lro_headers(sub, ns, body["location"], done)

    def _vm_action(self, vm, rid, sub, group, ns, name, action):
        if vm is None:
            raise not_found("Microsoft.Compute/virtualMachines", name, group["name"])
        plan = {"start": ("starting", "running"), "powerOff": ("stopping", "stopped"),
                "restart": ("starting", "running")}
        if action not in plan:
            raise ArmFailure(400, "InvalidResourceType", f"fake: action {action} is not implemented")
        transition, goal = plan[action]
        with self.state.lock:
            vm["_power"] = transition
        done = threading.Event()

        def act():
            ok = self.state.run_hook(action, vm)
            with self.state.lock:
                vm["_power"] = goal if ok else "stopped"
            done.set()

        threading.Thread(target=act, daemon=True).start()
        return 202, None, self._lro_headers(sub, ns, vm["location"], done)


def main():
    parser = argparse.ArgumentParser(description="A fake of Azure (AAD, ARM, blob) for tests.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tenant", default="72f988bf-86f1-41af-91ab-2d7cd011db47")
    parser.add_argument("--client", action="append", default=[], help="ID:SECRET of a service principal")
    parser.add_argument("--addresses", default="10.213.23.2", help="public IPv4 addresses to hand out, in order")
    parser.add_argument("--hook", default="", help="shell command run as `CMD EVENT` for VM events")
    parser.add_argument("--unregistered", action="append", default=[], help="a provider that starts NotRegistered")
    parser.add_argument("--device-polls", type=int, default=1, help="device-code polls before the user 'approves'")
    parser.add_argument("--retry-after", type=int, default=0)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.args = args
    server.spec = schema_check.Spec.from_files([os.path.join(SPECS, f) for f in SPEC_FILES])
    server.network = schema_check.Spec(os.path.join(SPECS, NETWORK_JSON))
    server.types = schema_check.Spec(os.path.join(SPECS, TYPES_JSON))
    server.state = State(args)
    print(f"listening on http://127.0.0.1:{server.server_address[1]} (API descriptions: {SPECS})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

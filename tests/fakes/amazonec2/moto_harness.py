"""moto_server on 127.0.0.1 with signature checking, and a minimal SigV4 client to drive it."""
import datetime
import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

# IAM calls the harness makes before authentication is enforced: CreateUser, CreateAccessKey, PutUserPolicy.
SETUP_ACTIONS = 3
ALLOW_ALL = json.dumps({"Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def find_moto_command():
    """The command that starts moto's server, or None when moto is not installed."""
    path = shutil.which("moto_server")
    if path:
        return [path]
    candidates = [shutil.which("python3"), "/usr/bin/python3"]
    pyenv = os.path.expanduser("~/.pyenv/versions")
    if os.path.isdir(pyenv):
        candidates += [os.path.join(pyenv, v, "bin", "python3") for v in sorted(os.listdir(pyenv))]
    for python in candidates:
        if python and os.path.exists(python):
            probe = subprocess.run([python, "-c", "import moto.server"], capture_output=True)
            if probe.returncode == 0:
                return [python, "-m", "moto.server"]
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sign(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


class AwsApi:
    """AWS Query API calls (form POST, SigV4). Independent of the C++ signer under test."""

    def __init__(self, endpoint, access_key="", secret_key="", region="us-east-1"):
        self.endpoint = endpoint.rstrip("/") + "/"
        self.access_key = access_key
        self.secret_key = secret_key
        self.region = region

    def call(self, service, action, params=None, version=None):
        version = version or {"ec2": "2016-11-15", "iam": "2010-05-08"}[service]
        fields = [("Action", action), ("Version", version)] + list((params or {}).items())
        body = urllib.parse.urlencode(fields, quote_via=urllib.parse.quote, safe="-_.~")
        host = urllib.parse.urlsplit(self.endpoint).netloc
        now = datetime.datetime.now(datetime.timezone.utc)
        amz_date = now.strftime("%Y%m%dT%H%M%SZ")
        scope = f"{amz_date[:8]}/{self.region}/{service}/aws4_request"
        content_type = "application/x-www-form-urlencoded; charset=utf-8"
        canonical = "\n".join(["POST", "/", "", f"content-type:{content_type}", f"host:{host}",
                               f"x-amz-date:{amz_date}", "", "content-type;host;x-amz-date",
                               hashlib.sha256(body.encode()).hexdigest()])
        to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
        key = _sign(("AWS4" + self.secret_key).encode(), amz_date[:8])
        for part in (self.region, service, "aws4_request"):
            key = _sign(key, part)
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        headers = {"Content-Type": content_type, "X-Amz-Date": amz_date,
                   "Authorization": f"AWS4-HMAC-SHA256 Credential={self.access_key}/{scope}, "
                                    f"SignedHeaders=content-type;host;x-amz-date, Signature={signature}"}
        request = urllib.request.Request(self.endpoint, data=body.encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return ET.fromstring(response.read())
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"{service} {action} failed: HTTP {error.code}: {error.read().decode()}") from None

    def ec2(self, action, params=None):
        return self.call("ec2", action, params)


def strip_ns(root):
    """Drops the XML namespace from every tag so that find() reads simply."""
    for element in root.iter():
        if "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]
    return root


def text(root, path):
    found = strip_ns(root).find(path)
    return found.text if found is not None else None


class MotoServer:
    """One moto_server process on 127.0.0.1 with SigV4 checking; `key`/`secret` are a valid access key."""

    def __init__(self, command):
        self.command = command
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.key = self.secret = None
        self.log_path = None

    def start(self, log_dir):
        env = dict(os.environ)
        env["INITIAL_NO_AUTH_ACTION_COUNT"] = str(SETUP_ACTIONS)
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "HTTP_PROXY", "HTTPS_PROXY",
                     "http_proxy", "https_proxy"):
            env.pop(name, None)
        self.log_path = os.path.join(log_dir, "moto.log")
        log = open(self.log_path, "w")
        self.process = subprocess.Popen(self.command + ["-H", "127.0.0.1", "-p", str(self.port)],
                                        stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto_server exited with {self.process.returncode}; see {self.log_path}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("moto_server did not start listening")
        bootstrap = AwsApi(self.endpoint, "AKIASETUPSETUPSETUP0", "setup")
        bootstrap.call("iam", "CreateUser", {"UserName": "docker-machine-e2e"})
        created = strip_ns(bootstrap.call("iam", "CreateAccessKey", {"UserName": "docker-machine-e2e"}))
        self.key = created.find(".//AccessKeyId").text
        self.secret = created.find(".//SecretAccessKey").text
        bootstrap.call("iam", "PutUserPolicy", {"UserName": "docker-machine-e2e", "PolicyName": "all",
                                                "PolicyDocument": ALLOW_ALL})
        return self

    def api(self):
        return AwsApi(self.endpoint, self.key, self.secret)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

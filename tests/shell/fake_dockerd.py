#!/usr/bin/python3
"""A tiny stand-in for a TLS Docker daemon, enough for `docker-machine env` (TLS handshake check) and
`docker version` (/_ping + /version) in the shell tests.

Usage: fake_dockerd.py STORE_CERT_DIR WORK_DIR
  Signs a server certificate for 127.0.0.1 with the store's CA (STORE_CERT_DIR/ca.pem, ca-key.pem), listens on a
  free port of 127.0.0.1, prints "PORT <n>" on stdout once it accepts connections, and serves until killed.
"""
import http.server
import json
import ssl
import subprocess
import sys
from pathlib import Path

API_VERSION = "1.41"
ENGINE_VERSION = "20.10.99-fake"


def sign_server_cert(cert_dir: Path, work: Path):
    key, csr, cert, ext = (work / "server-key.pem", work / "server.csr", work / "server.pem", work / "ext.cnf")
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    subprocess.run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-subj",
                    "/O=fake-dockerd", "-out", str(csr)], check=True, capture_output=True)
    subprocess.run(["openssl", "x509", "-req", "-in", str(csr), "-CA", str(cert_dir / "ca.pem"), "-CAkey",
                    str(cert_dir / "ca-key.pem"), "-CAcreateserial", "-CAserial", str(work / "ca.srl"), "-days", "2",
                    "-extfile", str(ext), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep the test output clean
        pass

    def reply(self, code, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Api-Version", API_VERSION)
        self.send_header("Docker-Experimental", "false")
        self.send_header("Ostype", "linux")
        self.send_header("Server", "Docker/%s (linux)" % ENGINE_VERSION)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        parts = path.strip("/").split("/")
        if parts and parts[0].startswith("v1."):
            parts = parts[1:]
        if parts == ["_ping"]:
            self.reply(200, "OK", "text/plain; charset=utf-8")
        elif parts == ["version"]:
            self.reply(200, json.dumps({
                "Platform": {"Name": "fake"},
                "Components": [{"Name": "Engine", "Version": ENGINE_VERSION,
                                "Details": {"ApiVersion": API_VERSION, "MinAPIVersion": "1.12", "Os": "linux",
                                            "Arch": "amd64", "GitCommit": "fake", "GoVersion": "go1.0"}}],
                "Version": ENGINE_VERSION, "ApiVersion": API_VERSION, "MinAPIVersion": "1.12", "GitCommit": "fake",
                "GoVersion": "go1.0", "Os": "linux", "Arch": "amd64", "KernelVersion": "0.0", "BuildTime": "never",
            }))
        else:
            self.reply(404, json.dumps({"message": "not implemented by fake_dockerd: " + path}))


def main():
    cert_dir, work = Path(sys.argv[1]), Path(sys.argv[2])
    work.mkdir(parents=True, exist_ok=True)
    cert, key = sign_server_cert(cert_dir, work)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    context.load_verify_locations(str(cert_dir / "ca.pem"))
    context.verify_mode = ssl.CERT_REQUIRED  # like dockerd --tlsverify
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

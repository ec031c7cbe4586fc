"""An HTTP proxy in front of moto_server that can misbehave on purpose (throttling, instances stuck pending)."""
import http.client
import http.server
import re
import threading
import urllib.parse

THROTTLE_BODY = ('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>RequestLimitExceeded</Code>'
                 '<Message>Request limit exceeded.</Message></Error></Errors>'
                 '<RequestID>throttled-by-test-proxy</RequestID></Response>')


class Ec2Proxy:
    """Forwards every request to `upstream` unchanged (so moto still checks signatures), except that:
    - `throttle(action, count)` answers the next `count` requests for `action` (None: any action; count None:
      every request) with HTTP 503 RequestLimitExceeded;
    - `stuck_pending = True` rewrites instance states in DescribeInstances answers to "pending"."""

    def __init__(self, upstream):
        self.upstream = urllib.parse.urlsplit(upstream).netloc
        self.lock = threading.Lock()
        self.throttle_action = None
        self.throttle_left = 0
        self.stuck_pending = False
        self.actions = []  # every action seen, in order
        self.throttled = 0
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                action = urllib.parse.parse_qs(body.decode(errors="replace")).get("Action", [""])[0]
                if proxy._should_throttle(action):
                    self._answer(503, THROTTLE_BODY.encode())
                    return
                connection = http.client.HTTPConnection(proxy.upstream, timeout=60)
                headers = {name: value for name, value in self.headers.items()}
                connection.request("POST", self.path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
                connection.close()
                if proxy.stuck_pending and action == "DescribeInstances":
                    data = re.sub(rb"<instanceState><code>\d+</code><name>running</name>",
                                  b"<instanceState><code>0</code><name>pending</name>", data)
                self._answer(response.status, data)

            def _answer(self, status, data):
                self.send_response(status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _should_throttle(self, action):
        with self.lock:
            self.actions.append(action)
            if self.throttle_left == 0 or (self.throttle_action not in (None, action)):
                return False
            if self.throttle_left > 0:
                self.throttle_left -= 1
            self.throttled += 1
            return True

    def throttle(self, action=None, count=None):
        with self.lock:
            self.throttle_action = action
            self.throttle_left = -1 if count is None else count
            self.throttled = 0

    def reset(self):
        with self.lock:
            self.throttle_action = None
            self.throttle_left = 0
            self.stuck_pending = False

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

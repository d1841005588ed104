"""A small OpenID Connect provider for tests: discovery, JWKS (an RSA key generated here), and a
token endpoint that answers codes the test issued with ID tokens it signs.

The browser leg (/authorize) is skipped: a test reads state and nonce from the console's redirect
and calls the console's callback with a code from `issue_code(claims, nonce)`.
"""
from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from joserfc import jwk, jwt

CLIENT_ID = "tim-console-test"
CLIENT_SECRET = "oidc-test-client-secret-7f3a"


class Provider:
    def __init__(self):
        self.key = jwk.RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(4)}, private=True)
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def issue_code(self, claims: dict, nonce: str, key=None, issuer: str | None = None) -> str:
        """A one-time code the token endpoint exchanges for an ID token with `claims`."""
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"claims": claims, "nonce": nonce, "key": key, "issuer": issuer}
        return code

    def id_token(self, grant: dict) -> str:
        now = int(time.time())
        claims = {"iss": grant["issuer"] or self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                  "nonce": grant["nonce"], **grant["claims"]}
        key = grant["key"] or self.key
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, body: dict, status: int = 200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    iss = provider.issuer
                    return self._json({
                        "issuer": iss, "authorization_endpoint": f"{iss}/authorize",
                        "token_endpoint": f"{iss}/token", "jwks_uri": f"{iss}/jwks",
                        "response_types_supported": ["code"], "subject_types_supported": ["public"],
                        "id_token_signing_alg_values_supported": ["RS256"],
                        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                    })
                if self.path == "/jwks":
                    return self._json({"keys": [provider.key.as_dict(private=False)]})
                return self._json({"error": "not_found"}, 404)

            def do_POST(self):
                if self.path != "/token":
                    return self._json({"error": "not_found"}, 404)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()).items()}
                auth = self.headers.get("Authorization", "")
                if auth.startswith("Basic "):
                    cid, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
                else:
                    cid, secret = form.get("client_id", ""), form.get("client_secret", "")
                provider.token_requests.append(form)
                if (cid, secret) != (CLIENT_ID, CLIENT_SECRET):
                    return self._json({"error": "invalid_client"}, 401)
                grant = provider.codes.pop(form.get("code", ""), None)
                if grant is None:
                    return self._json({"error": "invalid_grant"}, 400)
                return self._json({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                                   "expires_in": 300, "id_token": provider.id_token(grant)})

        return Handler

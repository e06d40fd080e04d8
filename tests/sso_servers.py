"""Small identity providers for the sign-on tests, speaking the real protocols over
HTTP on loopback (a threaded http.server each; started and stopped by the tests).

- `OidcProvider`: discovery (/.well-known/openid-configuration), /authorize (signs in
  the person named by `next_user` and redirects back with a code), /token (an RS256
  id_token signed with a key made at start, checked against the PKCE verifier),
  /jwks, /userinfo (bearer access token), /end_session.
- `CasProvider`: /login (redirects to the service with a ticket), /p3/serviceValidate
  (CAS 3 XML with attributes; a ticket is good once, for its service), /logout.

Who exists and their groups: the `people` dict; remove someone to see a sign-in fail.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.sax.saxutils import escape

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


def _b64(number):
    data = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class _Server:
    def __init__(self):
        self.people = {}  # username -> {"groups": [...], "email": ..., ...}
        self.next_user = None  # who signs in at the next /authorize or /login
        self.calls = []  # (path, query) of every request, for the tests to read
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                outer._handle(self, "GET")

            def do_POST(self):
                outer._handle(self, "POST")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handle(self, handler, method):
        parts = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if method == "POST":
            length = int(handler.headers.get("Content-Length") or 0)
            query |= {k: v[0] for k, v in parse_qs(handler.rfile.read(length).decode()).items()}
        self.calls.append((parts.path, query))
        status, headers, body = self.route(parts.path, query, handler.headers)
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        body = body.encode() if isinstance(body, str) else body
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    @staticmethod
    def json(data, status=200):
        return status, {"Content-Type": "application/json"}, json.dumps(data)

    @staticmethod
    def redirect(url):
        return 302, {"Location": url}, ""


class OidcProvider(_Server):
    CLIENT_ID, CLIENT_SECRET = "kpitracker", "test-secret"

    def __init__(self):
        super().__init__()
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key"
        self.codes = {}  # code -> (username, nonce, code_challenge)
        self.access = {}  # access token -> username

    def settings(self):
        """The kpitracker settings for this provider, read from its discovery document."""
        import urllib.request

        with urllib.request.urlopen(f"{self.url}/.well-known/openid-configuration") as r:
            found = json.load(r)
        return {
            "OIDC_RP_CLIENT_ID": self.CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": self.CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": found["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": found["token_endpoint"],
            "OIDC_OP_USER_ENDPOINT": found["userinfo_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": found["jwks_uri"],
            "OIDC_OP_LOGOUT_ENDPOINT": found["end_session_endpoint"],
        }

    def route(self, path, query, headers):
        if path == "/.well-known/openid-configuration":
            return self.json(
                {
                    "issuer": self.url,
                    "authorization_endpoint": f"{self.url}/authorize",
                    "token_endpoint": f"{self.url}/token",
                    "userinfo_endpoint": f"{self.url}/userinfo",
                    "jwks_uri": f"{self.url}/jwks",
                    "end_session_endpoint": f"{self.url}/end_session",
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                }
            )
        if path == "/authorize":
            if query.get("client_id") != self.CLIENT_ID or query.get("response_type") != "code":
                return 400, {}, "bad request"
            user = self.next_user
            if user not in self.people:
                return 403, {}, "unknown user"  # removed from the identity service
            code = secrets.token_urlsafe(16)
            self.codes[code] = (user, query.get("nonce"), query.get("code_challenge"))
            back = {"code": code, "state": query["state"]}
            return self.redirect(f"{query['redirect_uri']}?{urlencode(back)}")
        if path == "/token":
            return self._token(query, headers)
        if path == "/jwks":
            numbers = self.key.public_key().public_numbers()
            key = {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid}
            return self.json({"keys": [key | {"n": _b64(numbers.n), "e": _b64(numbers.e)}]})
        if path == "/userinfo":
            token = headers.get("Authorization", "").removeprefix("Bearer ")
            if token not in self.access:
                return 401, {}, ""
            return self.json(self._claims(self.access[token]))
        if path == "/end_session":
            return self.redirect(query["post_logout_redirect_uri"])
        return 404, {}, ""

    def _claims(self, user):
        person = self.people[user]
        return {
            "sub": f"sub-{user}",
            "preferred_username": user,
            "email": person.get("email", f"{user}@example.gov.cn"),
            "given_name": person.get("given_name", ""),
            "family_name": person.get("family_name", ""),
            "groups": person.get("groups", []),
        }

    def _token(self, query, headers):
        auth = headers.get("Authorization", "")
        if auth.startswith("Basic "):
            client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        else:
            client_id, secret = query.get("client_id"), query.get("client_secret")
        if (client_id, secret) != (self.CLIENT_ID, self.CLIENT_SECRET):
            return self.json({"error": "invalid_client"}, 401)
        user, nonce, challenge = self.codes.pop(query.get("code"), (None, None, None))
        if user is None:
            return self.json({"error": "invalid_grant"}, 400)
        if challenge:
            verifier = query.get("code_verifier", "").encode()
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
            if digest.decode() != challenge:
                return self.json({"error": "invalid_grant"}, 400)
        now = int(time.time())
        id_token = jwt.encode(
            {
                "iss": self.url,
                "sub": f"sub-{user}",
                "aud": self.CLIENT_ID,
                "iat": now,
                "exp": now + 300,
                "nonce": nonce,
                **self._claims(user),
            },
            self.key,
            algorithm="RS256",
            headers={"kid": self.kid},
        )
        access = secrets.token_urlsafe(16)
        self.access[access] = user
        return self.json(
            {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            }
        )


class CasProvider(_Server):
    def __init__(self):
        super().__init__()
        self.tickets = {}  # ticket -> (username, service)

    def route(self, path, query, headers):
        if path == "/login":
            user = self.next_user
            if user not in self.people:
                return 403, {}, "unknown user"
            ticket = "ST-" + secrets.token_urlsafe(16)
            self.tickets[ticket] = (user, query["service"])
            separator = "&" if "?" in query["service"] else "?"
            return self.redirect(f"{query['service']}{separator}ticket={ticket}")
        if path in ("/p3/serviceValidate", "/serviceValidate"):
            user, service = self.tickets.pop(query.get("ticket"), (None, None))
            if user is None or service != query.get("service") or user not in self.people:
                return (
                    200,
                    {"Content-Type": "text/xml"},
                    (
                        '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">'
                        '<cas:authenticationFailure code="INVALID_TICKET">'
                        "no such ticket</cas:authenticationFailure>"
                        "</cas:serviceResponse>"
                    ),
                )
            person = self.people[user]
            attributes = (
                "".join(
                    f"<cas:groups>{escape(group)}</cas:groups>"
                    for group in person.get("groups", [])
                )
                + f"<cas:email>{escape(person.get('email', user + '@example.gov.cn'))}</cas:email>"
            )
            return (
                200,
                {"Content-Type": "text/xml"},
                (
                    '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">'
                    f"<cas:authenticationSuccess><cas:user>{escape(user)}</cas:user>"
                    f"<cas:attributes>{attributes}</cas:attributes>"
                    "</cas:authenticationSuccess></cas:serviceResponse>"
                ),
            )
        if path == "/logout":
            return self.redirect(query.get("service", self.url))
        return 404, {}, ""

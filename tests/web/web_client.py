"""The console's test client as the pages use it (sign-in, CSRF token, htmx headers) and the
password every test operator has. A plain module, so that test files import it by one name
whichever conftest.py pytest loaded last."""
from __future__ import annotations

import re

PASSWORD = "correct horse battery"

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
HX_CSRF_RE = re.compile(r'"X-CSRFToken": "([^"]+)"')


class Browser:
    """A test client that signs in and sends the CSRF token like the pages do."""

    def __init__(self, client):
        self.client = client

    def csrf(self, page: str = "/login") -> str:
        html = self.client.get(page).get_data(as_text=True)
        match = CSRF_RE.search(html) or HX_CSRF_RE.search(html)
        assert match, f"no CSRF token on {page}"
        return match.group(1)

    def login(self, name: str, password: str = PASSWORD):
        token = self.csrf("/login")
        return self.client.post("/login", data={"name": name, "password": password, "csrf_token": token})

    def post(self, url: str, data: dict | None = None, htmx: bool = False, **kwargs):
        token = self.csrf("/me") if self.signed_in else self.csrf("/login")
        headers = kwargs.pop("headers", {})
        if htmx:
            headers = {**headers, "HX-Request": "true", "X-CSRFToken": token}
            return self.client.post(url, data=data or {}, headers=headers, **kwargs)
        return self.client.post(url, data={**(data or {}), "csrf_token": token}, headers=headers, **kwargs)

    @property
    def signed_in(self) -> bool:
        with self.client.session_transaction() as sess:
            return "_user_id" in sess

    def __getattr__(self, name):
        return getattr(self.client, name)

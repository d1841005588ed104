"""Avatars: which image sources the console shows, for the CSP and for the `ui.avatar` macro.

IM keeps an avatar as a URL in the profile (``Tag_Profile_IM_Image``) or the group (``FaceUrl``);
apps point it at their own CDN, Tencent's object storage, or the SDK's sample avatars. The CSP's
img-src allows `'self'`, `data:` and exactly the sources of ``TIM_AVATAR_SOURCES`` (default:
`DEFAULT_SOURCES`); an avatar from anywhere else is drawn as initials, so a page never asks the
browser for an image the CSP would block.
"""
from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

#: Tencent's object storage (COS buckets: <bucket>.cos.<region>.myqcloud.com) and the hosts of the
#: IM SDKs' sample avatars.
DEFAULT_SOURCES = (
    "https://*.myqcloud.com",
    "https://web.sdk.qcloud.com",
    "https://im.sdk.qcloud.com",
    "https://im.sdk.cloud.tencent.cn",
)
_SOURCE = re.compile(r"^https://(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+(:\d{1,5})?$")
_DATA_IMAGE = re.compile(r"^data:image/(png|gif|jpeg|webp|svg\+xml)[;,]", re.IGNORECASE)
COLOURS = 8  # .avatar-c0 ... .avatar-c7 in static/css/app.css


def source_problem(source: str) -> str | None:
    """Why `source` is not an acceptable avatar source (https://host, https://*.domain), or None."""
    if not _SOURCE.match(source):
        return "expected https://host or https://*.domain (lower case, no path)"
    return None


def _allowed(host: str, port: int | None, source: str) -> bool:
    parts = urlsplit(source)
    want_host, want_port = parts.hostname or "", parts.port
    if want_port != port:
        return False
    if want_host.startswith("*."):
        return host.endswith(want_host[1:])
    return host == want_host


def image_url(url, sources) -> str | None:
    """`url` when the CSP lets the page load it (a data: image, or https from one of `sources`)."""
    if not isinstance(url, str) or not url or len(url) > 4096:
        return None
    if _DATA_IMAGE.match(url):
        return url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme != "https" or not parts.hostname:
        return None
    return url if any(_allowed(parts.hostname, port, s) for s in sources) else None


def initials(name) -> str:
    """One or two letters for a name or ID ("Ada Lovelace" -> "AL", "csvuser_0022" -> "C")."""
    words = [w for w in re.split(r"[\s_.\-@]+", str(name or "")) if w]
    if not words:
        return "?"
    if len(words) > 1 and words[0][:1].isalpha() and words[1][:1].isalpha():
        return (words[0][0] + words[1][0]).upper()
    return words[0][0].upper()


def colour(name) -> int:
    """A stable colour index for a name (the same account always gets the same colour)."""
    return hashlib.sha1(str(name or "").encode("utf-8")).digest()[0] % COLOURS

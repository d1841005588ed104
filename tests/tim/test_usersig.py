"""UserSig: byte-compatible with Tencent's official generator, verified like the service does."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import zlib

import pytest
import TLSSigAPIv2
from hypothesis import given, settings
from hypothesis import strategies as st

from console.tim import usersig
from console.tim.errors import AuthError, TimError
from console.tim.usersig import SigCache, UserSigError

DEMO_APP = 1400000000
DEMO_KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"

# Spec §2 (self-computed with the documented algorithm), and go-sdk-inventory §5.2.
VECTOR_TIME, VECTOR_EXPIRE = 1700000000, 15552000
VECTOR_SIG = "LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4="
VECTOR_SIG_USERBUF = "QjT201xPkXk/aM1e+y0vakZb0K2iPrFue++0s5y6bFM="
VECTOR_USERSIG = ("eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkKjIT87NK82CSxSnZiQUFmSlAKUMTAyiAyqVWFGQWpYJkTE1NjRD"
                  "iJZm5YFFzNPXFmekgG3zKHM1T9D3LzdODi-OKs8vCqpxcAvydnV2SSv2cy03cPcpDnA2SMgu0nUxslWoBHdYzUg__")


def _official(identifier="xiaojun", expire=180 * 86400, userbuf=None, app=DEMO_APP, key=DEMO_KEY):
    api = TLSSigAPIv2.TLSSigAPIv2(app, key)
    if userbuf is None:
        return api.gen_sig(identifier, expire)
    return api.gen_sig_with_userbuf(identifier, expire, userbuf)


def _raw_decode(sig: str) -> dict:
    """Independent decoder (stdlib only) used to inspect what `generate` produced."""
    wire = sig.replace("*", "+").replace("-", "/").replace("_", "=")
    return json.loads(zlib.decompress(base64.b64decode(wire)))


def _reencode(doc: dict) -> str:
    raw = base64.b64encode(zlib.compress(json.dumps(doc).encode())).decode()
    return raw.replace("+", "*").replace("/", "-").replace("=", "_")


def test_hmac_matches_the_self_computed_vectors():
    assert usersig.hmac_sig(DEMO_KEY, "xiaojun", DEMO_APP, VECTOR_TIME, VECTOR_EXPIRE) == VECTOR_SIG
    assert usersig.hmac_sig(DEMO_KEY, "xiaojun", DEMO_APP, VECTOR_TIME, VECTOR_EXPIRE, b"abc") == VECTOR_SIG_USERBUF
    assert usersig.hmac_sig(DEMO_KEY, "xiaojun", DEMO_APP, 1569910200, 15552000) == \
        "gOoeW13s19Fgyn8RwlEt/rLkw3wzLq9M+SqBbXTIfnQ="
    assert usersig.hmac_sig(DEMO_KEY, "administrator", DEMO_APP, 1700000000, 3600) == \
        "VXefwTttyIPIyw9xpxtVh8o4aRKjqizx2RmNwS4DhKI="


def test_generated_sig_decodes_field_by_field():
    sig = usersig.generate(DEMO_APP, DEMO_KEY, "xiaojun", VECTOR_EXPIRE, now=VECTOR_TIME)
    doc = _raw_decode(sig)
    assert list(doc) == ["TLS.ver", "TLS.identifier", "TLS.sdkappid", "TLS.expire", "TLS.time", "TLS.sig"]
    assert doc == {"TLS.ver": "2.0", "TLS.identifier": "xiaojun", "TLS.sdkappid": DEMO_APP,
                   "TLS.expire": VECTOR_EXPIRE, "TLS.time": VECTOR_TIME, "TLS.sig": VECTOR_SIG}
    # Same JSON layout and zlib level as the official Python library: byte-identical.
    assert sig == VECTOR_USERSIG
    assert usersig.decode(sig) == doc
    assert set(sig) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-_")


def test_generated_sig_with_userbuf():
    sig = usersig.generate(DEMO_APP, DEMO_KEY, "xiaojun", VECTOR_EXPIRE, b"abc", now=VECTOR_TIME)
    doc = _raw_decode(sig)
    assert doc["TLS.userbuf"] == "YWJj" and doc["TLS.sig"] == VECTOR_SIG_USERBUF
    info = usersig.verify(DEMO_APP, DEMO_KEY, "xiaojun", sig, now=VECTOR_TIME + 10)
    assert info.userbuf == b"abc"


@pytest.mark.parametrize("identifier,expire,userbuf", [
    ("xiaojun", 180 * 86400, None), ("administrator", 3600, None), ("用户-1_a", 86400, None),
    ("xiaojun", 600, b"\x00\x01room"),
])
def test_official_package_sigs_verify_with_ours(identifier, expire, userbuf):
    before = int(time.time())
    sig = _official(identifier, expire, userbuf)
    info = usersig.verify(DEMO_APP, DEMO_KEY, identifier, sig)
    assert (info.identifier, info.app_id, info.expire, info.userbuf) == (identifier, DEMO_APP, expire, userbuf)
    assert before <= info.time <= int(time.time())
    assert info.expires_at == info.time + expire


def test_our_sigs_equal_the_official_ones_in_the_same_second():
    for _ in range(3):  # retry if the clock ticks between the two calls
        t = int(time.time())
        ours = usersig.generate(DEMO_APP, DEMO_KEY, "xiaojun", now=t)
        theirs = _official("xiaojun")
        if int(time.time()) == t:
            assert ours == theirs
            return
    pytest.fail("clock kept ticking")


def _code(fn, *args, **kw) -> int:
    with pytest.raises(UserSigError) as info:
        fn(*args, **kw)
    assert isinstance(info.value, AuthError) and isinstance(info.value, TimError)
    return info.value.code


def test_verify_error_codes():
    sig = usersig.generate(DEMO_APP, DEMO_KEY, "alice", 100, now=1_000_000)
    verify = usersig.verify
    assert verify(DEMO_APP, DEMO_KEY, "alice", sig, now=1_000_100).identifier == "alice"
    assert _code(verify, DEMO_APP, DEMO_KEY, "alice", sig, now=1_000_101) == 70001  # expired
    assert _code(verify, DEMO_APP, "another-key", "alice", sig, now=1_000_050) == 70009  # wrong key
    assert _code(verify, DEMO_APP, DEMO_KEY, "bob", sig, now=1_000_050) == 70013  # identifier
    assert _code(verify, DEMO_APP + 1, DEMO_KEY, "alice", sig, now=1_000_050) == 70014  # app id
    assert _code(verify, DEMO_APP, DEMO_KEY, "alice", sig[: len(sig) // 2], now=1_000_050) == 70003
    assert _code(verify, DEMO_APP, DEMO_KEY, "alice", "not a sig!", now=1_000_050) == 70003
    assert _code(verify, DEMO_APP, DEMO_KEY, "alice", "", now=1_000_050) == 70003


def test_tampered_fields_fail_the_hmac():
    sig = usersig.generate(DEMO_APP, DEMO_KEY, "alice", 100, now=1_000_000)
    doc = _raw_decode(sig)
    for field, value in [("TLS.expire", 10 ** 9), ("TLS.time", 1_000_010), ("TLS.sig", VECTOR_SIG)]:
        forged = _reencode({**doc, field: value})
        assert _code(usersig.verify, DEMO_APP, DEMO_KEY, "alice", forged, now=1_000_050) == 70009
    broken = {k: v for k, v in doc.items() if k != "TLS.time"}
    assert _code(usersig.verify, DEMO_APP, DEMO_KEY, "alice", _reencode(broken), now=1_000_050) == 70003
    assert _code(usersig.verify, DEMO_APP, DEMO_KEY, "alice", _reencode({**doc, "TLS.ver": "1.0"}),
                 now=1_000_050) == 70003
    assert _code(usersig.decode, _reencode([1, 2])) == 70003  # type: ignore[arg-type]


def test_errors_never_show_the_sig_or_key():
    sig = usersig.generate(DEMO_APP, DEMO_KEY, "alice", 100, now=1_000_000)
    with pytest.raises(UserSigError) as info:
        usersig.verify(DEMO_APP, "wrong-key-123", "alice", sig, now=1_000_050)
    for text in (str(info.value), repr(info.value)):
        assert sig not in text and DEMO_KEY not in text and "wrong-key-123" not in text


def test_generate_rejects_bad_input():
    with pytest.raises(ValueError):
        usersig.generate(DEMO_APP, DEMO_KEY, "", 100)
    with pytest.raises(ValueError):
        usersig.generate(DEMO_APP, DEMO_KEY, "alice", 0)


def test_sig_cache_reuses_renews_and_is_thread_safe(monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(usersig.time, "time", lambda: clock[0])
    cache = SigCache(DEMO_APP, DEMO_KEY, "administrator", expire=86400)
    first = cache.get()
    clock[0] += 3600
    assert cache.get() == first  # plenty of life left: reused
    clock[0] = 1_000_000 + 86400 - 43200 + 1  # inside the renewal margin (half a day for a 1-day sig)
    second = cache.get()
    assert second != first
    info = usersig.verify(DEMO_APP, DEMO_KEY, "administrator", second, now=clock[0])
    assert info.time == int(clock[0]) and info.expire == 86400
    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get())) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(results) == {second}
    cache.invalidate()
    clock[0] += 1
    assert cache.get() != second
    assert DEMO_KEY not in repr(cache) and second not in repr(cache)


def test_hmac_is_standard_hmac_sha256():
    msg = b"TLS.identifier:a\nTLS.sdkappid:1\nTLS.time:2\nTLS.expire:3\n"
    expected = base64.b64encode(hmac.new(b"k", msg, hashlib.sha256).digest()).decode()
    assert usersig.hmac_sig("k", "a", 1, 2, 3) == expected


@settings(max_examples=60, deadline=None)
@given(identifier=st.text(min_size=1, max_size=32).filter(lambda s: s.strip() == s and "\n" not in s),
       app=st.integers(1, 2 ** 32 - 1), expire=st.integers(1, 50 * 365 * 86400),
       when=st.integers(0, 2 ** 31), userbuf=st.one_of(st.none(), st.binary(max_size=64)))
def test_round_trip_and_agreement_with_the_official_hmac(identifier, app, expire, when, userbuf):
    sig = usersig.generate(app, DEMO_KEY, identifier, expire, userbuf, now=when)
    info = usersig.verify(app, DEMO_KEY, identifier, sig, now=when + expire)
    assert (info.identifier, info.app_id, info.time, info.expire, info.userbuf) == \
        (identifier, app, when, expire, userbuf)
    # the official package's private HMAC helper computes the same TLS.sig
    official = TLSSigAPIv2.TLSSigAPIv2(app, DEMO_KEY)._TLSSigAPIv2__hmacsha256(
        identifier, when, expire, base64.b64encode(userbuf).decode() if userbuf is not None else None)
    assert _raw_decode(sig)["TLS.sig"] == official.decode()

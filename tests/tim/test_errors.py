"""The TimError family, error_for(), scrubbing and redaction."""
from __future__ import annotations

import pickle

import pytest

from console.tim import (AuthError, InvalidArgumentError, NotFoundError, RateLimitedError, TimError,
                         TransportError, error_for, redact)
from console.tim.errors import scrub


@pytest.mark.parametrize("code,cls", [
    (60007, RateLimitedError), (60011, RateLimitedError), (60018, RateLimitedError), (60019, RateLimitedError),
    (70001, AuthError), (70003, AuthError), (70009, AuthError), (70013, AuthError), (70014, AuthError),
    (70016, AuthError), (70020, AuthError), (70107, NotFoundError), (-1, TransportError), (0, InvalidArgumentError),
    (70021, TimError), (70000, TimError), (60008, TimError), (90001, TimError), (10016, TimError),
])
def test_error_for_picks_the_class(code, cls):
    err = error_for(code, "text", "svc/cmd", {"ErrorCode": code})
    assert type(err) is cls and isinstance(err, TimError)
    assert (err.code, err.info, err.endpoint, err.response) == (code, "text", "svc/cmd", {"ErrorCode": code})


def test_str_repr_and_pickle():
    err = NotFoundError(70107, "UserID not imported", "openim/sendmsg", {"ErrorCode": 70107})
    assert str(err) == "openim/sendmsg: [70107] UserID not imported"
    assert repr(err) == "NotFoundError(code=70107, info='UserID not imported', endpoint='openim/sendmsg')"
    for e in (err, InvalidArgumentError("To_Account: at most 500 accounts", "openim/batchsendmsg"),
              TransportError("read timeout", "a/b", http_status=None, sent=False)):
        back = pickle.loads(pickle.dumps(e))
        assert type(back) is type(e) and (back.code, back.info, back.endpoint) == (e.code, e.info, e.endpoint)
    assert pickle.loads(pickle.dumps(TransportError("x", sent=False))).sent is False
    assert InvalidArgumentError("bad").code == 0 and TransportError("down").code == -1


def test_usersig_never_survives_in_messages():
    sig = "eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSm*-_"
    err = TimError(70003, f"url /v4/a/b?sdkappid=1&usersig={sig}&random=2 failed", "a/b")
    assert sig not in str(err) and sig not in repr(err) and "usersig=***&random=2" in err.info
    assert scrub("key=the-app-secret-value here", "the-app-secret-value") == "key=*** here"
    assert scrub("short", "ab") == "short"  # too-short "secrets" are not blanked letter by letter


def test_redact_blanks_secret_keys_at_any_depth():
    data = {"UserSig": "s", "usersig": "s", "Secret": "s", "callback_token": "t", "password": "p",
            "api-key": "k", "From_Account": "alice",
            "GroupAttr": [{"key": "color", "value": "red"}],
            "nested": [{"deep": {"Token": "t", "Text": "hi"}}, ("UserSig",)]}
    out = redact(data)
    assert out == {"UserSig": "***", "usersig": "***", "Secret": "***", "callback_token": "***",
                   "password": "***", "api-key": "***", "From_Account": "alice",
                   "GroupAttr": [{"key": "color", "value": "red"}],
                   "nested": [{"deep": {"Token": "***", "Text": "hi"}}, ["UserSig"]]}
    assert data["UserSig"] == "s"  # a copy

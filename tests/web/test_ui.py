"""console.ui: the one time filter, the CSV writer, navigation by role."""
from __future__ import annotations

import datetime as dt

from console.i18n import TZ_COOKIE
from console.ui.downloads import csv_stream
from console.ui.filters import localtime
from console.ui.nav import nav_items

NOON_UTC = dt.datetime(2024, 5, 1, 4, 30, tzinfo=dt.timezone.utc)


def test_localtime_shows_datetimes_seconds_and_milliseconds_in_the_operators_zone(app):
    seconds = int(NOON_UTC.timestamp())
    with app.test_request_context(headers={"Cookie": f"{TZ_COOKIE}=Asia/Shanghai"}):
        assert localtime(NOON_UTC) == "2024-05-01 12:30:00"
        assert localtime(NOON_UTC.replace(tzinfo=None)) == "2024-05-01 12:30:00"  # naive means UTC
        assert localtime(seconds) == localtime(str(seconds)) == "2024-05-01 12:30:00"
        assert localtime(seconds * 1000, "HH:mm", unit="ms") == "12:30"
        assert localtime(seconds, "iso") == "2024-05-01T04:30:00+00:00"
        assert localtime(None) == localtime(0) == localtime("") == ""
        assert localtime("soon") == "soon" and localtime(10**30) == str(10**30)


def test_csv_stream_guards_formulas_and_streams_in_chunks():
    rows = [["=HYPERLINK()", 1, None, "ok"]] + [["x" * 100, 2, "y", "-5"]] * 400
    chunks = list(csv_stream(["a", "b", "c", "d"], rows))
    text = "".join(chunks)
    assert len(chunks) > 1 and text.startswith("a,b,c,d\r\n'=HYPERLINK(),1,,ok\r\n")
    assert "'-5" in text


def test_navigation_follows_the_role(app, operators, signed_in):
    viewer_nav = signed_in("viewer").get("/").get_data(as_text=True)
    admin_nav = signed_in("admin").get("/").get_data(as_text=True)
    assert 'href="/operators"' in admin_nav and 'href="/operators"' not in viewer_nav
    with app.test_request_context():
        assert nav_items(None) == []

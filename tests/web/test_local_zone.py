"""Datetime inputs are read in the operator's zone at today's offset, not the zone's LMT."""
import datetime as dt

import pytest

from console import forms
from console.i18n import TZ_COOKIE, local_zone


def test_local_zone_uses_todays_offset(app):
    with app.test_request_context(headers={"Cookie": f"{TZ_COOKIE}=Asia/Shanghai"}):
        zone = local_zone()
        assert dt.datetime(2024, 5, 1, 12, 30, tzinfo=zone).utcoffset() == dt.timedelta(hours=8)


def test_unknown_zone_falls_back_to_utc(app):
    with app.test_request_context(headers={"Cookie": f"{TZ_COOKIE}=Mars/Olympus"}):
        assert local_zone().utcoffset(dt.datetime(2024, 5, 1)) == dt.timedelta(0)


def test_form_time_read_in_operator_zone(app):
    with app.test_request_context(headers={"Cookie": f"{TZ_COOKIE}=Asia/Shanghai"}):
        expected = int(dt.datetime(2024, 5, 1, 4, 30, tzinfo=dt.timezone.utc).timestamp())
        assert forms.local_time("2024-05-01T12:30", "when", "When") == expected
        assert forms.local_time("2024-05-01T12:30:00+00:00", "when", "When") == expected + 8 * 3600
        assert forms.local_time(str(expected), "when", "When") == expected
        assert forms.local_time("", "when", "When") is None


@pytest.mark.parametrize("value", ["yesterday", "2024-13-01T00:00", "9" * 30, "-5"])
def test_form_time_refuses_what_is_not_a_time(app, value):
    with app.test_request_context():
        with pytest.raises(forms.FormError) as caught:
            forms.local_time(value, "when", "When")
    assert list(caught.value.problems) == ["when"] and "When" in caught.value.messages[0]

"""Audit list: filters, text search, keyset pages, streamed CSV / JSON Lines export."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest

from console import db
from console.audit import AuditContext, write_entry
from console.models import AuditEntry


@pytest.fixture
def entries(app, operators):
    """120 entries: alternating operators, every 10th failed, each naming one target."""
    for i in range(120):
        ctx = AuditContext(source="web", operator_name="alice" if i % 2 else "bob", operator_id=i % 2 + 1)
        write_entry(app, ctx, action="account.import_account" if i % 3 else "group.create_group",
                    endpoint="x/y", targets=[f"t{i}"], outcome="failed" if i % 10 == 0 else "ok",
                    error_code=70107 if i % 10 == 0 else None, error_text="needle" if i == 42 else None)
    return 120


def _ids(html: str) -> list[int]:
    return [int(m) for m in re.findall(r'href="/audit/(\d+)"', html)]


def test_keyset_pages_cover_everything_once(entries, signed_in):
    viewer = signed_in("viewer")
    seen, url = [], "/audit?size=50"
    while url:
        html = viewer.get(url).get_data(as_text=True)
        seen += _ids(html)
        more = re.search(r'href="(/audit\?[^"]*before=\d+[^"]*)"', html)
        url = more.group(1).replace("&amp;", "&") if more else None
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen)) == entries


def test_filters(entries, signed_in):
    viewer = signed_in("viewer")
    assert len(_ids(viewer.get("/audit?outcome=failed&size=500").get_data(as_text=True))) == 12
    assert len(_ids(viewer.get("/audit?operator=alice&size=500").get_data(as_text=True))) == 60
    assert len(_ids(viewer.get("/audit?action=group&size=500").get_data(as_text=True))) == 40
    assert len(_ids(viewer.get("/audit?target=t7").get_data(as_text=True))) == 1
    assert len(_ids(viewer.get("/audit?q=needle").get_data(as_text=True))) == 1
    assert _ids(viewer.get("/audit?q=100%25").get_data(as_text=True)) == []  # LIKE wildcards are literal
    future = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert _ids(viewer.get(f"/audit?since={future}").get_data(as_text=True)) == []
    assert len(_ids(viewer.get(f"/audit?until={future}&size=500").get_data(as_text=True))) == 120


def test_htmx_filter_returns_only_the_results(entries, signed_in):
    resp = signed_in("viewer").get("/audit?outcome=failed", headers={"HX-Request": "true",
                                                                     "HX-Target": "audit-results"})
    html = resp.get_data(as_text=True)
    assert "<html" not in html and len(_ids(html)) == 12


def test_csv_export_of_the_filtered_set(app, entries, signed_in, audit_rows):
    resp = signed_in("viewer").get("/audit/export.csv?outcome=failed")
    assert resp.mimetype == "text/csv" and "attachment" in resp.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert len(rows) == 12 and {r["outcome"] for r in rows} == {"failed"}
    assert json.loads(rows[0]["targets"])[0].startswith("t")
    assert audit_rows()[-1].action == "audit.export"  # exporting is itself audited


def test_jsonl_export_streams_every_row(entries, signed_in):
    resp = signed_in("viewer").get("/audit/export.jsonl", buffered=False)
    assert resp.is_streamed
    lines = [json.loads(line) for line in resp.get_data(as_text=True).splitlines()]
    # the export's own row is written before the stream starts, so it is the newest line
    assert len(lines) == entries + 1 and lines[0]["action"] == "audit.export"
    assert [line["id"] for line in lines] == sorted((line["id"] for line in lines), reverse=True)


def test_csv_cells_cannot_start_a_formula(app, operators, signed_in):
    write_entry(app, AuditContext(source="web", operator_name="=cmd()"), action="x.y", endpoint=None,
                targets=[], outcome="ok")
    rows = list(csv.DictReader(io.StringIO(signed_in("viewer").get("/audit/export.csv").get_data(as_text=True))))
    assert rows[-1]["operator_name"] == "'=cmd()"


def test_detail_pretty_prints(app, operators, signed_in):
    entry_id = write_entry(app, AuditContext(source="web"), action="a.b", endpoint="s/c", targets=["u"],
                           outcome="partial", request_body={"To_Account": ["u", "v"]},
                           response={"ErrorList": [{"To_Account": "v", "ErrorCode": 70107}]},
                           items=[{"target": "v", "ok": False, "code": 70107, "info": None}])
    html = signed_in("viewer").get(f"/audit/{entry_id}").get_data(as_text=True)
    assert "&#34;To_Account&#34;: [" in html and "70107" in html
    with db.new_session(app) as sess:
        assert sess.get(AuditEntry, entry_id).outcome == "partial"


def test_time_filters_use_the_operator_zone(app, entries, signed_in):
    from zoneinfo import ZoneInfo

    viewer = signed_in("viewer")
    viewer.post("/me/preferences", {"timezone": "Asia/Shanghai", "lang": "en"})
    shanghai = dt.datetime.now(ZoneInfo("Asia/Shanghai"))
    before = (shanghai - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    after = (shanghai + dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    # read as UTC, "5 minutes ago in Shanghai" would be 8 hours ahead and match nothing
    html = viewer.get(f"/audit?since={before}&size=500").get_data(as_text=True)
    assert len(_ids(html)) == 120
    assert f'value="{before}"' in html  # the form shows the time as typed, not converted
    assert _ids(viewer.get(f"/audit?since={after}").get_data(as_text=True)) == []

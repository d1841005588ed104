"""Audit log, actions first: reads are flagged when written (and by the migration for older rows),
the list shows actions unless `?kind=reads|all`, and an empty list says what was looked for."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import select, text

from console import db
from console.audit import AuditContext, AuditedClient, write_entry
from console.audit.kinds import is_read, kind_of
from console.db import alembic_config
from console.models import AuditEntry

REVISION = "0011_audit_read_only"


def _ids(html: str) -> list[int]:
    return [int(m) for m in re.findall(r'href="/audit/(\d+)"', html)]


def _write(app, action: str, **kw) -> int:
    return write_entry(app, AuditContext(source="web", operator_name="alice"), action=action,
                       endpoint=kw.pop("endpoint", "x/y"), targets=kw.pop("targets", ["u1"]),
                       outcome=kw.pop("outcome", "ok"), **kw)


@pytest.fixture
def mixed(app, operators):
    """Two actions, three reads, one console action: ids by name."""
    return {name: _write(app, action) for name, action in (
        ("import", "account.import_account"), ("check", "account.check_accounts"),
        ("profiles", "profile.get_profiles"), ("kick", "account.kick_account"),
        ("members", "group.fetch_members"), ("create", "operator.create"))}


def test_the_rule():
    assert [is_read(a) for a in ("account.check_accounts", "group.get_groups", "sns.fetch_friends",
                                 "conversation.search_conversation_marks", "c2c.get_unread_message_num")] == [True] * 5
    assert [is_read(a) for a in ("account.import_account", "group.delete_members", "operator.create",
                                 "audit.export", "settings.callback_token.reveal", "account.usersig",
                                 "call.v4/x/get_y", "", "getter")] == [False] * 9
    assert kind_of("reads") == "reads" and kind_of("all") == "all"
    assert kind_of(None) == kind_of("") == kind_of("<script>") == "writes"


def test_the_writer_flags_reads_of_the_audited_client(app, audit_rows):
    tim = AuditedClient(app.extensions["tim_client"], AuditContext(source="cli", operator_name="cli:test"))
    tim.account.import_account("k1")
    tim.account.check_accounts(["k1"])
    rows = audit_rows()
    assert [(r.action, r.read_only) for r in rows] == [("account.import_account", False),
                                                       ("account.check_accounts", True)]


def test_the_list_shows_actions_by_default(mixed, signed_in):
    viewer = signed_in("viewer")
    html = viewer.get("/audit").get_data(as_text=True)
    assert sorted(_ids(html)) == sorted([mixed["import"], mixed["kick"], mixed["create"]])
    assert re.search(r'<input type="radio" name="kind" value="writes"\s+checked', html)

    reads = viewer.get("/audit?kind=reads").get_data(as_text=True)
    assert sorted(_ids(reads)) == sorted([mixed["check"], mixed["profiles"], mixed["members"]])
    assert re.search(r'value="reads"\s+checked', reads)
    assert sorted(_ids(viewer.get("/audit?kind=all").get_data(as_text=True))) == sorted(mixed.values())
    # an unknown kind is the default, never an error
    assert sorted(_ids(viewer.get("/audit?kind=bogus").get_data(as_text=True))) == \
        sorted([mixed["import"], mixed["kick"], mixed["create"]])


def test_the_kind_is_kept_in_shareable_links(app, operators, signed_in):
    for n in range(7):
        _write(app, "group.get_groups", targets=[f"g{n}"])
    viewer = signed_in("viewer")
    html = viewer.get("/audit?kind=reads&size=5").get_data(as_text=True)
    more = re.search(r'href="(/audit\?[^"]*before=\d+[^"]*)"', html).group(1).replace("&amp;", "&")
    assert "kind=reads" in more
    assert len(_ids(viewer.get(more).get_data(as_text=True))) == 2
    assert "/audit/export.csv?kind=reads" in html
    csv_text = viewer.get("/audit/export.csv?kind=reads").get_data(as_text=True)
    assert csv_text.count("group.get_groups") == 7
    # the default kind stays out of the URL
    assert "kind=" not in re.search(r'href="(/audit/export\.csv[^"]*)"',
                                    viewer.get("/audit").get_data(as_text=True)).group(1)


def test_htmx_filter_keeps_the_kind(mixed, signed_in):
    resp = signed_in("viewer").get("/audit?kind=reads&q=profile",
                                   headers={"HX-Request": "true", "HX-Target": "audit-results"})
    html = resp.get_data(as_text=True)
    assert "<html" not in html and _ids(html) == [mixed["profiles"]]
    # the address bar shows the filter's own URL, without the form's empty fields: the one to share
    form = signed_in("viewer").get("/audit?q=&operator=&action=&target=&outcome=&since=&until=&kind=reads",
                                   headers={"HX-Request": "true", "HX-Target": "audit-results"})
    assert form.headers["HX-Push-Url"] == "/audit?kind=reads"


def test_empty_states_say_what_the_filter_was(mixed, signed_in):
    viewer = signed_in("viewer")
    html = viewer.get("/audit?operator=nobody&outcome=failed").get_data(as_text=True)
    assert _ids(html) == []
    assert "No action matches operator “nobody”, outcome “failed”." in html
    assert "Reads (lookups that change nothing) are hidden." in html
    assert 'href="/audit?operator=nobody&amp;outcome=failed&amp;kind=all"' in html  # include reads
    assert '>Clear the filters<' in html

    reads = viewer.get("/audit?kind=reads&target=u9").get_data(as_text=True)
    assert "No read matches target “u9”." in reads and "are hidden" not in reads

    everything = viewer.get("/audit?kind=all&q=zzz").get_data(as_text=True)
    assert "No call or action matches search “zzz”." in everything
    assert "Show reads and actions" not in everything


def test_empty_log_without_filters(app, operators, signed_in):
    viewer = signed_in("viewer")
    _write(app, "group.get_groups")
    html = viewer.get("/audit").get_data(as_text=True)
    assert "No action recorded yet." in html and "Show reads and actions" in html
    assert "Clear the filters" not in html


def test_the_history_panel_and_dashboard_show_actions(mixed, signed_in):
    viewer = signed_in("viewer")
    panel = viewer.get("/audit/history?target=u1").get_data(as_text=True)
    assert sorted(_ids(panel)) == sorted([mixed["import"], mixed["kick"], mixed["create"]])
    dashboard = viewer.get("/").get_data(as_text=True)
    assert mixed["members"] not in _ids(dashboard) and mixed["kick"] in _ids(dashboard)
    assert 'href="/audit?outcome=failed&amp;kind=all"' in dashboard


def test_the_job_link_shows_every_call(app, operators, signed_in):
    from console import jobs

    with app.test_request_context():
        job = jobs.start("directory.check", {}, operator=None, items=["alice"])
    html = signed_in("viewer").get(f"/jobs/{job.id}").get_data(as_text=True)
    assert f'/audit?job={job.id}&amp;kind=all' in html


def test_the_migration_backfills_from_action_names(app):
    """Down to the revision before ours (whatever others chained first), rows written the old
    way, up again: the reads are flagged, the rest are not."""
    cfg = alembic_config(app)
    parent = ScriptDirectory.from_config(cfg).get_revision(REVISION).down_revision
    command.downgrade(cfg, parent)
    engine = app.extensions["db_engine"]
    now = dt.datetime.now(dt.timezone.utc)
    actions = ["account.import_account", "account.check_accounts", "group.get_groups",
               "operator.create", "sns.fetch_friends", "call.v4/x/y"]
    with engine.begin() as conn:
        for action in actions:
            conn.execute(text("INSERT INTO audit_entry (occurred_at, source, action, targets, outcome)"
                              " VALUES (:at, 'web', :action, '[]', 'ok')"), {"at": now, "action": action})
    command.upgrade(cfg, REVISION)
    with engine.connect() as conn:
        flags = dict(conn.execute(text("SELECT action, read_only FROM audit_entry")).all())
    assert {a: bool(v) for a, v in flags.items()} == {
        "account.import_account": False, "account.check_accounts": True, "group.get_groups": True,
        "operator.create": False, "sns.fetch_friends": True, "call.v4/x/y": False}
    command.upgrade(cfg, "head")
    with db.new_session(app) as sess:
        assert sess.scalar(select(AuditEntry).where(AuditEntry.action == "group.get_groups")).read_only

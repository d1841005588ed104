"""Directory search by index (migration 0010_directory_indexes): every search kind returns the
right rows, on SQLite (FTS5 trigram) and on PostgreSQL (pg_trgm) alike (TEST_DATABASE_URL), and
the index follows the accounts table on insert, update and delete."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, text, update
from test_accounts_support import add_to_directory

from console import db
from console.accounts import domain as accounts
from console.models import Account

HX = {"HX-Request": "true", "HX-Target": "account-results"}

ROWS = [
    {"user_id": "alice", "nickname": "Alice Wonder"},
    {"user_id": "alice2", "nickname": "Bob"},
    {"user_id": "al", "nickname": None},
    {"user_id": "bob", "nickname": "Robert ALICE"},
    {"user_id": "carol", "nickname": "Ça va Élodie"},
    {"user_id": "dave", "nickname": "张伟 Zhang"},
    {"user_id": "erin", "nickname": "王小明"},
    {"user_id": "frank", "nickname": "Frank 100%_real"},
    {"user_id": "grace", "nickname": 'Grace "Q" Hopper'},
    {"user_id": "ΣOFIA", "nickname": "Σοφία"},
]


def _search(app, q: str, **filters) -> list[str]:
    with db.new_session(app) as sess:
        rows, _cursor = accounts.list_page(sess, accounts.ListQuery(q=q, size=200, **filters))
        return [a.user_id for a in rows]


@pytest.fixture
def seeded(app):
    add_to_directory(app, ROWS)
    return app


@pytest.mark.parametrize("q, expected", [
    # ID prefix and exact ID (case-sensitive), with nickname matches beside them
    ("alice", ["alice", "alice2", "bob"]),
    ("alice2", ["alice2"]),
    ("al", ["al", "alice", "alice2", "bob", "frank"]),  # short: ID prefix + nickname part "al"
    ("dave", ["dave"]),
    # nickname parts of 3+ characters, in any case, anywhere in the nickname
    ("wonder", ["alice"]),
    ("ONDE", ["alice"]),
    ("ert al", ["bob"]),
    ("100%_", ["frank"]),                          # LIKE wildcards are literal
    ("0%r", []),
    ('"q"', ["grace"]),                            # FTS query syntax is literal
    ("élodie", ["carol"]),                         # Unicode case folding
    ("ÉLODIE", ["carol"]),
    ("σοφία", ["ΣOFIA"]),
    ("王小明", ["erin"]),
    # nickname parts shorter than a trigram: the same "contains" test, without the index
    ("张伟", ["dave"]),
    ("小", ["erin"]),
    ("ob", ["alice2", "bob"]),
    ("Ça", ["carol"]),
    ("%", ["frank"]),
    ("_", ["frank"]),
    ("zz", []),
    ("nobody here", []),
])
def test_every_search_kind(seeded, q, expected):
    assert sorted(_search(seeded, q)) == sorted(expected)


def test_search_combines_with_filters_sorts_and_pages(seeded):
    add_to_directory(seeded, [{"user_id": f"m{i:03d}", "nickname": f"Member {i}"} for i in range(120)], source="crawl")
    assert _search(seeded, "member 11") == ["m011", *[f"m{i}" for i in range(110, 120)]]
    assert _search(seeded, "alice", source="crawl") == []
    with db.new_session(seeded) as sess:
        seen, after = [], ""
        for _ in range(10):
            query = accounts.ListQuery(q="mber", sort="-last_seen", size=25, after=after)
            rows, after = accounts.list_page(sess, query)
            seen += [a.user_id for a in rows]
            if not after:
                break
    assert sorted(seen) == [f"m{i:03d}" for i in range(120)] and len(seen) == len(set(seen))


def test_search_page_through_the_console(seeded, signed_in):
    viewer = signed_in("viewer")
    html = viewer.get("/accounts?q=wOnDeR", headers=HX).get_data(as_text=True)
    assert 'value="alice"' in html and 'value="bob"' not in html
    html = viewer.get("/accounts?q=%E7%8E%8B", headers=HX).get_data(as_text=True)  # 王
    assert 'value="erin"' in html and 'value="dave"' not in html


def _fts_consistent(app) -> None:
    """On SQLite, FTS5's own check that the trigram index matches the accounts table."""
    engine = app.extensions["db_engine"]
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO account_nick_fts(account_nick_fts) VALUES ('integrity-check')"))


def test_index_follows_insert_update_and_delete(seeded):
    _fts_consistent(seeded)
    assert _search(seeded, "wonder") == ["alice"]
    # update through the directory (upsert) and directly; a None nickname keeps the stored one
    add_to_directory(seeded, [{"user_id": "alice", "nickname": "Queen of Hearts"}, {"user_id": "bob"}])
    assert _search(seeded, "wonder") == [] and _search(seeded, "hearts") == ["alice"]
    assert _search(seeded, "robert") == ["bob"]
    with db.new_session(seeded) as sess:
        sess.execute(update(Account).where(Account.user_id == "al").values(nickname="Almighty Lark"))
        sess.execute(update(Account).where(Account.user_id == "bob").values(nickname=None))
        sess.execute(update(Account).where(Account.user_id == "erin").values(last_seen=Account.first_seen))
    _fts_consistent(seeded)
    assert _search(seeded, "lark") == ["al"] and _search(seeded, "robert") == []
    assert _search(seeded, "王小明") == ["erin"]
    with db.new_session(seeded) as sess:
        sess.execute(delete(Account).where(Account.user_id.in_(["alice", "erin", "al"])))
    _fts_consistent(seeded)
    assert _search(seeded, "hearts") == [] and _search(seeded, "王小明") == [] and _search(seeded, "lark") == []
    add_to_directory(seeded, [{"user_id": "alice", "nickname": "Alice Again"}])
    _fts_consistent(seeded)
    assert _search(seeded, "again") == ["alice"] and _search(seeded, "wonder") == []


def test_a_search_is_the_same_whether_the_probe_finds_the_page_or_not(seeded, monkeypatch):
    """The first rows of the list order are looked through before the indexes (PROBE_ROWS):
    whichever answers, the page is the same."""
    add_to_directory(seeded, [{"user_id": f"p{i:03d}", "nickname": f"Probe {i}"} for i in range(40)])
    expected = [f"p{i:03d}" for i in range(40)]
    for probe_rows in (3, 30, 10_000):
        monkeypatch.setattr(accounts, "PROBE_ROWS", probe_rows)
        for size in (25, 50):
            with db.new_session(seeded) as sess:
                seen, after = [], ""
                while True:
                    rows, after = accounts.list_page(sess, accounts.ListQuery(q="probe", size=size, after=after))
                    seen += [a.user_id for a in rows]
                    if not after:
                        break
            assert seen == expected, (probe_rows, size)

"""Fixtures for the console: an app per test against the sandbox, on SQLite or PostgreSQL.

- SQLite (default): the Alembic migrations run once per session into a template database file;
  each test gets its own copy of that file (a copy costs a millisecond, a migration a tenth of a
  second, and the suite builds hundreds of apps).
- PostgreSQL when TEST_DATABASE_URL is set: a unique schema per test, dropped afterwards.
  PostgreSQL cannot copy a schema (only whole databases, by template, which needs exclusive use of
  the template on a server other engineers share), so the migrations run once per session into a
  scratch schema while the statements they send are recorded; each test's schema replays them
  (no Alembic, no reflection: a third of the time, on a suite that builds hundreds of apps).
- TEST_REDIS_URL, when set, backs the login limiter.
Tables come from the Alembic migrations (so the PostgreSQL append-only trigger is exercised).
"""
from __future__ import annotations

import functools
import os
import shutil
import sqlite3
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from web_client import PASSWORD, Browser  # noqa: F401  (tests import them from web_client)


def _root_constants():
    """SANDBOX_* from tests/conftest.py, loaded by path (tests/ is not a package)."""
    import importlib.util
    import pathlib

    spec = importlib.util.spec_from_file_location("_tests_root_conftest",
                                                  pathlib.Path(__file__).parents[1] / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SANDBOX_APP_ID, module.SANDBOX_SECRET, module.SANDBOX_ADMIN


SANDBOX_APP_ID, SANDBOX_SECRET, SANDBOX_ADMIN = _root_constants()

ROLES = ("viewer", "operator", "admin")
CALLBACK_TOKEN = "web-test-callback-token-5d1e"
SECRET_KEY = "web-test-secret-key-0c9a7b"


def _pg_url(base: str) -> str:
    if base.startswith("postgresql://") or base.startswith("postgres://"):
        base = "postgresql+psycopg://" + base.split("://", 1)[1]
    return base


#: database URLs already migrated to head (the copies of the session's template)
MIGRATED: set[str] = set()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> str:
    """The path of an SQLite database migrated to head, once per session: copy it, never open it."""
    from console.db import upgrade

    path = str(tmp_path_factory.mktemp("template") / "console.db")
    upgrade(database_url=f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:  # one self-contained file: no WAL beside it to copy
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    return path


#: statements that only read (Alembic's version check, reflection): not replayed
_READS = ("SELECT", "SHOW")


@pytest.fixture(scope="session")
def migration_statements() -> list:
    """PostgreSQL: (statement, parameters, executemany) as the migrations sent them to the driver,
    recorded while migrating a scratch schema to head once per session. The statements name no
    schema (the search_path does), so they replay into any other."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from console.db import upgrade

    base = _pg_url(os.environ["TEST_DATABASE_URL"])
    schema = "tpl_" + uuid.uuid4().hex[:12]
    recorded = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(_READS):
            recorded.append((statement, parameters, executemany))

    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    event.listen(Engine, "before_cursor_execute", record)
    try:
        upgrade(database_url=_in_schema(base, schema))
    finally:
        event.remove(Engine, "before_cursor_execute", record)
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    return recorded


def _in_schema(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


def _replay(url: str, statements: list) -> None:
    """Run the recorded migration statements into the database at `url`, in one transaction."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement, parameters, many in statements:
                (cursor.executemany if many else cursor.execute)(statement, parameters)
            raw.commit()
        finally:
            raw.close()
    finally:
        engine.dispose()


@pytest.fixture
def database_url(tmp_path, request):
    """A database URL for one test (and the cleanup of what it creates)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        path = tmp_path / "console.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        url = f"sqlite:///{path}"
        MIGRATED.add(url)
        yield url
        MIGRATED.discard(url)
        return
    base = _pg_url(base)
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = _in_schema(base, schema)
    _replay(url, request.getfixturevalue("migration_statements"))
    MIGRATED.add(url)
    yield url
    MIGRATED.discard(url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def app_config(sandbox, database_url, tmp_path):
    cfg = {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "TESTING": True,
        "TIM_APP_ID": str(SANDBOX_APP_ID),
        "TIM_SECRET": SANDBOX_SECRET,
        "TIM_ADMIN": SANDBOX_ADMIN,
        "TIM_BASE_URL": sandbox.base_url,
        "TIM_CALLBACK_TOKEN": CALLBACK_TOKEN,
        "TIM_TIMEOUT": "5",
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "REDIS_URL": "",
    }
    if os.environ.get("TEST_REDIS_URL"):
        cfg["RATELIMIT_STORAGE_URI"] = os.environ["TEST_REDIS_URL"]
        cfg["RATELIMIT_KEY_PREFIX"] = "test-" + uuid.uuid4().hex[:8]
    return cfg


@pytest.fixture
def make_app(app_config):
    """Build an app (migrated database) with optional config overrides."""
    from console.app import create_app
    from console.db import upgrade

    apps = []

    def build(**overrides):
        app = create_app({**app_config, **overrides})
        if app.config["DATABASE_URL"] not in MIGRATED:
            upgrade(app)
            MIGRATED.add(app.config["DATABASE_URL"])
        apps.append(app)
        return app

    yield build
    for app in apps:
        client = app.extensions.get("tim_client")
        if client is not None:
            client.close()
        app.extensions["db_engine"].dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@functools.cache
def password_hash() -> str:
    """PASSWORD as a scrypt hash with a low work factor, made once per session. Sign-in checks it
    for real (werkzeug reads the parameters from the hash); at the console's own cost (N=2**15,
    console.security.hash_password) every sign-in of the suite would spend a tenth of a second."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD, method="scrypt:1024:8:1")


def add_operators(app, roles=ROLES) -> None:
    from console import db
    from console.models import Operator

    hashed = password_hash()
    with db.new_session(app) as sess:
        for role in roles:
            sess.add(Operator(name=role, role=role, password_hash=hashed))


@pytest.fixture
def operators(app):
    """One operator per role, named after it, all with PASSWORD."""
    add_operators(app)
    return ROLES


@pytest.fixture
def browser_for():
    """browser_for(app, roles=()) -> a signed-out Browser on `app` (creating those operators first)."""
    def make(app, roles=()):
        if roles:
            add_operators(app, roles)
        return Browser(app.test_client())
    return make


@pytest.fixture
def browser(app):
    return Browser(app.test_client())


@pytest.fixture
def signed_in(app, operators):
    """signed_in(role) -> a Browser signed in as that role."""
    def make(role: str) -> Browser:
        b = Browser(app.test_client())
        resp = b.login(role)
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
        return b
    return make


@pytest.fixture
def audit_rows(app):
    """audit_rows() -> every AuditEntry of the app's database, oldest first."""
    from sqlalchemy import select

    from console import db
    from console.models import AuditEntry

    def read():
        with db.new_session(app) as sess:
            return list(sess.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    return read


@pytest.fixture
def no_rate_limits(app, sandbox):
    """Rate limits off, in the app's IM client and in the sandbox, for a test that would otherwise
    sleep past them (e.g. get_appid_group_list: 1 call/s)."""
    from console.sandbox.registry import REGISTRY

    client = app.extensions["tim_client"]
    saved_limiter, saved_overrides = client.limiter, dict(sandbox.limiter.overrides)
    client.limiter = None
    sandbox.limiter.configure({name: None for name in REGISTRY})
    yield
    client.limiter = saved_limiter
    sandbox.limiter.overrides = saved_overrides


@pytest.fixture
def sandbox_secret():
    return SANDBOX_SECRET

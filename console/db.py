"""Engine, sessions and the declarative Base.

- `session` is a scoped_session bound to the current app's engine by `init_app`; request code uses
  it directly and it is removed at app-context teardown.
- `upgrade(app)` migrates a database to the newest revision (Alembic); `db_cli` is the
  `flask db` command group.
- `new_session()` opens an independent session for work outside a request (CLI, jobs, threads, the
  audit writer, which must commit even when the request's own transaction rolls back).
"""
from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

import click
from flask import current_app, has_app_context
from flask.cli import AppGroup
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


_factory = sessionmaker(expire_on_commit=False)
_default_engine: list[Engine] = []  # the most recently configured app's engine (CLI, threads)


def _make_session(app=None) -> Session:
    """A session bound to `app`'s engine, else the current app's, else the last configured one."""
    return _factory(bind=app.extensions["db_engine"] if app is not None else get_engine())


session = scoped_session(_make_session)

# Sessions of this thread that flushed writes on SQLite and have not ended their transaction:
# each holds the database's only write lock until then.
_sqlite_writers = threading.local()


def _writers() -> set:
    if not hasattr(_sqlite_writers, "ids"):
        _sqlite_writers.ids = set()
    return _sqlite_writers.ids


@event.listens_for(_factory, "after_flush")
def _mark_written(sess, _ctx):
    if sess.get_bind().dialect.name == "sqlite":
        _writers().add(id(sess))


@event.listens_for(_factory, "after_transaction_end")
def _clear_written(sess, transaction):
    if transaction.parent is None:
        _writers().discard(id(sess))


def thread_holds_sqlite_write_lock() -> bool:
    """True when a session of this thread has uncommitted writes on SQLite. Another connection (the
    audit writer) would then wait for that lock until it times out."""
    return bool(_writers())


# A request thread may hold two connections at once: its session's and the audit writer's.
POOL = {"pool_size": 16, "max_overflow": 24}


def gevent_patched() -> bool:
    """True in a gevent worker (gunicorn -k gevent monkey-patches before loading the app): then
    waits yield to the event loop, and a blocked SQLite call blocks the whole worker."""
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and monkey.is_module_patched("threading")


T = TypeVar("T")


def run_native(fn: Callable[[], T]) -> T:
    """`fn()` in a native thread when gevent patched the process (gevent's thread pool; the calling
    greenlet waits, the event loop goes on), else right here: for blocking C calls that must not
    stall a gevent worker."""
    if gevent_patched():
        import gevent

        return gevent.get_hub().threadpool.apply(fn)
    return fn()


def make_engine(url: str, **options) -> Engine:
    """An engine for `url`: SQLite in WAL mode with foreign keys, or PostgreSQL via psycopg 3.

    `options` go to create_engine (e.g. `poolclass=NullPool` for a private connection that must
    never wait on the shared pool, as the callback writer's); they replace the pool sizing."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1] if "///" in url else ""
        if path and path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            options = options or dict(POOL)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               **options)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, **(options or POOL))


def init_app(app) -> Engine:
    """Create the app's engine, bind the scoped session to it, remove the session on teardown."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = engine
    _default_engine[:] = [engine]

    @app.teardown_appcontext
    def _remove_session(_exc=None):
        session.remove()

    return engine


def get_engine() -> Engine:
    if has_app_context() and "db_engine" in current_app.extensions:
        return current_app.extensions["db_engine"]
    if not _default_engine:
        raise RuntimeError("the database is not configured: call create_app() first")
    return _default_engine[0]


def assign(row, data: dict, new: bool = False) -> dict:
    """Set the fields of `data` on `row`; the ones that changed as {field: [old, new]} (all of
    them for a `new` row), for the audit row of an edit."""
    changes = {key: [None if new else getattr(row, key), value] for key, value in data.items()
               if new or getattr(row, key) != value}
    for key, value in data.items():
        setattr(row, key, value)
    return changes


def get_or_404(model, ident):
    """The row of `model` with primary key `ident` in the request's session, or abort with 404."""
    from flask import abort

    row = session.get(model, ident)
    if row is None:
        abort(404)
    return row


@contextlib.contextmanager
def new_session(app=None) -> Iterator[Session]:
    """A short-lived session that commits on success and rolls back on error."""
    sess = _make_session(app)
    try:
        yield sess
        sess.commit()
    except BaseException:
        sess.rollback()
        raise
    finally:
        sess.close()


# ---- migrations: `flask --app wsgi db upgrade|downgrade|current|revision` ---------------------

MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")

db_cli = AppGroup("db", help="Database migrations (Alembic).")


def alembic_config(app=None, database_url: str | None = None):
    """Alembic's configuration for the database of `app` (default: the current app), or of
    `database_url`."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", MIGRATIONS)
    cfg.attributes["database_url"] = database_url or (app or current_app).config["DATABASE_URL"]
    return cfg


def upgrade(app=None, revision: str = "head", database_url: str | None = None) -> None:
    """Migrate the database of `app` (or at `database_url`) up to `revision`."""
    from alembic import command

    command.upgrade(alembic_config(app, database_url), revision)


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision):
    """Migrate the database up to REVISION (default: head)."""
    upgrade(current_app, revision)


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision):
    """Migrate the database down to REVISION (default: one step)."""
    from alembic import command

    command.downgrade(alembic_config(), revision)


@db_cli.command("current")
def db_current():
    """Show the database's revision."""
    from alembic import command

    command.current(alembic_config())


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate/--empty", default=True)
def db_revision(message, autogenerate):
    """Create a new migration file (developers)."""
    from alembic import command

    command.revision(alembic_config(), message=message, autogenerate=autogenerate)

"""The Alembic history matches the models, and goes down and up again."""
from __future__ import annotations

import os

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from console.db import alembic_config
from console.db import Base

FOUNDATION_TABLES = {"operator", "audit_entry", "audit_target", "account", "job", "job_result", "setting"}


def _table_of(op) -> str | None:
    """The table an Alembic autogenerate diff entry is about."""
    if isinstance(op, list):  # grouped column modifications
        return _table_of(op[0])
    kind, obj = op[0], op[1]
    if kind in ("add_table", "remove_table"):
        return obj.name
    if kind in ("add_index", "remove_index", "add_constraint", "remove_constraint"):
        return obj.table.name
    if kind in ("add_fk", "remove_fk"):
        return obj.parent.name
    return op[2]  # ("add_column" | "remove_column" | "modify_*", schema, table, ...)


def _pg_pattern_index(op) -> bool:
    # PostgreSQL-only prefix-search indexes (varchar_pattern_ops) live in the migration alone,
    # and so does SQLite's FTS5 nickname index (the virtual table and its shadow tables).
    if isinstance(op, tuple) and op[0] == "remove_table" and op[1].name.startswith("account_nick_fts"):
        return True
    return isinstance(op, tuple) and op[0] == "remove_index" and op[1].name.endswith("_pattern")


def test_models_match_the_migrations(app):
    engine = app.extensions["db_engine"]
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    left = [d for d in diff if not _pg_pattern_index(d)]
    assert not left, left


def test_downgrade_to_base_and_back(app):
    cfg = alembic_config(app)
    engine = app.extensions["db_engine"]
    command.downgrade(cfg, "base")
    assert not FOUNDATION_TABLES & set(inspect(engine).get_table_names())
    command.upgrade(cfg, "0001_initial")
    assert FOUNDATION_TABLES <= set(inspect(engine).get_table_names())
    command.upgrade(cfg, "head")


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set")
def test_redis_job_queue(make_app, operators):
    """With REDIS_URL the job queue is RedisHuey; a consumer runs the queued job."""
    import time

    from sqlalchemy import select

    from console import db, jobs
    from console.models import Job, Operator

    app = make_app(REDIS_URL=os.environ["TEST_REDIS_URL"], JOBS_IMMEDIATE=False)
    huey = app.extensions["huey"]
    assert type(huey).__name__ == "RedisHuey"
    huey.flush()
    with db.new_session(app) as sess:
        op = sess.scalar(select(Operator).where(Operator.name == "operator"))
    with app.test_request_context():
        job = jobs.start("directory.check", {}, op, items=["r1"])
    consumer = huey.create_consumer(workers=1, periodic=False, initial_delay=0.05, max_delay=0.2)
    consumer.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with db.new_session(app) as sess:
                if sess.get(Job, job.id).status == "done":
                    break
            time.sleep(0.1)
    finally:
        consumer.stop(graceful=True)
        huey.flush()
    with db.new_session(app) as sess:
        assert sess.get(Job, job.id).status == "done"

"""Every endpoint of ../shared/spec/endpoints-all.txt has a handler in the sandbox, and
docs/sandbox.md's endpoint table lists each with its handler module and what it emulates.

The table's first two columns are generated (.venv/bin/python tests/api_index.py --write); the
third is written by hand and kept when the table is regenerated.
"""
import pytest

import api_index

SHARED_MISSING = "../shared/spec/endpoints-all.txt is not present: the list of every endpoint lives in ../shared"


def test_every_endpoint_has_a_handler():
    """Read from ../shared, or from docs/client.md's committed table on a machine without it."""
    handlers = api_index.sandbox_handlers()
    assert [name for name in api_index.endpoints() if name not in handlers] == []


def test_the_sandbox_emulates_no_endpoint_beyond_the_list():
    listed = api_index.listed_endpoints()
    if listed is None:
        pytest.skip(SHARED_MISSING)
    assert sorted(set(api_index.sandbox_handlers()) - set(listed)) == []


def test_docs_table_is_current_and_describes_every_endpoint():
    text = api_index.read(api_index.SANDBOX_DOC)
    block = api_index.generated_block(text, "docs/sandbox.md")
    assert block == "\n" + api_index.sandbox_table(), \
        "docs/sandbox.md is stale: run .venv/bin/python tests/api_index.py --write"
    rows = api_index.table_rows(block)
    assert [row[0] for row in rows] == api_index.endpoints()
    undescribed = [row[0] for row in rows if row[2] in ("", api_index.MISSING_NOTE)]
    assert undescribed == [], "write in docs/sandbox.md's table what the sandbox emulates for these"

"""The API index (tests/api_index.py) checked while the API tests run against the sandbox.

Every `Client` made by a test of this folder that uses the sandbox gets one more observer. For each call the sandbox
answered it notes the endpoint, whether the answer was a success, and the namespace method the
test called (the outermost public `Namespace` method on the stack). When a test that uses the
sandbox has passed:
- a method that called an endpoint the index does not give it fails the test: the static
  reading of console/tim/api missed a path, and docs/client.md would say something false;
- a test that docs/client.md names as the test of an endpoint fails when the sandbox never
  answered it that endpoint with a success. A parametrized test is judged on all its instances
  together (the push tests run once per push API), and only when all of them ran and passed.
"""
from __future__ import annotations

import functools
import sys
from collections import Counter, defaultdict

import pytest

import api_index
from console.tim import Client
from console.tim.api import NAMESPACES

_NAMESPACE_OF = {cls: name for name, cls in NAMESPACES.items()}
_instances: Counter = Counter()            # test function -> instances collected (all parameters)
_finished: Counter = Counter()             # test function -> instances that passed
_answered: defaultdict = defaultdict(set)  # test function -> endpoints answered with a success
_current: "_Record | None" = None


class _Record:
    def __init__(self, sandbox_url: str):
        self.sandbox_url = sandbox_url
        self.calls: list[tuple[str | None, str, bool]] = []   # (ns.method, endpoint, ok)


def _base(node_id: str) -> str:
    return node_id.split("[", 1)[0]


def _method_on_stack() -> str | None:
    """The outermost public namespace method on the stack ("ns.method"), if any."""
    reach, found = api_index.analyzer().reach, None
    frame = sys._getframe(1)
    while frame is not None:
        owner = frame.f_locals.get("self")
        ns = _NAMESPACE_OF.get(type(owner))
        if ns is not None and f"{ns}.{frame.f_code.co_name}" in reach:
            found = f"{ns}.{frame.f_code.co_name}"
        frame = frame.f_back
    return found


def _note(client: Client, event) -> None:
    record = _current
    if record is None or event.response is None or client.base_url != record.sandbox_url:
        return
    record.calls.append((_method_on_stack(), event.endpoint, event.ok))


@pytest.hookimpl(wrapper=True)
def pytest_pycollect_makeitem(collector, name, obj):
    """Count every instance of each test function, before -k or a node id picks some."""
    result = yield
    if isinstance(result, list):
        for item in result:
            if isinstance(item, pytest.Function):
                _instances[_base(item.nodeid)] += 1
    return result


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.api_index_passed = report.passed
    return report


@functools.lru_cache(maxsize=1)
def _named() -> dict[str, set[str]]:
    """test function -> the endpoints docs/client.md names it for (as api_index computes them)."""
    named: dict[str, set[str]] = defaultdict(set)
    for endpoint, tests in api_index.tests_by_endpoint().items():
        named[tests[0]].add(endpoint)
    return named


@pytest.fixture(autouse=True)
def _check_the_api_index(request):
    global _current
    if "sandbox" not in request.fixturenames:
        yield
        return
    _current = record = _Record(request.getfixturevalue("_sandbox_server").base_url)
    original = Client.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.add_observer(lambda event: _note(self, event))

    try:
        with pytest.MonkeyPatch.context() as patch:     # autouse: runs before the `tim` fixture
            patch.setattr(Client, "__init__", init)
            yield
    finally:
        _current = None
    if not getattr(request.node, "api_index_passed", False):
        return
    reach = api_index.analyzer().reach
    unknown = sorted({f"{method} -> {endpoint}" for method, endpoint, _ in record.calls
                      if method is not None and endpoint not in reach[method]})
    assert not unknown, (f"the API index does not know these calls: {unknown}; teach tests/api_index.py "
                         "the way they are made, then run .venv/bin/python tests/api_index.py --write")
    test = _base(request.node.nodeid)
    _answered[test].update(endpoint for _, endpoint, ok in record.calls if ok)
    _finished[test] += 1
    if test in _named() and _finished[test] == _instances[test]:
        missing = sorted(_named()[test] - _answered[test])
        assert not missing, (f"docs/client.md names {test} as the test of {missing}, but the sandbox never "
                             "answered it that with a success: make the test call it, or let the index "
                             "name another one")

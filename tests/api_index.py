"""The API index: every REST endpoint with the client methods that call it, the test that
exercises it, and the sandbox handler that emulates it. Derived from the code, never by hand.

Methods come from a static reading (`ast`) of console/tim/api/*.py. For every public method of
every namespace in `console.tim.api.NAMESPACES` (mixins included) it follows the first argument
of each `self._call(...)`, `self._call_batch(...)` and `self._client.call(...)` back to strings:
module constants (read from the imported module, so `SVC + "x"` and tuple assignments are plain
values), the method's parameters as its callers bind them (`self._change(ADD, ...)`), its locals
(`for endpoint, op in ...`, `A if x else B`), subscripts of module dicts
(`COMMANDS[self.api][command]`: every value when the key is unknown) and what the helpers it
calls return (`self._endpoint("push")`). A method reaches the endpoints of its own call sites and
of every method it calls or hands on (`paginate(lambda c: self.fetch_x(c), ...)`).

Why static rather than a declarative table checked by calling every method: it needs no
argument values for some 300 methods and cannot drift from the code, and the run-time check is
there anyway: tests/tim/conftest.py watches every call the API tests make against the sandbox
and fails a test whose method called an endpoint this index does not give it, or which the index
names as the test of an endpoint it never got an answer for from the sandbox.

Tests: for each endpoint, the test functions of tests/tim/test_api_*.py (the replays of
Tencent's canned examples aside) that call a method reaching it, directly or through a helper
function of their module. The docs name one: the first whose name holds the endpoint's command,
else starts with one of the methods' names, else holds one, else the first in file order.

Regenerate the tables in docs/client.md and docs/sandbox.md:
    .venv/bin/python tests/api_index.py --write
"""
from __future__ import annotations

import ast
import functools
import inspect
import itertools
import os
import re
import sys
from dataclasses import dataclass, replace
from types import FunctionType, ModuleType
from typing import Any, Iterable

TESTS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TESTS)
for _path in (ROOT, TESTS):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from console.tim.api import NAMESPACES  # noqa: E402
from testenv import SHARED  # noqa: E402

ENDPOINTS_FILE = os.path.join(SHARED, "spec", "endpoints-all.txt")
CLIENT_DOC = os.path.join(ROOT, "docs", "client.md")
SANDBOX_DOC = os.path.join(ROOT, "docs", "sandbox.md")
API_TESTS = os.path.join(TESTS, "tim")
API_PACKAGE = "console.tim.api"

CALL_HELPERS = ("_call", "_call_batch")     # Namespace methods whose first argument is the endpoint
NOT_SANDBOX = re.compile(r"test_api_(examples.*|coverage|index)\.py$")   # canned answers / no calls
NOT_EXERCISING = ("arguments_checked",)     # tests of checks that stop a call before it is sent
ENDPOINT = re.compile(r"[A-Za-z_]+/[A-Za-z0-9_]+")
MAX_VALUES = 64                             # values one expression may stand for


# --- the endpoint list -------------------------------------------------------------------------

def listed_endpoints() -> list[str] | None:
    """The endpoints of ../shared/spec/endpoints-all.txt in file order, or None where ../shared is absent."""
    if not os.path.exists(ENDPOINTS_FILE):
        return None
    with open(ENDPOINTS_FILE, encoding="utf-8") as fh:
        return [line.strip() for line in fh if line.strip() and not line.startswith("#")]


def documented_endpoints(doc: str = CLIENT_DOC) -> list[str]:
    """The endpoints of the generated table committed in `doc` (a user's machine has no ../shared)."""
    return [row[0] for row in table_rows(generated_block(read(doc), doc))]


def endpoints() -> list[str]:
    """The list to index: ../shared's when present, else the committed docs table's."""
    return listed_endpoints() or documented_endpoints()


# --- values: what an expression may stand for ---------------------------------------------------

class _Unknown:
    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN = _Unknown()    # a tuple element nothing is known about


def _unique(values: Iterable[Any]) -> list:
    out, seen = [], set()
    for value in values:
        key = (type(value).__name__, repr(value))
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out[:MAX_VALUES]


def _freeze(bound: dict[str, list]) -> tuple:
    return tuple(sorted((name, tuple(sorted(repr(v) for v in values))) for name, values in bound.items()))


def is_endpoint(value: Any) -> bool:
    return isinstance(value, str) and ENDPOINT.fullmatch(value) is not None


@dataclass(frozen=True)
class Code:
    """A function of console.tim.api to read: a namespace method (`ns` set) or a module function."""
    ns: str
    name: str
    fn: ast.FunctionDef
    module: ModuleType
    order: tuple = ()

    @property
    def where(self) -> str:
        return f"{os.path.relpath(self.module.__file__, ROOT)}:{self.fn.lineno}"


def _is_self(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


def _is_property(fn: ast.FunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "property" for d in fn.decorator_list)


class Analyzer:
    """Reads console/tim/api once; `reach[ns.method]` is the set of endpoints a method may call."""

    def __init__(self, namespaces: dict[str, type] | None = None):
        self.namespaces = dict(namespaces or NAMESPACES)
        self._trees: dict[str, ast.Module] = {}
        self.methods = {ns: self._methods_of(ns, cls) for ns, cls in self.namespaces.items()}
        self.sites: dict[str, set[str]] = {}      # "file:line" of each call site reached -> endpoints
        self._memo: dict[tuple, frozenset] = {}
        self._active: set[tuple] = set()
        self.public = [f"{ns}.{code.name}" for ns, codes in self.methods.items()
                       for code in sorted(codes.values(), key=lambda c: c.order)
                       if not code.name.startswith("_") and not _is_property(code.fn)]
        self.reach = {name: self._reach(*name.split("."), {}) for name in self.public}

    # reading the source

    def _tree(self, module: ModuleType) -> ast.Module:
        if module.__name__ not in self._trees:
            self._trees[module.__name__] = ast.parse(inspect.getsource(module))
        return self._trees[module.__name__]

    def _methods_of(self, ns: str, cls: type) -> dict[str, Code]:
        """name -> Code for the class and its bases in console.tim.api, as Python resolves them."""
        found: dict[str, Code] = {}
        for depth, klass in enumerate(cls.__mro__):
            if not klass.__module__.startswith(API_PACKAGE):
                continue
            module = sys.modules[klass.__module__]
            node = next(n for n in self._tree(module).body if isinstance(n, ast.ClassDef) and n.name == klass.__name__)
            own: dict[str, Code] = {}
            for stmt in node.body:
                if isinstance(stmt, ast.FunctionDef):
                    own[stmt.name] = Code(ns, stmt.name, stmt, module, (depth, stmt.lineno))
                elif (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                      and isinstance(stmt.value, ast.Name) and stmt.value.id in own):     # an alias
                    own[stmt.targets[0].id] = replace(own[stmt.value.id], name=stmt.targets[0].id,
                                                      order=(depth, stmt.lineno))
            for name, code in own.items():
                found.setdefault(name, code)
        return found

    def _function(self, module: ModuleType, name: str) -> Code | None:
        """A module-level function of console.tim.api that `name` refers to in `module`."""
        obj = getattr(module, name, None)
        if not isinstance(obj, FunctionType) or not obj.__module__.startswith(API_PACKAGE):
            return None
        home = sys.modules[obj.__module__]
        node = next((n for n in self._tree(home).body if isinstance(n, ast.FunctionDef) and n.name == obj.__name__),
                    None)
        return Code("", obj.__name__, node, home) if node else None

    def _method_ref(self, ns: str, node: ast.AST) -> Code | None:
        """`self.<m>` or `self._client.<ns>.<m>`: the method it names, if it is one."""
        if not isinstance(node, ast.Attribute):
            return None
        if _is_self(node.value):
            return self.methods.get(ns, {}).get(node.attr)
        owner = node.value
        if (isinstance(owner, ast.Attribute) and owner.attr in self.methods and isinstance(owner.value, ast.Attribute)
                and owner.value.attr == "_client" and _is_self(owner.value.value)):
            return self.methods[owner.attr].get(node.attr)
        return None

    @staticmethod
    def _is_call_site(node: ast.Call) -> bool:
        func = node.func
        if not isinstance(func, ast.Attribute):
            return False
        if func.attr in CALL_HELPERS and _is_self(func.value):
            return True
        return (func.attr == "call" and isinstance(func.value, ast.Attribute) and func.value.attr == "_client"
                and _is_self(func.value.value))

    # what a method reaches

    def _reach(self, ns: str, name: str, bound: dict[str, list]) -> frozenset[str]:
        code = self.methods[ns].get(name)
        if code is None:
            return frozenset()
        key = ("reach", ns, name, _freeze(bound))
        if key in self._memo:
            return self._memo[key]
        if key in self._active:        # recursion: what the outer call finds is enough
            return frozenset()
        self._active.add(key)
        try:
            env = self._env(code, bound)
            found: set[str] = set()
            callees = {id(n.func) for n in ast.walk(code.fn) if isinstance(n, ast.Call)}
            for node in ast.walk(code.fn):
                if isinstance(node, ast.Call):
                    found |= self._at_call(code, node, env)
                elif isinstance(node, ast.Attribute) and id(node) not in callees:
                    target = self._method_ref(ns, node)       # a method handed on as a value
                    if target is not None and target.fn is not code.fn:
                        found |= self._reach(target.ns, target.name, {})
        finally:
            self._active.discard(key)
        self._memo[key] = frozenset(found)
        return self._memo[key]

    def _at_call(self, code: Code, node: ast.Call, env: dict[str, list]) -> set[str]:
        if self._is_call_site(node):
            arg = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "endpoint"), None)
            found = {v for v in self._eval(arg, env, code) if is_endpoint(v)} if arg is not None else set()
            self.sites.setdefault(f"{os.path.relpath(code.module.__file__, ROOT)}:{node.lineno}", set()).update(found)
            return found
        target = self._method_ref(code.ns, node.func)
        if target is None:
            return set()
        return set(self._reach(target.ns, target.name, self._bind(target, node, env, code, method=True)))

    # what an expression may stand for

    def _bind(self, callee: Code, node: ast.Call, env: dict[str, list], caller: Code, *, method: bool) -> dict:
        params = [a.arg for a in callee.fn.args.posonlyargs + callee.fn.args.args][1 if method else 0:]
        bound = {}
        for param, arg in zip(params, node.args):
            if isinstance(arg, ast.Starred):
                break
            bound[param] = self._eval(arg, env, caller)
        for kw in node.keywords:
            if kw.arg:
                bound[kw.arg] = self._eval(kw.value, env, caller)
        return bound

    def _env(self, code: Code, bound: dict[str, list]) -> dict[str, list]:
        """Parameters (bound, else their defaults) and every local the function assigns, flow-insensitively."""
        args = code.fn.args
        positional = args.posonlyargs + args.args
        defaults = dict(zip([a.arg for a in positional][len(positional) - len(args.defaults):], args.defaults))
        defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
        params: dict[str, list] = {}
        for a in positional + args.kwonlyargs:
            if a.arg in bound:
                params[a.arg] = list(bound[a.arg])
            else:
                params[a.arg] = self._eval(defaults[a.arg], {}, code) if a.arg in defaults else []
        env = params
        binders = self._binders(code.fn)
        for _ in range(3 if binders else 0):     # locals computed from locals: a few rounds reach the fixed point
            out = {name: list(values) for name, values in params.items()}
            for node in binders:
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        self._assign(target, node.value, env, out, code)
                elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
                    self._assign(node.target, node.value, env, out, code)
                elif isinstance(node, (ast.For, ast.comprehension)):
                    self._iterate(node.target, node.iter, env, out, code)
            env = out
        return env

    def _binders(self, fn: ast.FunctionDef) -> list[ast.AST]:
        """The nodes of `fn` that bind a name (read once per function)."""
        key = ("binders", id(fn))
        if key not in self._memo:
            self._memo[key] = tuple(n for n in ast.walk(fn) if isinstance(
                n, (ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.For, ast.comprehension)))
        return list(self._memo[key])

    def _assign(self, target: ast.AST, value: ast.AST, env: dict, out: dict, code: Code) -> None:
        if isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)) \
                and len(target.elts) == len(value.elts):
            for t, v in zip(target.elts, value.elts):
                self._assign(t, v, env, out, code)
            return
        for item in self._eval(value, env, code):
            self._unpack(target, item, out)
        if isinstance(target, ast.Name):
            out.setdefault(target.id, [])

    def _iterate(self, target: ast.AST, iterable: ast.AST, env: dict, out: dict, code: Code) -> None:
        if isinstance(iterable, (ast.Tuple, ast.List, ast.Set)):
            for element in iterable.elts:
                self._assign(target, element, env, out, code)
            return
        for container in self._eval(iterable, env, code):
            if isinstance(container, (tuple, list, set, frozenset, dict)):
                for item in container:
                    self._unpack(target, item, out)

    def _unpack(self, target: ast.AST, value: Any, out: dict) -> None:
        if isinstance(target, ast.Name):
            out[target.id] = _unique(out.get(target.id, []) + [value])
        elif isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (tuple, list)) \
                and len(value) == len(target.elts):
            for t, v in zip(target.elts, value):
                self._unpack(t, v, out)

    def _eval(self, node: ast.AST, env: dict[str, list], code: Code) -> list:
        """The values `node` may have ([] when nothing is known)."""
        if isinstance(node, ast.Constant):
            return [node.value]
        if isinstance(node, ast.Name):
            if node.id in env:
                return env[node.id]
            return [getattr(code.module, node.id)] if hasattr(code.module, node.id) else []
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return _unique(a + b for a in self._eval(node.left, env, code) for b in self._eval(node.right, env, code)
                           if isinstance(a, str) and isinstance(b, str))
        if isinstance(node, ast.JoinedStr):
            parts = [[v.value] if isinstance(v, ast.Constant) else
                     [x for x in self._eval(v.value, env, code) if isinstance(x, str)] for v in node.values]
            return _unique("".join(p) for p in itertools.product(*parts))
        if isinstance(node, ast.Subscript):
            return self._subscript(self._eval(node.value, env, code), self._eval(node.slice, env, code))
        if isinstance(node, ast.IfExp):
            return _unique(self._eval(node.body, env, code) + self._eval(node.orelse, env, code))
        if isinstance(node, ast.BoolOp):
            return _unique(v for value in node.values for v in self._eval(value, env, code))
        if isinstance(node, (ast.Tuple, ast.List)):
            choices = [self._eval(e, env, code) or [UNKNOWN] for e in node.elts]
            return _unique(tuple(combo) for combo in itertools.islice(itertools.product(*choices), MAX_VALUES))
        if isinstance(node, ast.Attribute):
            return [getattr(v, node.attr) for v in self._eval(node.value, env, code)
                    if isinstance(v, (ModuleType, type)) and hasattr(v, node.attr)]
        if isinstance(node, ast.Call):
            return self._returned(node, env, code)
        return []

    @staticmethod
    def _subscript(bases: list, keys: list) -> list:
        out = []
        for base in bases:
            if isinstance(base, dict):
                hashable = [k for k in keys if getattr(k, "__hash__", None)]
                out += [base[k] for k in hashable if k in base] if keys else list(base.values())
            elif isinstance(base, (tuple, list)):
                ints = [k for k in keys if isinstance(k, int) and -len(base) <= k < len(base)]
                out += [base[k] for k in ints] if keys else list(base)
        return _unique(out)

    def _returned(self, node: ast.Call, env: dict, code: Code) -> list:
        """What a call to a method or to a function of console.tim.api may return."""
        callee, method = self._method_ref(code.ns, node.func), True
        if callee is None and isinstance(node.func, ast.Name):
            callee, method = self._function(code.module, node.func.id), False
        if callee is None:
            return []
        bound = self._bind(callee, node, env, code, method=method)
        key = ("return", callee.where, _freeze(bound))
        if key in self._memo:
            return list(self._memo[key])
        if key in self._active:
            return []
        self._active.add(key)
        try:
            inner = self._env(callee, bound)
            values = _unique(v for r in ast.walk(callee.fn) if isinstance(r, ast.Return) and r.value is not None
                             for v in self._eval(r.value, inner, callee))
        finally:
            self._active.discard(key)
        self._memo[key] = tuple(values)
        return values

    # the call sites of the package, for the completeness check

    def all_call_sites(self) -> list[str]:
        """"file:line" of every call site in console/tim/api outside the helpers' own definitions."""
        sites = []
        package = sys.modules[API_PACKAGE]
        for name in sorted(os.listdir(os.path.dirname(package.__file__))):
            if not name.endswith(".py"):
                continue
            module = sys.modules.get(f"{API_PACKAGE}.{name[:-3]}")
            if module is None:
                continue
            tree = self._tree(module)
            helpers = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name in CALL_HELPERS]
            inside = {id(n) for h in helpers for n in ast.walk(h)}
            sites += [f"{os.path.relpath(module.__file__, ROOT)}:{n.lineno}" for n in ast.walk(tree)
                      if isinstance(n, ast.Call) and self._is_call_site(n) and id(n) not in inside]
        return sorted(set(sites))


@functools.lru_cache(maxsize=1)
def analyzer() -> Analyzer:
    return Analyzer()


def methods_by_endpoint(an: Analyzer | None = None) -> dict[str, list[str]]:
    """endpoint -> ["ns.method", ...] in namespace and source order."""
    an = an or analyzer()
    out: dict[str, list[str]] = {}
    for method in an.public:
        for endpoint in sorted(an.reach[method]):
            out.setdefault(endpoint, []).append(method)
    return out


# --- which tests call what ------------------------------------------------------------------------

def _refusal(expr: ast.AST) -> bool:
    """`pytest.raises(InvalidArgumentError, ...)`: what runs under it is refused before sending."""
    return (isinstance(expr, ast.Call) and ast.unparse(expr.func) in ("pytest.raises", "raises") and bool(expr.args)
            and ast.unparse(expr.args[0]).split(".")[-1] == "InvalidArgumentError")


def sending_nodes(node: ast.AST) -> Iterable[ast.AST]:
    """`ast.walk(node)` without the code whose calls are refused before sending: the bodies of
    `with pytest.raises(InvalidArgumentError)` and what is handed to `refused_before_sending`."""
    todo = [node]
    while todo:
        sub = todo.pop()
        yield sub
        if isinstance(sub, ast.With) and any(_refusal(item.context_expr) for item in sub.items):
            todo.extend(item.context_expr for item in sub.items)
        elif not (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name)
                  and sub.func.id == "refused_before_sending"):
            todo.extend(ast.iter_child_nodes(sub))


def calls_in(node: ast.AST, namespaces: Iterable[str] = NAMESPACES) -> set[str]:
    """"ns.method" for every `<x>.<ns>.<method>` (or `<ns>.<method>`, e.g. the push fixture) in `node`,
    except where it is refused before sending (see sending_nodes)."""
    namespaces = set(namespaces)
    found = set()
    for sub in sending_nodes(node):
        if not isinstance(sub, ast.Attribute):
            continue
        owner = sub.value
        if isinstance(owner, ast.Attribute) and owner.attr in namespaces:
            found.add(f"{owner.attr}.{sub.attr}")
        elif isinstance(owner, ast.Name) and owner.id in namespaces:
            found.add(f"{owner.id}.{sub.attr}")
    return found


def _is_fixture(fn: ast.FunctionDef) -> bool:
    return any("fixture" in ast.unparse(d) for d in fn.decorator_list)


@dataclass(frozen=True)
class TestFunction:
    node_id: str           # "tests/tim/test_api_x.py::test_y"
    calls: frozenset       # "ns.method" it calls, itself or through its module's helper functions
    endpoints: frozenset   # endpoints named as strings in `tim.call("...")`

    @property
    def name(self) -> str:
        return self.node_id.split("::")[1]


def api_tests(directory: str = API_TESTS) -> list[TestFunction]:
    """The test functions of tests/tim/test_api_*.py that run against the sandbox, in file order."""
    found = []
    for name in sorted(os.listdir(directory)):
        if not (name.startswith("test_api_") and name.endswith(".py")) or NOT_SANDBOX.search(name):
            continue
        tree = ast.parse(read(os.path.join(directory, name)))
        helpers = {fn.name: fn for fn in tree.body if isinstance(fn, ast.FunctionDef)
                   and not fn.name.startswith("test_") and not _is_fixture(fn)}
        for fn in tree.body:
            if not isinstance(fn, ast.FunctionDef) or not fn.name.startswith("test_"):
                continue
            if any(word in fn.name for word in NOT_EXERCISING):
                continue
            bodies, seen = [fn], set()
            while bodies:
                body = bodies.pop()
                for sub in ast.walk(body):
                    if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id in helpers \
                            and sub.func.id not in seen:
                        seen.add(sub.func.id)
                        bodies.append(helpers[sub.func.id])
            used = [fn] + [helpers[h] for h in seen]
            strings = {c.value for node in used for c in ast.walk(node)
                       if isinstance(c, ast.Constant) and is_endpoint(c.value)}
            direct = {s for node in used for c in ast.walk(node)
                      if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr == "call"
                      and c.args and isinstance(c.args[0], ast.Constant) for s in [c.args[0].value] if s in strings}
            found.append(TestFunction(f"{os.path.relpath(os.path.join(directory, name), ROOT)}::{fn.name}",
                                      frozenset(set().union(*(calls_in(node) for node in used))), frozenset(direct)))
    return found


def _rank(test: str, endpoint: str, methods: set[str]) -> int:
    """0: the test is named after the command; 1: it starts with a method's name; 2: it holds one."""
    if endpoint.split("/")[1].lower() in test.lower():
        return 0
    if any(test == f"test_{m}" or test.startswith(f"test_{m}_") for m in methods):
        return 1
    return 2 if any(m in test for m in methods) else 3


def tests_by_endpoint(an: Analyzer | None = None, tests: list[TestFunction] | None = None) -> dict[str, list[str]]:
    """endpoint -> node ids of the tests calling a method that reaches it, the one to name first."""
    an = an or analyzer()
    tests = api_tests() if tests is None else tests
    candidates: dict[str, list[tuple[int, int, TestFunction]]] = {}
    for position, test in enumerate(tests):
        reached: dict[str, set[str]] = {}
        for method in test.calls:
            for endpoint in an.reach.get(method, ()):
                reached.setdefault(endpoint, set()).add(method.split(".")[1])
        for endpoint in test.endpoints:
            reached.setdefault(endpoint, set())
        for endpoint, methods in reached.items():
            rank = _rank(test.name, endpoint, methods)
            candidates.setdefault(endpoint, []).append((rank, position, test))
    return {endpoint: [t.node_id for _, _, t in sorted(found, key=lambda c: (c[0], c[1]))]
            for endpoint, found in candidates.items()}


# --- the sandbox's handlers -------------------------------------------------------------------------

def sandbox_handlers() -> dict[str, str]:
    """endpoint -> the module of console/sandbox that emulates it (as a path under console/sandbox)."""
    import console.sandbox  # noqa: F401  (registers every handler)
    from console.sandbox.registry import REGISTRY

    base = os.path.dirname(sys.modules["console.sandbox"].__file__)
    return {name: os.path.relpath(sys.modules[ep.handler.__module__].__file__, base)
            for name, ep in REGISTRY.items()}


# --- the generated tables ---------------------------------------------------------------------------

BEGIN = "<!-- generated by tests/api_index.py --write: edit the notes around it, not this table -->"
END = "<!-- end of the generated table -->"


def read(path: str) -> str:
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def generated_block(text: str, where: str = "") -> str:
    if BEGIN not in text or END not in text:
        raise ValueError(f"{where or 'the document'} has no generated table (markers {BEGIN!r} ... {END!r})")
    return text.split(BEGIN, 1)[1].split(END, 1)[0]


def replace_block(text: str, table: str) -> str:
    head, rest = text.split(BEGIN, 1)
    return head + BEGIN + "\n" + table + END + rest.split(END, 1)[1]


def table_rows(block: str) -> list[list[str]]:
    """The endpoint rows of a generated table: cells without their backquotes, endpoint first."""
    rows = []
    for line in block.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and re.fullmatch(r"`[A-Za-z_]+/[A-Za-z0-9_]+`", cells[0]):
            rows.append([cells[0].strip("`")] + cells[1:])
    return rows


def _by_service(names: list[str]) -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(name.split("/")[0], []).append(name)
    return list(groups.items())


def _service_row(service: str, names: list[str], columns: int) -> str:
    return f"| **{service}** ({len(names)}) |" + " |" * (columns - 1)


def client_table(names: list[str] | None = None) -> str:
    names = names or endpoints()
    methods, tests = methods_by_endpoint(), tests_by_endpoint()
    lines = ["| endpoint | Python method(s) | test (in tests/tim/) |", "|---|---|---|"]
    for service, group in _by_service(names):
        lines.append(_service_row(service, group, 3))
        for name in group:
            called = ", ".join(f"`{m}`" for m in methods.get(name, [])) or "**none**"
            test = tests.get(name)
            named = f"`{os.path.relpath(test[0], 'tests/tim')}`" if test else "**none**"
            lines.append(f"| `{name}` | {called} | {named} |")
    return "\n".join(lines) + "\n"


MISSING_NOTE = "**to describe**"


def sandbox_table(names: list[str] | None = None, notes: dict[str, str] | None = None) -> str:
    """endpoint -> handler module -> what it emulates; the notes are kept from the committed table."""
    names = names or endpoints()
    handlers = sandbox_handlers()
    if notes is None:
        notes = {row[0]: row[2] for row in table_rows(generated_block(read(SANDBOX_DOC), SANDBOX_DOC))
                 if len(row) > 2} if os.path.exists(SANDBOX_DOC) and BEGIN in read(SANDBOX_DOC) else {}
    lines = ["| endpoint | handler (console/sandbox/) | emulates |", "|---|---|---|"]
    for service, group in _by_service(names):
        lines.append(_service_row(service, group, 3))
        for name in group:
            handler = f"`{handlers[name]}`" if name in handlers else "**none**"
            lines.append(f"| `{name}` | {handler} | {notes.get(name) or MISSING_NOTE} |")
    return "\n".join(lines) + "\n"


def write_docs() -> None:
    for path, table in ((CLIENT_DOC, client_table()), (SANDBOX_DOC, sandbox_table())):
        text = read(path)
        generated_block(text, path)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(replace_block(text, table))


if __name__ == "__main__":
    if "--write" in sys.argv:
        write_docs()
    else:
        print(client_table())

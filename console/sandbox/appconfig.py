"""What an app configures in Tencent's console before the REST API accepts it.

Today: the keys of app-defined data, per group (`AppDefinedData`) and per member
(`AppMemberDefinedData`). IM refuses a key the app has not created; so does the sandbox once keys
are configured. Unconfigured (None, the default) the sandbox accepts any well-formed key, so that
a bare sandbox runs any request. Set with the CLI (`--group-data-key`, `--member-data-key`), the
state file (its `app_config` section), `POST /sandbox/config` or `Sandbox.configure()`.
"""
from __future__ import annotations

import re

DATA_KEY = re.compile(r"[A-Za-z0-9_]{1,15}", re.ASCII)   # fewer than 16 bytes
#: setting -> the most keys an app may create
LIMITS = {"group_data_keys": 10, "member_data_keys": 5}
DEFAULT: dict = {name: None for name in LIMITS}


def checked(changes: dict) -> dict:
    """`changes` (setting -> list of keys, or None for "not configured") once valid; ValueError
    names the first problem."""
    if not isinstance(changes, dict):
        raise ValueError("the configuration must be an object")
    unknown = sorted(set(changes) - set(LIMITS))
    if unknown:
        raise ValueError(f"unknown setting {unknown[0]!r} (known: {', '.join(LIMITS)})")
    out = {}
    for name, keys in changes.items():
        if keys is None:
            out[name] = None
            continue
        if not isinstance(keys, list):
            raise ValueError(f"{name} must be a list of keys or null")
        bad = next((k for k in keys if not isinstance(k, str) or not DATA_KEY.fullmatch(k)), None)
        if bad is not None:
            raise ValueError(f"{name}: {bad!r} is not a key of 1 to 15 letters, digits or _")
        keys = list(dict.fromkeys(keys))
        if len(keys) > LIMITS[name]:
            raise ValueError(f"{name}: at most {LIMITS[name]} keys")
        out[name] = keys
    return out

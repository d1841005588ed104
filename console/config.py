"""Settings from the environment, validated once at start-up.

`load_settings(instance_path, overrides)` returns a plain dict of Flask config keys. Any invalid
setting raises `ConfigError` naming the variable, so a misconfigured deployment fails at start
with one clear line instead of a stack trace on the first request.
"""
from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable
from urllib.parse import urlparse

from console.forms import split_list, user_id_problem
from console.tim import regions
from console.tim.client import PUSH_APIS
from console.ui.avatars import DEFAULT_SOURCES, source_problem

SANDBOX_APP_ID = 1400000000
SANDBOX_ADMIN = "administrator"
SANDBOX_URL = "http://127.0.0.1:9300"
_CUSTOM_KEY = re.compile(r"[A-Za-z0-9_]{1,8}")


class ConfigError(RuntimeError):
    """A setting is missing or invalid; the message names it."""


def _read_secret_file(path: str, setting: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            value = fh.read().strip()
    except OSError as exc:
        raise ConfigError(f"{setting}: cannot read {path!r} ({exc.strerror})") from None
    if not value:
        raise ConfigError(f"{setting}: {path!r} is empty")
    return value


def _instance_secret(instance_path: str, name: str, nbytes: int = 32) -> str:
    """Read instance/<name>, creating it (mode 0600) with a random value on first use."""
    path = os.path.join(instance_path, name)
    if not os.path.exists(path):
        os.makedirs(instance_path, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(nbytes))
    return _read_secret_file(path, name)


def _int(env: dict, key: str, default: int | None = None, minimum: int = 0) -> int | None:
    raw = env.get(key)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"{key}: expected an integer, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{key}: must be at least {minimum}, got {value}")
    return value


def _bool(env: dict, key: str) -> bool | None:
    raw = str(env.get(key, "")).strip().lower()
    if raw == "":
        return None
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{key}: expected 1/0 or true/false, got {env[key]!r}")


def _url(env: dict, key: str, schemes: tuple[str, ...]) -> str | None:
    raw = env.get(key)
    if raw in (None, ""):
        return None
    parsed = urlparse(str(raw))
    if parsed.scheme not in schemes or not (parsed.netloc or parsed.path):
        raise ConfigError(f"{key}: expected a URL starting with {' or '.join(s + '://' for s in schemes)}")
    return str(raw)


def _names(env: dict, key: str, problem: Callable[[str], str | None]) -> tuple[str, ...]:
    """A comma/space separated list of names (the forms' list splitter), each one that
    `problem(name)` accepts (returns None for)."""
    names = tuple(split_list(env.get(key)))
    for name in names:
        reason = problem(name)
        if reason:
            raise ConfigError(f"{key}: {name!r}: {reason}")
    return names


def _custom_key_problem(name: str) -> str | None:
    return None if _CUSTOM_KEY.fullmatch(name) else "a custom profile key has 1 to 8 letters, digits or _"


def _region(env: dict) -> str | None:
    """The canonical name of TIM_REGION (any name or alias the client knows), or None."""
    raw = (env.get("TIM_REGION") or "").strip()
    if not raw:
        return None
    try:
        return regions.resolve(raw).name
    except ValueError:
        raise ConfigError(f"TIM_REGION: unknown region {raw!r}; one of {', '.join(regions.REGIONS)}") from None


def _database_url(env: dict, instance_path: str) -> str:
    url = env.get("DATABASE_URL") or "sqlite:///" + os.path.join(instance_path, "console.db")
    if url.startswith("postgres://") or url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; SQLAlchemy's bare "postgresql" means psycopg2.
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if not (url.startswith("sqlite:") or url.startswith("postgresql+psycopg://")):
        raise ConfigError("DATABASE_URL: expected sqlite:///PATH or postgresql+psycopg://USER@HOST/DB")
    return url


def _tim_settings(env: dict, instance_path: str) -> dict:
    """IM connection settings; sandbox mode when no credentials are configured at all."""
    app_id = _int(env, "TIM_APP_ID", minimum=1)
    has_secret = bool(env.get("TIM_SECRET") or env.get("TIM_SECRET_FILE"))
    if app_id is None and not has_secret:
        return {
            "TIM_SANDBOX": True,
            "TIM_APP_ID": SANDBOX_APP_ID,
            "TIM_ADMIN": SANDBOX_ADMIN,
            "TIM_SECRET": _instance_secret(instance_path, "sandbox-secret"),
            "TIM_BASE_URL": _url(env, "TIM_SANDBOX_URL", ("http", "https")) or SANDBOX_URL,
            "TIM_REGION": None,
        }
    if app_id is None:
        raise ConfigError("TIM_APP_ID: required when TIM_SECRET or TIM_SECRET_FILE is set")
    if env.get("TIM_SECRET_FILE"):
        secret = _read_secret_file(env["TIM_SECRET_FILE"], "TIM_SECRET_FILE")
    elif env.get("TIM_SECRET"):
        secret = str(env["TIM_SECRET"])
    else:
        raise ConfigError("TIM_SECRET: required when TIM_APP_ID is set (or use TIM_SECRET_FILE)")
    base_url = _url(env, "TIM_BASE_URL", ("http", "https"))
    region = _region(env)
    if not base_url and not region:
        region = "china"
    return {
        "TIM_SANDBOX": False,
        "TIM_APP_ID": app_id,
        "TIM_ADMIN": env.get("TIM_ADMIN") or "administrator",
        "TIM_SECRET": secret,
        "TIM_BASE_URL": base_url,
        "TIM_REGION": None if base_url else region,
    }


def _oidc_settings(env: dict) -> dict:
    """Single sign-on with OpenID Connect (docs/security.md); off unless OIDC_ISSUER is set."""
    issuer = (_url(env, "OIDC_ISSUER", ("http", "https")) or "").rstrip("/") or None
    local = _bool(env, "LOCAL_PASSWORDS")
    if issuer is None:
        if local is False:
            raise ConfigError("LOCAL_PASSWORDS: passwords can only be turned off when OIDC_ISSUER is set")
        return dict(OIDC_ISSUER=None, LOCAL_PASSWORDS=True)
    client_id = env.get("OIDC_CLIENT_ID") or ""
    if not client_id:
        raise ConfigError("OIDC_CLIENT_ID: required with OIDC_ISSUER")
    secret_file = env.get("OIDC_CLIENT_SECRET_FILE") or ""
    if not secret_file:
        raise ConfigError("OIDC_CLIENT_SECRET_FILE: required with OIDC_ISSUER")
    role_map = {}
    for pair in (env.get("OIDC_ROLE_MAP") or "").split(","):
        value, sep, role = pair.strip().rpartition("=")
        if not pair.strip():
            continue
        if not sep or not value or role not in ("viewer", "operator", "admin"):
            raise ConfigError(f"OIDC_ROLE_MAP: expected claim-value=role (viewer, operator, admin), got {pair!r}")
        role_map[value] = role
    default_role = env.get("OIDC_DEFAULT_ROLE") or "viewer"
    if default_role not in ("none", "viewer", "operator", "admin"):
        raise ConfigError(f"OIDC_DEFAULT_ROLE: expected none, viewer, operator or admin, got {default_role!r}")
    return dict(
        OIDC_ISSUER=issuer,
        OIDC_CLIENT_ID=client_id,
        OIDC_CLIENT_SECRET=_read_secret_file(secret_file, "OIDC_CLIENT_SECRET_FILE"),
        OIDC_SCOPES=env.get("OIDC_SCOPES") or "openid email profile",
        OIDC_ALLOWED_DOMAINS=tuple(d.strip().lower().lstrip("@") for d in
                                   (env.get("OIDC_ALLOWED_DOMAINS") or "").split(",") if d.strip()),
        OIDC_ROLE_CLAIM=env.get("OIDC_ROLE_CLAIM") or None,
        OIDC_ROLE_MAP=role_map,
        OIDC_DEFAULT_ROLE=None if default_role == "none" else default_role,
        LOCAL_PASSWORDS=True if local is None else local,
    )


def load_settings(instance_path: str, overrides: dict | None = None) -> dict:
    """Build the Flask config from os.environ, with `overrides` (tests) taking precedence.

    Keys in `overrides` use the same names as the environment variables, plus any Flask key.
    """
    env = {**os.environ, **(overrides or {})}
    settings = _tim_settings(env, instance_path)
    push_api = env.get("TIM_PUSH_API") or "timpush"
    if push_api not in PUSH_APIS:
        raise ConfigError(f"TIM_PUSH_API: expected one of {', '.join(PUSH_APIS)}, got {push_api!r}")
    callback_token = env.get("TIM_CALLBACK_TOKEN") or None
    if callback_token is None and settings["TIM_SANDBOX"]:
        callback_token = _instance_secret(instance_path, "sandbox-callback-token", 16)
    settings.update(
        TIM_PUSH_API=push_api,
        TIM_TIMEOUT=_int(env, "TIM_TIMEOUT", 10, minimum=1),
        TIM_CALLBACK_TOKEN=callback_token,
        DATABASE_URL=_database_url(env, instance_path),
        REDIS_URL=_url(env, "REDIS_URL", ("redis", "rediss", "unix")),
        SECRET_KEY=env.get("SECRET_KEY") or _instance_secret(instance_path, "secret-key"),
        PUBLIC_URL=(_url(env, "PUBLIC_URL", ("http", "https")) or "").rstrip("/") or None,
        JOBS_IMMEDIATE=_bool(env, "JOBS_IMMEDIATE"),
        # GET /metrics: this bearer token, or a signed-in operator when unset
        METRICS_TOKEN=env.get("METRICS_TOKEN") or None,  # None: immediate only under TESTING
        AUDIT_PAGE_SIZE=_int(env, "AUDIT_PAGE_SIZE", 50, minimum=1),
        LOGIN_LIMIT=env.get("LOGIN_LIMIT") or "5 per minute",
        PROXY_FIX=_int(env, "PROXY_FIX", 0),
        COOKIE_SECURE=_bool(env, "COOKIE_SECURE"),
        # Trial editions may delete accounts (others get 71000); the sandbox counts as one.
        TIM_TRIAL=settings["TIM_SANDBOX"] if _bool(env, "TIM_TRIAL") is None else _bool(env, "TIM_TRIAL"),
        # App admins besides TIM_ADMIN: the console never deletes, kicks or mutes them.
        TIM_APP_ADMINS=_names(env, "TIM_APP_ADMINS", user_id_problem),
        # Custom profile keys to show (IM cannot list them): Tag_Profile_Custom_<key>.
        TIM_PROFILE_CUSTOM=_names(env, "TIM_PROFILE_CUSTOM", _custom_key_problem),
        # Where avatars may come from (the CSP's img-src besides 'self' and data:).
        TIM_AVATAR_SOURCES=_names(env, "TIM_AVATAR_SOURCES", source_problem) or DEFAULT_SOURCES,
    )
    settings.update(_oidc_settings(env))
    # Anything else the caller passed (Flask keys such as TESTING) goes through unchanged.
    for key, value in (overrides or {}).items():
        settings.setdefault(key, value)
    return settings

"""Sign-in: server-side sessions, the sign-in history, TOTP second factors and recovery codes."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from console.db import Base
from console.models.types import UTCDateTime, utcnow

SIGN_IN_METHODS = ("password", "totp", "recovery", "sso", "setup")


class OperatorSession(Base):
    """One signed-in browser. The Flask session cookie carries only its random token, whose hash is
    stored here; ending the row (logout, password or role change, "end session") refuses every copy
    of that cookie."""

    __tablename__ = "operator_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the last time the operator proved who they are in this session (sign-in, password, TOTP code)
    proved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(256))
    method: Mapped[str] = mapped_column(String(16), default="password")
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)


class SignInAttempt(Base):
    """One attempt to sign in, successful or not (the operator's history; failures for admins)."""

    __tablename__ = "sign_in_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operator.id", ondelete="SET NULL"), index=True)
    #: the name typed (or the SSO e-mail), kept also when it matches no operator
    name: Mapped[str] = mapped_column(String(255), default="")
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(256))
    method: Mapped[str] = mapped_column(String(16))
    success: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(String(32))


class OperatorTOTP(Base):
    """An operator's TOTP second factor (pending until the first code is checked)."""

    __tablename__ = "operator_totp"

    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the time step of the last accepted code: a code of that step or an earlier one is refused
    last_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    enabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class RecoveryCode(Base):
    """A one-time recovery code, stored hashed."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

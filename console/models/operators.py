"""Operators: the people who sign in to the console."""
from __future__ import annotations

import datetime as dt
import secrets

from flask_login import UserMixin
from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from console.db import Base
from console.models.types import UTCDateTime, utcnow

ROLES = ("viewer", "operator", "admin")


class Operator(UserMixin, Base):
    """A person who signs in to the console."""

    __tablename__ = "operator"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16), default="viewer")
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    #: IANA zone name for displaying times; None = the browser's zone (falls back to UTC).
    timezone: Mapped[str | None] = mapped_column(String(64))
    #: rotated on password change / disable, which signs out every other session.
    session_token: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(8))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: "<issuer>|<sub>" of the single sign-on identity linked to this operator
    sso_subject: Mapped[str | None] = mapped_column(String(255), unique=True)

    def get_id(self) -> str:  # flask-login: id plus token so a rotated token ends old sessions
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return not self.disabled

    def has_role(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    def __repr__(self) -> str:
        return f"<Operator {self.id} {self.name} {self.role}>"


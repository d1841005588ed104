"""TOTP second factor for operators (issue #20 item 1): enrolment with a code check, ten one-time
recovery codes stored hashed, disabling, an admin's reset, and who must use it (the policy).

Codes themselves are checked by console.security.check_totp (sudo mode needs them too), which
refuses a code of a step already used (a replay)."""
from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp
import segno
from sqlalchemy import delete, select

from console import security
from console.models import ROLES, Operator, OperatorTOTP, RecoveryCode, Setting, utcnow

RECOVERY_CODES = 10
POLICY_KEY = "require_2fa"  # Setting: the roles (comma-separated) that must use a second factor
ISSUER = "TIM Console"
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def pending_or_new(sess, operator: Operator) -> OperatorTOTP:
    """The operator's not-yet-confirmed factor (a new secret if there is none)."""
    row = sess.get(OperatorTOTP, operator.id)
    if row is None:
        row = OperatorTOTP(operator_id=operator.id, secret=pyotp.random_base32(), enabled=False,
                           created_at=utcnow())
        sess.add(row)
        sess.flush()
    return row


def provisioning_uri(operator: Operator, row: OperatorTOTP) -> str:
    return pyotp.TOTP(row.secret).provisioning_uri(name=operator.name, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The otpauth URI as a QR code, an SVG data: URI drawn here (the CSP allows data: images)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


def confirm(sess, row: OperatorTOTP, code: str) -> list[str] | None:
    """Turn the pending factor on if `code` checks; the new recovery codes (shown once), else None."""
    if row.enabled or not security.check_totp(row, code):
        return None
    row.enabled, row.enabled_at = True, utcnow()
    return new_recovery_codes(sess, row.operator_id)


def _hash(code: str) -> str:
    return hashlib.sha256(_normal(code).encode()).hexdigest()


def _normal(code: str) -> str:
    return "".join(c for c in code.lower() if c.isalnum())


def new_recovery_codes(sess, operator_id: int) -> list[str]:
    """Replace the operator's recovery codes with RECOVERY_CODES new ones (60 random bits each,
    stored as SHA-256); the codes in clear, to show once."""
    sess.execute(delete(RecoveryCode).where(RecoveryCode.operator_id == operator_id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
        sess.add(RecoveryCode(operator_id=operator_id, code_hash=_hash(raw)))
    return codes


def use_recovery_code(sess, operator_id: int, code: str) -> bool:
    """True (and the code is spent) if `code` is one of the operator's unused recovery codes."""
    if not 8 <= len(_normal(code)) <= 16:
        return False
    wanted = _hash(code)
    for row in sess.scalars(select(RecoveryCode).where(RecoveryCode.operator_id == operator_id,
                                                       RecoveryCode.used_at.is_(None))):
        if hmac.compare_digest(row.code_hash, wanted):
            row.used_at = utcnow()
            return True
    return False


def unused_codes(sess, operator_id: int) -> int:
    return len(list(sess.scalars(select(RecoveryCode.id).where(RecoveryCode.operator_id == operator_id,
                                                                RecoveryCode.used_at.is_(None)))))


def check_second_factor(sess, operator: Operator, code: str) -> str | None:
    """The method ("totp" or "recovery") by which `code` proves the operator's second factor, or None."""
    row = security.totp_of(operator)
    if row is None:
        return None
    if security.check_totp(row, code):
        return "totp"
    if use_recovery_code(sess, operator.id, code):
        return "recovery"
    return None


def remove(sess, operator_id: int) -> bool:
    """Turn the operator's second factor off (and drop the recovery codes); False if there was none."""
    row = sess.get(OperatorTOTP, operator_id)
    sess.execute(delete(RecoveryCode).where(RecoveryCode.operator_id == operator_id))
    if row is None:
        return False
    sess.delete(row)
    return bool(row.enabled)


# ---- who must use it ---------------------------------------------------------------------------

def required_roles(sess) -> tuple[str, ...]:
    row = sess.get(Setting, POLICY_KEY)
    value = (row.value or "") if row is not None else ""
    return tuple(r for r in ROLES if r in value.split(","))


def set_required_roles(sess, roles) -> tuple[str, ...]:
    chosen = tuple(r for r in ROLES if r in set(roles))
    row = sess.get(Setting, POLICY_KEY) or Setting(key=POLICY_KEY)
    row.value, row.updated_at = ",".join(chosen), utcnow()
    sess.add(row)
    return chosen


def must_enrol(sess, operator: Operator) -> bool:
    """The policy requires a second factor of this operator and they have none yet."""
    return operator.role in required_roles(sess) and security.totp_of(operator) is None

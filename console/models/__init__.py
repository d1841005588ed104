"""The console's tables, one module per feature; this package re-exports every one of them
(Alembic's env.py and the rest of the console import them from here).

Times are stored in UTC (`UTCDateTime`), except in the callback tables, which keep epoch
milliseconds (see console.models.events).
"""
from __future__ import annotations

from console.models.accounts import ACCOUNT_SOURCES, Account
from console.models.audit import AuditEntry, AuditTarget
from console.models.events import EVENT_ID, CallbackEvent, CallbackRefusal, CallbackRefusalMinute, Rule
from console.models.groups import GroupCache
from console.models.jobs import JOB_STATUSES, Job, JobResult
from console.models.moderation import KeywordList, ReviewAction, RuleVersion
from console.models.monitoring import (ALERT_STATUSES, DELIVERY_STATUSES, Alert, AlertDelivery, AlertEvent,
                                       AlertRule, Webhook)
from console.models.operators import ROLES, Operator
from console.models.push import PushRecord
from console.models.settings import Setting
from console.models.signin import SIGN_IN_METHODS, OperatorSession, OperatorTOTP, RecoveryCode, SignInAttempt
from console.models.types import JSONType, UTCDateTime, utcnow

__all__ = ["ACCOUNT_SOURCES", "Account", "AuditEntry", "AuditTarget", "EVENT_ID", "CallbackEvent",
           "CallbackRefusal", "CallbackRefusalMinute", "Rule", "ALERT_STATUSES", "DELIVERY_STATUSES", "Alert",
           "AlertDelivery", "AlertEvent", "AlertRule", "Webhook", "GroupCache", "JOB_STATUSES", "Job", "JobResult", "ROLES",
           "Operator", "PushRecord", "Setting", "JSONType", "UTCDateTime", "utcnow",
           "SIGN_IN_METHODS", "OperatorSession", "OperatorTOTP", "RecoveryCode", "SignInAttempt",
           "KeywordList", "ReviewAction", "RuleVersion"]

"""The audit log: one append-only row per IM call made for an operator, and per console action.

- `client`: the audit context (who, from where) and `g.tim`, the AuditedClient that carries it;
- `writer`: redaction, extraction and the one-row-per-call writer (the shared client's observer);
- `query`: filters, pages and exports for the audit pages; `views`: those pages.
"""
from console.audit import labels  # noqa: F401  (registers the audit_action vocabulary)
from console.audit.client import AuditContext, AuditedClient, acting_as, job_context, request_context
from console.audit.writer import (AuditWriter, extract_items, extract_targets, install_log_redaction,
                                  outcome_of, record_action, scrub, scrub_text, write_entry)

__all__ = ["AuditContext", "AuditedClient", "acting_as", "job_context", "request_context", "AuditWriter",
           "extract_items", "extract_targets", "install_log_redaction", "outcome_of", "record_action",
           "scrub", "scrub_text", "write_entry"]

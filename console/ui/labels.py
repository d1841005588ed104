"""Human labels for IM codes: one registry of vocabularies, filled by the features that own them.

A vocabulary maps a code (``Gender_Type_Female``, ``TIMTextElem``, ``accounts.import_csv``) to a
label in the reader's language (a lazy gettext string). Pages show the label and keep the code in a
tooltip (``ui.code_label`` in templates/_macros/ui.html, over the template global ``im_label``); the code itself is what is stored, sent
to IM and searched. Core: features call `define`, this module imports none of them.

Vocabularies in use: ``gender``, ``allow_type``, ``admin_forbid``, ``group_type``, ``msg_type``,
``job_kind``, ``audit_action``, ``member_role``, ``online_state``.
"""
from __future__ import annotations

from collections.abc import Mapping

_VOCABULARIES: dict[str, dict[str, object]] = {}


def define(kind: str, labels: Mapping[str, object]) -> None:
    """Add `labels` ({code: label}) to the vocabulary `kind` (created on first use)."""
    _VOCABULARIES.setdefault(kind, {}).update(labels)


def label(kind: str, code) -> str | None:
    """The label of `code` in `kind` in the reader's language, or None when it has none."""
    if code is None or code == "":
        return None
    found = _VOCABULARIES.get(kind, {}).get(str(code))
    return str(found) if found is not None else None


def codes(kind: str) -> list[str]:
    """Every code `kind` has a label for (for tests and choice lists)."""
    return list(_VOCABULARIES.get(kind, {}))

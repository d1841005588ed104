"""Job kinds for bulk message work: batch sends to long recipient lists, JSON Lines history imports.

- "messages.batch_send": items are recipients, 500 per openim/batchsendmsg call; the client's
  limiter keeps the app under 12,000 messages per minute (each recipient counts one).
- "messages.import": items are line numbers of params["records"]; one openim/importmsg call each.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from console.messaging import domain as messaging
from console.jobs import Item, JobRun, job_kind
from console.tim import TimError

BATCH_SEND = "messages.batch_send"
IMPORT = "messages.import"


def batch_send_items(result) -> list[Item]:
    """Per-recipient job items of a BatchSendResult."""
    return [Item(str(r.id), r.ok, r.code, None if r.ok else (r.info or None)) for r in result.items]


@job_kind(BATCH_SEND, batch=messaging.MAX_BATCH, label=_l("Send to many accounts"))
def batch_send(run: JobRun, recipients: list[str]) -> list[Item]:
    result = run.tim.c2c.send_messages(recipients, run.params["body"], **run.params.get("options", {}))
    return batch_send_items(result)


@job_kind(IMPORT, batch=20, label=_l("Import messages"))
def import_messages(run: JobRun, numbers: list[str]) -> list[Item]:
    records = run.params["records"]
    realtime = bool(run.params.get("realtime"))
    out = []
    for number in numbers:
        record = records[int(number) - 1]
        label = f"{record['From_Account']} → {record['To_Account']} @ {record['MsgTimeStamp']}"
        try:
            messaging.import_record(run.tim, record, realtime)
            out.append(Item(number, True, 0, label))
        except TimError as exc:
            out.append(Item(number, False, exc.code, f"{label}: {exc.info}"))
    return out

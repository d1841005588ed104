"""Observability: Prometheus metrics, admin-defined alerts, and IM's own alarms.

- `metrics`: the prometheus_client metrics every part records, and the `/metrics` exposition;
- `alerts`: alert rules, their evaluation (a periodic task of the job consumer, never a
  request), alert states and the events that raised them;
- `webhooks`: the messages (generic JSON, WeCom and DingTalk robots) and their delivery, with
  retries and a delivery log;
- `stats`: the dashboard's figures from the audit and callback tables;
- `views`: `/metrics`, the Alerts page, alert rules and webhooks (admin).
"""

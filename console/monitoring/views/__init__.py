"""The pages of console.monitoring: `/metrics`, the Alerts page, alert rules and webhooks."""

"""Pages about the whole app: dashboard, operations, settings, health."""

"""The Events page (viewer: live stream, history, detail, replay) and the moderation rules page (rules)."""

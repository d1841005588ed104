"""Event categories in words (vocabulary ``event_category`` of console.ui.labels): the prefix of
a callback command (console.tim.callbacks.Category), shown on the Events page's chips, rows and
rate chart with the code in the tooltip."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from console.ui import labels

labels.define("event_category", {
    "Alert": _l("Alerts"),
    "State": _l("Online state"),
    "Profile": _l("Profiles"),
    "Sns": _l("Relationships"),
    "Follow": _l("Follows"),
    "C2C": _l("One-to-one messages"),
    "Group": _l("Groups"),
    "ContentCallback": _l("Content moderation"),
    "Bot": _l("Bots"),
    "Chatbot": _l("Chatbots"),
    "OfficialAccount": _l("Official accounts"),
    "Push": _l("Push"),
    "Other": _l("Other"),
})

#: the outcome chips (console.events.store.OUTCOMES)
labels.define("event_outcome", {
    "allow": _l("allowed"),
    "deny": _l("denied"),
    "drop": _l("dropped"),
    "rewrite": _l("rewritten"),
    "partial": _l("partly refused"),
    "redelivery": _l("re-deliveries"),
    "unsigned": _l("unsigned"),
})

"""Pushes to every user or a segment (tags, attributes), push history, attribute names and the
attributes and tags of users: `domain` plans and records them, `views` are the Push pages."""

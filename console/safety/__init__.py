"""IM's own moderation services: keyword lists, content checks, chat-file bans."""

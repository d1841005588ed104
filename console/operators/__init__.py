"""Operators: the people who sign in. Sign-in and the operator's own page (`views.auth`), the
operators admin and an operator's page (`views.admin`), sessions and `/sudo` (`views.sessions`),
two-factor authentication (`twofactor`, `views.twofactor`), single sign-on (`sso`, `views.sso`),
the steps of signing in (`signin`), the sign-in history (`history`), the first-admin setup link
(`setup`) and the `flask operators` commands (`cli`). Passwords, roles, sessions and the setup
token themselves are console.security's (docs/security.md)."""

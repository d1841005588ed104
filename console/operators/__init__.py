"""Operators: the people who sign in. Sign-in and the operator's own page (`views.auth`), the
operators admin (`views.admin`), the first-admin setup link (`setup`) and the `flask operators`
commands (`cli`). Passwords, roles and the setup token themselves are console.security's."""

"""The operators pages: sign-in and the operator's own page (auth), the operators admin (admin)."""

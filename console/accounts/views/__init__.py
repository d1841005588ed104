"""The Accounts pages: the directory list and adding accounts (listing), the account page (detail), its relationship tabs (relations), and what they share (common)."""

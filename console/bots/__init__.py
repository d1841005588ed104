"""Bots: the app's `@RBT#` accounts (list, create, delete) and each bot's conversations."""

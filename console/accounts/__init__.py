"""Accounts: the directory of every IM account the console has seen (`directory`), the profile
field table, validation, CSV parsing, directory queries and bulk-action rules (`domain`), the
account job kinds (`jobs`), and the Accounts pages (`views`)."""

"""One-to-one messages: composing a MsgBody from the element editor, recipients, conversations,
history import and global mute (`domain`), the batch send and import job kinds (`jobs`), and the
Messages pages (`views`)."""

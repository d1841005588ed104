"""Official accounts: channels the app broadcasts from, their subscribers and messages."""

"""Helpers for the bot's end-to-end tests (``tests/test_bot_*.py``): the real bot, PTB and HTTP."""

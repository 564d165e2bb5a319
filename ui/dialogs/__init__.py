"""Dialogs: first run, unlock, groups, invites, members, search, settings."""

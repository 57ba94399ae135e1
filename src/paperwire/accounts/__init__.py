"""Accounts: members, passwords, sessions, API tokens, signed e-mail links."""

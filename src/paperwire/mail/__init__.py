"""Outgoing mail: messages built safely (mail.message) and sent over SMTP (mail.smtp)."""

"""Digests on the web: subscribing (with or without an account), settings, unsubscribing."""

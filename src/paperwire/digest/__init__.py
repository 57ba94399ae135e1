"""Digests: subscriptions, composing each into the outbox once, delivering from it, unsubscribing."""

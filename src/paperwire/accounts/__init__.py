"""Accounts: members, passwords, sessions, API tokens, signed e-mail links, rate limits.

    users       create, find, sign in, change, disable, delete members
    passwords   argon2id hashes, the length-only policy, the cap on concurrent hashing
    sessions    server-side sessions behind a random cookie, CSRF tokens
    tokens      personal API tokens (Bearer), read or write scope
    links       signed verify-email and password-reset links
    secret      the site secret key that signs them
    ratelimit   named rate limits counted in the database, shared by every worker
"""

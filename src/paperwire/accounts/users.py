"""Accounts: creating members, finding them, signing them in, and an admin's changes to them.

``db`` is the catalog's SQLAlchemy Engine. Usernames are 3-32 ASCII letters, digits, ``_``
and ``-`` (no look-alikes), unique without regard to case; e-mail addresses are unique
lower-cased.
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from paperwire.accounts import sessions
from paperwire.accounts.errors import AccountError, AlreadyTaken, UnknownMember
from paperwire.accounts.members import ROLES, Member, member_from_row
from paperwire.accounts.passwords import hash_password, verify_password
from paperwire.accounts.timestamps import utc_now
from paperwire.config import Settings
from paperwire.accounts import subscription_address
from paperwire.mail.addresses import MAX_LENGTH as MAX_EMAIL_LENGTH
from paperwire.mail.addresses import InvalidAddress, check_address, shown_value
from paperwire.mail.smtp import mail_enabled
from paperwire.store.people_schema import users

_USERNAME = re.compile(r"[A-Za-z0-9_-]{3,32}")


def check_username(username: object) -> str:
    if not isinstance(username, str) or not _USERNAME.fullmatch(username):
        raise AccountError(
            "username",
            f"username {shown_value(username)} is not allowed:"
            " use 3 to 32 of the letters A-Z, a-z, digits, '_' and '-'",
        )
    return username


def check_email(email: object) -> str:
    """The address as stored, or AccountError saying what is wrong with it."""
    try:
        return check_address(email)
    except InvalidAddress as error:
        raise AccountError("email", str(error)) from None


def check_role(role: object) -> str:
    if role not in ROLES:
        raise AccountError("role", f"role {shown_value(role)} is not one of {', '.join(ROLES)}")
    return role


def create_user(
    db: Engine, username: str, email: str, password: str, role: str = "member", verified: bool = False
) -> Member:
    """A new account; AccountError names the field that cannot be used, AlreadyTaken the one
    another account holds."""
    check_username(username)
    check_email(email)
    check_role(role)
    password_hash = hash_password(password)
    now = utc_now()
    row = {
        "username": username,
        "username_key": username.lower(),
        "email": email,
        "email_key": email.lower(),
        "email_verified_at": now if verified else None,
        "password_hash": password_hash,
        "role": role,
        "created_at": now,
        "password_changed_at": now,
    }
    try:
        with db.begin() as connection:
            user_id = connection.execute(insert(users).values(row).returning(users.c.id)).scalar_one()
    except IntegrityError:
        raise _which_is_taken(db, row) from None
    if verified:  # a visitor's digest subscription at this address becomes the member's
        subscription_address.address_verified(db, user_id)
    return Member(id=user_id, username=username, role=role, email_verified=verified, email=email)


def member_by_id(db: Engine, user_id: int) -> Member | None:
    return _member_where(db, users.c.id == user_id)


def member_by_username(db: Engine, username: str) -> Member | None:
    key = _lookup_key(username)
    return _member_where(db, users.c.username_key == key) if key else None


def member_by_email(db: Engine, email: str) -> Member | None:
    key = _lookup_key(email)
    return _member_where(db, users.c.email_key == key) if key else None


def list_users(db: Engine) -> list[Member]:
    with db.connect() as connection:
        rows = connection.execute(select(users).order_by(users.c.username_key)).mappings()
        return [member_from_row(row) for row in rows]


def authenticate(db: Engine, username_or_email: str, password: str) -> Member | None:
    """The member these credentials belong to, or None. Unknown accounts cost the same hash
    as known ones, so the answer's timing does not tell them apart; disabled members are
    refused. A hash made with older parameters is replaced by one with the current ones."""
    key = _lookup_key(username_or_email)
    column = users.c.email_key if "@" in key else users.c.username_key
    row = None
    if key:  # what no account can be called is not looked up (but still costs the hash)
        with db.connect() as connection:
            row = connection.execute(select(users).where(column == key)).mappings().first()
    check = verify_password(row["password_hash"] if row else None, password)
    if not check.matches or row["disabled_at"] is not None:
        return None
    if check.needs_rehash:
        _update(db, row["id"], password_hash=hash_password(password))
    return member_from_row(row)


def change_password(db: Engine, user_id: int, new_password: str, keep_session: str | None = None) -> None:
    """Set a new password and end every session of the member but ``keep_session`` (the
    cookie of the one that made the change), so a stolen session does not outlive it."""
    password_hash = hash_password(new_password)
    _update(db, user_id, password_hash=password_hash, password_changed_at=utc_now())
    sessions.end_all_sessions(db, user_id, except_cookie=keep_session)


def change_email(db: Engine, user_id: int, email: str) -> None:
    """A new address, unverified until its own link is followed (links to the old one are spent)."""
    check_email(email)
    try:
        _update(db, user_id, email=email, email_key=email.lower(), email_verified_at=None)
    except IntegrityError:
        raise AlreadyTaken("email", f"e-mail address {email!r} already has an account") from None
    subscription_address.address_changed(db, user_id, email)  # the digest follows the address


def needs_verification(settings: Settings, member: Member) -> bool:
    """Whether ``member`` must verify their address before voting, commenting or submitting:
    only where this site sends mail (else no link could reach them) and the
    ``unverified_may_participate`` setting is off."""
    return mail_enabled(settings) and not member.email_verified and not settings.unverified_may_participate


def set_role(db: Engine, user_id: int, role: str) -> None:
    _update(db, user_id, role=check_role(role))


def disable(db: Engine, user_id: int) -> int:
    """The member can no longer sign in; their sessions end now (how many is returned) and
    their tokens stop working (tokens are kept, and work again after ``enable``)."""
    _update(db, user_id, disabled_at=utc_now())
    return sessions.end_all_sessions(db, user_id)


def enable(db: Engine, user_id: int) -> None:
    _update(db, user_id, disabled_at=None)


def mark_email_verified(db: Engine, user_id: int) -> None:
    _update(db, user_id, email_verified_at=utc_now())
    subscription_address.address_verified(db, user_id)  # confirms (or takes over) the digest subscription


def delete_user(db: Engine, user_id: int) -> None:
    """Remove the account. The schema keeps their comments (as "deleted user") and drops their
    votes, sessions, tokens, library and collections."""
    with db.begin() as connection:
        if not connection.execute(delete(users).where(users.c.id == user_id)).rowcount:
            raise UnknownMember(f"no account with id {user_id}")


def _lookup_key(name: object) -> str:
    # Usernames and addresses are short ASCII: anything else matches no account ("" here).
    if isinstance(name, str) and name.isascii() and len(name) <= MAX_EMAIL_LENGTH:
        return name.lower()
    return ""


def _member_where(db: Engine, condition) -> Member | None:
    with db.connect() as connection:
        row = connection.execute(select(users).where(condition)).mappings().first()
    return member_from_row(row) if row else None


def _update(db: Engine, user_id: int, **values) -> None:
    with db.begin() as connection:
        if not connection.execute(update(users).where(users.c.id == user_id).values(**values)).rowcount:
            raise UnknownMember(f"no account with id {user_id}")


def _which_is_taken(db: Engine, row: dict) -> AlreadyTaken:
    with db.connect() as connection:
        if connection.execute(select(users.c.id).where(users.c.username_key == row["username_key"])).first():
            return AlreadyTaken("username", f"username {row['username']!r} is taken")
    return AlreadyTaken("email", f"e-mail address {row['email']!r} already has an account")

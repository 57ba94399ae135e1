"""The site's secret key, which signs e-mail links.

From the ``secret_key`` setting where set (every node of a cluster needs the same one);
otherwise generated once into ``HOME/secret_key``, readable by its owner only. There is no
default string: a key nobody chose is a key nobody else knows.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from paperwire.config import ConfigError, Settings

SECRET_FILE = "secret_key"
MIN_LENGTH = 32


def site_secret(settings: Settings) -> str:
    if settings.secret_key:
        if len(settings.secret_key) < MIN_LENGTH:
            raise ConfigError(
                f"setting secret_key is too short: at least {MIN_LENGTH} characters"
                " (e.g. the output of: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        return settings.secret_key
    path = settings.home / SECRET_FILE
    if not path.exists():
        _create(path)
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < MIN_LENGTH:
        raise ConfigError(f"{path} holds no usable key (under {MIN_LENGTH} characters): delete it to get a new one")
    return key


def _create(path: Path) -> None:
    # Written in full under a temporary name (0600 from the start), then linked into place:
    # a second process starting at the same moment either wins or reads the finished file.
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(secrets.token_urlsafe(48) + "\n")
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
    finally:
        temporary.unlink()

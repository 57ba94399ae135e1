"""The site secret: generated once per home, private to its owner, or shared through a setting."""

from __future__ import annotations

import stat
import threading

import pytest

from paperwire.accounts.secret import site_secret
from paperwire.config import ConfigError, load_settings


def test_a_new_home_gets_a_random_secret_readable_by_its_owner_only(tmp_path):
    settings = load_settings(home=tmp_path / "home", environ={})
    key = site_secret(settings)
    path = tmp_path / "home" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == key and len(key) >= 64
    assert site_secret(settings) == key  # the same on every start
    assert site_secret(load_settings(home=tmp_path / "other", environ={})) != key  # no default string
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no temporary left behind


def test_processes_starting_together_agree_on_one_secret(tmp_path):
    settings = load_settings(home=tmp_path / "home", environ={})
    keys, start = [], threading.Barrier(8)

    def first_start():
        start.wait()
        keys.append(site_secret(settings))

    workers = [threading.Thread(target=first_start) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(set(keys)) == 1 and len(keys) == 8


def test_the_secret_key_setting_wins_so_several_nodes_share_one(tmp_path):
    shared = "s" * 48
    settings = load_settings(home=tmp_path / "home", environ={"PAPERWIRE_SECRET_KEY": shared})
    assert site_secret(settings) == shared
    assert not (tmp_path / "home" / "secret_key").exists()


def test_a_short_secret_key_setting_is_refused(tmp_path):
    settings = load_settings(home=tmp_path / "home", environ={"PAPERWIRE_SECRET_KEY": "changeme"})
    with pytest.raises(ConfigError, match="secret_key is too short: at least 32 characters"):
        site_secret(settings)


def test_an_emptied_secret_file_is_reported_not_used(tmp_path):
    settings = load_settings(home=tmp_path / "home", environ={})
    site_secret(settings)
    (tmp_path / "home" / "secret_key").write_text("\n")
    with pytest.raises(ConfigError, match="delete it to get a new one"):
        site_secret(settings)

"""The accounts' and mail's settings: safe defaults, and booleans written as people write them."""

from __future__ import annotations

import pytest

from paperwire.config import ConfigError, load_settings


def test_defaults_send_no_mail_keep_unverified_members_out_and_set_every_limit(tmp_path):
    settings = load_settings(home=tmp_path, environ={})
    assert settings.smtp_host == "" and settings.smtp_security == "none"
    assert settings.secret_key == "" and settings.unverified_may_participate is False
    assert settings.limit_sign_in_per_account == "10/minute" and settings.limit_vote_per_account == "120/minute"


@pytest.mark.parametrize(("written", "meant"), [
    ("true", True), ("Yes", True), ("1", True), ("on", True), ("false", False), ("NO", False), ("0", False),
])
def test_boolean_settings_from_the_environment(tmp_path, written, meant):
    settings = load_settings(home=tmp_path, environ={"PAPERWIRE_UNVERIFIED_MAY_PARTICIPATE": written})
    assert settings.unverified_may_participate is meant


def test_boolean_settings_from_the_toml_file(tmp_path):
    (tmp_path / "paperwire.toml").write_text("unverified_may_participate = true\n")
    assert load_settings(home=tmp_path, environ={}).unverified_may_participate is True


def test_a_boolean_setting_that_is_neither_says_what_it_takes(tmp_path):
    with pytest.raises(ConfigError, match="setting unverified_may_participate: expected true or false .* got 'maybe'"):
        load_settings(home=tmp_path, environ={"PAPERWIRE_UNVERIFIED_MAY_PARTICIPATE": "maybe"})

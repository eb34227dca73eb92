"""Every setting is a command-line option that sets it; Settings() alone reads no
environment (load_settings is its one reader)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import MISSING, Field, fields
from pathlib import Path
from typing import Any

import pytest
from ctc_kg.cli import _parser, _settings
from ctc_kg.config import Settings, load_settings

from tests.live import environment

CTC_KG = Path(sys.executable).parent / "ctc-kg"
CHECKOUT = Path(__file__).resolve().parents[1]
SETTINGS = fields(Settings)


def _command(setting: Field[Any]) -> str:
    """The command that takes the option: `serve` if it does, else the first one named."""
    commands = setting.metadata["options"]
    return "serve" if "serve" in commands else commands[0]


def _option(setting: Field[Any], tmp_path: Path) -> tuple[list[str], Any]:
    """The option's words that set `setting` to a value unlike its default, and that value."""
    flag = "--" + setting.name.replace("_", "-")
    kind = str(setting.type)
    if kind == "bool":
        return ([f"--no-{flag[2:]}"] if setting.default else [flag]), not setting.default
    if setting.metadata["choices"]:
        value = next(c for c in setting.metadata["choices"] if c != setting.default)
        return [flag, value], value
    if "Path" in kind:
        return [flag, str(tmp_path / setting.name)], tmp_path / setting.name
    if "tuple" in kind:
        return [flag, "http://a.example/sparql, http://b.example/sparql"], (
            "http://a.example/sparql",
            "http://b.example/sparql",
        )
    if kind == "int":
        return [flag, "7"], 7
    if kind == "float":
        return [flag, "2.5"], 2.5
    value = "https://example.org/other/"  # base_iri, public_url, host, store: any text
    return [flag, value], value


@pytest.fixture
def no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [*(f"CTC_KG_{s.name.upper()}" for s in SETTINGS), "CTC_KG_CONFIG"]:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("setting", SETTINGS, ids=[s.name for s in SETTINGS])
def test_every_setting_has_an_option_that_sets_it(
    setting: Field[Any], tmp_path: Path, no_environment: None
) -> None:
    words, value = _option(setting, tmp_path)
    command = _command(setting)
    if command == "ctc-kg":
        argv = [*words, "serve"]
    else:
        argv = [command, *words, *(["--endpoint", "http://x/"] if command == "load" else [])]
    settings = _settings(_parser().parse_args(argv))
    assert getattr(settings, setting.name) == value
    assert value != getattr(Settings(), setting.name)


@pytest.mark.parametrize("command", ["serve", "build", "reload"])
def test_help_lists_each_setting_of_the_command_with_its_help(command: str) -> None:
    shown = subprocess.run(
        [str(CTC_KG), command, "--help"],
        capture_output=True,
        text=True,
        env=environment(),
        check=True,
    ).stdout
    flat = " ".join(shown.split())
    for setting in SETTINGS:
        if command in setting.metadata["options"]:
            assert "--" + setting.name.replace("_", "-") in flat
            assert " ".join(setting.metadata["help"].split()) in flat
            assert f"CTC_KG_{setting.name.upper()}" in flat


def test_the_serve_options_the_readme_promised_exist() -> None:
    # Four settings had no option although the README says every setting has one.
    args = _parser().parse_args(
        [
            "serve",
            "--response-cache-bytes",
            "0",
            "--memory-store-max-triples",
            "0",
            "--trust-forwarded-headers",
            "--log-level",
            "debug",
        ]
    )
    settings = _settings(args)
    assert (settings.response_cache_bytes, settings.memory_store_max_triples) == (0, 0)
    assert (settings.trust_forwarded_headers, settings.log_level) == (True, "debug")


def test_settings_alone_read_no_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for setting in SETTINGS:  # a CTC_KG_* variable for every setting, none its default
        kind = str(setting.type)
        text = {"int": "7", "float": "2.5", "bool": str(not setting.default).lower()}.get(kind)
        text = text or (str(tmp_path / setting.name) if "Path" in kind else "https://e.org/")
        monkeypatch.setenv(f"CTC_KG_{setting.name.upper()}", text)
    alone = Settings()
    assert alone.root == CHECKOUT  # CTC_KG_ROOT was read here, behind load_settings' back
    for setting in SETTINGS:
        if setting.default is not MISSING:
            assert getattr(alone, setting.name) == setting.default, setting.name
    # ... while load_settings, the one reader of the environment, does read it.
    assert load_settings(environ={"CTC_KG_ROOT": str(tmp_path)}).root == tmp_path


def test_an_unusable_value_names_the_setting_and_where_it_came_from(tmp_path: Path) -> None:
    # A UsageError (a ValueError), which the command line exits 2 for.
    with pytest.raises(ValueError, match=r"CTC_KG_PORT='eighty' is not usable"):
        load_settings(environ={"CTC_KG_PORT": "eighty"})
    config = tmp_path / "ctc-kg.toml"
    config.write_text('log-level = "loud"\n')
    with pytest.raises(ValueError, match=r"ctc-kg.toml: log-level='loud' is not one of"):
        load_settings(environ={}, config_file=config)

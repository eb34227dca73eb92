"""The cache of validated, built versions (runtime/version_cache.py, runtime.prepare): a second
start of the same content reuses its entry without validating, anything that changes the
output changes the key, invalid content is never cached, an entry is complete or absent,
and the cleanup never removes an entry something still serves."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ctc_kg.cli import _parser, _settings, main
from ctc_kg.config import Settings, load_settings, replace
from ctc_kg.content.load import content_files
from ctc_kg.content.validate import ValidationReport
from ctc_kg.content.validate import validate_content as real_validate_content
from ctc_kg.errors import ValidationFailedError
from ctc_kg.runtime import version_cache
from ctc_kg.runtime.prepare import Prepared, prepare
from ctc_kg.runtime.version_cache import STAMP, cache_key, lookup, prune, publish

from tests.live import LiveServer, environment

RELOAD = (sys.executable, "-m", "ctc_kg.cli")
MINIMAL = Path(__file__).resolve().parent / "data" / "minimal"
OLD_LABEL = "First special meeting (New York, 2003)"
NEW_LABEL = "First special meeting (New York, March 2003)"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the minimal root, free to change."""
    copy = tmp_path / "root"
    shutil.copytree(MINIMAL, copy)
    return copy


@pytest.fixture
def cached(root: Path, tmp_path: Path) -> Settings:
    return load_settings({"root": root, "cache_dir": tmp_path / "cache"}, environ={})


class Validations:
    """The validations prepare() ran, in this process or in the process it forks to
    validate beside the build (runtime/validation_aside.py): a line each in a file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def count(self) -> int:
        return len(self.path.read_text().splitlines()) if self.path.exists() else 0


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Validations:
    counted = Validations(tmp_path / "validations.txt")

    def counting(*args: object, **kwargs: object) -> ValidationReport:
        with counted.path.open("a") as handle:
            handle.write("1\n")
        return real_validate_content(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("ctc_kg.runtime.validation_aside.validate_content", counting)
    return counted


@pytest.fixture
def prepared() -> Iterator[list[Prepared]]:
    """Every version a test prepares is released at teardown."""
    made: list[Prepared] = []
    yield made
    for version in made:
        version.cleanup()


def entries(cache_dir: Path) -> list[Path]:
    return sorted(p for p in cache_dir.iterdir() if (p / STAMP).is_file())


def test_second_prepare_of_the_same_content_is_a_hit_and_does_not_validate(
    cached: Settings,
    validations: Validations,
    prepared: list[Prepared],
    capsys: pytest.CaptureFixture[str],
) -> None:
    first = prepare(cached)
    prepared.append(first)
    assert not first.from_cache
    assert "validated and built" in capsys.readouterr().err
    first.cleanup()  # a server stopping: the entry stays for the next start
    assert (first.dist / "ctc-kg.nq").is_file()

    second = prepare(cached)
    prepared.append(second)
    assert second.from_cache
    assert "from the cache" in capsys.readouterr().err
    assert validations.count() == 1
    assert second.workdir == first.workdir
    assert second.triples == first.triples
    assert second.store_dir is not None
    assert (second.store_dir).is_dir()


def test_changed_data_file_is_a_miss(
    root: Path, cached: Settings, validations: Validations, prepared: list[Prepared]
) -> None:
    prepared.append(prepare(cached))
    meetings = root / "data" / "meetings.trig"
    text = meetings.read_text()
    assert OLD_LABEL in text
    meetings.write_text(text.replace(OLD_LABEL, NEW_LABEL))
    again = prepare(cached)
    prepared.append(again)
    assert not again.from_cache
    assert validations.count() == 2
    assert again.workdir != prepared[0].workdir
    assert NEW_LABEL in (again.dist / "ctc-kg.nq").read_text()


def test_invalid_content_is_refused_even_when_an_older_valid_version_is_cached(
    root: Path, cached: Settings, prepared: list[Prepared]
) -> None:
    prepared.append(prepare(cached))
    assert cached.cache_dir is not None
    before = entries(cached.cache_dir)
    undated = "<https://w3id.org/ctc-kg/meeting/2099-x> a <https://schema.org/Event> .\n"
    (root / "data" / "undated.ttl").write_text(undated)  # no start date: a violation
    with pytest.raises(ValidationFailedError, match="2099-x"):
        prepare(cached)
    assert entries(cached.cache_dir) == before


def test_entry_without_its_stamp_is_rebuilt(
    cached: Settings, validations: Validations, prepared: list[Prepared]
) -> None:
    first = prepare(cached)
    first.cleanup()
    (first.workdir / STAMP).unlink()  # as if the stamp were never written
    again = prepare(cached)
    prepared.append(again)
    assert not again.from_cache
    assert validations.count() == 2
    assert (again.workdir / STAMP).is_file()
    assert (again.dist / "ctc-kg.nq").is_file()


def test_without_cache_nothing_is_kept(
    cached: Settings, tmp_path: Path, validations: Validations
) -> None:
    off = replace(cached, cache=False)
    for _ in range(2):
        version = prepare(off)
        assert not version.from_cache
        version.cleanup()
        assert not version.workdir.exists()
    assert validations.count() == 2
    assert not (tmp_path / "cache").exists()


def test_a_different_base_iri_is_another_entry(
    cached: Settings, validations: Validations, prepared: list[Prepared]
) -> None:
    prepared.append(prepare(cached))
    other = prepare(replace(cached, base_iri="http://localhost:8000/"))
    prepared.append(other)
    assert not other.from_cache
    assert "http://localhost:8000/meeting/" in (other.dist / "ctc-kg.nq").read_text()


def test_key_changes_with_anything_that_changes_the_output(root: Path) -> None:
    files = content_files(Settings(root=root)).all
    base = "https://w3id.org/ctc-kg/"
    key = cache_key(base, root, files, with_store=True)
    assert cache_key(base, root, files, with_store=True) == key
    assert cache_key("http://example.org/", root, files, with_store=True) != key
    assert cache_key(base, root, files, with_store=False) != key
    data = root / "data" / "sources.trig"
    data.write_bytes(data.read_bytes() + b"\n")
    edited = cache_key(base, root, files, with_store=True)
    assert edited != key
    data.rename(data.with_name("sources-2.trig"))  # the same bytes under another name
    renamed = content_files(Settings(root=root)).all
    assert cache_key(base, root, renamed, with_store=True) not in (key, edited)


def fill_with(marker: str) -> Callable[[Path], int | None]:
    def fill(folder: Path) -> int | None:
        (folder / "dist").mkdir()
        (folder / "dist" / "marker").write_text(marker)
        return None

    return fill


def test_prune_keeps_the_most_recently_used_and_never_a_leased_entry(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    keys = [f"{n:064x}" for n in range(5)]
    made = []
    for age, key in enumerate(keys):
        entry = publish(cache, key, fill_with(key))
        stamp = entry.folder / STAMP
        os.utime(stamp, (time.time() - 1000 + age, time.time() - 1000 + age))
        made.append(entry)
    for entry in made[1:]:
        entry.lease.release()  # only the oldest is still served
    prune(cache, keep=3)
    assert [p.name for p in entries(cache)] == [keys[0], keys[2], keys[3], keys[4]]
    made[0].lease.release()
    prune(cache, keep=3)
    assert [p.name for p in entries(cache)] == keys[2:]


def test_a_looked_up_entry_counts_as_used(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    keys = [f"{n:064x}" for n in range(4)]
    for age, key in enumerate(keys):
        entry = publish(cache, key, fill_with(key))
        os.utime(entry.folder / STAMP, (time.time() - 1000 + age, time.time() - 1000 + age))
        entry.lease.release()
    hit = lookup(cache, keys[0])
    assert hit is not None
    hit.lease.release()
    prune(cache, keep=3)
    assert [p.name for p in entries(cache)] == [keys[0], keys[2], keys[3]]


def test_two_builds_of_the_same_key_keep_the_first_and_discard_the_other(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    key = "a" * 64

    def racing(folder: Path) -> int | None:
        # Another process publishes the same key while this one is still building.
        publish(cache, key, fill_with("first")).lease.release()
        return fill_with("second")(folder)

    entry = publish(cache, key, racing)
    entry.lease.release()
    assert (entry.folder / "dist" / "marker").read_text() == "first"
    assert [p.name for p in cache.iterdir()] == [key]  # the loser's copy is gone


def test_a_failed_build_leaves_no_entry(tmp_path: Path) -> None:
    cache = tmp_path / "cache"

    def failing(folder: Path) -> int | None:
        (folder / "dist").mkdir()
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        publish(cache, "b" * 64, failing)
    assert list(cache.iterdir()) == []
    assert lookup(cache, "b" * 64) is None


def test_cache_settings_layer_like_every_other_setting(tmp_path: Path) -> None:
    home = {"HOME": "/home/someone"}
    assert load_settings(environ=home).cache_dir == Path("/home/someone/.cache/ctc-kg")
    xdg = {**home, "XDG_CACHE_HOME": "/var/cache/me"}
    assert load_settings(environ=xdg).cache_dir == Path("/var/cache/me/ctc-kg")
    assert load_settings(environ={**home, "XDG_CACHE_HOME": "relative"}).cache_dir == Path(
        "/home/someone/.cache/ctc-kg"
    )
    assert load_settings(environ={}).cache_dir is None
    config = tmp_path / "ctc-kg.toml"
    config.write_text('cache-dir = "/srv/cache"\ncache = false\n')
    from_file = load_settings(environ=home, config_file=config)
    assert (from_file.cache_dir, from_file.cache) == (Path("/srv/cache"), False)
    env = {**home, "CTC_KG_CACHE_DIR": "/tmp/c", "CTC_KG_CACHE": "true"}
    from_env = load_settings(environ=env, config_file=config)
    assert (from_env.cache_dir, from_env.cache) == (Path("/tmp/c"), True)


def test_cache_options_of_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CTC_KG_CACHE_DIR", "/from/env")
    args = _parser().parse_args(["serve", "--cache-dir", "/from/option", "--no-cache"])
    settings = _settings(args)
    assert (settings.cache_dir, settings.cache) == (Path("/from/option"), False)
    plain = _settings(_parser().parse_args(["serve"]))
    assert (plain.cache_dir, plain.cache) == (Path("/from/env"), True)


def test_only_serve_keeps_versions(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    for command in (["validate"], ["build"], ["load", "--endpoint", "http://127.0.0.1:9/"]):
        assert not _settings(_parser().parse_args(command)).cache
    site = ["--root", str(root), "build", "--out", str(tmp_path / "dist")]
    assert main([*site, "--site", str(tmp_path / "site")]) == 0  # prepares an app
    assert not (tmp_path / "xdg").exists()


@pytest.mark.slow
def test_start_and_reload_of_unchanged_content_come_from_the_cache(
    root: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    env = environment(CTC_KG_CACHE="true", CTC_KG_CACHE_DIR=str(cache))
    first = LiveServer.start(root, tmp_path, "--workers", "1", env=env)
    try:
        log = first.log.read_text()
        assert "validated and built" in log, log
        assert first.stop() == 0
    finally:
        first.kill()
    (served,) = entries(cache)
    assert (served / "store").is_dir()  # the stopped server left its entry

    folder = tmp_path / "second"
    folder.mkdir()
    second = LiveServer.start(root, folder, "--workers", "1", env=env)
    try:
        assert "from the cache" in second.log.read_text()
        done = subprocess.run(
            [*RELOAD, "--root", str(root), "reload", "--pid-file", str(second.pid_file)],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
            check=False,
        )
        assert done.returncode == 0, done.stderr + second.log.read_text()
        assert second.log.read_text().count("from the cache") == 2
        status = json.loads(Path(str(second.pid_file) + ".status.json").read_text())
        assert status["ok"]
        assert entries(cache) == [served]
        assert second.stop() == 0
    finally:
        second.kill()
    assert entries(cache) == [served]


@pytest.fixture
def no_validation_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """Validating in this process fails the test: `isolated` work happens in a child."""

    def refuse(*args: object, **kwargs: object) -> ValidationReport:
        raise AssertionError("validated in the calling process")

    monkeypatch.setattr("ctc_kg.runtime.validation_aside.validate_content", refuse)


@pytest.mark.usefixtures("no_validation_here")
def test_isolated_prepare_validates_and_builds_in_a_child_and_leases_the_entry_here(
    cached: Settings, prepared: list[Prepared], capfd: pytest.CaptureFixture[str]
) -> None:
    """What `ctc-kg serve` does: the server's master keeps none of the validation's memory,
    and still holds the lease on the version it serves."""
    first = prepare(cached, isolated=True)
    prepared.append(first)
    assert not first.from_cache
    assert first.lease is not None
    assert (first.dist / "ctc-kg.nq").is_file()
    assert first.store_dir is not None
    assert first.store_dir.is_dir()
    err = capfd.readouterr().err
    assert err.count("validated and built") == 1, err
    assert "from the cache" not in err  # one line says what happened
    assert cached.cache_dir is not None
    prune(cached.cache_dir, keep=0)  # a leased entry is never removed
    assert entries(cached.cache_dir) == [first.workdir]


def test_isolated_prepare_of_a_cached_version_needs_no_child(
    cached: Settings, prepared: list[Prepared], monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared.append(prepare(cached))

    def no_child(*args: object) -> None:
        raise AssertionError("a child was started for a cached version")

    monkeypatch.setattr("ctc_kg.runtime.prepare.run_isolated", no_child)
    again = prepare(cached, isolated=True)
    prepared.append(again)
    assert again.from_cache
    assert again.workdir == prepared[0].workdir


@pytest.mark.usefixtures("no_validation_here")
def test_isolated_prepare_without_a_cache_hands_over_its_private_folder(
    root: Path, prepared: list[Prepared]
) -> None:
    settings = load_settings({"root": root, "cache": False}, environ={})
    version = prepare(settings, isolated=True)
    assert version.lease is None
    assert (version.dist / "ctc-kg.nq").is_file()
    version.cleanup()  # the folder the child made is this process's to remove
    assert not version.workdir.exists()


def test_isolated_prepare_of_invalid_content_raises_the_report_here(
    root: Path, cached: Settings
) -> None:
    undated = "<https://w3id.org/ctc-kg/meeting/2099-x> a <https://schema.org/Event> .\n"
    (root / "data" / "undated.ttl").write_text(undated)
    with pytest.raises(ValidationFailedError, match="2099-x") as raised:
        prepare(cached, isolated=True)
    assert "2099-x" in raised.value.report
    assert cached.cache_dir is not None
    assert not cached.cache_dir.exists() or entries(cached.cache_dir) == []


def test_key_changes_with_the_fast_validation_engines_version(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pyshacl-turbo decides which content is valid, so which versions may be cached.
    files = content_files(Settings(root=root)).all
    key = cache_key("https://w3id.org/ctc-kg/", root, files, with_store=True)
    real = version_cache._version_of
    monkeypatch.setattr(
        version_cache,
        "_version_of",
        lambda name: "9.9.9" if name == "pyshacl-turbo" else real(name),
    )
    assert cache_key("https://w3id.org/ctc-kg/", root, files, with_store=True) != key

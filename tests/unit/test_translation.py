"""TranslationService against real (tiny) Argos packages: real argostranslate, CTranslate2, SentencePiece, MiniSBD.

The packages are built once per session by tests/tinymodel.py; each tiny model answers every sentence with
"tiny <from> to <to>", so the tests can tell which model ran and how the input was split into sentences.
The network is blocked in every test, and HOME points into the test's temporary folder.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.translation import TranslationService, normalize_code, translation_service
from tests.tinymodel import build_tiny_package, expected_output

ROOT = Path(__file__).resolve().parents[2]
ARCHIVES = ("ar_en.argosmodel", "en_nb.argosmodel", "nb_en.argosmodel")


@pytest.fixture(scope="session")
def tiny_archives(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """en→nb and nb→en with a MiniSBD model inside; ar→en without one (as many index packages are)."""
    folder = tmp_path_factory.mktemp("tiny-archives")
    build_tiny_package(folder, "en", "nb")
    build_tiny_package(folder, "nb", "en")
    build_tiny_package(folder, "ar", "en", with_sbd=False)
    return folder


@pytest.fixture(autouse=True)
def offline_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """HOME in the test's folder, no XDG overrides, and no network at all."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for key in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "ARGOS_PACKAGES_DIR", "ARGOS_CHUNK_TYPE"):
        monkeypatch.delenv(key, raising=False)

    def no_network(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    return home


@pytest.fixture
def models_dir(tmp_path: Path, tiny_archives: Path) -> Path:
    folder = tmp_path / "models"
    folder.mkdir()
    for name in ARCHIVES:
        shutil.copy(tiny_archives / name, folder / name)
    return folder


@pytest.fixture
def service(tmp_path: Path, models_dir: Path) -> TranslationService:
    return TranslationService(tmp_path / "packages", models_dir)


def _errors(svc: TranslationService) -> list[dict[str, str]]:
    errors = svc.status()["errors"]
    assert isinstance(errors, list)
    return errors


def test_installs_packages_from_models_dir(service: TranslationService, tmp_path: Path) -> None:
    assert service.installed_pairs() == [("ar", "en"), ("en", "nb"), ("nb", "en")]
    installed = sorted(p.name for p in (tmp_path / "packages").iterdir())
    assert installed == ["translate-ar_en-1_0", "translate-en_nb-1_0", "translate-nb_en-1_0"]
    status = service.status()
    assert status["pairs"] == ["ar-en", "en-nb", "nb-en"]
    assert status["installed"] == list(ARCHIVES)
    assert status["already_installed"] == []
    assert status["errors"] == []
    assert status["models_dir"] == str(tmp_path / "models")


def test_can_translate(service: TranslationService) -> None:
    assert service.can_translate("en", "nb")  # direct
    assert service.can_translate("nb", "en")
    assert service.can_translate("ar", "nb")  # ar→en, then en→nb
    assert service.can_translate("AR", "nb-NO")  # codes are normalised
    assert service.can_translate("en", "no")  # Argos' older code for Norwegian Bokmål
    assert not service.can_translate("nb", "ar")  # no en→ar package
    assert not service.can_translate("uk", "nb")  # no uk package at all
    assert not service.can_translate("en", "ti")
    assert service.can_translate("ti", "ti")  # the same language needs no model


def test_translate_installed_pair(service: TranslationService) -> None:
    result = service.translate("Hello there.", "en", "nb")
    assert result == expected_output("en", "nb")
    # MiniSBD (the model shipped in the package) splits two sentences: each is translated
    two = service.translate("Hello there. How are you?", "en", "nb")
    assert two == f"{expected_output('en', 'nb')} {expected_output('en', 'nb')}"
    assert service.translate("Hei.\n\nHvordan går det?", "nb", "en") == "tiny nb to en\n\ntiny nb to en"
    assert service.status()["loaded"] == {"en-nb": "minisbd", "nb-en": "minisbd"}


def test_translate_missing_pair_returns_none(service: TranslationService) -> None:
    assert service.translate("Hei", "nb", "ar") is None
    assert service.translate("Привіт", "uk", "nb") is None
    assert service.translate("سلام", "fa", "so") is None
    assert service.status()["loaded"] == {}


def test_translate_through_english(service: TranslationService) -> None:
    # ar→en ("tiny ar to en") is the input of en→nb, which answers its own phrase
    assert service.translate("مرحبا؟ كيف حالك", "ar", "nb") == expected_output("en", "nb")
    loaded = service.status()["loaded"]
    # ar→en ships no MiniSBD model: the built-in splitter is used instead of a download
    assert loaded == {"ar-en": "builtin", "en-nb": "minisbd"}
    assert service.translate("مرحبا؟ كيف حالك", "ar", "en") == "tiny ar to en tiny ar to en"


def test_same_language_and_blank_text(service: TranslationService) -> None:
    assert service.translate("Hei!", "nb", "no") == "Hei!"
    assert service.translate("  ", "en", "nb") == "  "
    assert service.status()["loaded"] == {}


def test_second_instance_does_not_reinstall(tmp_path: Path, models_dir: Path) -> None:
    packages = tmp_path / "packages"
    first = TranslationService(packages, models_dir)
    assert first.status()["installed"] == list(ARCHIVES)
    before = {p.name: (p / "metadata.json").stat().st_ino for p in packages.iterdir()}

    second = TranslationService(packages, models_dir)
    status = second.status()
    assert status["installed"] == []
    assert status["already_installed"] == list(ARCHIVES)
    assert {p.name: (p / "metadata.json").stat().st_ino for p in packages.iterdir()} == before
    assert second.installed_pairs() == first.installed_pairs()
    assert second.translate("Hello.", "en", "nb") == expected_output("en", "nb")


def test_new_package_version_replaces_the_installed_one(tmp_path: Path, models_dir: Path) -> None:
    packages = tmp_path / "packages"
    TranslationService(packages, models_dir)
    metadata_path = packages / "translate-en_nb-1_0" / "metadata.json"
    metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
    metadata["package_version"] = "0.9"  # pretend an older version is installed
    metadata_path.write_text(json.dumps(metadata), encoding="utf-8")

    again = TranslationService(packages, models_dir)
    assert again.status()["installed"] == ["en_nb.argosmodel"]
    assert json.loads(metadata_path.read_text(encoding="utf-8"))["package_version"] == "1.0"
    assert not [p for p in packages.iterdir() if p.name.startswith(".")]  # no staging folder left behind


def _zip(path: Path, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)


def test_corrupt_archives_are_reported_and_others_load(tmp_path: Path, models_dir: Path) -> None:
    (models_dir / "aa_random.argosmodel").write_bytes(random.Random(0).randbytes(4096))
    (models_dir / "ab_empty.argosmodel").write_bytes(b"")
    _zip(models_dir / "ac_no_metadata.argosmodel", {"translate-x/model/model.bin": b"x"})
    _zip(models_dir / "ad_bad_json.argosmodel", {"translate-x/metadata.json": b"{not json"})
    _zip(models_dir / "ae_traversal.argosmodel", {"../../evil.txt": b"x"})
    meta = json.dumps({"from_code": "en", "to_code": "uk", "type": "translate"}).encode()
    _zip(models_dir / "af_no_model.argosmodel", {"translate-en_uk/metadata.json": meta})

    svc = TranslationService(tmp_path / "packages", models_dir)

    assert svc.installed_pairs() == [("ar", "en"), ("en", "nb"), ("nb", "en")]
    assert svc.translate("Hello.", "en", "nb") == expected_output("en", "nb")
    reasons = {e["file"]: e["reason"] for e in _errors(svc)}
    assert reasons == {
        "aa_random.argosmodel": "not a zip archive",
        "ab_empty.argosmodel": "not a zip archive",
        "ac_no_metadata.argosmodel": "no translate-x/metadata.json",
        "ad_bad_json.argosmodel": reasons["ad_bad_json.argosmodel"],
        "ae_traversal.argosmodel": "unsafe path in the archive: '../../evil.txt'",
        "af_no_model.argosmodel": "no model/model.bin (CTranslate2 model)",
    }
    assert reasons["ad_bad_json.argosmodel"].startswith("metadata.json is not valid JSON")
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()
    assert not svc.can_translate("en", "uk")


def test_a_model_that_does_not_load_is_reported_once(tmp_path: Path, models_dir: Path) -> None:
    broken = models_dir / "en_nb.argosmodel"
    with zipfile.ZipFile(broken) as zf:
        files = {name: zf.read(name) for name in zf.namelist() if not name.endswith("/")}
    files["translate-en_nb-1_0/model/model.bin"] = b"not a CTranslate2 model"
    _zip(broken, files)

    svc = TranslationService(tmp_path / "packages", models_dir)
    assert svc.can_translate("en", "nb")  # installed; not loaded yet
    assert svc.translate("Hello.", "en", "nb") is None
    assert svc.translate("Hello.", "en", "nb") is None
    assert not svc.can_translate("en", "nb")
    assert svc.installed_pairs() == [("ar", "en"), ("nb", "en")]
    errors = _errors(svc)
    assert len(errors) == 1
    assert errors[0]["file"] == "translate-en_nb-1_0"
    assert errors[0]["reason"].startswith("cannot load the model")
    assert svc.translate("Hei.", "nb", "en") == "tiny nb to en"


def test_missing_models_dir_is_reported(tmp_path: Path) -> None:
    svc = TranslationService(tmp_path / "packages", tmp_path / "nowhere")
    assert svc.installed_pairs() == []
    assert svc.translate("Hello", "en", "nb") is None
    assert _errors(svc) == [{"file": str(tmp_path / "nowhere"), "reason": "models_dir is not a folder"}]


def test_without_models_dir_reads_installed_packages(tmp_path: Path, models_dir: Path) -> None:
    TranslationService(tmp_path / "packages", models_dir)
    svc = TranslationService(tmp_path / "packages")
    assert svc.installed_pairs() == [("ar", "en"), ("en", "nb"), ("nb", "en")]
    assert svc.status()["models_dir"] is None


def test_concurrent_translations(service: TranslationService) -> None:
    results: list[str | None] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(5):
            out = service.translate("Hello. Hi!", "en", "nb")
            with lock:
                results.append(out)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [f"{expected_output('en', 'nb')} {expected_output('en', 'nb')}"] * 20


def test_translation_service_is_cached(tmp_path: Path, models_dir: Path) -> None:
    translation_service.cache_clear()
    try:
        a = translation_service(tmp_path / "packages", models_dir)
        assert translation_service(tmp_path / "packages", models_dir) is a
        assert translation_service(tmp_path / "packages", None) is not a
    finally:
        translation_service.cache_clear()


def test_normalize_code() -> None:
    assert [normalize_code(c) for c in ("nb", "NO", "nob", "nb-NO", "nb_NO", " en ", "fa-IR")] == [
        "nb",
        "nb",
        "nb",
        "nb",
        "nb",
        "en",
        "fa",
    ]


def test_nothing_written_to_home_in_process(service: TranslationService, offline_home: Path) -> None:
    assert service.translate("Hello.", "en", "nb")
    assert not (offline_home / ".local" / "share" / "argos-translate").exists()
    assert list(offline_home.iterdir()) == []


_FRESH_PROCESS = """
import socket, sys
from pathlib import Path

def no_network(*args, **kwargs):
    raise AssertionError("network access attempted")

socket.socket.connect = no_network
socket.getaddrinfo = no_network
from api.translation import TranslationService

svc = TranslationService(Path(sys.argv[1]), Path(sys.argv[2]))
print(svc.translate("Hello. Bye.", "en", "nb"))
print(svc.translate("مرحبا", "ar", "nb"))
print(svc.status()["errors"])
"""


def test_nothing_written_outside_the_given_folders_in_a_fresh_process(
    tmp_path: Path, models_dir: Path, offline_home: Path
) -> None:
    """argostranslate and onnxruntime write to HOME when imported: only a fresh interpreter shows that."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "ARGOS_"))}
    env["HOME"] = str(offline_home)
    work = tmp_path / "work"
    work.mkdir()
    proc = subprocess.run(
        [sys.executable, "-c", _FRESH_PROCESS, str(work / "packages"), str(models_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        f"{expected_output('en', 'nb')} {expected_output('en', 'nb')}",
        expected_output("en", "nb"),
        "[]",
    ]
    assert not (offline_home / ".local" / "share" / "argos-translate").exists()
    assert list(offline_home.iterdir()) == []
    assert sorted(p.name for p in work.iterdir()) == ["argos-translate", "packages"]


@pytest.fixture(autouse=True, scope="module")
def _clear_cached_services() -> Iterator[None]:
    yield
    translation_service.cache_clear()

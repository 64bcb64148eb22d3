"""Machine translation: the one module through which every translation goes.

Translation runs offline with ``argostranslate`` from the ``argos-translate-lt`` distribution (CTranslate2 for
the models, SentencePiece for tokens, MiniSBD for sentence boundaries; no PyTorch). Nothing is ever
downloaded: not the Argos package index, not a model, not a sentence splitter.

Where things live
    ``packages_dir`` holds the installed packages, one folder each, as argostranslate lays them out.
    ``models_dir`` (optional) is a folder of ``.argosmodel`` files (zip archives, as in the Argos index).
    When a service starts it installs each archive into ``packages_dir``, unless the same package (same
    folder name, codes and ``package_version``) is installed already, so a restart or a second service on
    the same folder installs nothing. An archive is unpacked into a hidden temporary folder beside the
    packages and moved into place in one rename, so a half-unpacked package is never seen.

    Importing ``argostranslate`` has side effects: ``argostranslate.settings`` creates
    ``~/.local/share/argos-translate``, ``~/.config/argos-translate`` and ``~/.local/cache/argos-translate``,
    and onnxruntime (imported by MiniSBD) writes a device id under ``~/.cache``. So the first service in a
    process imports it with ``XDG_DATA_HOME``, ``XDG_CONFIG_HOME`` and ``XDG_CACHE_HOME`` pointing into a
    state folder (the ``state_dir`` keyword; default ``argos-translate`` beside ``packages_dir``),
    ``ARGOS_PACKAGES_DIR`` set to ``packages_dir`` and ``ARGOS_CHUNK_TYPE=MINISBD`` (the other chunk types
    need Stanza, which is not installed, or download a spaCy model); the environment is restored right
    after the import. MiniSBD models put in ``<state>/data/argos-translate/minisbd/`` are used.
    Those settings are read once per process, so later services share the first one's state folder;
    nothing here relies on argostranslate's global package folder (each service reads its own).
    argostranslate logs the text of every paragraph, sentence and token at INFO; its logger is set to
    WARNING (unless ``ARGOS_DEBUG`` is on) so that message text never reaches the logs.

Bad input does not stop the service
    A malformed archive (not a zip, no single top folder, unsafe paths, no or bad ``metadata.json``, no
    model or tokenizer, a bad CRC) is skipped and listed in ``status()["errors"]`` with the file name and
    the reason; the other archives are still installed. A package that cannot be read or whose model
    cannot be loaded is listed there too and is treated as missing from then on.

Languages and routes
    The project's codes are nb, en, uk, ar, ti, so, fa. Argos also uses ``nb`` for Norwegian Bokmål, but
    older packages say ``no``: both read as ``nb`` (so do ``nob`` and ``nb-NO``). Other codes pass through.
    ``translate`` uses a direct package when there is one, otherwise two hops through English (``ar → en``
    then ``en → nb``); with neither it returns ``None``. It never raises for a missing model; an error while
    translating is logged (without the text) and gives ``None`` too. Same source and target: the text as is.

Loading and caching
    A pair's model is loaded on its first use and kept: the argostranslate ``PackageTranslation`` with its
    CTranslate2 ``Translator`` created up front (the same parameters argostranslate uses), the tokenizer
    and the sentence splitter. Sentence splitting uses the MiniSBD model shipped in the package
    (``minisbd/*.onnx``) or one already in the state folder's MiniSBD cache. Many packages ship none, and
    argostranslate would then download one at the first translation; instead such a pair gets a small
    built-in splitter (after ``. ! ? … ؟ ። ፧`` followed by white space). ``status()["loaded"]`` tells
    which splitter each loaded pair uses.

Threads
    Installing and scanning happen under the service's lock, when it starts. A pair is loaded under a lock
    of its own, so loading one model does not hold up translations with the others, and two threads never
    load the same model twice. Each loaded pair also has a lock around translating (CTranslate2 runs one
    batch at a time with the default ``inter_threads=1``, and argostranslate's tokenizer and splitter
    objects are not meant to be shared mid-call). The set of usable pairs is an immutable snapshot, so
    ``can_translate`` and ``installed_pairs`` never wait for a lock.
    ``translation_service(packages_dir, models_dir)`` returns one cached service per pair of arguments.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
import uuid
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from api.settings import Settings

log = logging.getLogger(__name__)

PIVOT = "en"
ARCHIVE_SUFFIX = ".argosmodel"
# codes people or packages may use → the project's code
_CODE_ALIASES = {"no": "nb", "nob": "nb"}
# a sentence ends after one of these when white space follows (used when no MiniSBD model is at hand)
_SENTENCE_END = re.compile(r"(?<=[.!?…؟።፧])\s+")

Pair = tuple[str, str]


def normalize_code(code: str) -> str:
    """``"nb-NO"``, ``"NO"``, ``"nob"`` → ``"nb"``; other codes lower-cased, without a region."""
    primary = code.strip().lower().replace("_", "-").split("-", 1)[0]
    return _CODE_ALIASES.get(primary, primary)


class ArchiveError(Exception):
    """An ``.argosmodel`` file that cannot be installed; the message is the reason."""


@dataclass(frozen=True)
class _Argos:
    """The argostranslate modules (untyped, so Any) after the import in a redirected environment."""

    settings: Any
    package: Any
    translate: Any
    minisbd_models: Any
    ctranslate2: Any


_import_lock = threading.Lock()
_argos: _Argos | None = None


@contextmanager
def _environ(overrides: Mapping[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _import_argos(state_dir: Path, packages_dir: Path) -> _Argos:
    """Import argostranslate once per process, with its data, config and cache folders in ``state_dir``."""
    global _argos
    with _import_lock:
        if _argos is None:
            import sys

            if "argostranslate.settings" in sys.modules:
                log.warning(
                    "argostranslate was imported before the translation service: its folders stay where they were"
                )
            overrides = {
                "XDG_DATA_HOME": str(state_dir / "data"),
                "XDG_CONFIG_HOME": str(state_dir / "config"),
                "XDG_CACHE_HOME": str(state_dir / "cache"),
                "ARGOS_PACKAGES_DIR": str(packages_dir),
                "ARGOS_CHUNK_TYPE": "MINISBD",
            }
            with _environ(overrides):
                import argostranslate.package
                import argostranslate.sbd  # sets MiniSBD's cache folder to <data>/argos-translate/minisbd
                import argostranslate.settings
                import argostranslate.translate
                import ctranslate2
                from minisbd import models as minisbd_models

            if not argostranslate.settings.debug:
                # argostranslate logs every paragraph, sentence and token at INFO: message text stays out of logs
                logging.getLogger("argostranslate.utils").setLevel(logging.WARNING)
            _argos = _Argos(
                settings=argostranslate.settings,
                package=argostranslate.package,
                translate=argostranslate.translate,
                minisbd_models=minisbd_models,
                ctranslate2=ctranslate2,
            )
        return _argos


class _RegexSentencizer:
    """Stands in for argostranslate's sentencizer when no MiniSBD model is available offline."""

    def split_sentences(self, text: str) -> list[str]:
        return [part for part in _SENTENCE_END.split(text.strip()) if part]


@dataclass
class _Loaded:
    translation: Any  # argostranslate.translate.PackageTranslation
    splitter: str  # "minisbd" or "builtin"
    lock: threading.Lock = field(default_factory=threading.Lock)


def _version(text: object) -> tuple[int, ...]:
    """``"1.9"`` → (1, 9); enough to prefer the newer of two packages for the same pair."""
    return tuple(int(part) for part in re.findall(r"\d+", str(text)))


def _inspect_archive(zf: zipfile.ZipFile) -> tuple[str, dict[str, Any]]:
    """Check an archive's layout and metadata without unpacking it; return (top folder, metadata)."""
    names = zf.namelist()
    if not names:
        raise ArchiveError("the archive is empty")
    tops = set()
    for name in names:
        path = PurePosixPath(name)
        if name.startswith(("/", "\\")) or ".." in path.parts or ":" in path.parts[0]:
            raise ArchiveError(f"unsafe path in the archive: {name!r}")
        if len(path.parts) == 1 and not name.endswith("/"):
            raise ArchiveError(f"file outside the package folder: {name!r}")
        tops.add(path.parts[0])
    if len(tops) != 1:
        raise ArchiveError(f"expected one top-level folder, found {len(tops)}")
    top = tops.pop()
    if top.startswith("."):
        raise ArchiveError(f"bad top-level folder name {top!r}")
    try:
        metadata = json.loads(zf.read(f"{top}/metadata.json").decode("utf-8"))
    except KeyError:
        raise ArchiveError(f"no {top}/metadata.json") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArchiveError(f"metadata.json is not valid JSON: {exc}") from None
    if not isinstance(metadata, dict):
        raise ArchiveError("metadata.json is not a JSON object")
    if metadata.get("type", "translate") != "translate":
        raise ArchiveError(f"not a translation package (type {metadata.get('type')!r})")
    for key in ("from_code", "to_code"):
        if not isinstance(metadata.get(key), str) or not metadata[key].strip():
            raise ArchiveError(f"metadata.json has no {key}")
    members = set(names)
    if f"{top}/model/model.bin" not in members:
        raise ArchiveError("no model/model.bin (CTranslate2 model)")
    if f"{top}/sentencepiece.model" not in members and f"{top}/bpe.model" not in members:
        raise ArchiveError("no sentencepiece.model or bpe.model")
    return top, metadata


class TranslationService:
    """Installed Argos packages in ``packages_dir``, installed from ``models_dir`` on start. See the module doc."""

    def __init__(self, packages_dir: Path, models_dir: Path | None = None, *, state_dir: Path | None = None) -> None:
        self.packages_dir = Path(packages_dir).resolve()
        self.models_dir = Path(models_dir).resolve() if models_dir is not None else None
        default_state = self.packages_dir.parent / "argos-translate"
        self.state_dir = Path(state_dir).resolve() if state_dir is not None else default_state
        self._lock = threading.RLock()
        self._errors: list[dict[str, str]] = []
        self._installed: list[str] = []
        self._already_installed: list[str] = []
        self._packages: dict[Pair, Any] = {}  # our codes → argostranslate.package.Package
        self._loaded: dict[Pair, _Loaded] = {}
        self._failed: set[Pair] = set()
        self._available: frozenset[Pair] = frozenset()  # packages minus failed; replaced, never mutated
        self._load_locks: dict[Pair, threading.Lock] = {}
        self._argos: _Argos | None = None
        with self._lock:
            try:
                self.packages_dir.mkdir(parents=True, exist_ok=True)
                self._argos = _import_argos(self.state_dir, self.packages_dir)
            except Exception as exc:  # a broken install must not take the chat down: no translation, say why
                log.exception("machine translation is unavailable")
                self._error("argostranslate", f"cannot start: {exc}")
                return
            if self.models_dir is not None:
                self._install_all(self.models_dir)
            self._scan()
            self._available = frozenset(self._packages)
        log.info("translation pairs: %s", ", ".join(f"{s}-{t}" for s, t in self.installed_pairs()) or "none")

    # --- public ------------------------------------------------------------------------------------------

    def installed_pairs(self) -> list[tuple[str, str]]:
        """Direct pairs with an installed, not failed package, in the project's codes, sorted."""
        return sorted(self._available)

    def can_translate(self, source: str, target: str) -> bool:
        """True for a direct pair, a pair through English, or the same language."""
        source, target = normalize_code(source), normalize_code(target)
        return source == target or self._route(source, target) is not None

    def translate(self, text: str, source: str, target: str) -> str | None:
        """``text`` in ``target``; ``None`` when no model (direct or through English) can do it."""
        source, target = normalize_code(source), normalize_code(target)
        if source == target:
            return text
        route = self._route(source, target)
        if route is None:
            return None
        if not text.strip():
            return text
        result = text
        for pair in route:
            loaded = self._load(pair)
            if loaded is None:
                return None
            try:
                with loaded.lock:
                    out = loaded.translation.translate(result)
            except Exception:
                log.exception("translation %s-%s failed (%d characters)", pair[0], pair[1], len(result))
                return None
            if not isinstance(out, str):
                return None
            result = out
        return result

    def status(self) -> dict[str, object]:
        """For /health: pairs, folders, what this start installed, loaded pairs and their splitter, errors."""
        with self._lock:
            return {
                "pairs": [f"{s}-{t}" for s, t in self.installed_pairs()],
                "pivot": PIVOT,
                "models_dir": str(self.models_dir) if self.models_dir is not None else None,
                "packages_dir": str(self.packages_dir),
                "installed": list(self._installed),
                "already_installed": list(self._already_installed),
                "loaded": {f"{s}-{t}": loaded.splitter for (s, t), loaded in sorted(self._loaded.items())},
                "errors": [dict(error) for error in self._errors],
            }

    # --- routes and loading ------------------------------------------------------------------------------

    def _route(self, source: str, target: str) -> list[Pair] | None:
        pairs = self._available
        if (source, target) in pairs:
            return [(source, target)]
        if PIVOT not in (source, target) and (source, PIVOT) in pairs and (PIVOT, target) in pairs:
            return [(source, PIVOT), (PIVOT, target)]
        return None

    def _load(self, pair: Pair) -> _Loaded | None:
        """The pair's loaded model, loading it on first use under the pair's own lock (others go on)."""
        loaded = self._loaded.get(pair)
        if loaded is not None:
            return loaded
        with self._lock:
            pkg = self._packages.get(pair)
            argos = self._argos
            if pkg is None or argos is None or pair in self._failed:
                return None
            pair_lock = self._load_locks.setdefault(pair, threading.Lock())
        with pair_lock:
            loaded = self._loaded.get(pair)
            if loaded is not None or pair in self._failed:
                return loaded
            try:
                loaded = self._build(argos, pkg)
            except Exception as exc:
                log.exception("cannot load the %s-%s model", *pair)
                with self._lock:
                    self._failed.add(pair)
                    self._available = self._available - {pair}
                    self._error(Path(pkg.package_path).name, f"cannot load the model: {exc}")
                return None
            with self._lock:
                self._loaded[pair] = loaded
            return loaded

    def _build(self, argos: _Argos, pkg: Any) -> _Loaded:
        from_lang = argos.translate.Language(pkg.from_code, pkg.from_name)
        to_lang = argos.translate.Language(pkg.to_code, pkg.to_name)
        translation = argos.translate.PackageTranslation(from_lang, to_lang, pkg)
        # what PackageTranslation.hypotheses would do on first use, done now (under the pair's lock)
        params: dict[str, Any] = {
            "model_path": str(Path(pkg.package_path) / "model"),
            "device": argos.settings.device,
            "inter_threads": argos.settings.inter_threads,
            "intra_threads": argos.settings.intra_threads,
        }
        if argos.settings.compute_type != "auto":
            params["compute_type"] = argos.settings.compute_type
        translation.translator = argos.ctranslate2.Translator(**params)
        pkg.tokenizer.encode(".")  # loads the tokenizer: a broken sentencepiece.model fails here, not mid-chat
        splitter = self._prepare_splitter(argos, translation, pkg)
        return _Loaded(translation=translation, splitter=splitter)

    def _prepare_splitter(self, argos: _Argos, translation: Any, pkg: Any) -> str:
        """Keep MiniSBD when its model is on disk; otherwise the built-in splitter (never a download)."""
        sentencizer = translation.sentencizer
        lang = getattr(sentencizer, "lang", None)
        model_file: Path | None = None
        if isinstance(lang, str):
            if Path(lang).is_file():  # minisbd/*.onnx shipped in the package
                model_file = Path(lang)
            else:
                name = argos.minisbd_models.MODELS.get(lang)  # a model MiniSBD would download, if cached
                if isinstance(name, str) and (Path(str(argos.minisbd_models.cache_dir)) / name).is_file():
                    model_file = Path(str(argos.minisbd_models.cache_dir)) / name
        if model_file is not None:
            try:
                sentencizer.lazy_detector()
                return "minisbd"
            except Exception as exc:
                self._error(Path(pkg.package_path).name, f"MiniSBD model {model_file.name} unusable: {exc}")
        translation.sentencizer = _RegexSentencizer()
        return "builtin"

    # --- installing and scanning -------------------------------------------------------------------------

    def _error(self, file: str, reason: str) -> None:
        with self._lock:
            self._errors.append({"file": file, "reason": reason})

    def _install_all(self, models_dir: Path) -> None:
        if not models_dir.is_dir():
            self._error(str(models_dir), "models_dir is not a folder")
            return
        for archive in sorted(models_dir.glob(f"*{ARCHIVE_SUFFIX}")):
            try:
                if self._install(archive):
                    self._installed.append(archive.name)
                else:
                    self._already_installed.append(archive.name)
            except ArchiveError as exc:
                log.error("skipped %s: %s", archive.name, exc)
                self._error(archive.name, str(exc))
            except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, ValueError) as exc:
                log.error("skipped %s: %s", archive.name, exc)
                self._error(archive.name, f"{type(exc).__name__}: {exc}")

    def _install(self, archive: Path) -> bool:
        """Unpack ``archive`` into ``packages_dir``; False if that package is installed already."""
        if not zipfile.is_zipfile(archive):
            raise ArchiveError("not a zip archive")
        with zipfile.ZipFile(archive) as zf:
            top, metadata = _inspect_archive(zf)
            target = self.packages_dir / top
            if self._same_package(target, metadata):
                return False
            staging = self.packages_dir / f".installing-{uuid.uuid4().hex}"
            try:
                zf.extractall(staging)  # a bad CRC raises BadZipFile here
                if target.exists():  # another version under the same folder name: swap it
                    old = self.packages_dir / f".replaced-{uuid.uuid4().hex}"
                    target.rename(old)
                    try:
                        (staging / top).rename(target)
                    except OSError:
                        old.rename(target)
                        raise
                    shutil.rmtree(old, ignore_errors=True)
                else:
                    (staging / top).rename(target)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        log.info("installed %s into %s", archive.name, target)
        return True

    @staticmethod
    def _same_package(target: Path, metadata: Mapping[str, Any]) -> bool:
        try:
            installed = json.loads((target / "metadata.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        keys = ("from_code", "to_code", "package_version")
        return isinstance(installed, dict) and all(installed.get(k) == metadata.get(k) for k in keys)

    def _scan(self) -> None:
        assert self._argos is not None
        for path in sorted(self.packages_dir.iterdir()):
            if not path.is_dir() or path.name.startswith("."):
                continue
            try:
                pkg = self._argos.package.Package(path)
            except Exception as exc:
                self._error(path.name, f"cannot read the installed package: {exc}")
                continue
            if pkg.type != "translate":
                continue
            if not pkg.from_code or not pkg.to_code:
                self._error(path.name, "metadata.json has no from_code or to_code")
                continue
            if not hasattr(pkg, "tokenizer"):
                self._error(path.name, "no sentencepiece.model or bpe.model")
                continue
            pair = (normalize_code(str(pkg.from_code)), normalize_code(str(pkg.to_code)))
            current = self._packages.get(pair)
            if current is None or _version(pkg.package_version) > _version(current.package_version):
                self._packages[pair] = pkg


@cache  # functools.lru_cache without a size limit: an evicted service would load its models twice
def translation_service(packages_dir: Path, models_dir: Path | None) -> TranslationService:
    """One service per (packages_dir, models_dir) in a process."""
    return TranslationService(packages_dir, models_dir)


def for_settings(settings: Settings) -> TranslationService:
    """The service for these settings: packages under VAR_DIR, models from TRANSLATION_MODELS_DIR."""
    return translation_service(settings.var_dir / "argos" / "packages", settings.translation_models_dir)

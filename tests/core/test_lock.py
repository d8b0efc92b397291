"""The lock files are what `make run`, `make test`, CI and the image install: they must hold
every pin of pyproject.toml at its version, and the runtime lock must agree with the test lock."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", re.M)


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lines: list[str] | str) -> dict[str, str]:
    text = "\n".join(lines) if isinstance(lines, list) else lines
    return {_name(name): version for name, version in PIN.findall(text)}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_every_pin_of_pyproject_is_in_the_lock_files_at_its_version():
    project = _project()
    runtime = _pins((ROOT / "requirements.lock").read_text(encoding="utf-8"))
    test = _pins((ROOT / "requirements-test.lock").read_text(encoding="utf-8"))
    wanted_runtime = _pins(project["dependencies"])
    wanted_test = _pins(project["optional-dependencies"]["test"])
    assert len(wanted_runtime) == len(project["dependencies"]), "every runtime dependency is pinned with =="

    stale = {
        name: (version, runtime.get(name)) for name, version in wanted_runtime.items() if runtime.get(name) != version
    }
    stale |= {
        name: (version, test.get(name))
        for name, version in (wanted_runtime | wanted_test).items()
        if test.get(name) != version
    }
    assert stale == {}, "pyproject.toml changed without `make lock`: (pinned, locked) " + repr(stale)


def test_the_runtime_lock_is_the_test_lock_without_the_test_tools():
    runtime = _pins((ROOT / "requirements.lock").read_text(encoding="utf-8"))
    test = _pins((ROOT / "requirements-test.lock").read_text(encoding="utf-8"))
    assert {name: (version, test.get(name)) for name, version in runtime.items() if test.get(name) != version} == {}
    assert "pytest" not in runtime and "ruff" not in runtime


def test_every_locked_package_is_hashed():
    for lock in ("requirements.lock", "requirements-test.lock"):
        text = (ROOT / lock).read_text(encoding="utf-8")
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
        unhashed = [block.split()[0] for block in blocks if block.strip() and "--hash=sha256:" not in block]
        assert unhashed == [], f"{lock}: packages without hashes {unhashed}"

"""Project-wide checks: the layering rule (core never imports Textual), one installed package
(`losswalk`), and a clean lint."""

import ast
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "core").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(ROOT / "core")))
def test_core_never_imports_the_presentation_layer(path: Path) -> None:
    assert not _imported_modules(path) & {"textual", "rich", "tui", "plotext"}


def test_headless_cli_does_not_import_textual() -> None:
    code = (
        "import sys; from losswalk.tui.cli import main; main(['list']); "
        "sys.exit(1 if 'textual' in sys.modules else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True)
    assert result.returncode == 0, result.stderr.decode()


def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))  # test extra
    result = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_install_adds_one_top_level_package() -> None:
    """The installed distribution provides `losswalk` and no top-level `core` or `tui` (an
    unrelated `tui` distribution exists); checked from a folder outside the repository."""
    code = ("import importlib.util as u; "
            "print(u.find_spec('core') is None, u.find_spec('tui') is None, "
            "u.find_spec('losswalk.core.explorer') is not None, "
            "u.find_spec('losswalk.tui.app') is not None)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/")
    assert result.stdout.split() == ["True"] * 4, result.stderr
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    packages = config["setuptools"]["packages"]
    assert {name.split(".")[0] for name in packages} == {"losswalk"}
    assert config["setuptools"]["package-dir"] == {"losswalk": "."}
    on_disk = {"losswalk." + ".".join(path.parent.relative_to(ROOT).parts)
               for top in ("core", "tui") for path in (ROOT / top).glob("**/__init__.py")}
    assert on_disk == set(packages) - {"losswalk"}  # every package folder is listed, no more


def test_python_m_losswalk_prints_the_installed_version() -> None:
    result = subprocess.run([sys.executable, "-m", "losswalk", "--version"],
                            capture_output=True, text=True, cwd="/")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"losswalk {metadata.version('losswalk')}\n"

"""Which directory is the project root (where the cache lives, what pass 2 may load)."""

from pathlib import Path

from asynclint.files import find_project_root


def test_a_module_named_setup_py_is_not_a_project_marker(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    pkg = tmp_path / "homeassistant"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "setup.py").write_text("async def async_setup(): ...\n")
    (pkg / "core.py").write_text("")
    assert find_project_root([str(pkg / "core.py")]) == tmp_path.resolve()


def test_markers_are_pyproject_setup_cfg_and_git(tmp_path: Path) -> None:
    for marker in ("pyproject.toml", "setup.cfg", ".git"):
        d = tmp_path / marker.strip(".").replace(".", "_")
        (d / "pkg").mkdir(parents=True)
        (d / marker).mkdir() if marker == ".git" else (d / marker).write_text("")
        assert find_project_root([str(d / "pkg")]) == d.resolve()

"""write_atomic: the new content or the old, never a torn file, and no temporary left behind."""

import pytest

from losswalk.core.files.atomic import write_atomic


def test_writes_text_and_bytes(tmp_path):
    target = tmp_path / "out.txt"
    assert write_atomic(target, "héllo\n") == target
    assert target.read_text(encoding="utf-8") == "héllo\n"
    write_atomic(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    target.write_text("old")

    def broken_replace(src, dst):
        raise OSError("disk gone")

    monkeypatch.setattr("losswalk.core.files.atomic.os.replace", broken_replace)
    with pytest.raises(OSError, match="disk gone"):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_private_unless_a_mode_is_given(tmp_path) -> None:
    assert write_atomic(tmp_path / "a", "x").stat().st_mode & 0o777 == 0o600
    assert write_atomic(tmp_path / "b", "x", mode=0o644).stat().st_mode & 0o777 == 0o644

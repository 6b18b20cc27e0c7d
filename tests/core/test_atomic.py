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


def test_the_file_gets_the_usual_mode_less_the_umask(tmp_path):
    import os

    old = os.umask(0o027)
    try:
        shared = write_atomic(tmp_path / "shared.txt", "x")
        private = write_atomic(tmp_path / "private.json", "x", mode=0o600)
    finally:
        os.umask(old)
    assert shared.stat().st_mode & 0o777 == 0o640  # 0666 less 027, as open() would give
    assert private.stat().st_mode & 0o777 == 0o600


def test_rewriting_a_file_keeps_its_mode_and_never_loosens_it(tmp_path):
    """A file the user made private stays private when written again (as open() would keep
    it); an explicitly private write (the session) stays private over a looser old file."""
    import os

    secret, session = tmp_path / "secret.svg", tmp_path / "session.json"
    secret.write_text("old")
    secret.chmod(0o600)
    session.write_text("old")
    session.chmod(0o644)
    write_atomic(secret, "new")
    write_atomic(session, "new", mode=0o600)
    assert secret.read_text() == "new" and secret.stat().st_mode & 0o777 == 0o600
    assert session.stat().st_mode & 0o777 == 0o600
    old = os.umask(0o022)
    try:
        assert write_atomic(tmp_path / "fresh.txt", "x").stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(old)


def test_writing_through_a_symlink_replaces_what_it_points_to(tmp_path):
    """`--output link.svg` writes the file the link names, as open() would, and the link stays
    (the rename used to put a plain file in the link's place)."""
    (tmp_path / "real").mkdir()
    target = tmp_path / "real/picture.svg"
    target.write_text("old")
    link = tmp_path / "link.svg"
    link.symlink_to(target)
    write_atomic(link, "new")
    assert link.is_symlink() and target.read_text() == "new"
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["picture.svg"]

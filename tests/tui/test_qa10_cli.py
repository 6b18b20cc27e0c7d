"""render's title line (found by qa10): a description longer than the width was cut mid-word
('... trained on moons (200 examples), bi') with nothing to say so."""

from __future__ import annotations

import pytest

from losswalk.tui.cli import main


@pytest.mark.parametrize(("charset", "ellipsis"), [("unicode", "…"), ("ascii", "...")])
def test_a_cut_title_ends_in_an_ellipsis(capsys, charset, ellipsis):
    code = main(["render", "mlp-random", "--width", "80", "--height", "20",
                 "--charset", charset])
    title = capsys.readouterr().out.split("\n")[0].rstrip()
    assert code == 0 and len(title) <= 80
    assert title.endswith(ellipsis), title


def test_a_title_that_fits_is_whole(capsys):
    code = main(["render", "bowl", "--width", "200", "--height", "20", "--charset", "ascii"])
    title = capsys.readouterr().out.split("\n")[0].rstrip()
    assert code == 0 and not title.endswith("...") and title.startswith("bowl: ")

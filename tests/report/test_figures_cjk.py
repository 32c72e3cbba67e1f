"""Chinese figures: a CJK font is found from its file and its glyphs are drawn."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from hashcarbon.report import figures


def _yearly() -> pd.DataFrame:
    years = np.arange(2015, 2025)
    e = np.linspace(5, 90, len(years))
    return pd.DataFrame(
        {
            "period": years.astype(str),
            "emissions_mt_best": e,
            "emissions_mt_lower": 0.5 * e,
            "emissions_mt_upper": 1.6 * e,
        }
    )


def test_fallback_names_the_package(monkeypatch):
    monkeypatch.setenv("HASHCARBON_NO_CJK_FONT", "1")
    figures.cjk_font_path.cache_clear()
    figures.cjk_font.cache_clear()
    try:
        assert figures.cjk_font() is None
        assert "fonts-noto-cjk" in figures.NO_CJK_FONT_HINT
        assert figures._lab("zh", "median") == "median"  # English labels, no missing glyphs
    finally:
        monkeypatch.delenv("HASHCARBON_NO_CJK_FONT")
        figures.cjk_font_path.cache_clear()
        figures.cjk_font.cache_clear()


def test_zh_figure_draws_cjk_glyphs():
    if figures.cjk_font() is None:
        pytest.skip(figures.NO_CJK_FONT_HINT)
    path = figures.cjk_font_path()
    assert figures._has_cjk_glyphs(path)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*[Gg]lyph.*missing.*")
        zh = figures.emissions_chart(_yearly(), "zh")
    en = figures.emissions_chart(_yearly(), "en")
    assert zh != en
    # The label text of the zh figure resolves to the CJK font file.
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    figures._style("zh")
    fig, ax = plt.subplots()
    label = ax.set_ylabel(figures._lab("zh", "emissions"))
    assert any("\u4e00" <= ch <= "\u9fff" for ch in label.get_text())
    used = font_manager.findfont(label.get_fontproperties(), fallback_to_default=False)
    plt.close(fig)
    assert used == path
    # Drawn glyphs: a CJK string rendered in the font covers pixels (tofu boxes would be hollow).
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    tp = TextPath((0, 0), "中国碳排放", prop=FontProperties(fname=path), size=20)
    assert len(tp.vertices) > 200

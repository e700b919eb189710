"""Korean text in figures: matplotlib's default font (DejaVu Sans) has no Hangul, so a Korean title
or label would show as boxes. The Korean edition's setup cell calls :func:`use_korean_font`."""
import sys
import warnings

from .lazy_matplotlib import Deferred

# Fonts with Hangul, most common first: Noto CJK (Debian/Ubuntu fonts-noto-cjk, and most Linux
# desktops), Nanum (fonts-nanum, often installed on Colab), Malgun Gothic (Windows), Apple's
# (macOS).
KOREAN_FONTS = ("Noto Sans CJK KR", "Noto Sans CJK JP", "Noto Sans KR", "NanumGothic",
                "Malgun Gothic", "AppleGothic", "Apple SD Gothic Neo")
INSTALL_HINT = ("그림 속 한글이 네모로 보일 수 있습니다: 한글 글꼴을 설치하세요 (Debian/Ubuntu: "
                "sudo apt install fonts-noto-cjk, Colab: !apt -qq install fonts-nanum) "
                "그리고 커널을 다시 시작하세요.")


def use_korean_font():
    """Draw text in the first installed Korean font, DejaVu Sans as fallback; the font's name,
    or None (with a warning saying what to install) when there is none.

    Grading kernels draw no figures (matplotlib stands deferred there, see
    :mod:`autograder.lazy_matplotlib`): nothing is imported or changed then.
    """
    if isinstance(sys.modules.get("matplotlib"), Deferred):
        return None
    import matplotlib
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    found = next((name for name in KOREAN_FONTS if name in installed), None)
    if found is None:
        warnings.warn(INSTALL_HINT, stacklevel=2)
        return None
    # The Korean font first: a label mixing text and $math$ draws its text in the first family
    # only, with no fallback. These fonts have Latin letters and the minus sign too; DejaVu Sans
    # remains the fallback for any other symbol.
    matplotlib.rcParams["font.family"] = [found, "DejaVu Sans"]
    return found

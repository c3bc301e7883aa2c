"""Write scikit-learn's English stop words to ``src/storyline/group/stop_words.txt``.

The grouping signals drop them; reading them from a file keeps scikit-learn (and the SciPy and
pandas it imports) out of every Storyline process. Run after upgrading scikit-learn if
``tests/test_group.py::test_stop_words_are_scikit_learns`` fails.

    PYTHONPATH=src python bench/write_stop_words.py
"""

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from storyline.group.signals import STOP_WORDS_PATH

if __name__ == "__main__":
    STOP_WORDS_PATH.write_text("\n".join(sorted(ENGLISH_STOP_WORDS)) + "\n")
    print(f"{len(ENGLISH_STOP_WORDS)} words -> {STOP_WORDS_PATH}")

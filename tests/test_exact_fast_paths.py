"""The per-article step's fast paths (session 8) equal the plain definitions they replace: words
split on bytes instead of by a regex, WordPiece in Python instead of a tokenizer call, one regex
for the boilerplate rules, norms without ``np.linalg``, find_times without bare years. A run's
output must not change by a bit (bench/worker_cost.py --check compares whole runs' results)."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from storyline.clean.language import LETTER_RUN, english_word_share, letter_words
from storyline.clean.lines import boilerplate_reason
from storyline.embed import _ASCII_WORD, get_embedder, row_norms
from storyline.group.dedup import content_hash, minhash, normalized_words, word_bytes

# characters that make the fast paths take their slow turns: typographic quotes and dashes, accents,
# other scripts, combining marks, superscripts, white space of all kinds, ligatures, a lone surrogate
_TRICKY = "aZ9_ -'’“”é\u00a0²İΣς中\u0301\u200b\t\n.,!ǅﬁⅫ٣\ud800"
_LINES = [
    "Don’t stop — it's 2nd_hand! Über ça İstanbul ΣΟΦΟΣ x²y ½ ٣٤ 中文字 a\u00a0b c\u200bd",
    "", "   ", "\ud800abc def", "ǅungla ﬁnance Ⅻ", "tab\tnew\nline", "O'Brien's e-mail: state_of_play -- the end.",
]


def _random_lines(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return _LINES + ["".join(rng.choice(_TRICKY) for _ in range(rng.randint(0, 40))) for _ in range(count)]


def test_word_bytes_are_the_normalized_words_in_utf8():
    for line in _random_lines(5000, 1):
        assert word_bytes(line) == [w.encode("utf-8", "surrogatepass") for w in normalized_words(line)], line


def test_letter_words_are_the_letter_runs_in_utf8():
    for line in _random_lines(5000, 2):
        lowered = line.lower()
        assert letter_words(lowered) == [w.encode("utf-8", "surrogatepass") for w in LETTER_RUN.findall(lowered)]


def test_content_hash_and_minhash_of_word_bytes_equal_the_hash_of_the_words():
    import hashlib

    text = "The talks in Baku were about the Lachin corridor, and the “road” — Don’t stop. " * 3
    words = normalized_words(text)
    assert content_hash(None, text) == hashlib.blake2b(" ".join(words).encode(), digest_size=16).hexdigest()
    assert content_hash("Title only", "") == content_hash(None, "title ONLY")
    assert np.array_equal(minhash(text).values, minhash(text, word_bytes(text)).values)
    assert minhash("too short to judge") is None


def _english_share_by_regex(line: str) -> float:
    from storyline.clean.language import _ENGLISH_FUNCTION_WORDS

    words = LETTER_RUN.findall(line.lower())
    return sum(w in _ENGLISH_FUNCTION_WORDS for w in words) / len(words) if words else 0.0


def test_english_word_share_equals_its_regex_definition():
    rng = random.Random(3)
    english = "the a of to in and or said will Blinken Aliyev corridor talks Don’t x²y 2023".split()
    lines = _random_lines(2000, 3) + [" ".join(rng.choice(english) for _ in range(rng.randint(0, 30)))
                                      for _ in range(2000)]
    for line in lines:
        assert english_word_share(line) == _english_share_by_regex(line), line


def _boilerplate_by_rules(line: str) -> str | None:
    """The rules one by one, without the combined pattern that skips them."""
    from storyline.clean.lines import rules_one_by_one

    stripped = line.strip()
    return rules_one_by_one(stripped, stripped.casefold()) if stripped else None


@pytest.mark.parametrize("line", [
    "Share on Facebook", "12 comments", "Loading...", "Advertisement", "Read more", "Tags: politics, Baku",
    "© 2023 News Corp", "Photo: Reuters", "Subscribe to our newsletter", "We use cookies to improve your experience",
    "All rights reserved.", "Getty Images", "The talks in Baku, held on Monday, were about the Lachin corridor.",
    "Manage consent preferences", "Copyright holders sued", "", "   ", "Menu",
])
def test_boilerplate_reason_equals_the_rules_one_by_one(line):
    assert boilerplate_reason(line) == _boilerplate_by_rules(line)
    assert boilerplate_reason(line.upper()) == _boilerplate_by_rules(line.upper())


def test_boilerplate_reason_equals_the_rules_on_random_lines():
    words = ["share", "on", "facebook", "comments", "©", "(c)", "cookie", "accept", "subscribe", "menu", "read",
             "more", "photo:", "the", "Baku", "talks", "12", "-", "|", "all rights reserved", "tags:"]
    rng = random.Random(4)
    for _ in range(3000):
        line = " ".join(rng.choice(words) for _ in range(rng.randint(1, 8)))
        assert boilerplate_reason(line) == _boilerplate_by_rules(line), line


def test_wordpiece_in_python_equals_the_tokenizer():
    embedder = get_embedder("static")
    pieces, tokenizer = embedder._pieces.pieces, embedder._tokenizer
    rng = random.Random(5)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    words = ["blinken", "aliyev", "lachin", "corridor", "h1n1", "tamiflu", "obama12", "unaffable", "a", "0",
             "x" * 100, "x" * 101, "qqqqzzzz"]
    words += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 20))) for _ in range(3000)]
    for word in words:
        assert _ASCII_WORD.fullmatch(word)
        assert pieces.ids(word) == tokenizer.encode(word, add_special_tokens=False).ids, word


def test_row_norms_equal_numpy_norms_bit_for_bit():
    rng = np.random.default_rng(0)
    for dtype in (np.float16, np.float32, np.float64):
        for shape in [(1, 128), (7, 128), (64, 384), (3, 1), (0, 128)]:
            x = (rng.standard_normal(shape) * rng.choice([1e-3, 1.0, 30.0])).astype(dtype)
            expected = np.linalg.norm(x, axis=1, keepdims=True)
            assert row_norms(x).dtype == expected.dtype and row_norms(x).tobytes() == expected.tobytes()


def test_find_times_without_years_finds_the_rest_unchanged():
    from storyline.annotate.times import find_times

    texts = ["On Monday, three days ago, Blinken spoke; in 2009 and since January 5, 2023 the road was shut.",
             "The 2022 war began on 24 February 2022; last week and yesterday talks went on (2023 election).",
             "Nothing here", "Tuesday’s vote was held on Tuesday, 12.03.2023, and in spring 2019."]
    for text in texts:
        for anchor in ("2023-01-24", None):
            every = find_times(text, anchor, "published")
            assert find_times(text, anchor, "published", years=False) == [r for r in every if r.granularity != "year"
                                                                          or r.kind != "date"
                                                                          or not re.fullmatch(r"\d{4}", r.text)]


def test_names_and_numbers_patterns_match_their_boundary_first_forms():
    """``_NAME`` and ``_NUMBER`` start with their character class (so the regex engine skips to the
    next capital or digit): the same matches as the ``\\b``-first patterns they replace."""
    from storyline.group.signals import _NAME, _NUMBER

    plain_name = re.compile(r"\b[A-Z][a-zA-Z'’\-]*[a-zA-Z]\b|\b[A-Z]{2,}\b")
    plain_number = re.compile(r"\b\d+(?:[.,]\d+)?\b")
    rng = random.Random(4)
    lines = _random_lines(3000, 5) + ["".join(rng.choice("AbZ9_1 ,.-’'É\n中") for _ in range(60)) for _ in range(3000)]
    lines += ["US-based NATO's McDonald O'Neil AB1 X Y2K 6.1-magnitude 1,500 3.14.15 _9 a1 ½"]
    for line in lines:
        assert _NAME.findall(line) == plain_name.findall(line), line
        assert _NUMBER.findall(line) == plain_number.findall(line), line


def _top(counts, n: int):
    """The ``n`` most frequent, ties by term, in their order: how profiles were pruned before
    session 9 (a new Counter each time)."""
    from collections import Counter

    kth = sorted(counts.values(), reverse=True)[n - 1]
    above = sum(1 for c in counts.values() if c > kth)
    tied = frozenset(sorted(t for t, c in counts.items() if c == kth)[:n - above])
    return Counter({t: c for t, c in counts.items() if c > kth or (c == kth and t in tied)})


def test_keep_top_equals_the_plain_top_in_content_and_order():
    """Grouping prunes a profile's counts in place (``_keep_top``, session 9): the same terms, counts
    and order as the plain form, ties at the cut included."""
    from collections import Counter

    from storyline.group.signals import _keep_top

    rng = random.Random(6)
    words = [f"w{i:03d}" for i in range(300)]
    for _ in range(3000):
        n = rng.choice([1, 2, 5, 40, 100])
        counts = Counter({w: rng.choice([1, 1, 1, 2, 2, 3, 7]) for w in rng.sample(words, n + rng.randint(1, 60))})
        expected = _top(counts, n)
        _keep_top(counts, n)
        assert list(counts.items()) == list(expected.items())


def _stacked_cosines(art, groups):
    """The pair cosines as pairs_features computed them before session 9: every product on stacked copies."""
    vector = art.vector
    centroid = (np.stack([g.centroid for g in groups]) @ vector).tolist()
    mean = (np.stack([g.vector_sum for g in groups]) @ vector.astype(np.float64)).tolist()
    nearest = list(centroid)
    with_members = [i for i, g in enumerate(groups) if g.members]
    if with_members:
        matrices = [groups[i].member_matrix for i in with_members]
        starts = np.cumsum([0] + [len(m) for m in matrices[:-1]])
        for i, best in zip(with_members, np.maximum.reduceat(np.concatenate(matrices) @ vector, starts).tolist()):
            nearest[i] = best
    return centroid, nearest, [m / g.size for m, g in zip(mean, groups)]


def test_pair_cosines_equal_the_products_of_stacked_copies():
    """One group's cosines from views of its vectors, several groups' from np.array and one
    member matrix without a concatenation: the same bits as the stacked products (a BLAS result
    may change with a product's shape, so the shapes are kept)."""
    from storyline.group.signals import NO_NEIGHBOURS, GroupProfile, TermStats, pairs_features, profile_article

    rng = np.random.default_rng(7)
    stats = TermStats()

    def article(i):
        vector = rng.standard_normal(256).astype(np.float32)
        return profile_article(f"a{i}", None, "Blinken met Aliyev in Baku on Monday.", "2023-01-24", None,
                               vector / np.linalg.norm(vector))

    groups = []
    for g in range(60):
        group = GroupProfile.empty(f"e{g}", 256)
        for i in range(int(rng.integers(1, 12))):
            group.add(article(i), stats)
        if g % 7 == 0:  # read back from a store without its member vectors
            group.members, group._members = [], None
        groups.append(group)
    for trial in range(300):
        art = article(1000 + trial)
        art.prepare(stats)
        chosen = [groups[i] for i in rng.choice(len(groups), size=int(rng.integers(1, 13)), replace=False)]
        rows = pairs_features(art, chosen, stats, [NO_NEIGHBOURS] * len(chosen))
        centroid, nearest, mean = _stacked_cosines(art, chosen)
        assert [r["cos_centroid"] for r in rows] == centroid
        assert [r["cos_nearest"] for r in rows] == [max(c, -1.0) for c in nearest]
        assert [r["cos_mean"] for r in rows] == mean


def test_group_centroid_equals_the_numpy_norm_form():
    from storyline.group.signals import GroupProfile

    rng = np.random.default_rng(8)
    for _ in range(500):
        vector_sum = rng.standard_normal(256) * rng.choice([1e-3, 1.0, 30.0])
        expected = (vector_sum / float(np.linalg.norm(vector_sum))).astype(np.float32)
        assert GroupProfile("g", vector_sum).centroid.tobytes() == expected.tobytes()
    assert GroupProfile("g", np.zeros(4)).centroid.tobytes() == np.zeros(4, dtype=np.float32).tobytes()


def test_group_totals_follow_each_addition():
    import math

    from storyline.group.signals import GroupProfile, TermStats, profile_article

    stats = TermStats()
    group = GroupProfile.empty("e", 4)
    texts = ["Talks on Monday in Baku.", "On Sunday, talks went on.", "No day here.", "He spoke on Monday and Friday."]
    for i, text in enumerate(texts * 3):
        group.add(profile_article(f"a{i}", None, text, "2023-01-24", None, np.ones(4, dtype=np.float32) / 2), stats)
        assert group.totals() == (sum(group.weekdays.values()), sum(group.when_weekdays.values()), math.log(group.size))


def test_add_all_equals_adding_one_by_one():
    """``GroupProfile.add_all`` computes the norms once, after the last member (a repair's groups):
    the same profile as ``add`` member by member, members without body names last included."""
    import copy

    from storyline.group.signals import GroupProfile, TermStats, profile_article

    rng = np.random.default_rng(9)
    stats = TermStats()
    texts = ["Klitschko beat Rahman in Las Vegas on Saturday, Klitschko said.", "Rain fell.",
             "Thompson and Klitschko met again in London; Thompson lost in round 11.", "no names here at all"]

    def article(i):
        vector = rng.standard_normal(16).astype(np.float32)
        return profile_article(f"a{i}", None, texts[i % len(texts)], "2023-01-24", None, vector / np.linalg.norm(vector))

    for trial in range(40):
        start = GroupProfile.empty("e", 16)
        for i in range(trial % 3):
            start.add(article(100 + i), stats)
        stats.add(article(200 + trial))  # the statistics move between the group's updates
        members = [article(trial * 10 + k) for k in range(1 + trial % 4)]
        for body_names in (True, False):
            one_by_one, at_once = copy.deepcopy(start), copy.deepcopy(start)
            for m in members:
                one_by_one.add(m, stats, body_names=body_names)
            at_once.add_all(members, stats, body_names=body_names)
            assert _state(one_by_one) == _state(at_once)


def _state(group) -> dict:
    """A group's fields, arrays as their bytes and floats as their repr (equal to the last bit)."""
    def plain(value):
        if isinstance(value, np.ndarray):
            return value.dtype.str, value.tobytes()
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return list(value.items())  # in their order
        return repr(value)

    return {name: plain(value) for name, value in vars(group).items()}

"""The words of a query: tokens, words, and the common words the engines ignore.

One list for both databases, so a query ignores the same words on SQLite and on
PostgreSQL: it is PostgreSQL's English stop-word list (tsearch_data/english.stop),
which its "english" configuration drops; FTS5 has none, so SQLite drops these
from queries itself.

A short word that is also a real term ("IT" band, "US" law, "AM" radio) is a
common word when written in lower case and a term when written in capitals: a
query word of two or more capital letters is searched for, and PostgreSQL
indexes such words of a post (forum.search.postgres), as typed, besides its
English words.
"""

import re

STOP_WORDS = frozenset(
    [
        "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours",
        "yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself",
        "it", "its", "itself", "they", "them", "their", "theirs", "themselves", "what", "which",
        "who", "whom", "this", "that", "these", "those", "am", "is", "are", "was", "were", "be",
        "been", "being", "have", "has", "had", "having", "do", "does", "did", "doing", "a", "an",
        "the", "and", "but", "if", "or", "because", "as", "until", "while", "of", "at", "by", "for",
        "with", "about", "against", "between", "into", "through", "during", "before", "after",
        "above", "below", "to", "from", "up", "down", "in", "out", "on", "off", "over", "under",
        "again", "further", "then", "once", "here", "there", "when", "where", "why", "how", "all",
        "any", "both", "each", "few", "more", "most", "other", "some", "such", "no", "nor", "not",
        "only", "own", "same", "so", "than", "too", "very", "s", "t", "can", "will", "just", "don",
        "should", "now",
    ]
)  # fmt: skip
TOKEN = re.compile(r'"([^"]*)"|(\S+)')
WORD = re.compile(r"\w+")


# Read as operators (OR by PostgreSQL's websearch), or by people, never as terms.
OPERATORS = frozenset(["and", "or", "not"])


def is_term(word):
    """A common word written in capitals (IT, US): searched for as a term, not ignored."""
    lower = word.lower()
    return len(word) > 1 and word.isupper() and lower in STOP_WORDS and lower not in OPERATORS


def ignored(word):
    """A common word the engines skip (written in lower case, or a single letter)."""
    return word.lower() in STOP_WORDS and not is_term(word)


def shouts(text):
    """A query of several words all in capitals: its capitals say nothing about terms."""
    words = [w for w in WORD.findall(text) if w.lower() != w.upper()]  # with letters in
    return len(words) > 1 and all(w.isupper() for w in words)

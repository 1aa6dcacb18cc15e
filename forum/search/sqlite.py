"""Search on SQLite: an FTS5 table (porter stemming) keyed by entry id, ranked by bm25.

The FTS5 table is read newest entry first (its rowid order, which costs nothing),
each matching row checked against the reader's entries by primary key, until
`limit` rows pass: only those are ranked. (Written as `rowid IN (entries)`, SQLite
would instead look every visible entry up in the FTS5 index with the whole query:
seconds on a few thousand threads.)
"""

from contextlib import contextmanager

from django.db import connection
from django.db.models.expressions import RawSQL

from ..models import SearchEntry
from .words import TOKEN, WORD, ignored

# bm25 weights of the FTS5 columns (title, text): title words weigh more.
BM25 = "bm25(forum_search_fts, 10.0, 1.0)"


def match_expression(text, joiner=" AND "):
    """The user's words as a safe FTS5 query: quoted phrases kept, every term quoted.

    FTS5 has no stop words: the common ones (words.STOP_WORDS) are dropped here, outside
    phrases, but for terms in capitals (IT)."""
    parts = []
    for phrase, word in TOKEN.findall(text):
        if phrase:
            words = WORD.findall(phrase.lower())
            if words:
                parts.append('"' + " ".join(words) + '"')
        else:
            parts.extend(f'"{w.lower()}"' for w in WORD.findall(word) if not ignored(w))
    return joiner.join(parts)


@contextmanager
def bulk_load():
    """Around loading many threads at once: entries written meanwhile join the FTS5 table
    at the end, in one statement."""
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO forum_search_fts (rowid, title, text) "
            "SELECT id, title, text FROM forum_searchentry "
            "WHERE id NOT IN (SELECT rowid FROM forum_search_fts)"
        )


def save(entries):
    """Save new entries, then put their words in the FTS5 table under the same ids."""
    entries = SearchEntry.objects.bulk_create(entries, batch_size=2_000)
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO forum_search_fts (rowid, title, text) VALUES (%s, %s, %s)",
            [(entry.pk, entry.title, entry.text) for entry in entries],
        )


def remove(entry_ids):
    if entry_ids:
        with connection.cursor() as cursor:
            cursor.executemany(
                "DELETE FROM forum_search_fts WHERE rowid = %s", [(pk,) for pk in entry_ids]
            )


def _newest_matches(entries):
    """SQL (and its parameters) for the FTS5 rows matching %s that are among `entries`,
    newest first, with their bm25 score as `rank` (lower is better); LIMIT %s follows."""
    # Correlated on the FTS5 row: one primary-key lookup per row read, nothing built up front.
    inner, params = (
        entries.filter(pk=RawSQL("forum_search_fts.rowid", ())).values("id").query.sql_with_params()
    )
    sql = (
        f"SELECT rowid, {BM25} AS rank FROM forum_search_fts "  # noqa: S608 - Django's SQL
        f"WHERE forum_search_fts MATCH %s AND EXISTS ({inner}) ORDER BY rowid DESC LIMIT %s"
    )
    return sql, params


def candidates(text, entries, limit):
    """[(entry id, question id, score, answered, featured, kind, post id)] of the newest
    `limit` matching entries (as on PostgreSQL): a common word costs no more than a rare one."""
    match = match_expression(text)
    if not match:
        return []
    sql, params = _newest_matches(entries)
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, *params, limit])
        scores = {pk: -rank for pk, rank in cursor.fetchall()}
    rows = SearchEntry.objects.filter(pk__in=scores).values_list(
        "id", "question_id", "answered", "featured", "kind", "post_id"
    )
    return [(pk, question_id, scores[pk], answered, featured, kind, post_id)
            for pk, question_id, answered, featured, kind, post_id in rows]  # fmt: skip


def snippets(text, entry_ids, start, stop):
    match = match_expression(text)
    if not match or not entry_ids:
        return {}
    marks = ", ".join(["%s"] * len(entry_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid, snippet(forum_search_fts, -1, %s, %s, ' … ', 32) "  # noqa: S608
            f"FROM forum_search_fts WHERE forum_search_fts MATCH %s AND rowid IN ({marks})",
            [start, stop, match, *entry_ids],
        )
        return dict(cursor.fetchall())


def similar(title, words, limit, newest):
    """Public answered questions whose title and text match any of `words` (the title's,
    bounded by the caller): the best `limit` of the `newest` that match."""
    match = " OR ".join(f'"{word}"' for word in words)
    if not match:
        return []
    entries = SearchEntry.objects.filter(
        kind=SearchEntry.Kind.QUESTION, is_public=True, answered=True
    )
    sql, params = _newest_matches(entries)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM ({sql}) ORDER BY rank, rowid DESC LIMIT %s",  # noqa: S608
            [match, *params, newest, limit],
        )
        ids = [row[0] for row in cursor.fetchall()]
    order = {pk: i for i, pk in enumerate(ids)}
    rows = SearchEntry.objects.filter(pk__in=ids).values_list("id", "question_id")
    return [question_id for _, question_id in sorted(rows, key=lambda r: order[r[0]])]

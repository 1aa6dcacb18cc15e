"""Full-text search: one interface, one implementation per database.

PostgreSQL (forum.search.postgres) uses a weighted tsvector with a GIN index;
SQLite (forum.search.sqlite) an FTS5 table. The index is one SearchEntry per
post, rebuilt with its thread by index_thread() in the post-write hook of
every thread write, visibility copied in, so searches filter without joins;
the hits shown are loaded through the visibility rules again.

Searches are open to visitors, so each one's work is bounded whatever is typed:
the engines get at most MAX_TERMS words of a query (bounded_query) and
MAX_SIMILAR_TERMS of a title (similar_terms), and rank at most CANDIDATES
matching posts, the newest, on either database.
"""

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import mark_safe

from accounts.roles import is_moderator

from ..models import Answer, FollowUp, Question, SearchEntry
from . import postgres, sqlite
from .documents import entries_for
from .words import OPERATORS, STOP_WORDS, TOKEN, WORD, ignored, shouts

# At most this many matching posts are ranked for one search (or one title's similar questions).
CANDIDATES = 1000
# A query reaches the full-text engine as its first MAX_TERMS distinct words (stop words
# not counted); a title for similar questions as its first MAX_SIMILAR_TERMS distinct
# words of at least MIN_SIMILAR_LETTERS letters, of its first MAX_TITLE characters.
MAX_TERMS = 8
MAX_SIMILAR_TERMS = 8
MIN_SIMILAR_LETTERS = 3
MAX_TITLE = 200
ANSWERED_BOOST = 0.25
FEATURED_BOOST = 0.25
# Private-use characters mark matches inside a snippet until it is escaped.
START, STOP = "\ue000", "\ue001"


def backend():
    return postgres if connection.vendor == "postgresql" else sqlite


def index_thread(question):
    """Rebuild the index entries of one thread (question, answers, follow-ups).

    `question` is a Question or its id. The action layer calls this from its
    post-write hook with the question row locked, so two rebuilds of one
    thread never interleave: each deletes all of the thread's entries and
    writes one per post.
    """
    if not isinstance(question, Question):
        question = Question.objects.filter(pk=question).first()
        if question is None:
            return
    engine = backend()
    old = list(SearchEntry.objects.filter(question_id=question.pk).values_list("id", flat=True))
    engine.remove(old)
    SearchEntry.objects.filter(pk__in=old).delete()
    engine.save(entries_for(question))


def rebuild_index():
    """Index every thread from scratch, each under its row lock; returns how many."""
    count = 0
    for question_id in Question.objects.order_by("pk").values_list("pk", flat=True).iterator():
        with transaction.atomic():
            question = (
                Question.objects.select_for_update(no_key=True).filter(pk=question_id).first()
            )
            if question is not None:
                index_thread(question)
                count += 1
    return count


def visible_entries(user):
    """The one visibility rule, on index entries: what `user` may find.

    Hidden posts are found by moderators only; private threads by their asker,
    their expert and moderators.
    """
    entries = SearchEntry.objects.all()
    if is_moderator(user):
        return entries
    if not user.is_authenticated:
        return entries.filter(is_public=True)
    return entries.filter(
        Q(is_public=True) | Q(question__asker=user) | Q(question__expert=user), is_hidden=False
    )


@dataclass
class Hit:
    question: Question
    snippet: str
    score: float


@dataclass(frozen=True)
class Match:
    """A thread's best-matching post: which entry, how well, and what post it is."""

    question_id: int
    entry_id: int
    score: float
    kind: str
    post_id: int


@dataclass
class Results:
    hits: list = field(default_factory=list)  # Match per thread, best first
    capped: bool = False


def bounded_query(text, max_terms=None):
    """The part of a search the engines get: its first `max_terms` (MAX_TERMS) distinct words.

    The user's words and "quoted phrases" are kept as typed, in order (PostgreSQL
    reads -word and OR in them), until `max_terms` words are counted: every word
    of a phrase counts; a stop word does not; a repeated word is dropped, as is
    a token with no word in it; a phrase or a hyphenated word that would pass the
    limit is cut. A query within the limit reaches the engines as it was typed
    but for those drops, so it finds what it found before.
    """
    max_terms = MAX_TERMS if max_terms is None else max_terms
    if shouts(text or ""):
        text = text.lower()  # all in capitals: no word of it is a term (words.is_term)
    kept, seen, count = [], set(), 0
    for phrase, word in TOKEN.findall(text or ""):
        if count >= max_terms:
            break
        if phrase:
            words = WORD.findall(phrase.lower())
            if words:
                room = max_terms - count
                kept.append(f'"{phrase}"' if len(words) <= room else f'"{" ".join(words[:room])}"')
                count += min(len(words), room)
            continue
        words = WORD.findall(word)
        counted = [w for w in words if not ignored(w)]
        new = []  # the words not searched for yet, as typed (a term keeps its capitals)
        for w in counted:
            if w.lower() not in seen and all(w.lower() != n.lower() for n in new):
                new.append(w)
        if not new:
            if words and not counted:
                kept.append(word)  # a stop word or an operator (OR): costs the engines nothing
            continue
        room = max_terms - count
        whole = len(new) <= room and len(new) == len(counted)
        kept.append(word if whole else " ".join(new[:room]))
        seen.update(w.lower() for w in new[:room])
        count += min(len(new), room)
    return " ".join(kept)


def ignored_words(text):
    """The common words of a query that the engines skip (outside phrases), each once, in
    lower case: what the results page says was ignored. Operators (OR) are not words."""
    found = []
    for phrase, token in TOKEN.findall(bounded_query(text)):
        if not phrase:
            found.extend(w.lower() for w in WORD.findall(token) if ignored(w))
    return [w for w in dict.fromkeys(found) if w not in OPERATORS]


def similar_terms(title):
    """The words of a title that similar questions are looked up by (at most MAX_SIMILAR_TERMS)."""
    words = (
        word
        for word in WORD.findall((title or "")[:MAX_TITLE].lower())
        if len(word) >= MIN_SIMILAR_LETTERS and word not in STOP_WORDS
    )
    return list(dict.fromkeys(words))[:MAX_SIMILAR_TERMS]


def search(user, text, *, category=None, expert=None, answered_only=False) -> Results:
    """Threads matching `text` that `user` may see, best first (not yet loaded)."""
    text = bounded_query((text or "").strip())
    if not text:
        return Results()
    entries = visible_entries(user)
    if category is not None:
        # By id, through the tree as it is now: a renamed or moved category needs no reindex.
        entries = entries.filter(category_id__in=category.subtree_ids())
    if expert is not None:
        entries = entries.filter(
            question__in=expert.answers.filter(is_hidden=False).values("question_id")
        )
    if answered_only:
        entries = entries.filter(answered=True)
    rows = backend().candidates(text, entries, CANDIDATES)
    best = {}
    for entry_id, question_id, score, answered, featured, kind, post_id in rows:
        score = float(score) * (1 + ANSWERED_BOOST * answered + FEATURED_BOOST * featured)
        if question_id not in best or score > best[question_id].score:
            best[question_id] = Match(question_id, entry_id, score, kind, post_id)
    hits = sorted(best.values(), key=lambda hit: (-hit.score, -hit.question_id))
    return Results(hits=hits, capped=len(rows) >= CANDIDATES)


def load_hits(user, text, page_hits):
    """Questions and highlighted snippets for one page of hits, through the visibility rules.

    The index is kept in step with every write, but a hit is shown only if
    `user` may see its question and the post it matched (Question, Answer and
    FollowUp `visible_to`): an index row can never show more than the pages.
    """
    questions = (
        Question.objects.visible_to(user)
        .select_related("category", "asker", "expert")
        .in_bulk([hit.question_id for hit in page_hits])
    )
    visible = {}
    for kind, model in ((SearchEntry.Kind.ANSWER, Answer), (SearchEntry.Kind.FOLLOW_UP, FollowUp)):
        ids = [hit.post_id for hit in page_hits if hit.kind == kind]
        if ids:
            found = model.objects.visible_to(user).filter(pk__in=ids)
            visible[kind] = set(found.values_list("pk", flat=True))
    page_hits = [
        hit
        for hit in page_hits
        if hit.question_id in questions
        and (hit.kind == SearchEntry.Kind.QUESTION or hit.post_id in visible.get(hit.kind, ()))
    ]
    entry_ids = [hit.entry_id for hit in page_hits]
    raw = backend().snippets(bounded_query(text), entry_ids, START, STOP)
    return [
        Hit(questions[hit.question_id], highlight(raw.get(hit.entry_id, "")), hit.score)
        for hit in page_hits
    ]


def highlight(snippet):
    """Escape a snippet, then turn the match markers into <mark> elements."""
    return mark_safe(  # noqa: S308 - everything but our own tags is escaped first
        escape(snippet).replace(START, "<mark>").replace(STOP, "</mark>")
    )


def similar_questions(title, limit=5):
    """Up to `limit` public answered questions like this title, for the ask form."""
    title = (title or "").strip()[:MAX_TITLE]
    if len(title) < 3:
        return []
    ids = backend().similar(title, similar_terms(title), limit, CANDIDATES)
    questions = Question.objects.select_related("category").in_bulk(ids)
    return [questions[pk] for pk in ids if pk in questions]

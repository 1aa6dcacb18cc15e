"""Answer cards shared between readers, with slots for what must be new in each response.

A thread page shows one card per answer. Readers in the same relation to an
answer (its asker, its expert, any other member) see the same card, forms
included, so a card is cached once per version of the thread and per role()
of its reader, and a long thread costs its asker what it costs a passer-by.

The CSRF token and each form's submission key are never shared: a card
holds a slot in their place (config.slots), filled anew in every response.
"""

from django.core.cache import InvalidCacheBackendError, caches
from django.core.cache.utils import make_template_fragment_key
from django.utils.safestring import mark_safe

from accounts.roles import can_post


def role(user, question, answer, can_flag_posts) -> str:
    """Everything of an answer's card that depends on its reader, as a short key.

    Their relation to the answer (its asker, its expert) and what they may do
    with it; the answer_card partial of forum/question.html reads nothing else
    of the reader. A reader whose card differs must differ here.
    """
    return "".join(
        "1" if flag else "0"
        for flag in (
            user.pk == question.asker_id,
            user.pk == answer.author_id,
            can_flag_posts,
            can_post(user),
            answer.can_follow_up,
            answer.can_rate,
            answer.can_record_outcome,
            getattr(answer, "outcome_opens_at", None),
            answer.can_edit,
        )
    )


def fragment_key(answer, generation) -> str:
    """The cache key of an answer's card, as forum/question.html's {% cache %} makes it."""
    return make_template_fragment_key("answer_card", [answer.pk, generation, answer.role])


def cached(answers, generation) -> dict:
    """{answer id: its card} for the cards already cached, read in one round trip."""
    keys = {fragment_key(answer, generation): answer.pk for answer in answers}
    if not keys:
        return {}
    found = fragment_cache().get_many(list(keys))
    # The cache holds what the template rendered: HTML, safe as it is.
    return {keys[key]: mark_safe(card) for key, card in found.items()}  # noqa: S308


def fragment_cache():
    """Where {% cache %} keeps fragments: a "template_fragments" cache if set, else the default."""
    try:
        return caches["template_fragments"]
    except InvalidCacheBackendError:
        return caches["default"]

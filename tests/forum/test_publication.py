"""Private to public, with consent: the text transformation, the state machine, the
permission matrix (who may request, agree, withdraw, redact, submit, review), the pages
and hostile passages. The leak test is tests/forum/test_publication_leaks.py."""

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from accounts.actions import NotFound, Refused
from accounts.models import AuditAction, AuditEntry, Notification, NotificationKind
from forum import actions
from forum import publication as rules
from forum.models import PublicationRequest, PublicationStatus, Question
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    ExpertProfileFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

P = PublicationStatus

# -- The text transformation: one pure function ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "passages", "expected"),
    [
        ("My name is Ann Smith.", ["ann smith"], "My name is [removed]."),
        ("ANN and ann and Ann", ["ann"], "[removed] and [removed] and [removed]"),
        # Overlapping passages, and overlapping occurrences of one, become one marker.
        ("abcdef", ["abcd", "cdef"], "[removed]"),
        ("aaaa", ["aaa"], "[removed]"),
        ("x abc y cde z", ["abc", "cde"], "x [removed] y [removed] z"),
        # Regular-expression characters are literal.
        ("cost: $5.00 (a+b)*[c] ^x|y", ["$5.00 (a+b)*[c]"], "cost: [removed] ^x|y"),
        ("a.c abc", ["a.c"], "[removed] abc"),
        ("back\\slash \\d+", ["\\d+"], "back\\slash [removed]"),
        # Markdown around a passage stays; the passage goes.
        ("I live at **12 Elm Street**, _Leeds_.", ["12 elm street", "leeds"],
         "I live at **[removed]**, _[removed]_."),
        ("[my site](https://ann.example/me)", ["ann.example"], "[my site](https://[removed]/me)"),
        # Unicode, in any case.
        ("Ich heiße Émile Zoë.", ["émile zoë"], "Ich heiße [removed]."),
        ("ΣΟΦΙΑ and σοφια", ["Σοφια"], "[removed] and [removed]"),
        # Words of a passage match across a line break.
        ("Ann\nSmith came", ["Ann Smith"], "[removed] came"),
        ("nothing here", ["absent"], "nothing here"),
        ("", ["absent"], ""),
    ],
)  # fmt: skip
def test_redact(text, passages, expected):
    assert rules.redact(text, passages) == expected


def test_redact_never_leaves_a_passage_behind():
    text = "Zed zedzed ZEDZE dze zeddd"
    out = rules.redact(text, ["zed", "edz", "dze"])
    for passage in ["zed", "edz", "dze"]:
        assert passage not in out.lower()


def test_redact_json_walks_keys_and_values():
    value = {"title": "Ann's knee", "list": ["ann", 3, None], "ann": {"x": "ANN"}}
    assert rules.redact_json(value, ["ann"]) == {
        "title": "[removed]'s knee",
        "list": ["[removed]", 3, None],
        "[removed]": {"x": "[removed]"},
    }


def test_passages_are_checked_and_explained():
    texts = ["My knee hurts since Tuesday", "Ice it"]
    ok = rules.check_passages("knee\n\n  KNEE \nsince   Tuesday\n", texts)
    assert ok.errors == []
    assert ok.passages == ["knee", "since Tuesday"]
    bad = rules.check_passages("hip\nab\nremoved\n" + "k" * 400, texts)
    assert len(bad.errors) == 4
    assert "“hip” is not in the thread" in bad.errors[0]
    assert "too short" in bad.errors[1]
    assert "replaces removed text" in bad.errors[2]
    assert "too long" in bad.errors[3]
    # A passage must lie inside one text: not across the end of one and the start of another.
    assert rules.check_passages("hurts since Tuesday Ice", texts).errors
    many = rules.check_passages("\n".join(f"line {n}" for n in range(3000)), texts)
    assert many.errors == ["List at most 50 passages; there are 3000."]


# -- A private thread, answered by its expert ------------------------------------------------


@pytest.fixture
def t(db):
    category = CategoryFactory(name="Massage", slug="massage")
    expert = ExpertProfileFactory(categories=[category]).user
    asker = UserFactory(display_name="Ann Asker")
    question = QuestionFactory(
        category=category,
        asker=asker,
        expert=expert,
        visibility="private",
        title="My knee hurts near Elmwood",
        body="I run every morning in Elmwood park.",
    )
    actions.post_answer(question=question, author=expert, body="Ice the knee after running.")
    return SimpleNamespace(
        category=category,
        question=question,
        asker=asker,
        expert=expert,
        other_expert=ExpertProfileFactory(categories=[category]).user,
        member=UserFactory(),
        moderator=ModeratorFactory(),
    )


def fresh(t):
    return Question.objects.get(pk=t.question.pk)


def current(t):
    return PublicationRequest.objects.filter(question_id=t.question.pk).order_by("-pk").first()


def to_state(t, state, *, by="expert"):
    """Move the thread's request to `state` through the actions."""
    requester = t.expert if by == "expert" else t.asker
    other = t.asker if by == "expert" else t.expert
    request = actions.request_publication(question=fresh(t), user=requester)
    if state == P.PROPOSED:
        return request
    request = actions.agree_publication(request=request, user=other)
    if state == P.AGREED:
        return request
    request = actions.submit_for_review(request=request, user=t.asker, text="Elmwood")
    if state == P.IN_REVIEW:
        return request
    if state == P.PUBLISHED:
        return actions.publish(request=request, moderator=t.moderator)
    raise AssertionError(state)


def test_the_whole_way_audited_step_by_step(t, commit):
    request = commit(actions.request_publication, question=t.question, user=t.expert)
    assert request.status == P.PROPOSED
    assert request.expert_agreed_at and not request.asker_agreed_at
    told = Notification.objects.get(recipient=t.asker, kind=NotificationKind.PUBLICATION)
    assert "asks to make" in told.title

    request = commit(actions.agree_publication, request=request, user=t.asker)
    assert request.status == P.AGREED and request.asker_agreed_at
    request = commit(actions.set_redactions, request=request, user=t.asker, text="elmwood")
    assert request.redactions == "elmwood"
    request = commit(actions.submit_for_review, request=request, user=t.asker)
    assert request.status == P.IN_REVIEW and request.submitted_at
    request = commit(
        actions.return_publication, request=request, moderator=t.moderator, note="Also the park?"
    )
    assert request.status == P.AGREED and request.review_note == "Also the park?"
    request = commit(actions.submit_for_review, request=request, user=t.asker, text="Elmwood")
    request = commit(actions.publish, request=request, moderator=t.moderator)

    assert request.status == P.PUBLISHED and request.published_at and request.redactions == ""
    question = fresh(t)
    assert question.visibility == "public"
    assert question.title == "My knee hurts near [removed]"
    assert question.slug == "my-knee-hurts-near-removed"
    assert "[removed]" in question.body_html
    actions_logged = list(
        AuditEntry.objects.filter(target_id=question.pk, target_type="forum.question")
        .order_by("pk")
        .values_list("action", "actor_id")
    )
    assert actions_logged == [
        (AuditAction.PUBLICATION_REQUESTED, t.expert.pk),
        (AuditAction.PUBLICATION_AGREED, t.asker.pk),
        (AuditAction.PUBLICATION_SUBMITTED, t.asker.pk),
        (AuditAction.PUBLICATION_RETURNED, t.moderator.pk),
        (AuditAction.PUBLICATION_SUBMITTED, t.asker.pk),
        (AuditAction.PUBLICATION_PUBLISHED, t.moderator.pk),
    ]
    submitted = AuditEntry.objects.filter(action=AuditAction.PUBLICATION_SUBMITTED).last()
    assert submitted.after["passages"] == 1
    assert "elmwood" not in str(submitted.after).lower()
    # Both parties hear it is public, under its new title.
    for person in (t.asker, t.expert):
        last = Notification.objects.filter(recipient=person).order_by("-pk").first()
        assert last.title == "“My knee hurts near [removed]” is public now"


def test_the_old_address_leads_to_the_new_one(t, client):
    old = t.question.get_absolute_url()
    to_state(t, P.PUBLISHED)
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == fresh(t).get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("state", [P.PROPOSED, P.AGREED, P.IN_REVIEW])
@pytest.mark.parametrize("who", ["asker", "expert"])
def test_either_party_withdraws_at_each_state(t, state, who):
    request = to_state(t, state)
    user = getattr(t, who)
    request = actions.withdraw_publication(request=request, user=user)
    assert request.status == P.WITHDRAWN and request.redactions == ""
    assert request.withdrawn_by == user
    assert fresh(t).visibility == "private"
    other = t.expert if who == "asker" else t.asker
    assert Notification.objects.filter(
        recipient=other, kind=NotificationKind.PUBLICATION, title__contains="withdrew"
    ).exists()
    # A new request may start afterwards.
    assert rules.can_request_publication(t.asker, fresh(t))


def test_a_moderator_may_end_one_in_review_only(t):
    request = to_state(t, P.AGREED)
    with pytest.raises(Refused):
        actions.withdraw_publication(request=request, user=t.moderator)
    request = actions.submit_for_review(request=request, user=t.asker)
    request = actions.withdraw_publication(request=request, user=t.moderator)
    assert request.status == P.WITHDRAWN


def test_a_published_request_cannot_be_withdrawn_and_publish_twice_is_one(t):
    request = to_state(t, P.PUBLISHED)
    again = actions.publish(request=request, moderator=t.moderator)
    assert again.status == P.PUBLISHED
    assert AuditEntry.objects.filter(action=AuditAction.PUBLICATION_PUBLISHED).count() == 1
    for user in (t.asker, t.expert):
        with pytest.raises(Refused):
            actions.withdraw_publication(request=request, user=user)


def test_one_request_at_a_time(t):
    first = actions.request_publication(question=t.question, user=t.expert)
    # The same party again (a double click) gets the same request.
    assert actions.request_publication(question=fresh(t), user=t.expert).pk == first.pk
    with pytest.raises(Refused):
        actions.request_publication(question=fresh(t), user=t.asker)
    assert PublicationRequest.objects.count() == 1


def test_only_the_other_party_agrees(t):
    request = to_state(t, P.PROPOSED, by="asker")
    with pytest.raises(Refused):
        actions.agree_publication(request=request, user=t.asker)
    assert actions.agree_publication(request=request, user=t.expert).status == P.AGREED


def test_threads_that_do_not_qualify(t):
    public = QuestionFactory(category=t.category, asker=t.asker, expert=t.expert)
    AnswerFactory(question=public, author=t.expert)
    unanswered = QuestionFactory(
        category=t.category, asker=t.asker, expert=t.expert, visibility="private"
    )
    for question in (public, unanswered):
        assert not rules.can_request_publication(t.asker, question)
        assert not rules.can_request_publication(t.expert, question)
    actions.hide(item=t.question, moderator=t.moderator, reason="Spam")
    assert not rules.can_request_publication(t.asker, fresh(t))


def test_an_answer_hidden_in_review_stops_publication(t):
    request = to_state(t, P.IN_REVIEW)
    answer = fresh(t).answers.get()
    actions.hide(item=answer, moderator=t.moderator, reason="Unsafe advice")
    with pytest.raises(Refused):
        actions.publish(request=request, moderator=t.moderator)
    assert fresh(t).visibility == "private"
    # No state without a way out: the parties still see the request, and may withdraw it.
    page = signed_in(t.asker).get(t.question.get_absolute_url()).text
    assert 'value="withdraw"' in page
    actions.withdraw_publication(request=request, user=t.asker)
    assert 'id="publication"' not in signed_in(t.asker).get(t.question.get_absolute_url()).text


# -- The permission matrix ----------------------------------------------------------------------

ROLES = ["asker", "expert", "other_expert", "member", "visitor", "moderator"]


def user_of(t, role):
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser() if role == "visitor" else getattr(t, role)


# (rule, state the request is in, roles allowed); None: no request yet.
MATRIX = [
    ("request", None, {"asker", "expert"}),
    ("agree", P.PROPOSED, {"asker"}),  # the expert asked
    ("withdraw", P.PROPOSED, {"asker", "expert"}),
    ("withdraw", P.AGREED, {"asker", "expert"}),
    ("withdraw", P.IN_REVIEW, {"asker", "expert", "moderator"}),
    ("redact", P.AGREED, {"asker"}),
    ("submit", P.AGREED, {"asker"}),
    ("review", P.IN_REVIEW, {"moderator"}),
    ("redact", P.IN_REVIEW, set()),
    ("agree", P.AGREED, set()),
    ("review", P.AGREED, set()),
    ("withdraw", P.PUBLISHED, set()),
    ("review", P.PUBLISHED, set()),
]
RULES = {
    "request": lambda user, t, request: rules.can_request_publication(user, fresh(t)),
    "agree": lambda user, t, request: rules.can_agree(user, request),
    "withdraw": lambda user, t, request: rules.can_withdraw(user, request),
    "redact": lambda user, t, request: rules.can_redact(user, request),
    "submit": lambda user, t, request: rules.can_submit(user, request),
    "review": lambda user, t, request: rules.can_review(user, request),
}


@pytest.mark.parametrize(("rule", "state", "allowed"), MATRIX)
def test_permission_matrix(t, rule, state, allowed):
    request = to_state(t, state) if state else None
    if request is not None:
        request = PublicationRequest.objects.select_related("question").get(pk=request.pk)
    for role in ROLES:
        got = RULES[rule](user_of(t, role), t, request)
        assert got == (role in allowed), f"{rule} in {state} by {role}: {got}"


# The actions check the same rules: who may not is refused, or (not seeing the thread) 404.
ACTION_CALLS = {
    "request": (None, lambda t, u, r: actions.request_publication(question=fresh(t), user=u)),
    "agree": (P.PROPOSED, lambda t, u, r: actions.agree_publication(request=r, user=u)),
    "withdraw": (P.AGREED, lambda t, u, r: actions.withdraw_publication(request=r, user=u)),
    "redact": (
        P.AGREED,
        lambda t, u, r: actions.set_redactions(request=r, user=u, text="Elmwood"),
    ),
    "submit": (P.AGREED, lambda t, u, r: actions.submit_for_review(request=r, user=u)),
    "return": (
        P.IN_REVIEW,
        lambda t, u, r: actions.return_publication(request=r, moderator=u, note="No"),
    ),
    "publish": (P.IN_REVIEW, lambda t, u, r: actions.publish(request=r, moderator=u)),
}
DENIED = {
    "request": ["other_expert", "member", "moderator"],
    "agree": ["expert", "other_expert", "member", "moderator"],
    "withdraw": ["other_expert", "member", "moderator"],
    "redact": ["expert", "other_expert", "member", "moderator"],
    "submit": ["expert", "other_expert", "member", "moderator"],
    "return": ["asker", "expert", "other_expert", "member"],
    "publish": ["asker", "expert", "other_expert", "member"],
}


@pytest.mark.parametrize("name", sorted(ACTION_CALLS))
def test_actions_refuse_whoever_may_not(t, name):
    state, call = ACTION_CALLS[name]
    request = to_state(t, state) if state else None
    before = list(PublicationRequest.objects.values_list("pk", "status", "redactions"))
    for role in DENIED[name]:
        expected = NotFound if role in ("other_expert", "member") else Refused
        with pytest.raises(expected):
            call(t, getattr(t, role), request)
    assert list(PublicationRequest.objects.values_list("pk", "status", "redactions")) == before
    assert fresh(t).visibility == "private"


def test_a_moderator_does_not_review_their_own_thread(t):
    t.question.expert = t.moderator
    Question.objects.filter(pk=t.question.pk).update(expert=t.moderator)
    ExpertProfileFactory(user=t.moderator, categories=[t.category])
    actions.post_answer(question=fresh(t), author=t.moderator, body="Mine.")
    request = actions.request_publication(question=fresh(t), user=t.asker)
    request = actions.agree_publication(request=request, user=t.moderator)
    request = actions.submit_for_review(request=request, user=t.asker)
    with pytest.raises(Refused):
        actions.publish(request=request, moderator=t.moderator)


# -- The pages ------------------------------------------------------------------------------


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_panel_shows_each_party_their_buttons(t):
    url = t.question.get_absolute_url()
    asker_page = signed_in(t.asker).get(url).text
    assert 'value="request"' in asker_page
    assert "can become public only if you both agree" in asker_page
    for role in ("moderator",):
        assert 'id="publication"' not in signed_in(getattr(t, role)).get(url).text
    to_state(t, P.PROPOSED)
    expert_page = signed_in(t.expert).get(url).text
    assert "It waits for Ann Asker&#x27;s consent" in expert_page
    assert 'value="agree"' not in expert_page and 'value="withdraw"' in expert_page
    asker_page = signed_in(t.asker).get(url).text
    assert 'value="agree"' in asker_page and "Say no" in asker_page
    actions.agree_publication(request=current(t), user=t.asker)
    asker_page = signed_in(t.asker).get(url).text
    assert reverse("forum:publish", args=[t.question.pk]) in asker_page
    assert reverse("forum:publish", args=[t.question.pk]) not in signed_in(t.expert).get(url).text


def test_the_buttons_work_without_javascript(t):
    step = reverse("forum:publication_step", args=[t.question.pk])
    response = signed_in(t.expert).post(step, {"step": "request"})
    assert response.status_code == 302
    assert response["Location"].endswith("#publication")
    assert signed_in(t.asker).post(step, {"step": "agree"}).status_code == 302
    assert current(t).status == P.AGREED
    assert signed_in(t.expert).post(step, {"step": "withdraw"}).status_code == 302
    assert current(t).status == P.WITHDRAWN
    # Withdrawn already: a second click changes nothing.
    assert signed_in(t.expert).post(step, {"step": "withdraw"}).status_code == 302
    assert signed_in(t.expert).post(step, {"step": "bogus"}).status_code == 404
    # A GET is sent back to the thread.
    assert signed_in(t.expert).get(step).status_code == 302


@pytest.mark.parametrize("role", ["other_expert", "member"])
def test_outsiders_get_404_everywhere(t, role):
    to_state(t, P.AGREED)
    client = signed_in(getattr(t, role))
    for name in ("forum:publication_step", "forum:publish"):
        url = reverse(name, args=[t.question.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"step": "agree", "passages": "x"}).status_code == 404
    assert client.get(reverse("moderation:publications")).status_code == 404
    assert current(t).status == P.AGREED


def test_a_visitor_is_sent_to_sign_in(t, client):
    to_state(t, P.AGREED)
    response = client.post(reverse("forum:publish", args=[t.question.pk]), {"step": "save"})
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert current(t).redactions == ""


def test_the_expert_and_moderators_cannot_open_the_asker_page(t):
    to_state(t, P.AGREED)
    url = reverse("forum:publish", args=[t.question.pk])
    assert signed_in(t.expert).get(url).status_code == 403
    assert signed_in(t.moderator).get(url).status_code == 403
    assert signed_in(t.asker).get(url).status_code == 200


def test_the_posts_are_csrf_protected(t):
    to_state(t, P.AGREED)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(t.asker)
    for url, data in [
        (reverse("forum:publication_step", args=[t.question.pk]), {"step": "withdraw"}),
        (reverse("forum:publish", args=[t.question.pk]), {"step": "save", "passages": "knee"}),
    ]:
        assert strict.post(url, data).status_code == 403
    moderator = Client(enforce_csrf_checks=True)
    moderator.force_login(t.moderator)
    request = actions.submit_for_review(request=current(t), user=t.asker)
    url = reverse("moderation:publication_review", args=[request.pk])
    assert moderator.post(url, {"step": "publish"}).status_code == 403
    assert current(t).status == P.IN_REVIEW and fresh(t).visibility == "private"


def test_the_redaction_page_previews_saves_and_sends(t):
    to_state(t, P.AGREED)
    client = signed_in(t.asker)
    url = reverse("forum:publish", args=[t.question.pk])
    page = client.post(url, {"step": "preview", "passages": "ELMWOOD"})
    assert page.status_code == 200
    assert page.text.count('<mark class="removed-passage">[removed]</mark>') == 2
    assert current(t).redactions == ""  # a preview saves nothing
    missing = client.post(url, {"step": "save", "passages": "Elmwood\nGlasgow"})
    assert missing.status_code == 400
    assert "“Glasgow” is not in the thread" in missing.text
    assert current(t).redactions == ""
    assert client.post(url, {"step": "save", "passages": "Elmwood"}).status_code == 302
    assert current(t).redactions == "Elmwood"
    assert "Elmwood</textarea>" in client.get(url).text
    response = client.post(url, {"step": "submit", "passages": "Elmwood\nknee"})
    assert response.status_code == 302
    assert current(t).status == P.IN_REVIEW
    assert current(t).redactions == "Elmwood\nknee"


def test_hostile_passages(t):
    Question.objects.filter(pk=t.question.pk).update(
        body="<script>alert(1)</script> and $5.00 (a+b)* and [x](javascript:alert(2))"
    )
    to_state(t, P.AGREED)
    client = signed_in(t.asker)
    url = reverse("forum:publish", args=[t.question.pk])
    page = client.post(url, {"step": "preview", "passages": "<script>alert(1)</script>"})
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text
    page = client.post(url, {"step": "preview", "passages": "$5.00 (a+b)*\n(2)"})
    assert page.status_code == 200, page.text
    assert "(a+b)*" not in page.text.split('id="id_passages"')[1].split("</textarea>")[1]
    thousands = "\n".join(f"passage number {n}" for n in range(5000))
    page = client.post(url, {"step": "save", "passages": thousands})
    assert page.status_code == 400 and "List at most 50 passages" in page.text
    page = client.post(url, {"step": "save", "passages": "x" * 200_000})
    assert page.status_code == 400 and "too long" in page.text
    assert current(t).redactions == ""


def test_the_review_queue_and_page(t, django_assert_max_num_queries):
    to_state(t, P.IN_REVIEW)
    for n in range(3):
        q = QuestionFactory(
            category=t.category, asker=UserFactory(), expert=t.expert, visibility="private"
        )
        actions.post_answer(question=q, author=t.expert, body=f"Answer {n}")
        request = actions.request_publication(question=q, user=t.expert)
        request = actions.agree_publication(request=request, user=q.asker)
        actions.submit_for_review(request=request, user=q.asker)
    client = signed_in(t.moderator)
    client.get(reverse("moderation:publications"))  # warm the session and the counts
    with django_assert_max_num_queries(20):
        page = client.get(reverse("moderation:publications"))
    assert page.status_code == 200
    # Oldest first.
    titles = [r.question.title for r in page.context["page_obj"]]
    assert titles[0] == "My knee hurts near Elmwood"
    review = reverse("moderation:publication_review", args=[current(t).pk])
    shown = client.get(review)
    assert shown.status_code == 200
    assert '<mark class="removed-passage">[removed]</mark>' in shown.text
    # Send back needs a note.
    empty = client.post(review, {"step": "return", "note": "  "})
    assert empty.status_code == 400
    assert current(t).status == P.IN_REVIEW
    assert client.post(review, {"step": "return", "note": "Remove the park."}).status_code == 302
    assert current(t).status == P.AGREED
    actions.submit_for_review(request=current(t), user=t.asker)
    response = client.post(review, {"step": "publish"})
    assert response.status_code == 302
    assert response["Location"] == fresh(t).get_absolute_url()
    assert client.get(review).status_code == 404  # no longer in progress


def test_the_moderation_area_links_the_queue_and_counts_it(t):
    page = signed_in(t.moderator).get(reverse("moderation:hidden")).text
    assert reverse("moderation:publications") in page
    assert "moderation-count" not in page
    to_state(t, P.IN_REVIEW)
    page = signed_in(t.moderator).get(reverse("moderation:hidden")).text
    assert 'moderation-count">1<' in page
    assert "1 thread to publish" in page


def test_the_thread_panel_adds_no_query_per_answer(t, django_assert_max_num_queries):
    """The panel costs the same whatever the thread's length (two queries of its own)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    to_state(t, P.AGREED)
    client = signed_in(t.asker)
    url = t.question.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    for n in range(4):
        answer = fresh(t).answers.get()
        actions.post_follow_up(answer=answer, author=t.asker, body=f"And {n}?")
    with CaptureQueriesContext(connection) as long:
        client.get(url)
    publication_queries = [
        q["sql"] for q in long.captured_queries if "forum_publicationrequest" in q["sql"]
    ]
    assert len(publication_queries) == 1
    assert len(long.captured_queries) <= len(short.captured_queries) + 2

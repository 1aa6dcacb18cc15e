"""What the API answers, field by field: the OpenAPI schema is made from these.

Only what the pages show is here. Bodies are the stored, sanitized HTML
(`body_html`), exactly as the thread page renders them; dates are ISO 8601
with their time zone; links are paths on this site.
"""

from datetime import datetime

from ninja import Schema


class Problem(Schema):
    """Every error: a sentence that says what went wrong and what to do."""

    detail: str


class CategoryOut(Schema):
    id: int
    name: str
    path: str
    description: str
    parent_id: int | None
    depth: int
    answered_count: int
    url: str
    # The guidance and disclaimer shown with the category's questions and answers, plain
    # text: its own, else its nearest ancestor's ("" when none) (forum.guidance).
    guidance: str


class CategoryRef(Schema):
    id: int
    name: str
    path: str


class AskerOut(Schema):
    # The pages name the asker but link nowhere: members have no public profile.
    display_name: str


class PersonRef(Schema):
    handle: str
    display_name: str


class QuestionSummary(Schema):
    id: int
    title: str
    url: str
    category: CategoryRef
    asker: AskerOut
    expert: PersonRef | None
    visibility: str
    status: str
    locked: bool
    hidden: bool
    answer_count: int
    best_rating: float | None
    created_at: datetime
    answered_at: datetime | None
    last_activity_at: datetime


class QuestionItem(QuestionSummary):
    # The question's category's guidance and disclaimer, plain text ("" when none): a
    # field of its own, never part of body_html (forum.guidance).
    guidance: str


class QuestionPage(Schema):
    items: list[QuestionItem]
    next_cursor: str | None


class FollowUpOut(Schema):
    id: int
    author: PersonRef
    body_html: str
    hidden: bool
    created_at: datetime


class RatingOut(Schema):
    knowledgeability: int
    clarity: int
    politeness: int
    thank_you_note: str
    reply: str
    created_at: datetime


class ReferralOut(Schema):
    """ "This needs a professional": whom the asker should see in person, and how soon."""

    kind: str
    label: str
    urgency: str
    note: str


class OutcomeOut(Schema):
    """The asker followed the advice: `helped` or `did_not_help`, said a week or more on."""

    value: str
    at: datetime | None


class AnswerOut(Schema):
    id: int
    author: PersonRef
    body_html: str
    featured: bool
    hidden: bool
    created_at: datetime
    edited_at: datetime | None
    rating: RatingOut | None
    referral: ReferralOut | None
    outcome: OutcomeOut | None
    # The expert's conflict of interest, as written ("" when none is declared).
    disclosure: str
    # A moderator requires a disclosure: hidden until its author adds one.
    disclosure_required: bool
    follow_ups: list[FollowUpOut]


class QuestionDetail(QuestionItem):
    body_html: str
    edited_at: datetime | None
    answers: list[AnswerOut]


class CredentialOut(Schema):
    kind: str
    title: str
    issuer: str
    year: int | None
    link: str
    verified_at: datetime


class Scorecard(Schema):
    answer_total: int
    rating_total: int
    rating_average: float | None
    knowledgeability_average: float | None
    clarity_average: float | None
    politeness_average: float | None
    median_response_seconds: float | None
    decline_share: float | None
    last_answer_at: datetime | None
    # Public answers that sent the asker to a professional in person.
    referral_total: int
    # What askers said of following the advice: apart from the ratings.
    outcome_helped: int
    outcome_not_helped: int


class ExpertSummary(Schema):
    handle: str
    display_name: str
    headline: str
    url: str
    categories: list[CategoryRef]
    available: bool
    scorecard: Scorecard


class ExpertPage(Schema):
    items: list[ExpertSummary]
    next_cursor: str | None


class ExpertDetail(ExpertSummary):
    expertise: str
    experience: str
    location: str
    # Declared conflicts of interest: employers, products sold, affiliations.
    interests: str
    away_message: str
    approved_at: datetime | None
    verified_credentials: list[CredentialOut]


class SearchHit(Schema):
    question: QuestionSummary
    # Escaped text with the matching words in <mark> elements, as on the search page.
    snippet_html: str


class SearchPage(Schema):
    q: str
    items: list[SearchHit]
    page: int
    next_page: int | None
    capped: bool
    ignored_words: list[str]

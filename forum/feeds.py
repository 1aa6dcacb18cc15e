"""RSS 2.0 and Atom feeds of the public archive.

Four feeds, each in both formats: the newest answered questions of the whole
site, of a category with its subcategories, an expert's answers, and the
answers of one thread. A feed is a public document: it holds what a visitor
sees on the page it follows (the named querysets Question.objects.public()
and Answer.objects.public()), for whoever reads it, and anything a visitor
may not see is a 404. Bodies are the stored body_html, which is
render_markdown()'s output. Links are under SITE_URL (config.seo.absolute).
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape, format_html

from config.seo import absolute
from experts.models import ExpertProfile

from .archive import Archive
from .guidance import guidance_of_row, with_guidance
from .models import Answer, Category, Question

ITEMS = 30

# Fields of an item that are not its text, each an element of the site's own namespace
# (<ate:disclosure>), never pasted into the description. A feed class gives each one
# through item_<name>(item); an empty value writes no element.
FEED_NAMESPACE = "urn:x-ask-the-experts:feed:1"
ITEM_FIELDS = ("disclosure", "guidance")
# The same for the feed itself (<channel>, <feed>), given through feed_<name>(obj).
FEED_FIELDS = ("guidance",)


class ItemFields:
    """A feed generator that writes ITEM_FIELDS in FEED_NAMESPACE (RSS 2.0 and Atom alike)."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:ate": FEED_NAMESPACE}

    def root_attributes(self):
        attributes = super().root_attributes()
        if isinstance(self, Atom1Feed):
            attributes["xmlns:ate"] = FEED_NAMESPACE
        return attributes

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in ITEM_FIELDS:
            if item.get(name):
                handler.addQuickElement(f"ate:{name}", item[name])

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        for name in FEED_FIELDS:
            if self.feed.get(name):
                handler.addQuickElement(f"ate:{name}", self.feed[name])


class SiteRssFeed(ItemFields, Rss201rev2Feed):
    pass


class SiteAtomFeed(ItemFields, Atom1Feed):
    pass


class ArchiveFeed(Feed):
    """What every feed here shares: absolute links, stable guids, the format's own title rule.

    `url_name` names the feed's RSS route; its Atom route is the same name + "_atom".
    """

    feed_type = SiteRssFeed
    url_name = ""

    def url_kwargs(self, obj):
        return {}

    def feed_url(self, obj):
        name = self.url_name + ("_atom" if issubclass(self.feed_type, Atom1Feed) else "")
        return absolute(reverse(name, kwargs=self.url_kwargs(obj)))

    def item_title(self, item):
        text = self.item_text_title(item)
        # RSS readers take an item's title for HTML (Django's rule, ticket #6533); an Atom
        # title is plain text, as written.
        return text if issubclass(self.feed_type, Atom1Feed) else escape(text)

    def item_guid_is_permalink(self, item):
        return True

    def item_extra_kwargs(self, item):
        return {name: getattr(self, f"item_{name}")(item) for name in ITEM_FIELDS}

    def feed_extra_kwargs(self, obj):
        return {name: getattr(self, f"feed_{name}")(obj) for name in FEED_FIELDS}

    def feed_guidance(self, obj):
        # A feed of one category (or one thread) carries its guidance; a mixed one does not.
        return ""


class QuestionFeed(ArchiveFeed):
    """Newest answered questions first: each with its first shown answer."""

    def questions(self, obj):
        return Question.objects.public().answered()

    def items(self, obj):
        first_answers = Prefetch(
            "answers",
            queryset=Answer.objects.public().select_related("author").order_by("created_at", "id"),
            to_attr="shown_answers",
        )
        return (
            with_guidance(self.questions(obj))
            .select_related("asker")
            .prefetch_related(first_answers)
            .order_by("-answered_at", "-id")[:ITEMS]
        )

    def item_text_title(self, question):
        return question.title

    def item_link(self, question):
        return absolute(question.get_absolute_url())

    def item_guid(self, question):
        # The short address: it stays when the title, and with it the slug, is edited.
        return absolute(reverse("forum:question_short", kwargs={"pk": question.pk}))

    def item_description(self, question):
        html = question.body_html
        if question.shown_answers:
            answer = question.shown_answers[0]
            html += format_html(
                "<p><strong>Answered by {}:</strong></p>", answer.author.display_name
            )
            html += answer.body_html
        return html

    def item_author_name(self, question):
        return question.asker.display_name

    def item_disclosure(self, question):
        # The item's answer is the first shown one: its conflict of interest.
        return question.shown_answers[0].disclosure if question.shown_answers else ""

    def item_guidance(self, question):
        # Its category's guidance (forum.guidance), a column of the items' own query.
        return guidance_of_row(question)

    def item_pubdate(self, question):
        return question.answered_at

    def item_updateddate(self, question):
        # The item's text is the question and its first answer: the last edit of either.
        first = question.shown_answers[0] if question.shown_answers else None
        dates = [question.answered_at, question.edited_at, first and first.edited_at]
        return max(date for date in dates if date)


class AnsweredFeed(QuestionFeed):
    url_name = "feed_answered"
    description = "The newest answers of the archive, with their questions."

    def title(self):
        return f"{settings.SITE_NAME}: newest answers"

    def link(self):
        return absolute(reverse("home"))


class AnsweredAtomFeed(AnsweredFeed):
    feed_type = SiteAtomFeed
    subtitle = AnsweredFeed.description


class CategoryFeed(QuestionFeed):
    """A category's newest answered questions, its subcategories' included."""

    url_name = "feed_category"

    def get_object(self, request, path):
        return get_object_or_404(with_guidance(Category.objects.all(), to=""), path=path)

    def feed_guidance(self, category):
        return guidance_of_row(category)

    def url_kwargs(self, category):
        return {"path": category.path}

    def questions(self, category):
        # The category's subtree as the archive finds it: by ids, from one read of the tree.
        return super().questions(category).filter(category__in=Archive().subtree(category))

    def title(self, category):
        return f"{category.name}: newest answers · {settings.SITE_NAME}"

    def description(self, category):
        return f"The newest answers in {category.name} and its subcategories."

    def subtitle(self, category):
        return self.description(category)

    def link(self, category):
        return absolute(category.get_absolute_url())


class CategoryAtomFeed(CategoryFeed):
    feed_type = SiteAtomFeed


class AnswerFeed(ArchiveFeed):
    """Answers, newest first."""

    def item_link(self, answer):
        return absolute(answer.get_absolute_url())

    def item_guid(self, answer):
        return absolute(reverse("forum:answer", kwargs={"pk": answer.pk}))

    def item_description(self, answer):
        return answer.body_html

    def item_author_name(self, answer):
        return answer.author.display_name

    def item_disclosure(self, answer):
        return answer.disclosure

    def item_guidance(self, answer):
        # Its category's guidance: a column of the answers' query, or of their thread's.
        return guidance_of_row(answer) or guidance_of_row(answer.question)

    def item_pubdate(self, answer):
        return answer.created_at

    def item_updateddate(self, answer):
        return answer.edited_at or answer.created_at


class ExpertFeed(AnswerFeed):
    """An approved expert's public answers: those their profile lists."""

    url_name = "feed_expert"

    def get_object(self, request, handle):
        return get_object_or_404(
            ExpertProfile.objects.approved().select_related("user"), user__handle=handle
        )

    def url_kwargs(self, profile):
        return {"handle": profile.user.handle}

    def items(self, profile):
        answers = (
            with_guidance(Answer.objects.public(), to="question__category")
            .filter(author=profile.user)
            .select_related("question")
            .order_by("-created_at", "-id")[:ITEMS]
        )
        for answer in answers:
            answer.author = profile.user
            yield answer

    def item_text_title(self, answer):
        return answer.question.title

    def title(self, profile):
        return f"Answers by {profile.user.display_name} · {settings.SITE_NAME}"

    def description(self, profile):
        return f"The newest public answers of {profile.user.display_name}, {profile.headline}."

    def subtitle(self, profile):
        return self.description(profile)

    def link(self, profile):
        return absolute(profile.get_absolute_url())


class ExpertAtomFeed(ExpertFeed):
    feed_type = SiteAtomFeed


class ThreadFeed(AnswerFeed):
    """The shown answers of one public thread."""

    url_name = "feed_thread"

    def get_object(self, request, pk):
        return get_object_or_404(with_guidance(Question.objects.public()), pk=pk)

    def feed_guidance(self, question):
        return guidance_of_row(question)

    def url_kwargs(self, question):
        return {"pk": question.pk}

    def items(self, question):
        answers = (
            Answer.objects.public()
            .filter(question=question)
            .select_related("author")
            .order_by("-created_at", "-id")[:ITEMS]
        )
        for answer in answers:
            answer.question = question
            yield answer

    def item_text_title(self, answer):
        return f"{answer.author.display_name} answered “{answer.question.title}”"

    def title(self, question):
        return f"Answers to “{question.title}” · {settings.SITE_NAME}"

    def description(self, question):
        return f"The answers to “{question.title}”, newest first."

    def subtitle(self, question):
        return self.description(question)

    def link(self, question):
        return absolute(question.get_absolute_url())


class ThreadAtomFeed(ThreadFeed):
    feed_type = SiteAtomFeed

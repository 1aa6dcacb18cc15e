"""Factories shared by every test package."""

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import MODERATORS_GROUP
from forum import actions
from forum.models import Question

PASSWORD = "correct-horse-battery-staple"


def refresh_thread(question_id):
    """The factories write rows directly, then run the hook every action ends with."""
    actions.refresh_thread(question=Question(pk=question_id))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.com")
    display_name = factory.Faker("name")
    handle = factory.Sequence(lambda n: f"member-{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Members have a verified primary e-mail unless built with verified=False."""
        self.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class ModeratorFactory(UserFactory):
    """A moderator with an authenticator app: the moderation pages need two factors."""

    @factory.post_generation
    def moderator(self, create, extracted, **kwargs):
        if create:
            # get_or_create: browser tests run after a flush of the migrations' data.
            self.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])

    @factory.post_generation
    def mfa(self, create, extracted, **kwargs):
        if create and extracted is not False:
            Authenticator.objects.create(
                user=self, type=Authenticator.Type.TOTP, data={"secret": "not-used-in-tests"}
            )


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "forum.Category"

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    description = "Questions about this subject."


class ExpertProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "experts.ExpertProfile"
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    headline = "Licensed practitioner"
    expertise = "I can answer questions about my field."
    experience = "Ten years of practice."
    location = "Valletta, Malta"
    status = "approved"
    approved_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)


class CredentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "experts.Credential"

    profile = factory.SubFactory(ExpertProfileFactory)
    kind = "education"
    title = factory.Sequence(lambda n: f"Diploma {n}")
    issuer = "Example School"
    year = 2001


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "forum.Question"
        skip_postgeneration_save = True

    category = factory.SubFactory(CategoryFactory)
    asker = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"How do I fix problem number {n}?")
    body = "It started last week.\n\nWhat should I do?"
    expert = None
    # Where forum.actions.ask_question starts a question: waiting for its expert, or open.
    status = factory.LazyAttribute(lambda q: "addressed" if q.expert else "open")
    created_at = factory.LazyFunction(timezone.now)
    addressed_at = factory.SelfAttribute("created_at")

    @factory.post_generation
    def indexed(self, create, extracted, **kwargs):
        if create:
            refresh_thread(self.pk)


class AnswerFactory(factory.django.DjangoModelFactory):
    """An answer, with the thread's counts, status, index and scorecards refreshed by the hook."""

    class Meta:
        model = "forum.Answer"
        skip_postgeneration_save = True

    question = factory.SubFactory(QuestionFactory)
    author = factory.LazyAttribute(lambda a: ExpertProfileFactory().user)
    body = "Rest it for two weeks, then see how it feels."

    @factory.post_generation
    def count(self, create, extracted, **kwargs):
        if create:
            refresh_thread(self.question_id)
            self.question.refresh_from_db()


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "forum.FollowUp"
        skip_postgeneration_save = True

    answer = factory.SubFactory(AnswerFactory)
    author = factory.LazyAttribute(lambda f: f.answer.question.asker)
    body = "Thank you. Should I keep stretching?"

    @factory.post_generation
    def indexed(self, create, extracted, **kwargs):
        if create:
            refresh_thread(self.answer.question_id)

"""The markdown preview for the editor widget: the same render_markdown() as stored posts.

django-markdownx's own preview view renders unsanitised HTML for anyone, so
its URLs are not included; this view takes its place under the URL name the
widget expects.

Only members who may post get a preview, at most PREVIEW_RATE of them: the
widget posts once the author pauses for MARKDOWNX_SERVER_CALL_LATENCY, so
typing never comes near it. The widget shows whatever the answer's body is,
errors included, so each refusal is a short text for the author.
"""

from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.html import escape
from django.views.decorators.http import require_POST

from accounts.ratelimit import Rate, hit
from accounts.roles import can_post

from ..markdown import MAX_BODY_LENGTH, render_markdown


def _refusal(text, status):
    return HttpResponse(f"<p>{escape(text)}</p>", status=status)


@require_POST
def markdown_preview(request):
    if not request.user.is_authenticated:
        return _refusal("Sign in to preview.", HTTPStatus.FORBIDDEN)
    if not can_post(request.user):
        return _refusal(
            "Preview is for members who may post: verify your e-mail address first "
            "(or wait for your suspension to end).",
            HTTPStatus.FORBIDDEN,
        )
    rate = Rate.parse(settings.PREVIEW_RATE)
    if not hit("preview", request.user.pk, rate):
        return _refusal(
            f"Too many previews (the limit is {rate.describe()}); the preview comes back "
            "shortly. Your text is not affected.",
            HTTPStatus.TOO_MANY_REQUESTS,
        )
    content = request.POST.get("content")
    if content is None:
        return _refusal("Nothing to preview.", HTTPStatus.BAD_REQUEST)
    if len(content) > MAX_BODY_LENGTH:
        return _refusal(
            f"Too long to preview: the limit is {MAX_BODY_LENGTH:,} characters.",
            HTTPStatus.BAD_REQUEST,
        )
    try:
        html = render_markdown(content, strict=True)
    except ValidationError as error:
        return _refusal(" ".join(error.messages), HTTPStatus.BAD_REQUEST)
    return HttpResponse(html, content_type="text/html; charset=utf-8")

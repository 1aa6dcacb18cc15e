"""“This needs a professional” in words: whom the asker should see in person, and how soon.

One wording for the thread page, the asker's notification (and so its e-mail
and digest line) and the API: an answer or a decline carries the referral
fields (forum.models.Referral); these functions say them.
"""

from .models import Urgency

# How soon, in words for the asker, after the urgency's label ("Urgent: today").
WHEN = {
    Urgency.ROUTINE: "when it suits you",
    Urgency.SOON: "within the next few days",
    Urgency.URGENT: "today",
}


def when(urgency) -> str:
    """ "today" for urgent, and so on; empty for no urgency."""
    return WHEN.get(urgency, "")


def urgency_words(item) -> str:
    """ "Urgent: today"; empty without a referral."""
    if not item.referral or not item.referral_urgency:
        return ""
    return f"{item.get_referral_urgency_display()}: {when(item.referral_urgency)}"


def phrase(item) -> str:
    """ "recommends you see a doctor in person (urgent)"; empty without a referral."""
    if not item.referral:
        return ""
    words = f"recommends you see {item.get_referral_display()} in person"
    if item.referral_urgency:
        words += f" ({item.get_referral_urgency_display().lower()})"
    return words


def sentence(item, name) -> str:
    """ "Jeremy recommends you see a doctor in person — Urgent: today. A physiotherapist."

    Plain text, for notifications: templates escape it."""
    if not item.referral:
        return ""
    words = f"{name} recommends you see {item.get_referral_display()} in person"
    urgency = urgency_words(item)
    if urgency:
        words += f" — {urgency}"
    words += "."
    if item.referral_note:
        words += f" {item.referral_note}"
    return words


def titled(before, quoted, after="", limit=200) -> str:
    """`before` “quoted” `after`, shortening the quoted part so that it fits in `limit`.

    Notification titles are cut at 200 characters: what follows the question's
    title (the referral) must survive a long title."""
    room = limit - len(before) - len(after) - 2
    if len(quoted) > room:
        quoted = quoted[: max(room - 1, 0)].rstrip() + "…"
    return f"{before}“{quoted}”{after}"


def as_data(item) -> dict | None:
    """The referral as the API gives it, or None."""
    if not item.referral:
        return None
    return {
        "kind": item.referral,
        "label": item.get_referral_display(),
        "urgency": item.referral_urgency,
        "note": item.referral_note,
    }

"""Per-member rate limits on writes, counted in the shared cache.

A fixed window per member and action: `cache.add` starts the window and
`cache.incr` counts atomically on Redis and in local memory alike. (The
django-ratelimit package does not recognise Django's own Redis cache backend
and fails `check --deploy`, so this small counter stands in for it.)

The policy while the cache is unreachable (config.cache): these limits fail
open, so nobody is refused a post because Redis is down; signing in, signing
up and password resets fail closed instead (accounts.middleware), because
allauth's guard against password guessing lives in the cache too.
"""

import math
import time
from dataclasses import dataclass

from django.core.cache import cache

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """'10/h' is ten per hour; '3/15m' is three per fifteen minutes."""
        count, period = text.split("/")
        unit = period[-1]
        amount = int(period[:-1] or 1)
        return cls(int(count), amount * _UNITS[unit])

    def describe(self) -> str:
        for unit, name in (("d", "day"), ("h", "hour"), ("m", "minute")):
            if self.seconds % _UNITS[unit] == 0:
                amount = self.seconds // _UNITS[unit]
                period = name if amount == 1 else f"{amount} {name}s"
                return f"{self.count} per {period}"
        return f"{self.count} per {self.seconds} seconds"


def _window_key(action, user_id) -> str:
    return f"ratelimit-window:{action}:{user_id}"


def hit(action: str, user_id: int, rate: Rate) -> bool:
    """Count one use; False once the member is over the rate for this window."""
    key = f"ratelimit:{action}:{user_id}"
    if cache.add(key, 1, timeout=rate.seconds):
        _start_window(action, user_id, rate)
        return True
    try:
        used = cache.incr(key)
    except ValueError:  # The window expired between add() and incr().
        cache.add(key, 1, timeout=rate.seconds)
        _start_window(action, user_id, rate)
        return True
    return used <= rate.count


def _start_window(action, user_id, rate):
    # Noted beside the counter, so that a refusal can say when the window ends.
    cache.set(_window_key(action, user_id), time.time(), timeout=rate.seconds)


def retry_after(action: str, user_id: int, rate: Rate) -> int | None:
    """Seconds until the member's window for `action` ends; None when not known (the cache
    lost it, or no window is open)."""
    started = cache.get(_window_key(action, user_id))
    if started is None:
        return None
    return max(1, math.ceil(started + rate.seconds - time.time()))


def describe_wait(seconds: int) -> str:
    """ "12 minutes", "1 hour 5 minutes": a wait in words, rounded up to the minute."""
    minutes = max(1, math.ceil(seconds / 60))
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)

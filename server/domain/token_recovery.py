"""Recovering a lost management token by email.

Whoever lost the token cannot call the management API, so the request is unauthenticated: an email
address. Its answer must not say whether a tenant uses that address, so the request only queues the
lookup, and a worker sends each tenant of that mailbox a one-time link. Opening the link shows a
button; pressing it issues a new token, shown once, and the old one stops working at once.
"""

from __future__ import annotations

from datetime import timedelta

from server.domain.linking import LinkKind, link_keys
from server.errors import BadArgument

LINK_LIFETIME = timedelta(minutes=30)
"""A link works once, for half an hour: time enough to open the email, too short for an old or
forwarded email to stay a standing key to the tenant."""

REQUESTS_PER_EMAIL = (3, 3600)
"""Recovery requests naming one mailbox an hour: a retry or two, not a flood of emails to someone."""

REQUESTS_PER_ADDRESS = (10, 3600)
"""Recovery requests from one client address an hour, whatever mailboxes they name: a user who
mistyped a few times gets through; probing addresses in bulk does not."""

LINK_SENT = "link_sent"
TOKEN_REPLACED = "token_replaced"
"""The two steps of a recovery, as its audit entries name them (`action`)."""


class RecoveryLinkNotValid(BadArgument):
    code = "RecoveryLinkNotValid"
    message = ("The recovery link is unknown, was already used, has expired, or a newer recovery replaced the "
               "token since. Ask for a new link.")


def mailbox_id(email: str) -> str:
    """The opaque id of the mailbox an address names (case and +tags aside, as signups are linked):
    how the tenants of an address are found, and the scope of its rate limit, with no address in a
    Redis key."""
    return next(key.id for key in link_keys("", email) if key.kind is LinkKind.EMAIL)

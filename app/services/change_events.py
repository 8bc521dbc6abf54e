"""What a committed change looks like to clients (the /changes feed, webhook payloads): a module
of its own, so the webhook notifier and the change tracker that calls it do not import each
other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

ChangeKind = Literal["created", "updated", "deleted"]


@dataclass(frozen=True)
class ChangeEvent:
    """A committed change as clients see it (the /changes feed, webhook payloads)."""

    seq: int
    article_id: int
    kind: ChangeKind
    changed_at: datetime

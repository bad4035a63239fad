"""The kinds of document the render pipeline turns into PDF.

A kind says, for its target object: who may render it and who may read it (permission names,
asked with the target), a checksum of its content (a new checksum is a new version), its HTML
(a Django template rendered with a context), its title and language, and a file name. The
pipeline (services, task, job page, download) is the same for every kind: the meeting report
is the first; the closing publication and the municipality report plug in the same way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models


@dataclass(frozen=True)
class DocumentKind:
    key: str  # e.g. "meeting-report"; stored on the job
    model: type[models.Model]
    render_permission: str  # rules permission, asked with the target
    read_permission: str
    content: Callable[[Any], dict]  # the target's content, as JSON-able data (checksummed)
    template: str  # the print template, rendered with `context(target)`
    context: Callable[[Any], dict]
    title: Callable[[Any], str]
    filename: Callable[[Any, Any], str]  # (target, job) → a file name without path
    page: Callable[[Any], str]  # the target's own page, for links back
    language: str | Callable[[Any], str] = "nl"  # or the target's own language
    # The directories of MEDIA_ROOT the renderer may read for this target (its own images).
    media_dirs: Callable[[Any], list[str]] = field(default=lambda target: [])

    # Whether a person who may read the target may read this one render of it (a final
    # publication's members read the final edition, not the drafts rendered before it).
    readable: Callable[[Any, Any, Any], bool] = field(default=lambda user, target, job: True)

    def language_of(self, target) -> str:
        return self.language(target) if callable(self.language) else self.language

    def checksum(self, target) -> str:
        """sha256 of the content and the template's name: what, not when, is rendered."""
        payload = json.dumps(
            {"kind": self.key, "template": self.template, "content": self.content(target)},
            sort_keys=True,
            default=str,
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def target(self, target_id: int):
        return self.model._default_manager.get(pk=target_id)


_kinds: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> None:
    _kinds[kind.key] = kind


def get(key: str) -> DocumentKind:
    return _kinds[key]


def all_kinds() -> list[DocumentKind]:
    return list(_kinds.values())

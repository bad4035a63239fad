"""What the coding page shows: a field's text with the coded passages marked, computed on the
server from the stored offsets (code points of the canonical text), and the code keys that
coders applied, read in one query for the agreement figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from reflections.models import PassageCode


def segments(text: str, spans: Iterable[tuple[int, int, object]]) -> list[tuple[str, list]]:
    """The text cut at every start and end of a span, each piece with the ids of the spans
    covering it (in the order given): overlapping and nested passages become flat pieces,
    so no mark needs to sit inside another. Offsets outside the text are clipped."""
    spans = [(max(0, start), min(len(text), end), ident) for start, end, ident in spans]
    spans = [span for span in spans if span[0] < span[1]]
    cuts = sorted({0, len(text), *(s for s, _e, _i in spans), *(e for _s, e, _i in spans)})
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [ident for s, e, ident in spans if s <= start and end <= e]
        pieces.append((text[start:end], covering))
    return pieces


def highlighted(
    text: str, spans: Iterable[tuple[int, int, object]], prefix: str = ""
) -> SafeString:
    """The text as HTML (escaped), the coded pieces in <mark> carrying the ids of their
    passages. Line breaks stay as they are: the page shows it with `white-space: pre-wrap`, and
    nothing but the text's own characters is added, so the code points the browser counts in
    it are the stored offsets."""
    parts = []
    for piece, covering in segments(text, spans):
        if not covering:
            parts.append(conditional_escape(piece))
            continue
        ids = " ".join(f"{prefix}{ident}" for ident in covering)
        css = "coded__mark coded__mark--overlap" if len(covering) > 1 else "coded__mark"
        parts.append(format_html('<mark class="{}" data-passages="{}">{}</mark>', css, ids, piece))
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above


def code_key(kind: str, role: str, practice: str, value: str, question, free) -> str:
    """PassageCode.key from the values of one row (no model instance needed)."""
    if kind == PassageCode.Kind.QUESTION:
        return f"question:{question}"
    if kind == PassageCode.Kind.FREE:
        return f"free:{free}"
    element = {"role": role, "practice": practice, "value": value}[kind]
    return f"{kind}:{element}"


KEY_COLUMNS = (
    "kind",
    "role__code",
    "practice__code",
    "value__code",
    "core_question__number",
    "free_code_id",
)


def applied_codes(passages) -> dict[int, dict[int, set[str]]]:
    """coder id → reflection id → the code keys that coder applied anywhere in it, for the
    given passages (a queryset); every reflection a coder has a passage in is present."""
    applied: dict[int, dict[int, set[str]]] = defaultdict(dict)
    for coder, reflection in passages.values_list("coder_id", "reflection_id").distinct():
        applied[coder].setdefault(reflection, set())
    rows = PassageCode.objects.filter(passage__in=passages).values_list(
        "passage__coder_id", "passage__reflection_id", *KEY_COLUMNS
    )
    for coder, reflection, *columns in rows:
        applied[coder].setdefault(reflection, set()).add(code_key(*columns))
    return dict(applied)

"""Checks for what editors give a publication: an ISBN with a valid check digit, and images
that are what they say they are and not too large for a PDF."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # e.g. 8,000 × 5,000
IMAGE_FORMATS = {"JPEG", "PNG"}


def normalise_isbn(value: str) -> str:
    return value.replace("-", "").replace(" ", "").upper()


def validate_isbn(value: str) -> None:
    digits = normalise_isbn(value)
    if len(digits) == 13 and digits.isdigit():
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
        if (10 - total % 10) % 10 == int(digits[12]):
            return
    elif len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
        check = 10 if digits[9] == "X" else int(digits[9])
        if (total + check) % 11 == 0:
            return
    raise ValidationError(
        _("This is not a valid ISBN: check the digits (13, or 10 for an older ISBN)."),
        code="isbn",
    )


def validate_image(file) -> None:
    """A JPEG or PNG that Pillow can read, of at most 5 MB and 40 megapixels."""
    from PIL import Image, UnidentifiedImageError

    if file.size > MAX_IMAGE_BYTES:
        raise ValidationError(_("The image is larger than 5 MB."), code="image_size")
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            kind = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("This file is not an image we can read: upload a JPEG or PNG."), code="image"
        ) from error
    finally:
        file.seek(position)
    if kind not in IMAGE_FORMATS:
        raise ValidationError(_("Upload a JPEG or PNG."), code="image_format")
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            _("The image has more than 40 megapixels: make it smaller."), code="image_pixels"
        )


def image_format(file) -> str:
    """A file name for an uploaded image with the extension of what it is (not of what it was
    called): "image.png" or "image.jpg"."""
    from PIL import Image

    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    with Image.open(file) as image:
        kind = image.format
    file.seek(position)
    return "image.png" if kind == "PNG" else "image.jpg"

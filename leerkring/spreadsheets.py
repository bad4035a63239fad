"""What every CSV download of the platform shares."""

# A cell starting with one of these runs as a formula when a spreadsheet opens the file.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A text cell a spreadsheet would run as a formula gets a quote in front; numbers and
    other values stay as they are."""
    if isinstance(value, str) and value[:1] in FORMULA_START:
        return "'" + value
    return value

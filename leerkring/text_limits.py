"""How much a person may write in each kind of free-text field.

Sizes a person would write, with room to spare; a paste of megabytes is refused at the form
instead of making every page that shows it slow. The form field template shows the limit next
to every field that has one (templates/forms/field.html).
"""

# One question, one line of a note, one agreement.
SHORT_TEXT = 1_000
# A description of a circle or a meeting, a list of partner organisations.
DESCRIPTION = 2_000
# A researcher's working notes (intake notes).
NOTES = 5_000
# The minutes of a half-day meeting, in Markdown.
MINUTES = 20_000

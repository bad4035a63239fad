"""The editors' forms: a publication's title page and colophon, a chapter, an image, a quote's
attribution. The circle and the publication come from the URL, never from a field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from publications.models import Chapter, Image, Publication, Quote


class PublicationForm(forms.ModelForm):
    class Meta:
        model = Publication
        fields = [
            "title",
            "subtitle",
            "editors",
            "edition",
            "isbn",
            "language",
            "colophon",
            "cover",
            "cover_description",
        ]
        widgets = {"colophon": forms.Textarea(attrs={"rows": 6})}

    def clean(self):
        data = super().clean()
        if data.get("cover") and not data.get("cover_description"):
            self.add_error(
                "cover_description",
                _("Describe what the cover image shows, for readers who cannot see it."),
            )
        return data


class NewChapterForm(forms.ModelForm):
    class Meta:
        model = Chapter
        fields = ["kind", "title"]

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds


class ChapterForm(forms.ModelForm):
    class Meta:
        model = Chapter
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 20})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.kind != Chapter.Kind.TEXT:
            del self.fields["body"]


class ImageForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["file", "description"]


class AttributionForm(forms.ModelForm):
    class Meta:
        model = Quote
        fields = ["attribution"]


class QuoteForm(forms.ModelForm):
    """A picked quote: its attribution line and, for an anonymous one, what else to leave out."""

    class Meta:
        model = Quote
        fields = ["attribution", "withheld"]
        widgets = {"withheld": forms.TextInput(attrs={"maxlength": 500})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Ids of their own: the page has one such form per quote.
        self.auto_id = f"quote-{self.instance.pk}-%s"


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Publication.Status.choices)

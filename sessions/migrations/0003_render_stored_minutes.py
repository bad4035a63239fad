"""Fill Meeting.minutes_html for minutes saved before it existed: from now on the service that
saves a meeting renders its minutes once, and the meeting page only shows the stored HTML."""

from django.db import migrations

from leerkring.markdown import render_markdown


def render_minutes(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    for meeting in Meeting.objects.exclude(minutes="").only("pk", "minutes").iterator():
        Meeting.objects.filter(pk=meeting.pk).update(minutes_html=render_markdown(meeting.minutes))


def forget_rendered_minutes(apps, schema_editor):
    apps.get_model("meetings", "Meeting").objects.update(minutes_html="")


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_bounded_text_minutes_html"),
    ]

    operations = [
        migrations.RunPython(render_minutes, forget_rendered_minutes),
    ]

"""The closing publication and reports.

Will hold Publication and Chapter, composed by organisers and researchers, and RenderJob: a Celery
task renders the HTML edition and an accessible PDF with WeasyPrint, fetching nothing outside its
own static files and media.
"""

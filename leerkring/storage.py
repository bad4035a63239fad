"""The private storage: files on disk that have no URL (STORAGES["private"])."""

from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """FileSystemStorage without a public address: Django's would fall back to MEDIA_URL. A file
    here leaves only through a view that checks permission and records the download."""

    def url(self, name):
        raise ValueError("Private files have no URL: serve them through a view that checks access.")

"""The upload kept between its preview and its confirmation.

Only a file whose preview is clean is kept: its bytes go through Django's storage
API (the same storage as the ledger's evidence files, never served from a URL)
under a random name, and the page carries a signed token naming it, the user, the
quarter and the bytes' SHA-256. Confirming reads the bytes back and checks the
preview all over again (the database may have changed meanwhile); the file is
removed once applied. Files older than `MAX_AGE` (an abandoned preview) are swept
at the next upload.
"""

import datetime
import hashlib
import uuid

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

FOLDER = "report-imports"
SALT = "targets.report_import"
MAX_AGE = 3600  # seconds a preview may wait for its confirmation


class Expired(Exception):
    """The token is altered, expired, someone else's, or its file is gone."""


def keep(data, *, user, file_name, quarter, kind, encoding):
    """Store `data`; the signed token for the confirmation form."""
    _sweep()
    name = default_storage.save(f"{FOLDER}/{uuid.uuid4().hex}.bin", ContentFile(data))
    return signing.dumps(
        {
            "path": name,
            "user": user.pk,
            "file": file_name,
            "quarter": quarter,
            "kind": kind,
            "encoding": encoding,
            "sha256": hashlib.sha256(data).hexdigest(),
        },
        salt=SALT,
    )


def take(token, *, user):
    """(data, the token's fields) for `user`; Expired otherwise."""
    try:
        fields = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        raise Expired() from None
    path = fields.get("path", "")
    if fields.get("user") != user.pk or not path.startswith(f"{FOLDER}/"):
        raise Expired()
    try:
        with default_storage.open(path, "rb") as stored:
            data = stored.read()
    except OSError:
        raise Expired() from None
    if hashlib.sha256(data).hexdigest() != fields.get("sha256"):
        raise Expired()
    return data, fields


def discard(fields):
    default_storage.delete(fields["path"])


def _sweep():
    try:
        _dirs, names = default_storage.listdir(FOLDER)
    except (FileNotFoundError, OSError):
        return
    cutoff = timezone.now() - datetime.timedelta(seconds=MAX_AGE)
    for name in names:
        path = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, OSError, NotImplementedError):
            continue

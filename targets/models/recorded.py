"""Saving with who and why, for every model whose history django-simple-history keeps."""


class RecordedSaveMixin:
    def save_by(self, user, reason="", **kwargs):
        """Save with who did it and why, so the history row carries both.

        Every recorded change goes through here: django-simple-history records
        `save()` but not `QuerySet.update()`.
        """
        self._history_user = user
        self._change_reason = reason
        self.save(**kwargs)

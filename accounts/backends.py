"""Authentication backend: passwords as usual, permissions left to django-rules."""

import rules
from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class PasswordBackend(ModelBackend):
    """Django's ModelBackend, minus a database lookup for the rules' permissions.

    targets/rules.py decides those permissions; asking ModelBackend as well would
    cost two queries per page (user and group permissions) to learn nothing.
    """

    def user_can_authenticate(self, user):
        """Local accounts only; with LOCAL_LOGIN=admins (single sign-on for everyone
        else), administrators only."""
        if getattr(user, "source", "local") != "local":
            return False
        if settings.LOCAL_LOGIN == "admins" and not user.is_admin:
            return False
        return super().user_can_authenticate(user)

    def has_perm(self, user_obj, perm, obj=None):
        if rules.perm_exists(perm):
            return False
        return super().has_perm(user_obj, perm, obj)

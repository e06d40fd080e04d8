"""Authentication backend: passwords as usual, permissions left to django-rules."""

import rules
from django.contrib.auth.backends import ModelBackend


class PasswordBackend(ModelBackend):
    """Django's ModelBackend, minus a database lookup for the rules' permissions.

    targets/rules.py decides those permissions; asking ModelBackend as well would
    cost two queries per page (user and group permissions) to learn nothing.
    """

    def has_perm(self, user_obj, perm, obj=None):
        if rules.perm_exists(perm):
            return False
        return super().has_perm(user_obj, perm, obj)

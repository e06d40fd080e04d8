"""How django-bootstrap5 renders our form fields (settings.BOOTSTRAP5)."""

from django_bootstrap5.renderers import FieldRenderer as BootstrapFieldRenderer


class FieldRenderer(BootstrapFieldRenderer):
    """Marks the fields to correct, and only those.

    Bootstrap would tick every accepted field green after a refused save; a green
    mark on a dashboard's form reads like a status, and it draws the eye away from
    the field that needs fixing.
    """

    def get_server_side_validation_classes(self):
        return "is-invalid" if self.field_errors else ""

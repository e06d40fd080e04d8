from django.contrib.admin.apps import AdminConfig


class KpiAdminConfig(AdminConfig):
    default_site = "kpitracker.admin.KpiAdminSite"

    def ready(self):
        super().ready()
        # Connects the login signal that starts a session's idle clock.
        from . import middleware  # noqa: F401

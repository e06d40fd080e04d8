from django.contrib.admin.apps import AdminConfig


class KpiAdminConfig(AdminConfig):
    default_site = "kpitracker.admin.KpiAdminSite"

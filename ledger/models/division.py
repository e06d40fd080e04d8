"""The places a ledger item happened: the city's counties, districts and zones."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import BilingualNameMixin


class DivisionManager(models.Manager):
    def get_by_natural_key(self, name_zh):
        return self.get(name_zh=name_zh)


class Division(BilingualNameMixin, models.Model):
    """A county (县), county-level city (市), district (区) or development zone (开发区),
    or the city level itself (市本级), kept by administrators. Geography, not figures:
    the demo seeds Jilin City's (ledger/divisions.py)."""

    class Kind(models.TextChoices):
        CITY = "city", _("City level (市本级)")
        DISTRICT = "district", _("District (区)")
        COUNTY = "county", _("County (县)")
        COUNTY_CITY = "county_city", _("County-level city (市)")
        ZONE = "zone", _("Development zone (开发区)")

    name_zh = models.CharField(_("name (Chinese)"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    code = models.CharField(
        _("division code"),
        max_length=12,
        blank=True,
        help_text=_("The GB/T 2260 code, where it has one (e.g. 220202)."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(
        _("offered"),
        default=True,
        help_text=_("Untick to stop offering it for new items; items already kept keep it."),
    )

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))
    objects = DivisionManager()

    class Meta:
        ordering = ["order", "name_zh"]
        verbose_name = _("county or district")
        verbose_name_plural = _("counties and districts")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="division_code_unique"
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name_zh,)

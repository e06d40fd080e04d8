"""The read API's endpoints (/api/v1/): plans, elements, indicators, standings,
reports, ledger entries and their files, and the history of reports.

Every endpoint: a client's bearer token (api/auth.py), its scope (api/scope.py,
targets/rules.py), its rate (api/throttling.py), an ETag (below) and one line in the
call log (`ApiCall`). Views only choose and filter; the rules live in the models.
"""

import hashlib
import logging
import time

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ledger.models import EvidenceFile, LedgerEntry
from targets import clock
from targets.filters import IndicatorFilter as DashboardFilter
from targets.models import Indicator, Plan, PlanElement, QuarterlyReport, Status, freshness
from targets.models.history import iter_changes

from . import filters, scope, serializers
from .auth import ApiPrincipal, BearerTokenAuthentication
from .models import ApiCall
from .throttling import TokenRateThrottle

logger = logging.getLogger(__name__)


class Pages(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class ApiView(generics.GenericAPIView):
    """What every endpoint shares: token, throttle, paging, filters, ETag and the log."""

    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [TokenRateThrottle]
    pagination_class = Pages
    filter_backends = [DjangoFilterBackend]

    model = None  # what the endpoint lists, for the schema (drf-spectacular)

    @property
    def principal(self):
        return self.request.user

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is being written
            return self.model.objects.none()
        return self.scoped()

    def scoped(self):
        """What this endpoint reads of what the client may read (api/scope.py)."""
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        started = time.perf_counter()
        response = super().dispatch(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()  # inside the measured time
        self._log(response, started)
        return response

    def _log(self, response, started):
        user = getattr(self.request, "_user", None)
        token = user.token if isinstance(user, ApiPrincipal) else None
        ApiCall.objects.create(
            client_id=token.client_id if token else None,
            token=token,
            method=self.request.method[:8],
            path=self.request.get_full_path()[:500],
            status=response.status_code,
            milliseconds=round((time.perf_counter() - started) * 1000),
        )

    # --- ETag: a poll that finds nothing new costs a few indexed reads --------------

    def etag(self):
        """The response's ETag, known before reading any of it: the version of the data
        (targets/models/freshness.py, one query), today (standings and targets in force
        follow it), what the client may read, and the URL with its query."""
        parts = (
            freshness.key(freshness.current()),
            clock.today().isoformat(),
            self.principal.scope_key,
            self.request.get_full_path(),
        )
        return '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'

    def get(self, request, *args, **kwargs):
        etag = self.etag()
        wanted = parse_etags(request.headers.get("If-None-Match", ""))
        if etag in wanted or "*" in wanted:
            response = Response(status=304)
        else:
            response = self.answer(request, *args, **kwargs)
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"
        response["Vary"] = "Authorization"
        return response

    def answer(self, request, *args, **kwargs):
        raise NotImplementedError


class ListView(mixins.ListModelMixin, ApiView):
    def answer(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class DetailView(mixins.RetrieveModelMixin, ApiView):
    def answer(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)


class PlanList(ListView):
    """The plans the client may read (never a draft)."""

    model = Plan
    serializer_class = serializers.PlanSerializer
    filterset_class = filters.PlanFilter

    def scoped(self):
        return scope.plans(self.principal).order_by("year")


class PlanDetail(DetailView):
    model = Plan
    serializer_class = serializers.PlanSerializer
    lookup_field = "year"

    def scoped(self):
        return scope.plans(self.principal)


class ElementList(ListView):
    """The plans' structure: overall goal, focuses and pillars."""

    model = PlanElement
    serializer_class = serializers.ElementSerializer
    filterset_class = filters.ElementFilter

    def scoped(self):
        return (
            scope.elements(self.principal)
            .select_related("plan")
            .order_by("plan__year", "order", "code")
        )


class IndicatorList(ListView):
    """Indicators with their original target, the target in force today and every
    revision (who changed a target, when and why is in `revisions`)."""

    model = Indicator
    serializer_class = serializers.IndicatorSerializer
    filterset_class = filters.IndicatorFilter

    def scoped(self):
        return (
            scope.indicators(self.principal)
            .select_related("plan", "pillar")
            .with_units()
            .with_revisions()
            .order_by("plan__year", "order", "code")
        )


class IndicatorDetail(DetailView):
    model = Indicator
    serializer_class = serializers.IndicatorSerializer

    def scoped(self):
        return scope.indicators(self.principal).select_related("plan", "pillar").with_units()


@extend_schema(
    parameters=[
        OpenApiParameter("year", int, required=True, description="The plan's year."),
        OpenApiParameter(
            "quarter",
            int,
            enum=[1, 2, 3, 4],
            description="An ended quarter; by default the latest ended one.",
        ),
        OpenApiParameter("pillar", str, description="A pillar's code, e.g. P3."),
        OpenApiParameter("section", str, description="A lead section's code."),
        OpenApiParameter("status", str, enum=Status.values),
    ]
)
class StandingList(ListView):
    """Each indicator as of the end of a quarter, by the status rule the pages and the
    exports use (`IndicatorQuerySet.standings`)."""

    serializer_class = serializers.StandingSerializer
    filter_backends = []

    def answer(self, request, *args, **kwargs):
        plan = self._plan()
        quarter = self._quarter(plan)
        data = {
            "pillar": request.query_params.get("pillar", ""),
            "lead_section": request.query_params.get("section", ""),
            "status": request.query_params.get("status", ""),
        }
        indicators = scope.indicators(self.principal).filter(plan=plan).order_by("order", "code")
        # The dashboard's own filters (targets/filters.py): pillar, section, status.
        chosen = DashboardFilter(data, queryset=indicators, plan=plan, quarter=quarter)
        if not chosen.is_valid():
            names = {"lead_section": "section"}
            raise ValidationError({names.get(k, k): v for k, v in chosen.errors.items()})
        page = self.paginate_queryset(chosen.qs.standings(quarter))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _plan(self):
        year = self.request.query_params.get("year", "")
        if not year.isdigit():
            raise ValidationError({"year": [_("Give the plan's year, e.g. ?year=2024.")]})
        plan = scope.plans(self.principal).filter(year=int(year)).first()
        if plan is None:
            raise NotFound(_("There is no plan for %(year)s.") % {"year": year})
        return plan

    def _quarter(self, plan):
        today = clock.today()
        raw = self.request.query_params.get("quarter", "")
        if raw == "":
            return plan.default_quarter(today)
        if raw not in ("1", "2", "3", "4"):
            raise ValidationError({"quarter": [_("A quarter is 1, 2, 3 or 4.")]})
        if int(raw) not in plan.as_of_quarters(today):
            raise ValidationError(
                {
                    "quarter": [
                        _("Q%(q)s %(year)s has not ended yet (it ends on %(end)s).")
                        % {
                            "q": raw,
                            "year": plan.year,
                            "end": plan.quarter_end(int(raw)).isoformat(),
                        }
                    ]
                }
            )
        return int(raw)


class ReportList(ListView):
    """Submitted and approved reports; a draft or a returned report never."""

    model = QuarterlyReport
    serializer_class = serializers.ReportSerializer
    filterset_class = filters.ReportFilter

    def scoped(self):
        return (
            scope.reports(self.principal)
            .select_related("indicator__plan")
            .order_by("indicator__plan__year", "indicator__order", "indicator__code", "quarter")
        )


class ReportDetail(DetailView):
    model = QuarterlyReport
    serializer_class = serializers.ReportSerializer

    def scoped(self):
        return scope.reports(self.principal).select_related("indicator__plan")


class LedgerEntryList(ListView):
    """The named items behind the figures (台账) of published reports, with their
    files' names; the files themselves for clients allowed to download them."""

    model = LedgerEntry
    serializer_class = serializers.LedgerEntrySerializer
    filterset_class = filters.LedgerEntryFilter

    def scoped(self):
        return (
            scope.entries(self.principal)
            .with_files()
            .select_related("indicator__plan")
            .order_by("indicator__plan__year", "indicator__code", "date", "pk")
        )


class EvidenceDownload(ApiView):
    """One evidence file, for a client allowed to download files, of an entry it may
    read (targets.read_ledger_entry); 403 otherwise."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def answer(self, request, pk):
        evidence = get_object_or_404(
            EvidenceFile.objects.select_related("entry__indicator"),
            pk=pk,
            entry__in=scope.entries(self.principal),
        )
        if not self.principal.client.may_download_files:
            raise PermissionDenied(_("This client may not download evidence files."))
        if not self.principal.has_perm("targets.read_ledger_entry", evidence.entry):
            raise PermissionDenied
        try:
            handle = default_storage.open(evidence.file.name, "rb")
        except OSError:
            logger.error(
                "Evidence file %s (%s) is missing from storage", evidence.pk, evidence.file
            )
            raise Http404(_("The file is missing from storage; tell an administrator.")) from None
        return FileResponse(
            handle, as_attachment=True, filename=evidence.name, content_type=evidence.type.mime
        )


class HistoryList(ListView):
    """Every change of the published reports, field by field, oldest first per report
    (targets/models/history.py, as the history export): who, when, old, new and why.

    A page holds the changes of up to `page_size` reports (`count` counts reports), so
    each change is compared with the report's previous row whatever the page. `since`
    (ISO date-time): only the changes from then on, of the reports changed since."""

    serializer_class = serializers.ChangeSerializer
    filterset_class = filters.HistoryFilter
    model = QuarterlyReport.history.model

    def scoped(self):
        return scope.history(self.principal)

    def answer(self, request, *args, **kwargs):
        chosen = self.filterset_class(request.query_params, queryset=self.scoped())
        if not chosen.is_valid():
            raise ValidationError(chosen.errors)
        since = chosen.form.cleaned_data.get("since")
        reports = chosen.qs.order_by("id").values_list("id", flat=True).distinct()
        page = self.paginate_queryset(reports)
        rows = self.scoped().filter(id__in=list(page))
        changes = [
            change
            for change in iter_changes(rows, labelled=False)
            if since is None or change.when >= since
        ]
        return self.get_paginated_response(self.get_serializer(changes, many=True).data)

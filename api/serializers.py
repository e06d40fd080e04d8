"""What the API says about each thing: codes and both names, never a label in the
request's language, so a response depends only on the data (and its ETag with it).

Model serializers list their fields in `Meta.fields`: a new field of a model joins
the API by adding its name there.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from accounts.models import Section
from ledger.models import Division, EvidenceFile, LedgerEntry
from targets import clock
from targets.models import Indicator, Plan, PlanElement, QuarterlyReport, TargetRevision


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["code", "name_zh", "name_en"]


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = ["id", "year", "name_zh", "name_en", "state", "source"]


class ElementSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="plan.year", read_only=True)

    class Meta:
        model = PlanElement
        fields = ["id", "year", "code", "level", "name_zh", "name_en", "order"]


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = TargetRevision
        fields = ["target", "effective_from", "reason", "revised_at"]


class IndicatorSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="plan.year", read_only=True)
    pillar = serializers.CharField(source="pillar.code", read_only=True)
    lead_sections = SectionSerializer(
        source="leads", many=True, read_only=True, help_text="Its lead units (牵头单位), in order."
    )
    cooperating_sections = SectionSerializer(
        source="cooperating",
        many=True,
        read_only=True,
        help_text="Its cooperating units (配合单位).",
    )
    target_in_force = serializers.SerializerMethodField(
        help_text="The target in force today (the original, or the latest revision "
        "effective by today); `target` is the plan's original."
    )
    revisions = RevisionSerializer(source="revisions_list", many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "year",
            "code",
            "pillar",
            "name_zh",
            "name_en",
            "kind",
            "measure",
            "unit",
            "unit_en",
            "comparison",
            "target",
            "target_in_force",
            "revisions",
            "last_year_value",
            "pace_q1",
            "pace_q2",
            "pace_q3",
            "pace_q4",
            "due_quarter",
            "due_date",
            "decimal_places",
            "baseline",
            "baseline_year",
            "climbs",
            "growth_base",
            "growth_from",
            "final_year",
            "final_target",
            "trajectory",
            "stretch_target",
            "frequency",
            "definition",
            "method",
            "data_source",
            "published_on",
            "data_contact",
            "ledger",
            "lead_sections",
            "cooperating_sections",
            "order",
        ]

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True))
    def get_target_in_force(self, indicator):
        target = indicator.target_in_force_on(clock.today()).target
        return None if target is None else serializers.DecimalField(14, 2).to_representation(target)


class StandingSerializer(serializers.Serializer):
    """One indicator as of the end of a quarter, as the status rule (targets/models/
    standing.py) computed it; nothing here recomputes it."""

    indicator = serializers.IntegerField(source="indicator.pk")
    year = serializers.IntegerField(source="indicator.plan.year")
    code = serializers.CharField(source="indicator.code")
    pillar = serializers.CharField(source="indicator.pillar.code")
    quarter = serializers.IntegerField()
    status = serializers.CharField(allow_null=True)
    target = serializers.DecimalField(14, 2, allow_null=True, help_text="In force at quarter end.")
    original_target = serializers.DecimalField(14, 2, source="in_force.original", allow_null=True)
    target_revised = serializers.BooleanField(source="in_force.is_revised")
    actual = serializers.DecimalField(16, 2, allow_null=True)
    completion_percent = serializers.DecimalField(8, 1, allow_null=True)
    expected_percent = serializers.DecimalField(8, 1, allow_null=True)
    change = serializers.DecimalField(16, 2, allow_null=True)
    milestone_state = serializers.CharField()
    done_on = serializers.DateField(allow_null=True)
    quarter_values = serializers.SerializerMethodField(
        help_text='{"1": figure or milestone state, …} of the counted reports up to the quarter.'
    )
    pending_approval = serializers.BooleanField()

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_quarter_values(self, standing):
        return {
            str(q): (None if v is None else str(v))
            for q, v in sorted(standing.quarter_values.items())
        }


class ReportSerializer(serializers.ModelSerializer):
    indicator = serializers.IntegerField(source="indicator_id")
    year = serializers.IntegerField(source="indicator.plan.year")
    code = serializers.CharField(source="indicator.code")

    class Meta:
        model = QuarterlyReport
        fields = [
            "id",
            "indicator",
            "year",
            "code",
            "quarter",
            "state",
            "value",
            "milestone_state",
            "done_on",
            "progress",
            "problems",
            "next_steps",
            "updated_at",
        ]


class DivisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Division
        fields = ["code", "name_zh", "name_en", "kind"]


class EvidenceSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField(
        help_text="The file's URL here, for a client allowed to download files; else null."
    )

    class Meta:
        model = EvidenceFile
        fields = ["id", "name", "file_type", "size", "sha256", "uploaded_at", "download"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download(self, evidence):
        request = self.context["request"]
        if not request.user.client.may_download_files:
            return None
        return reverse("api:evidence", kwargs={"pk": evidence.pk}, request=request)


class LedgerEntrySerializer(serializers.ModelSerializer):
    indicator = serializers.IntegerField(source="indicator_id")
    year = serializers.IntegerField(source="indicator.plan.year")
    code = serializers.CharField(source="indicator.code")
    division = DivisionSerializer()
    files = EvidenceSerializer(many=True)

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "indicator",
            "year",
            "code",
            "name",
            "date",
            "quarter",
            "division",
            "document_number",
            "files",
        ]


class ChangeSerializer(serializers.Serializer):
    """One field of one report changed by one save (targets/models/history.py)."""

    report = serializers.IntegerField(source="report_id")
    when = serializers.DateTimeField()
    who = serializers.CharField()
    code = serializers.CharField()
    quarter = serializers.IntegerField()
    kind = serializers.ChoiceField(
        choices=["+", "~", "-"], help_text="+ created, ~ changed, - deleted"
    )
    field = serializers.CharField(help_text='"" for a save that changed no listed field')
    old = serializers.CharField(allow_null=True)
    new = serializers.CharField(allow_null=True)
    reason = serializers.CharField()

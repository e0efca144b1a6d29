"""The admin start page's work lists: what a mediator or complaints officer should do first.

Each list is one bounded query for its first `LIMIT` items plus one count, so the
start page costs a fixed number of queries whatever the office's size. The
rules are those of ui.md ("Start page per role"). The other apps' models are
reached by name: trajectories imports none of them.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Case, DateField, Exists, F, OuterRef, Q, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, role_of

from .models import Action, ActionStatus, Trajectory

LIMIT = 25
COUNT_CAP = 100  # a list's size is counted up to this; beyond it the page says "more than 100"
REFERRAL_LATE_AFTER_DAYS = 14
IDLE_AFTER_DAYS = 90
SCREENED_CATEGORIES = ("workplace_learning", "vocational_training")

# A region from a municipality's NIS code: its first digit names the province,
# the first two for the old province of Brabant (21 Brussels, 23/24 Flemish Brabant).
REGION_NIS_PREFIXES = {
    "antwerpen": ("1",),
    "brussel": ("21",),
    "vlaams-brabant": ("23", "24"),
    "west-vlaanderen": ("3",),
    "oost-vlaanderen": ("4",),
    "limburg": ("7",),
}


def nis_region_q(region: str | None, field: str) -> Q:
    """Rows whose NIS code (in `field`) lies in `region`; no rows for an unknown region."""
    condition = Q(pk__in=[])
    for prefix in REGION_NIS_PREFIXES.get(region or "", ()):
        condition |= Q(**{f"{field}__startswith": prefix})
    return condition


def own_region(user) -> str | None:
    """The region of a user's office when the NIS rule knows it (a user without an office has none)."""
    office = getattr(user, "office", None) if getattr(user, "office_id", None) else None
    return office.region_id if office is not None and office.region_id in REGION_NIS_PREFIXES else None


def region_of_nis(nis: str | None) -> str | None:
    """The region code of a municipality's NIS code; None for Wallonia or an unknown code."""
    for region, prefixes in REGION_NIS_PREFIXES.items():
        if nis and nis.startswith(prefixes):
            return region
    return None


@dataclass
class Item:
    key: str  # "<model_name>:<id>", the test hook
    url: str
    label: str
    detail: str = ""
    late: bool = False


@dataclass
class WorkList:
    name: str
    title: str
    total: int = 0
    items: list[Item] = field(default_factory=list)
    more_url: str = ""
    note: str = ""

    @property
    def capped(self) -> bool:
        return self.total > COUNT_CAP


def _item(obj, label: str, detail: str = "", late: bool = False) -> Item:
    meta = obj._meta
    return Item(
        key=f"{meta.model_name}:{obj.pk}",
        url=reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]),
        label=label,
        detail=detail,
        late=late,
    )


def _bounded(queryset) -> tuple[list, int]:
    """The first LIMIT rows and the list's size, counted up to COUNT_CAP: an exact count of a large
    office's backlog (tens of thousands) would cost the page seconds and tell a mediator nothing more
    than "more than 100"."""
    rows = list(queryset[:LIMIT])
    if len(rows) < LIMIT:
        return rows, len(rows)
    return rows, len(queryset.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1])


def referrals_waiting(user, today: datetime.date, all_regions: bool = False) -> WorkList:
    Referral = apps.get_model("partners", "Referral")

    worklist = WorkList("referrals_waiting", _("Referrals waiting for a decision"))
    queryset = Referral.objects.for_user(user).filter(status="received")
    office = getattr(user, "office", None)
    if office is not None and not all_regions:
        queryset = queryset.filter(nis_region_q(office.region_id, "person__municipality_nis"))
        worklist.note = str(office.region)
    late_before = today - datetime.timedelta(days=REFERRAL_LATE_AFTER_DAYS)
    rows, worklist.total = _bounded(queryset.select_related("partner").order_by("created_at", "id"))
    for referral in rows:
        person = referral.person or {}
        name = " ".join(filter(None, [person.get("first_name"), person.get("last_name")])) or str(_("(erased)"))
        worklist.items.append(
            _item(
                referral,
                name,
                f"{referral.partner.name}, {referral.referred_on:%d-%m-%Y}",
                late=referral.created_at.date() < late_before,
            )
        )
    worklist.more_url = reverse("admin:partners_referral_changelist") + "?status__exact=received"
    return worklist


def trajectories_idle(user, today: datetime.date) -> WorkList:
    worklist = WorkList("trajectories_idle", _("Open trajectories without an action in 90 days"))
    since = today - datetime.timedelta(days=IDLE_AFTER_DAYS)
    recent = Action.objects.filter(trajectory_id=OuterRef("pk"), started_on__gt=since, started_on__lte=today).exclude(
        status=ActionStatus.ABORTED
    )
    queryset = (
        Trajectory.objects.for_user(user)
        .filter(outflow_on__isnull=True, started_on__lte=since)
        .filter(~Exists(recent))
        .select_related("job_seeker")
        .order_by("started_on", "id")
    )
    rows, worklist.total = _bounded(queryset)
    for trajectory in rows:
        worklist.items.append(
            _item(
                trajectory,
                str(trajectory.job_seeker),
                f"{trajectory.get_type_display()}, {trajectory.started_on:%d-%m-%Y}",
            )
        )
    worklist.more_url = reverse("admin:trajectories_trajectory_changelist") + "?status=open"
    return worklist


def screenings_missing(user, today: datetime.date) -> WorkList:
    CompetenceScreening = apps.get_model("employers", "CompetenceScreening")

    worklist = WorkList("screenings_missing", _("Workplace learning without a technical screening"))
    queryset = (
        Action.objects.for_user(user)
        .filter(
            action_type__category__in=SCREENED_CATEGORIES,
            status__in=[ActionStatus.ONGOING, ActionStatus.COMPLETED],
        )
        .filter(~Exists(CompetenceScreening.objects.filter(action_id=OuterRef("pk"))))
        .select_related("action_type", "trajectory__job_seeker")
        .order_by("started_on", "id")
    )
    rows, worklist.total = _bounded(queryset)
    for action in rows:
        worklist.items.append(
            _item(
                action,
                str(action.trajectory.job_seeker),
                f"{action.action_type}, {action.started_on:%d-%m-%Y} ({action.get_status_display()})",
            )
        )
    return worklist


def actions_overdue(user, today: datetime.date) -> WorkList:
    worklist = WorkList("actions_overdue", _("Planned actions whose start has passed"))
    queryset = (
        Action.objects.for_user(user)
        .filter(status=ActionStatus.PLANNED, started_on__lt=today)
        .select_related("action_type", "trajectory__job_seeker")
        .order_by("started_on", "id")
    )
    rows, worklist.total = _bounded(queryset)
    for action in rows:
        worklist.items.append(
            _item(
                action,
                str(action.trajectory.job_seeker),
                f"{action.action_type}, {action.started_on:%d-%m-%Y}",
                late=True,
            )
        )
    worklist.more_url = reverse("admin:trajectories_action_changelist") + "?status__exact=planned"
    return worklist


def complaints_due(user, today: datetime.date) -> WorkList:
    DiscriminationComplaint = apps.get_model("employers", "DiscriminationComplaint")

    worklist = WorkList("complaints_due", _("Open complaints by nearest deadline"))
    queryset = (
        DiscriminationComplaint.objects.for_user(user)
        .exclude(status="closed")
        .annotate(next_due=next_deadline())
        .select_related("employer")
        .order_by("next_due", "id")
    )
    rows, worklist.total = _bounded(queryset)
    for complaint in rows:
        step = _("acknowledge by") if complaint.status == "received" else _("close by")
        worklist.items.append(
            _item(
                complaint,
                f"#{complaint.pk} {complaint}",
                f"{complaint.employer or ''} — {step} {complaint.next_due:%d-%m-%Y}",
                late=complaint.next_due < today,
            )
        )
    worklist.more_url = reverse("admin:employers_discriminationcomplaint_changelist")
    return worklist


def next_deadline():
    """An open complaint's nearest deadline: acknowledging while received, closing after."""
    return Case(
        When(status="received", then=F("acknowledge_due")),
        default=F("close_due"),
        output_field=DateField(),
    )


def worklists_for(user, today: datetime.date, all_regions: bool = False) -> list[WorkList]:
    role = role_of(user)
    lists = []
    if role in (Role.MEDIATOR, Role.ADMIN):
        lists += [
            referrals_waiting(user, today, all_regions),
            trajectories_idle(user, today),
            screenings_missing(user, today),
            actions_overdue(user, today),
        ]
    if role in (Role.COMPLAINTS, Role.ADMIN):
        lists.append(complaints_due(user, today))
    return lists

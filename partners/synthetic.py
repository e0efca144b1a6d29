"""Synthetic partner data: agreements, project partners and referrals (toeleidingen).

Called by `trajectories.synthetic.generate` after the reference data (partners,
projects) and the case records exist. Every value comes from the Synth's
deterministic primitives; rows are written in bulk with `synth.insert`.

Referrals are consistent with the case records:
- every job seeker registered through the channel `referral` was referred by
  a partner shortly before their first trajectory: the referral is
  `registered` on that trajectory's start (accepted in between); a few
  were referred again while already in a trajectory and stay `accepted`;
- referrals of people who never became job seekers are `rejected` (their
  person data erased once the retention period has passed) or, near the end
  of the window, still `received`; their days follow those of the registered
  ones, so that all referrals rise from 2016 as the case records' referred
  intake does (`trajectories.synthetic.history`).

Agreements run for three calendar years and are renewed until they cover the
window, so that every year up to an agreement's end has its targets and no
year is covered by two agreements of one partner. Project partners come from
the project's region (or work Flanders-wide).
"""

from __future__ import annotations

import datetime
import uuid
from zoneinfo import ZoneInfo

from django.conf import settings

from trajectories.models import JobSeeker, Trajectory
from trajectories.synthetic import Synth
from trajectories.synthetic.organisations import PROJECTS, partners_for
from trajectories.validators import make_insz

from .models import Partner, PartnerAgreement, Project, Referral, ReferralStatus
from .services import body_hash, canonical_body

BRUSSELS = ZoneInfo("Europe/Brussels")
NAMESPACE = uuid.UUID("6f1d3c1e-3b57-4a51-9a8e-0c1f4d2b7a10")

# Which objectives an agreement with a partner of each kind serves, and
# whether that kind refers people (and so has a yearly referral target).
AGREEMENT_OBJECTIVES = {
    "integration_agency": (["sd1", "td1.1", "td4.2"], True),
    "reception_agency": (["sd1", "td1.1"], True),
    "local_authority": (["sd1", "td1.1", "td4.3"], True),
    "education": (["sd2", "td2.1", "td4.1"], False),
    "social_economy": (["sd2", "td2.1"], True),
    "employer_organisation": (["td2.2", "sd3", "td3.2"], False),
    "training_provider": (["sd4", "td4.5"], False),
    "other": (["td3.1", "td4.4"], True),
}
REFERRING_KINDS = [
    ("integration_agency", 40),
    ("reception_agency", 20),
    ("local_authority", 25),
    ("social_economy", 5),
    ("other", 10),
]
HOUSING = [
    ("reception_centre", 25),
    ("local_reception_initiative", 20),
    ("own_housing", 40),
    ("other", 5),
    ("unknown", 5),
    (None, 5),
]
RESIDENCE = [
    ("recognised_refugee", 45),
    ("subsidiary_protection", 15),
    ("asylum_seeker", 20),
    ("other_third_country", 15),
    (None, 5),
]
REJECTIONS = [("duplicate", 20), ("not_eligible", 45), ("unreachable", 25), ("other", 10)]
REASONS = ["Zoekt werk", "Wil Nederlands leren en werken", "Na inburgeringstraject", "Op vraag van OCMW", None]
FIRST_NAMES = [
    "Amal",
    "Yonas",
    "Samira",
    "Ahmad",
    "Fatima",
    "Omid",
    "Hiba",
    "Tesfay",
    "Nour",
    "Karim",
    "Leyla",
    "Bilal",
]
LAST_NAMES = ["Haddad", "Tesfaye", "Rahimi", "Alaoui", "Mansour", "Bekele", "Hosseini", "Darwish", "Kaya", "Nazari"]

REFERRAL_FIELDS = [
    "id", "partner", "external_id", "body_hash", "referred_on", "person", "residence_status", "housing", "reason",
    "status", "status_history", "job_seeker", "registered_by", "rejection_reason", "rejection_note", "rejected_at",
    "created_at", "updated_at",
]  # fmt: skip


def _chooser(synth: Synth, pairs):
    """A weighted choice among (value, weight) pairs as a function of the key (weights summed once)."""
    return synth.chooser([value for value, _w in pairs], [w for _v, w in pairs])


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=BRUSSELS)


def _entry(status: str, on: datetime.date, at: datetime.datetime) -> dict[str, str]:
    return {"status": status, "on": on.isoformat(), "at": at.isoformat()}


def generate(synth: Synth) -> dict[str, int]:
    counts = {"partners.Project_partners": _project_partners(synth)}
    counts["partners.Referral"] = _referrals(synth)
    # After the referrals: the agreements' targets are scaled to the referrals the partners make.
    counts["partners.PartnerAgreement"] = _agreements(synth)
    return counts


AGREEMENT_YEARS = 3
RATE = "td4.1.referral_registration_rate"


def _referrals_per_year(synth: Synth) -> dict[tuple[str, int], int]:
    """How many referrals each partner made each year (one grouped query)."""
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    rows = (
        Referral.objects.annotate(year=ExtractYear("referred_on"))
        .values_list("partner_id", "year")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(partner, year): n for partner, year, n in rows}


def _agreements(synth: Synth) -> int:
    """Agreements of three calendar years, renewed until they cover the whole window, each with its targets.

    A referring partner's yearly referral target is scaled to what it refers
    (its mean yearly referrals over the agreement's years in the window, times
    an ambition of 0.9 to 1.3); each year it covers also carries a target on
    the share registered within 30 days (api.md agreements' `targets`).
    """
    kinds = dict(Partner.objects.values_list("code", "kind"))
    referred = _referrals_per_year(synth)
    rows = []
    for code in synth.partner_codes:
        objectives, refers = AGREEMENT_OBJECTIVES[kinds[code]]
        # Calendar years: a year's target (summed over the agreements covering it) is then one agreement's.
        begin = datetime.date(synth.start.year + (synth.u("agreement", code, "start") < 0.5), 1, 1)
        n = 0
        while True:
            end = datetime.date(begin.year + AGREEMENT_YEARS - 1, 12, 31)
            target, targets = None, []
            if refers:
                years = [y for y in range(begin.year, end.year + 1) if synth.start.year <= y <= synth.end.year]
                mean = sum(referred.get((code, y), 0) for y in years) / max(1, len(years))
                ambition = 0.9 + 0.4 * synth.u("agreement", code, n, "ambition")
                target = max(1, round(mean * ambition))
                share = 50 + 5 * synth.randint(0, 6, "agreement", code, n, "rate")
                targets = [{"indicator": RATE, "year": y, "value": share} for y in range(begin.year, end.year + 1)]
            rows.append((code, begin, end, objectives, target, targets))
            if end >= synth.end:
                break
            begin, n = end + datetime.timedelta(days=1), n + 1
    return synth.insert(
        PartnerAgreement,
        ["partner", "starts_on", "ends_on", "objectives", "referral_target_per_year", "targets"],
        rows,
    )


def _project_partners(synth: Synth) -> int:
    through = Project.partners.through
    leads = dict(Project.objects.filter(code__in=synth.project_codes).values_list("code", "lead_id"))
    regions = {project[0]: project[4] for project in PROJECTS}
    rows = []
    for code in synth.project_codes:
        members = {leads.get(code)} - {None}
        candidates = partners_for(regions.get(code))
        for n in range(synth.randint(2, 4, "project-partners", code)):
            members.add(synth.choice(candidates, "project-partners", code, n))
        rows.extend((code, partner) for partner in sorted(members))
    return synth.insert(through, ["project", "partner"], rows)


def _person(synth: Synth, key: tuple, insz: str, first: str, last: str, birth: datetime.date, extra: dict) -> dict:
    phone = f"+32 4{synth.randint(70, 99, *key, 'phone'):02d} {synth.randint(100000, 999999, *key, 'p2')}"
    return {
        "insz": insz,
        "first_name": first,
        "last_name": last,
        "birth_date": birth,
        **extra,
        "phone": phone if synth.u(*key, "has_phone") < 0.7 else None,
        "email": None,
    }


# Referrals at scale 1: the registered ones follow the job seekers; the rest are never registered.
REFERRALS = 500_000


def _referrals(synth: Synth) -> int:
    referrers: list[str] = []
    weights: list[float] = []
    for kind, weight in REFERRING_KINDS:
        codes = synth.partners_by_kind.get(kind, [])
        referrers += codes
        weights += [weight / max(1, len(codes))] * len(codes)
    draw = {
        "partner": synth.chooser(referrers, weights),
        "residence": _chooser(synth, RESIDENCE),
        "housing": _chooser(synth, HOUSING),
        "rejection": _chooser(synth, REJECTIONS),
    }
    retention_cutoff = synth.end - datetime.timedelta(days=settings.IDW_REFERRAL_RETENTION_DAYS)

    trajectories: dict[int, list[tuple[datetime.date, int]]] = {}
    for job_seeker_id, trajectory_id, started_on in synth.values(
        Trajectory, "job_seeker_id", "id", "started_on", job_seeker__registration_channel="referral"
    ):
        trajectories.setdefault(job_seeker_id, []).append((started_on, trajectory_id))
    people = synth.values(
        JobSeeker,
        "id", "insz", "first_name", "last_name", "birth_date", "gender", "nationality", "mother_tongue",
        "dutch_level", "municipality_nis",
        registration_channel="referral",
    )  # fmt: skip

    registered_days: list[datetime.date] = []  # the days of the registered referrals, in row order

    def rows():
        i = 0
        for job_seeker_id, insz, first, last, birth, gender, nationality, tongue, dutch, nis in people:
            own = sorted(trajectories.get(job_seeker_id, []))
            if not own:
                continue
            key = ("referral", i)
            extra = {
                "gender": gender,
                "nationality": nationality,
                "mother_tongue": tongue,
                "dutch_level": dutch,
                "municipality_nis": nis,
            }
            person = _person(synth, key, insz, first, last, birth, extra)
            if synth.u(*key, "again") < 0.08 and own[-1][0] < synth.end:
                # Referred again while already in a trajectory: stays accepted.
                after_start = own[-1][0] + datetime.timedelta(days=1)
                referred = synth.date_between(after_start, synth.end, *key, "referred_on")
                accepted = min(synth.end, referred + datetime.timedelta(days=synth.randint(0, 10, *key, "acc")))
                history = [(ReferralStatus.RECEIVED, referred), (ReferralStatus.ACCEPTED, accepted)]
                registered_by = None
            else:
                started, registered_by = own[0]
                referred = started - datetime.timedelta(days=synth.randint(3, 60, *key, "lead_time"))
                accepted = referred + datetime.timedelta(days=synth.randint(0, (started - referred).days, *key, "acc"))
                history = [
                    (ReferralStatus.RECEIVED, referred),
                    (ReferralStatus.ACCEPTED, accepted),
                    (ReferralStatus.REGISTERED, started),
                ]
            registered_days.append(referred)
            yield _row(synth, key, i, draw, referred, person, history, job_seeker_id, registered_by)
            i += 1
        # People who never became job seekers (or not yet): rejected or still received,
        # up to the plan's volume (issue 7: 500,000 referrals at scale 1).
        for j in range(max(1, len(people) // 4, synth.count(REFERRALS) - i)):
            key = ("referral", i)
            birth = synth.date_between(datetime.date(1965, 1, 1), datetime.date(2002, 12, 31), *key, "birth")
            insz = make_insz(birth, synth.randint(1, 997, *key, "seq"), bis=synth.u(*key, "bis") < 0.4)
            first = synth.choice(FIRST_NAMES, *key, "first")
            last = synth.choice(LAST_NAMES, *key, "last")
            extra = {
                "gender": synth.choice(["f", "m"], *key, "gender"),
                "nationality": synth.choice(["SY", "AF", "ER", "IQ", "SO", "PS", "UA"], *key, "nat"),
                "mother_tongue": synth.choice(["ar", "prs", "ti", "so", "uk", None], *key, "tongue"),
                "dutch_level": synth.choice(["none", "a1", "a2", None], *key, "dutch"),
                "municipality_nis": None,
            }
            person = _person(synth, key, insz, first, last, birth, extra)
            if j % 25 == 0:  # recent, not handled yet (about a month's referrals)
                recent = max(synth.start, synth.end - datetime.timedelta(days=45))
                referred = synth.date_between(recent, synth.end, *key, "referred_on")
                history = [(ReferralStatus.RECEIVED, referred)]
            else:
                referred = _day_like(synth, registered_days, key)
                rejected = min(synth.end, referred + datetime.timedelta(days=synth.randint(1, 21, *key, "rej")))
                history = [(ReferralStatus.RECEIVED, referred), (ReferralStatus.REJECTED, rejected)]
                if rejected < retention_cutoff:
                    person = None  # erased after the retention period
            yield _row(synth, key, i, draw, referred, person, history, None, None)
            i += 1

    return synth.insert(Referral, REFERRAL_FIELDS, rows())


def _day_like(synth: Synth, days: list[datetime.date], key: tuple) -> datetime.date:
    """A day within a month of one of `days` (in the window), so that these referrals have their yearly shape."""
    if not days:
        return synth.date_between(synth.start, synth.end, *key, "referred_on")
    near = days[int(synth.u(*key, "like") * len(days))]
    day = near + datetime.timedelta(days=synth.randint(-30, 30, *key, "referred_on"))
    return min(max(day, synth.start), synth.end)


def _row(synth, key, i, draw, referred, person, history, job_seeker_id, registered_by):
    partner = draw["partner"](*key, "partner")
    external_id = f"{partner[:8].upper()}-{i:07d}"
    body = {
        "external_id": external_id,
        "referred_on": referred,
        "person": person,
        "residence_status": draw["residence"](*key, "residence"),
        "housing": draw["housing"](*key, "housing"),
        "reason": synth.choice(REASONS, *key, "reason"),
    }
    if person is None:
        # The erased person is gone from the row, but the hash was taken from the body as posted.
        body["person"] = {"insz": make_insz(datetime.date(1980, 1, 1), i % 997 + 1), "first_name": "x"}
    canonical = canonical_body(body)
    stored_person = canonical["person"] if person is not None else None
    steps = []
    for n, (status, on) in enumerate(history):
        steps.append(_entry(status, on, _moment(max(on, history[0][1]), 9 + n)))
    status = history[-1][0]
    rejected = status == ReferralStatus.REJECTED
    return (
        uuid.uuid5(NAMESPACE, f"{synth.seed}:{i}"),
        partner,
        external_id,
        body_hash(canonical),
        referred,
        stored_person,
        body["residence_status"],
        body["housing"],
        body["reason"],
        status,
        steps,
        job_seeker_id,
        registered_by,
        draw["rejection"](*key, "rejection") if rejected else None,
        None,
        _moment(history[-1][1], 9 + len(history) - 1) if rejected else None,
        _moment(referred, 9),
        _moment(max(on for _s, on in history), 9 + len(history) - 1),
    )

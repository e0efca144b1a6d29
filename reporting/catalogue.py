"""The indicator catalogue as data (indicators.md): one `Indicator` per code.

This module is the source of truth: the data migration and `sync_definitions`
copy it into `IndicatorDefinition` for the API, and the engine and the values
API read units, dimensions, pairs and statistics from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from . import objectives as _objectives

# Pairs served besides single dimensions (indicators.md "Dimensions"): region
# with any other dimension, and these.
EXTRA_PAIRS = [("age_band", "gender"), ("channel", "ground"), ("partner", "housing"), ("action_category", "age_band")]

# The plan's objectives in its own words (reporting/objectives.py): (code, name_nl, name_en).
OBJECTIVES: list[tuple[str, str, str]] = [(o.code, o.name_nl, o.name_en) for o in _objectives.OBJECTIVES]
OBJECTIVE_ORDER = [code for code, _, _ in OBJECTIVES]


@dataclass(frozen=True)
class Stat:
    """One key of `stats`: stored in slot `s1`..`s5`; `kind` decides how it is shown.

    kinds: `person_count` (suppressed on its own below k), `count` (never
    suppressed), `target` (an agreement's commitment in tenths: never
    suppressed, shown even in a suppressed row), `tenths` (a one-decimal figure stored in tenths),
    `estimate` (a share in tenths estimated over the `guard` slots' units and
    events, hidden as a percentage would be when either, or their
    difference, is 1 to k-1).
    """

    key: str
    slot: str
    kind: str = "count"
    guard: tuple[str, str] | None = None


@dataclass(frozen=True)
class Indicator:
    code: str
    unit: str
    name_nl: str
    name_en: str
    method_nl: str
    method_en: str
    dimensions: tuple[str, ...]
    always: tuple[str, ...] = ()
    disclosive: bool = True
    stats: tuple[Stat, ...] = ()
    family: str = ""

    @property
    def objective(self) -> str:
        return self.code.rsplit(".", 1)[0]

    @property
    def by_dimensions(self) -> tuple[str, ...]:
        """Dimensions a caller may name in `by` (always-carried ones are in every row)."""
        return tuple(d for d in self.dimensions if d not in self.always)

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """Supported pairs, each in catalogue order."""
        dims = self.by_dimensions
        allowed = {frozenset(p) for p in EXTRA_PAIRS}
        return [(a, b) for a, b in combinations(dims, 2) if "region" in (a, b) or frozenset((a, b)) in allowed]

    @property
    def groupings(self) -> list[tuple[str, ...]]:
        """Every breakdown the engine stores: totals, each dimension, each pair."""
        return [(), *[(d,) for d in self.by_dimensions], *self.pairs]

    def canonical(self, dims: list[str]) -> tuple[str, ...] | None:
        """The stored grouping for a requested `by`, or None when it is not supported."""
        dims = [d for d in dims if d not in self.always]
        if len(set(dims)) != len(dims):
            return None
        ordered = tuple(d for d in self.by_dimensions if d in dims)
        if len(ordered) != len(dims):
            return None
        return ordered if ordered in self.groupings else None

    @property
    def stat_keys(self) -> tuple[Stat, ...]:
        if self.unit == "days":
            return (
                Stat("n", "numerator", "n"),
                Stat("p25", "s1", "p25"),
                Stat("median", "value", "median"),
                Stat("p75", "s3", "p75"),
            )
        return self.stats


DAYS_NL = (
    " De waarde is de mediaan in dagen; stats geeft het aantal trajecten (n), het 25e percentiel, de mediaan en "
    "het 75e percentiel (lineaire interpolatie), afgerond op één decimaal."
)
DAYS_EN = (
    " The value is the median in days; stats give the number of trajectories (n), the 25th percentile, the median "
    "and the 75th percentile (linear interpolation), rounded to one decimal."
)
HORIZON_NL = (
    " Een rij is rijp (mature) wanneer elk traject van het cohort de volledige termijn gehad heeft op de peildatum."
)
HORIZON_EN = " A row is mature when every trajectory of the cohort has had the full horizon by the as-of date."
GROUP_NL = " Enkel trajecten van werkzoekenden in de doelgroep volgens de lexiconversie van de berekening."
GROUP_EN = " Only trajectories of job seekers in the target group under the run's lexicon version."
ONLY_GROUP_NL = " Telt enkel werkzoekenden in de doelgroep volgens de lexiconversie van de berekening."
ONLY_GROUP_EN = " Counts only job seekers in the target group under the run's lexicon version."
PROTECTED_NL = "erkend vluchteling, subsidiair beschermde, of asielzoeker in procedure met arbeidskaart C"
PROTECTED_EN = "recognised refugee, subsidiary protection, or asylum seeker with work permit C"

# indicators.md "Targets": with by=partner and year periods, the agreements' commitment.
TARGET = Stat("target", "s4", "target")
TARGET_NL = (
    " Per partner en per jaar geeft stats.target de som van de streefcijfers voor deze indicator en dat jaar in de "
    "samenwerkingsovereenkomsten van de partner die een dag van het jaar dekken (bij de ontvangen toeleidingen ook "
    "het streefcijfer toeleidingen per jaar); leeg als er geen is. Het streefcijfer wordt nooit afgeschermd."
)
TARGET_EN = (
    " By partner and year, stats.target is the sum of the targets for this indicator and year in the partner's "
    "cooperation agreements that cover any day of the year (for referrals received also the referral target per "
    "year); null where there is none. The target is never suppressed."
)
CAMPAIGN_PARTNER_NL = (
    " Per partner telt een gezamenlijke campagne één keer voor elke partner die ze mee organiseerde (none: de "
    "dienst alleen), met haar volledige bereik; de partnerrijen tellen dus niet op tot het totaal."
)
CAMPAIGN_PARTNER_EN = (
    " By partner, a joint campaign counts once for each partner that organised it (none: the service alone), with "
    "its full reach; the partner rows therefore do not add up to the total."
)

INTAKE_DIMS = (
    "region", "office", "age_band", "gender", "residence_status", "education_level", "dutch_level",
    "registration_channel", "unaccompanied_minor", "trajectory_type",
)  # fmt: skip

INDICATORS: list[Indicator] = [
    # SD1 -----------------------------------------------------------------
    Indicator(
        "sd1.intake", "count", "Instroom in trajecten", "Intake into trajectories",
        "Aantal trajecten waarvan de inschrijvingsdatum (started_on) in de periode valt: de evolutie en het profiel "
        "van de instroom. Regio en kantoor zijn die van het intakekantoor, het opleidingsniveau dat bij de intake, "
        "leeftijd en verblijfsstatus die op de inschrijvingsdatum." + GROUP_NL,
        "Number of trajectories whose registration date (started_on) falls in the period: the evolution and profile "
        "of the intake. Region and office are those of the intake office, education level the one at intake, age "
        "and residence status those on the registration date." + GROUP_EN,
        INTAKE_DIMS, family="sd1",
    ),
    Indicator(
        "sd1.outflow_to_work", "percentage", "Uitstroom naar werk", "Outflow to work",
        "Cohort = trajecten gestart in de periode. Voor elke termijn N van 6, 12, 18, 24, 30 en 36 maanden: noemer = "
        "trajecten van het cohort met startdatum + N maanden op of voor de peildatum; teller = die van hen die "
        "uitstroomden naar werk of zelfstandige activiteit op of voor startdatum + N maanden. Maanden tellen met "
        "dezelfde dag, begrensd tot de laatste dag van de maand." + HORIZON_NL + GROUP_NL,
        "Cohort = trajectories started in the period. For each horizon N of 6, 12, 18, 24, 30 and 36 months: "
        "denominator = cohort trajectories with start + N months on or before the as-of date; numerator = those of "
        "them that flowed out to work or self-employment on or before start + N months. Months keep the day, "
        "clamped to the last day of the month." + HORIZON_EN + GROUP_EN,
        ("horizon_months", "region", "age_band", "gender", "residence_status", "trajectory_type", "education_level",
         "dutch_level"),
        always=("horizon_months",), family="sd1",
        stats=(Stat("cumulative_incidence", "s1", "estimate", guard=("s2", "s3")),),
    ),
    Indicator(
        "sd1.status_at_horizon", "percentage", "Situatie na N maanden", "Status at the horizon",
        "Dezelfde cohorten, termijnen en noemer als de uitstroom naar werk; één rij per uitstroomreden plus 'open' "
        "(nog in traject): het aandeel van het cohort in die toestand op startdatum + N maanden. De rijen van één "
        "cohort en termijn tellen op tot 100 (op afronding na)." + GROUP_NL,
        "The same cohorts, horizons and denominator as outflow to work; one row per outflow reason plus 'open' "
        "(still in a trajectory): the share of the cohort in that state at start + N months. The rows of one cohort "
        "and horizon add up to 100 (up to rounding)." + GROUP_EN,
        ("horizon_months", "outflow_reason", "trajectory_type", "region"),
        always=("horizon_months", "outflow_reason"), family="sd1_sd2",
    ),
    Indicator(
        "sd1.protected_status_share", "percentage", "Aandeel met beschermingsstatus", "Share with protected status",
        "Peildatum = laatste dag van de periode, of de peildatum van de berekening als die vroeger valt. Noemer = "
        "werkzoekenden in de doelgroep met een traject dat op die dag open is; teller = die van hen met als "
        f"verblijfsstatus op die dag {PROTECTED_NL}.",
        "Reference date = the last day of the period, or the run's as-of date if earlier. Denominator = target-group "
        "job seekers with a trajectory open on that date; numerator = those whose residence status on that date is "
        f"{PROTECTED_EN}.",
        ("residence_status", "region"), family="sd1",
    ),
    Indicator(
        "sd1.outflow_reasons", "count", "Uitstroom naar reden", "Outflow by reason",
        "Aantal trajecten waarvan de uitstroomdatum in de periode valt, per uitstroomreden." + GROUP_NL,
        "Number of trajectories whose outflow date falls in the period, by outflow reason." + GROUP_EN,
        ("outflow_reason", "trajectory_type", "region"), family="sd1",
    ),
    # TD1.1 ---------------------------------------------------------------
    Indicator(
        "td1.1.duration", "days", "Doorlooptijd tussen mijlpalen", "Time between milestones",
        "Trajecten met uitstroomdatum in de periode; dagen tussen de mijlpalen per segment: inschrijving tot "
        "persoonlijke dienstverlening, persoonlijke dienstverlening tot eerste actie, eerste tot laatste actie, "
        "laatste actie tot uitstroom, inschrijving tot uitstroom. Een traject zonder een mijlpaal telt niet mee in "
        "de segmenten die hem nodig hebben; een negatief segment telt zoals het is." + DAYS_NL + GROUP_NL,
        "Trajectories whose outflow date falls in the period; days between milestones per segment: registration to "
        "personal service, personal service to first action, first to last action, last action to outflow, "
        "registration to outflow. A trajectory with a missing milestone is left out of the segments that need it; "
        "a negative segment counts as it is." + DAYS_EN + GROUP_EN,
        ("segment", "trajectory_type", "region"), always=("segment",), family="td1_1",
    ),
    Indicator(
        "td1.1.first_action_within", "percentage", "Eerste actie binnen N maanden", "First action within N months",
        "Cohort = trajecten gestart in de periode. Voor N = 3 en 6 maanden: noemer = trajecten van het cohort met "
        "startdatum + N maanden op of voor de peildatum; teller = die met een eerste gestarte actie op of voor "
        "startdatum + N maanden (hoe snel mensen in acties instromen)." + HORIZON_NL + GROUP_NL,
        "Cohort = trajectories started in the period. For N = 3 and 6 months: denominator = cohort trajectories with "
        "start + N months on or before the as-of date; numerator = those with a first started action on or before "
        "start + N months (how fast people flow into actions)." + HORIZON_EN + GROUP_EN,
        ("horizon_months", "trajectory_type", "age_band", "region"), always=("horizon_months",), family="td1_1",
    ),
    Indicator(
        "td1.1.action_flow", "count", "Doorstroom naar acties", "Flow into actions",
        "Aantal verschillende werkzoekenden dat in de periode een actie startte (een actie is gestart wanneer ze "
        "niet meer gepland is), naar actiecategorie, project, leeftijd op de startdatum van de actie en regio: de "
        "doorstroom naar acties en projecten, met aandacht voor jongeren, opleiding en werkplekleren. "
        "project_lead_kind toont wie het project van de actie leidt: de soort van de partner die de regie heeft, "
        "employment_service als de dienst zelf leidt, none zonder project (vraag 3)." + GROUP_NL,
        "Number of distinct job seekers who started an action in the period (an action has started when it is no "
        "longer planned), by action category, project, age on the action's start and region: the throughput to "
        "actions and projects, with attention to youth, training and workplace learning. project_lead_kind shows "
        "who leads the action's project: the kind of the partner that leads it, employment_service when the "
        "service itself leads, none without a project (question 3)." + GROUP_EN,
        ("action_category", "project", "project_lead_kind", "age_band", "region"), family="td1_1_action_flow",
    ),
    Indicator(
        "td1.1.tool_usage", "count", "Gebruik van informatiekanalen", "Use of information tools",
        "Som van het geregistreerde gebruik van informatiekanalen (folders, website, video's, boekingstool, apps) "
        "in de periode; alle gebruikers, niet enkel de doelgroep.",
        "Sum of the recorded use of information tools (folders, website, videos, booking tool, apps) in the period; "
        "all users, not only the target group.",
        ("tool",), disclosive=False, family="td1_1",
    ),
    # SD2 / TD2.1 / TD2.2 ---------------------------------------------------
    Indicator(
        "sd2.target_group_size", "count", "Omvang van de doelgroep in traject", "Target group in a trajectory",
        "Aantal verschillende werkzoekenden in de doelgroep met een traject dat open is op de peildatum (laatste dag "
        "van de periode, of de peildatum van de berekening als die vroeger valt).",
        "Number of distinct target-group job seekers with a trajectory open on the reference date (the last day of "
        "the period, or the run's as-of date if earlier).",
        ("region", "residence_status", "age_band"), family="sd1_sd2",
    ),
    Indicator(
        "sd2.register_coverage", "percentage", "Automatische monitoring van de verblijfsstatus",
        "Automatic monitoring of residence status",
        "Hoe ver de monitoring van de verblijfsstatuten automatisch is (vraag 2). Peildatum en noemer als bij het "
        "aandeel met beschermingsstatus: werkzoekenden in de doelgroep met een traject dat open is op de peildatum; "
        "teller = die van hen wier verblijfsstatusperiode op die dag uit het rijksregister komt (source = "
        "national_register).",
        "How far the monitoring of residence statuses is automatic (question 2). Reference date and denominator as "
        "for the share with protected status: target-group job seekers with a trajectory open on the reference "
        "date; numerator = those whose residence-status period covering that date comes from the national register "
        "(source = national_register).",
        ("region",), family="sd1_sd2",
    ),
    Indicator(
        "td2.1.technical_screenings", "count", "Technische screenings", "Technical screenings",
        "Aantal competentiescreenings (op de werkvloer en de opleidingsvloer) met screeningsdatum in de periode."
        + ONLY_GROUP_NL,
        "Number of competence screenings (work floor and training floor) screened in the period." + ONLY_GROUP_EN,
        ("action_type", "region"), family="td2",
    ),
    Indicator(
        "td2.1.competence_gap_share", "percentage", "Aandeel ontbrekende competenties", "Share of missing competences",
        "Noemer = competentiescores gegeven in screenings in de periode; teller = die met score 0 (ontbreekt)."
        + ONLY_GROUP_NL,
        "Denominator = competence scores given in screenings in the period; numerator = those scored 0 (missing)."
        + ONLY_GROUP_EN,
        ("action_type", "region"), family="td2",
    ),
    Indicator(
        "td2.2.employer_campaigns", "count", "Campagnes naar werkgevers", "Employer campaigns",
        "Aantal campagnes met doelstelling td2.2 gehouden in de periode; stats geeft de som van het potentiële en "
        "het gemeten bereik." + CAMPAIGN_PARTNER_NL + TARGET_NL,
        "Number of campaigns with objective td2.2 held in the period; stats give the sums of potential and measured "
        "reach." + CAMPAIGN_PARTNER_EN + TARGET_EN,
        ("audience", "partner"), disclosive=False,
        stats=(Stat("potential_reach", "s1"), Stat("measured_reach", "s2"), TARGET), family="td2",
    ),
    # SD3 / TD3.1 / TD3.2 ---------------------------------------------------
    Indicator(
        "sd3.perception", "percentage", "Beeldvorming", "Public perception",
        "Resultaten van belevingsonderzoeken gemeten in de periode: teller = som van het aandeel akkoord maal de "
        "steekproefgrootte gedeeld door 100, noemer = som van de steekproefgroottes.",
        "Perception survey results measured in the period: numerator = sum of agree share times sample size divided "
        "by 100, denominator = sum of sample sizes.",
        (), disclosive=False, family="sd3_td3",
    ),
    Indicator(
        "td3.1.campaigns", "count", "Sensibiliseringscampagnes", "Awareness campaigns",
        "Aantal campagnes met doelstelling td3.1 gehouden in de periode; stats als bij td2.2."
        + CAMPAIGN_PARTNER_NL + TARGET_NL,
        "Number of campaigns with objective td3.1 held in the period; stats as for td2.2."
        + CAMPAIGN_PARTNER_EN + TARGET_EN,
        ("audience", "partner"), disclosive=False,
        stats=(Stat("potential_reach", "s1"), Stat("measured_reach", "s2"), TARGET), family="sd3_td3",
    ),
    Indicator(
        "td3.1.complaints_received", "count", "Ontvangen klachten discriminatie", "Discrimination complaints received",
        "Aantal discriminatieklachten ontvangen in de periode; alle klagers, niet enkel de doelgroep. Een klacht "
        "kan meerdere gronden hebben.",
        "Number of discrimination complaints received in the period; all complainants, not only the target group. "
        "A complaint can have several grounds.",
        ("channel", "ground"), family="sd3_td3",
    ),
    Indicator(
        "td3.1.complaints_timely", "percentage", "Tijdig behandelde klachten", "Complaints handled on time",
        "Klachten ontvangen in de periode; noemer = die afgesloten op of voor de peildatum of waarvan de "
        "afsluittermijn verstreken is; teller = die erkend binnen de erkenningstermijn en afgesloten binnen de "
        "afsluittermijn, beide op of voor de peildatum.",
        "Complaints received in the period; denominator = those closed on or before the as-of date or whose closing "
        "deadline has passed; numerator = those acknowledged by the acknowledgement deadline and closed by the "
        "closing deadline, both on or before the as-of date.",
        ("channel",), family="sd3_td3",
    ),
    Indicator(
        "td3.1.vacancy_checks", "count", "Vacaturescreenings", "Vacancy checks",
        "Aantal vacaturescreenings in de periode; stats geeft het aantal discriminerende vacatures.",
        "Number of vacancy checks in the period; stats give the number of discriminatory vacancies.",
        ("measure",), disclosive=False, stats=(Stat("discriminatory", "s1"),), family="sd3_td3",
    ),
    Indicator(
        "td3.2.mentoring", "count", "Mentoring", "Mentoring",
        "Aantal mentoringacties gestart in de periode; stats.protected = die van mensen met een beschermingsstatus "
        "op de startdatum van de actie." + ONLY_GROUP_NL,
        "Number of mentoring actions started in the period; stats.protected = those of people with a protected "
        "status on the action's start." + ONLY_GROUP_EN,
        ("residence_status", "region"), stats=(Stat("protected", "s1", "person_count"),), family="sd3_td3",
    ),
    # SD4 / TD4.1-4.5 ---------------------------------------------------------
    Indicator(
        "td4.1.referrals_received", "count", "Toeleidingen ontvangen", "Referrals received",
        "Aantal toeleidingen met toeleidingsdatum in de periode, alle personen; stats geeft hoeveel er aanvaard, "
        "geweigerd en ingeschreven werden op of voor de peildatum, en hoeveel er vervielen (zonder beslissing na de "
        "vervaltermijn) op of voor de peildatum." + TARGET_NL,
        "Number of referrals referred in the period, all persons; stats give how many were accepted, rejected and "
        "registered on or before the as-of date, and how many expired (no decision within the expiry period) on or "
        "before the as-of date." + TARGET_EN,
        ("partner", "partner_kind", "housing"),
        stats=(Stat("accepted", "s1", "person_count"), Stat("rejected", "s2", "person_count"),
               Stat("registered", "s3", "person_count"), TARGET, Stat("expired", "s5", "person_count")),
        family="td4_1",
    ),
    Indicator(
        "td4.1.referral_registration_rate", "percentage", "Omzetting van toeleidingen", "Referral conversion",
        "Toeleidingen in de periode met toeleidingsdatum + 30 dagen op of voor de peildatum; teller = die "
        "ingeschreven met een inschrijvingsdatum ten laatste 30 dagen na de toeleiding." + TARGET_NL,
        "Referrals in the period with referral date + 30 days on or before the as-of date; numerator = those "
        "registered with a registration date at most 30 days after the referral." + TARGET_EN,
        ("partner", "partner_kind", "housing"), stats=(TARGET,), family="td4_1",
    ),
    Indicator(
        "td4.2.youth_actions", "count", "Acties voor jongeren en NBMV", "Actions for youth and unaccompanied minors",
        "Acties gestart in de periode door werkzoekenden in de doelgroep jonger dan 25 op de startdatum (groep "
        "youth) of die als niet-begeleide minderjarige aankwamen (groep unaccompanied_minor); één persoon kan in "
        "beide groepen zitten.",
        "Actions started in the period by target-group job seekers younger than 25 on the action's start (group "
        "youth) or who arrived as unaccompanied minors (group unaccompanied_minor); one person can be in both.",
        ("group", "action_category"), always=("group",), family="td4",
    ),
    Indicator(
        "td4.3.self_employment", "count", "Begeleiding naar zelfstandig ondernemerschap", "Self-employment guidance",
        "Werkzoekenden met een actie begeleiding naar zelfstandig ondernemerschap gestart in de periode; "
        "stats.outflow_self_employment = die van wie het traject eindigde in zelfstandige activiteit op of voor de "
        "peildatum." + ONLY_GROUP_NL,
        "Job seekers with a self-employment guidance action started in the period; stats.outflow_self_employment = "
        "those whose trajectory ended in self-employment on or before the as-of date." + ONLY_GROUP_EN,
        ("region",), stats=(Stat("outflow_self_employment", "s1", "person_count"),), family="td4",
    ),
    Indicator(
        "td4.4.interpreter_use", "count", "Tolkengebruik", "Interpreter use",
        "Acties gestart in de periode waarbij een tolk gebruikt werd of van het type tolken." + ONLY_GROUP_NL,
        "Actions started in the period with an interpreter used or of type interpreting." + ONLY_GROUP_EN,
        ("language", "region"), family="td4",
    ),
    Indicator(
        "td4.4.integrated_language", "count", "Geïntegreerde taaltrajecten", "Integrated language trajectories",
        "Acties geïntegreerd taaltraject gestart in de periode, per aanbieder." + ONLY_GROUP_NL,
        "Integrated language trajectory actions started in the period, by provider." + ONLY_GROUP_EN,
        ("provider",), family="td4",
    ),
    Indicator(
        "td4.5.mediator_training", "count", "Opleiding van bemiddelaars", "Mediator training",
        "Aantal opleidingen van bemiddelaars gehouden in de periode; stats.mediators = aantal verschillende "
        "opgeleide bemiddelaars.",
        "Number of mediator trainings held in the period; stats.mediators = distinct mediators trained.",
        ("provider",), disclosive=False, stats=(Stat("mediators", "s1"),), family="td4",
    ),
]  # fmt: skip

# Durable work, re-entry, barriers and school leavers (issue 13): the half of the plan the first
# outflow does not measure.
DURABLE_NL = (
    " Eenheden = trajecten die uitstroomden naar werk of zelfstandige activiteit met uitstroomdatum in de periode. "
    "Voor N = 6 en 12 maanden: noemer = die met uitstroomdatum + N maanden op of voor de peildatum; "
)
DURABLE_EN = (
    " Units = trajectories that flowed out to work or self-employment with their outflow date in the period. For N "
    "= 6 and 12 months: denominator = those with outflow date + N months on or before the as-of date; "
)
OUTFLOW_HORIZON_NL = " Rijp (mature) wanneer elke eenheid de volledige termijn gehad heeft op de peildatum."
OUTFLOW_HORIZON_EN = " A row is mature when every unit has had the full horizon by the as-of date."
INDICATORS += [
    Indicator(
        "sd1.durable_work", "percentage", "Duurzaam aan het werk", "Durably at work",
        "Duurzaam aan het werk na de uitstroom." + DURABLE_NL + "teller = die van hen van wie de werkzoekende een "
        "tewerkstellingsperiode (DIMONA of zelfstandige) heeft die de dag uitstroomdatum + N maanden dekt (begonnen "
        "op of voor die dag en niet vroeger geëindigd). Maanden tellen met dezelfde dag, begrensd tot de laatste dag "
        "van de maand." + OUTFLOW_HORIZON_NL + GROUP_NL,
        "Durably at work after the outflow." + DURABLE_EN + "numerator = those whose job seeker has an employment "
        "spell (DIMONA or self-employed) covering the day outflow date + N months (started on or before that day and "
        "not ended before it). Months keep the day, clamped to the last day of the month." + OUTFLOW_HORIZON_EN
        + GROUP_EN,
        ("horizon_months", "region", "age_band", "gender", "residence_status", "trajectory_type", "education_level"),
        always=("horizon_months",), family="sd1_work",
    ),
    Indicator(
        "sd1.reentry", "percentage", "Herinschrijving na werk", "Re-entry after work",
        "Terug bij de dienst na uitstroom naar werk." + DURABLE_NL + "teller = die van hen van wie de werkzoekende "
        "een later traject start (op of na de uitstroomdatum) met startdatum op of voor uitstroomdatum + N maanden."
        + OUTFLOW_HORIZON_NL + GROUP_NL,
        "Back with the employment service after an outflow to work." + DURABLE_EN + "numerator = those whose job "
        "seeker starts a later trajectory (on or after the outflow date) starting on or before outflow date + N "
        "months." + OUTFLOW_HORIZON_EN + GROUP_EN,
        ("horizon_months", "region", "age_band", "gender", "residence_status", "trajectory_type", "education_level"),
        always=("horizon_months",), family="sd1_work",
    ),
    Indicator(
        "sd1.barriers", "percentage", "Belemmeringen", "Barriers",
        "Waarom mensen nog niet aan het werk zijn. Peildatum = laatste dag van de periode, of de peildatum van de "
        "berekening als die vroeger valt. Noemer = trajecten van de doelgroep die op die dag open zijn; één rij per "
        "soort belemmering plus any: teller = die met een belemmering van die soort (any: van eender welke soort) "
        "die op die dag actief is (vastgesteld op of voor die dag, niet opgelost of pas erna opgelost). Tijd in "
        "traject = volle maanden open op de peildatum.",
        "Why people are not at work yet. Reference date = the last day of the period, or the run's as-of date if "
        "earlier. Denominator = target-group trajectories open on that date; one row per kind of barrier plus any: "
        "numerator = those with a barrier of that kind (any: of any kind) active on that date (noted on or before "
        "it, not resolved or resolved after it). Time in trajectory = whole months open on the reference date.",
        ("barrier", "time_in_trajectory", "trajectory_type", "region"), always=("barrier",), family="sd1_work",
    ),
    Indicator(
        "td4.2.school_leavers", "count", "Van school naar de dienst", "From school to the employment service",
        "Trajecten gestart in de periode door werkzoekenden jonger dan 25 op de startdatum die uit OKAN, deeltijds "
        "onderwijs of ongekwalificeerd uit het secundair onderwijs komen; stats.first_action_within_3_months = die "
        "van hen met een eerste gestarte actie op of voor startdatum + 3 maanden." + GROUP_NL,
        "Trajectories started in the period by job seekers younger than 25 on the start date who come from OKAN "
        "(reception class), part-time education or left secondary school without a qualification; "
        "stats.first_action_within_3_months = those with a first started action on or before start + 3 months."
        + GROUP_EN,
        ("prior_education", "unaccompanied_minor", "region"),
        stats=(Stat("first_action_within_3_months", "s1", "person_count"),), family="sd1_work",
    ),
]  # fmt: skip

BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}
# The indicators an agreement may set `targets` on: those that can be broken down by partner.
PARTNER_INDICATORS = frozenset(i.code for i in INDICATORS if "partner" in i.dimensions)


def definition_rows() -> list[dict]:
    """The catalogue as IndicatorDefinition field values."""
    rows = []
    for position, ind in enumerate(INDICATORS):
        rows.append(
            {
                "code": ind.code,
                "objective": ind.objective,
                "position": position,
                "name_nl": ind.name_nl,
                "name_en": ind.name_en,
                "method_nl": ind.method_nl,
                "method_en": ind.method_en,
                "unit": ind.unit,
                "dimensions": list(ind.dimensions),
                "always_dimensions": list(ind.always),
                "pairs": [list(p) for p in ind.pairs],
                "disclosive": ind.disclosive,
            }
        )
    return rows


def sync_definitions(model=None) -> None:
    """Write the catalogue into IndicatorDefinition (a historical model in migrations)."""
    if model is None:
        from .models import IndicatorDefinition as model
    rows = definition_rows()
    for row in rows:
        code = row.pop("code")
        model.objects.update_or_create(code=code, defaults=row)
    model.objects.exclude(code__in=[i.code for i in INDICATORS]).delete()

"""The plan's objectives in its own words (question b).

`name_nl` and `monitoring_nl` are the texts of the table in answer 1b of
written question 668 (design/schriftelijke-vraag-668.txt), with the line
breaks of the document removed. Obvious typing errors of the source are
corrected, and only these (`CORRECTIONS`: corrected text -> source text):

- TD4.1 "Er is en gecoördineerde" -> "Er is een gecoördineerde";
- TD4.2 "niet begeleide minderjarig jongere" -> "niet begeleide minderjarige
  jongeren" (as the question itself writes it);
- TD4.5 "training, opleidingen coaching" -> "training, opleiding en coaching"
  (as the question itself writes it).

SD4 has no monitoring line of its own in the table: it says it is monitored
through TD4.1 to TD4.5. `name_en` and `monitoring_en` are faithful
translations.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Objective:
    code: str
    name_nl: str
    name_en: str
    monitoring_nl: tuple[str, ...]
    monitoring_en: tuple[str, ...]


# Corrected text -> the source's text (the tests undo them to find each text in the source).
CORRECTIONS = {
    "Er is een gecoördineerde": "Er is en gecoördineerde",
    "niet begeleide minderjarige jongeren,": "niet begeleide minderjarig jongere,",
    "training, opleiding en coaching": "training, opleidingen coaching",
}

# The line SD4 carries instead of a monitoring line of the table.
SD4_MONITORING_NL = "Geen eigen monitoringlijn: opgevolgd via de tactische doelstellingen TD4.1 tot en met TD4.5."
SD4_MONITORING_EN = "No monitoring line of its own: monitored through the tactical objectives TD4.1 to TD4.5."

_CAMPAIGNS_NL = (
    "Aantal acties/ campagnes op jaarbasis",
    "Potentieel bereik van de acties/campagnes en indien mogelijk impactmeting",
)
_CAMPAIGNS_EN = (
    "Number of actions/campaigns per year",
    "Potential reach of the actions/campaigns and, where possible, impact measurement",
)

OBJECTIVES: list[Objective] = [
    Objective(
        "sd1",
        "Alle personen met een migratieachtergrond zijn snel en duurzaam aan het werk.",
        "All persons with a migration background are quickly and durably at work.",
        (
            "Weergave evolutie van de instroom en profiel van anderstalige werkzoekenden met een migratieachtergrond.",
            "Uitstroom naar werk op 6, 12, 18, 24, 30 maand na instroom bij VDAB.",
            "Aandeel erkende vluchtelingen – subsidiair beschermden en asielzoekers in procedure met AK C "
            "ingeschreven bij VDAB.",
        ),
        (
            "Evolution of the intake and profile of non-native-speaking job seekers with a migration background.",
            "Outflow to work at 6, 12, 18, 24, 30 months after intake at VDAB.",
            "Share of recognised refugees – persons with subsidiary protection and asylum seekers in procedure "
            "with work permit C registered with VDAB.",
        ),
    ),
    Objective(
        "td1.1",
        "We zorgen voor snelle en duurzame trajecten naar werk: informatieaanbod versterken, vroege "
        "loopbaanoriëntatie, voldoende coördinatie, meer geïntegreerde trajecten van taalverwerving, anderstalige "
        "werkzoekenden met een migratieachtergrond hun eigen regierol laten opnemen, investeren in "
        "(beroeps)opleidingen, rekening houden met diversiteit binnen de groep",
        "We provide fast and durable trajectories to work: strengthening the information offer, early career "
        "guidance, sufficient coordination, more integrated language-acquisition trajectories, letting "
        "non-native-speaking job seekers with a migration background take the lead in their own trajectory, "
        "investing in (vocational) training, taking account of diversity within the group",
        (
            "Tijdsduur van trajecten bij VDAB (inschrijving – persoonlijke dienstverlening - eerste actie – laatste "
            "actie – uitstroom)",
            "Doorstroom naar trajectacties en projecten. Opgesplitst naar leeftijd (met bijzondere aandacht voor "
            "jongeren en opleiding en werkplekleren)",
            "Monitoring van gebruik ter beschikking gestelde tools: folders – website – filmpjes – You-Can-Book-Me – "
            "Apps - …",
        ),
        (
            "Duration of trajectories at VDAB (registration – personal service – first action – last action – outflow)",
            "Throughput to trajectory actions and projects. Broken down by age (with particular attention to young "
            "people, and to training and workplace learning)",
            "Monitoring of the use of the tools made available: folders – website – videos – You-Can-Book-Me – "
            "apps – …",
        ),
    ),
    Objective(
        "sd2",
        "Werkgevers en werkgeversorganisaties bieden maximale tewerkstellings- en opleidingskansen aan personen "
        "met een migratieachtergrond",
        "Employers and employer organisations offer maximum employment and training opportunities to persons with "
        "a migration background",
        (
            "Aantal anderstalige werkzoekenden met een migratieachtergrond.",
            "Zicht op erkende vluchtelingen, subsidiair beschermden en asielzoekers in procedure met AK C "
            "ingeschreven bij VDAB.",
        ),
        (
            "Number of non-native-speaking job seekers with a migration background.",
            "Insight into recognised refugees, persons with subsidiary protection and asylum seekers in procedure "
            "with work permit C registered with VDAB.",
        ),
    ),
    Objective(
        "td2.1",
        "Bedrijven erkennen competenties",
        "Companies recognise competences",
        (
            "Aantal technische screenings op de opleidings- en werkvloer voor anderstalige werkzoekenden met een "
            "migratieachtergrond.",
        ),
        (
            "Number of technical screenings on the training floor and the work floor for non-native-speaking job "
            "seekers with a migration background.",
        ),
    ),
    Objective(
        "td2.2",
        "We informeren werkgevers maximaal over de wetgeving en ondersteunen in mogelijkheden voor tewerkstelling "
        "van vluchtelingen",
        "We inform employers as fully as possible about the legislation and support them in the possibilities for "
        "employing refugees",
        _CAMPAIGNS_NL,
        _CAMPAIGNS_EN,
    ),
    Objective(
        "sd3",
        "We dragen bij tot een positieve maatschappelijke beeldvorming (t.a.v. personen met een migratieachtergrond)",
        "We contribute to a positive public image (of persons with a migration background)",
        ("Te exploreren hoe evolutie in de maatschappelijke beeldvorming kan worden weergegeven",),
        ("To be explored how the evolution of the public image can be shown",),
    ),
    Objective(
        "td3.1",
        "Krachtdadige aanpak van discriminatie op de arbeidsmarkt",
        "A forceful approach to discrimination on the labour market",
        _CAMPAIGNS_NL,
        _CAMPAIGNS_EN,
    ),
    Objective(
        "td3.2",
        "We investeren in een breed draagvlak binnen heel de samenleving",
        "We invest in broad support throughout society",
        (
            "Aantal acties mentoring anderstalige werkzoekenden met een migratieachtergrond (incl. aandeel erkend "
            "vluchtelingen, subsidiair beschermden en asielzoekers)",
        ),
        (
            "Number of mentoring actions for non-native-speaking job seekers with a migration background (incl. "
            "the share of recognised refugees, persons with subsidiary protection and asylum seekers)",
        ),
    ),
    Objective(
        "sd4",
        "De gemeenschappelijke klantprocessen zijn optimaal klantgericht.",
        "The shared customer processes are fully customer-oriented.",
        (SD4_MONITORING_NL,),
        (SD4_MONITORING_EN,),
    ),
    Objective(
        "td4.1",
        "Er is een gecoördineerde en gestructureerde aanpak over beleidsdomeinen en –niveaus heen, dat zich "
        "vertaalt in sterke partnerschappen op het terrein",
        "There is a coordinated and structured approach across policy domains and levels, which translates into "
        "strong partnerships in the field",
        ("Monitoring in het kader van de gerealiseerde samenwerkingsovereenkomsten met partners.",),
        ("Monitoring in the frame of the cooperation agreements concluded with partners.",),
    ),
    Objective(
        "td4.2",
        "Er is een aangepast aanbod voor (laaggeschoolde) jongeren en in het bijzonder ook voor de "
        "ongekwalificeerde doorstroom van niet begeleide minderjarige jongeren, van onderwijs naar VDAB",
        "There is an adapted offer for (low-skilled) young people and in particular also for the unqualified "
        "transition of unaccompanied minors from education to VDAB",
        ("Monitoring op specifieke bijkomende acties.",),
        ("Monitoring of specific additional actions.",),
    ),
    Objective(
        "td4.3",
        "We werken drempels die de toegang tot het ondernemerschap belemmeren weg",
        "We remove the thresholds that hinder access to entrepreneurship",
        (
            "Monitoring i.k.v. de tender zelfstandig ondernemen. We nemen de afspraken, m.b.t. monitoring, met "
            "ESF over.",
        ),
        (
            "Monitoring in the frame of the self-employment tender. We take over the arrangements on monitoring "
            "made with the ESF.",
        ),
    ),
    Objective(
        "td4.4",
        "We passen de principes van taalhoffelijkheid in onze begeleidings- en bemiddelingsacties toe en bouwen "
        "een geïntegreerd taalbeleid uit",
        "We apply the principles of language courtesy in our guidance and mediation actions and build an "
        "integrated language policy",
        ("Monitoring op tolkengebruik", "Monitoring op geïntegreerde taaltrajecten bij CVO en CBE."),
        (
            "Monitoring of interpreter use",
            "Monitoring of integrated language trajectories at the CVOs and CBEs (centres for adult education and "
            "for basic education).",
        ),
    ),
    Objective(
        "td4.5",
        "We versterken bemiddelaars van VDAB d.m.v. training, opleiding en coaching",
        "We strengthen VDAB's mediators through training, education and coaching",
        ("Monitoring op specifieke opleidingen bij of via Spoor 21",),
        ("Monitoring of specific training at or through Spoor 21",),
    ),
]

BY_CODE: dict[str, Objective] = {o.code: o for o in OBJECTIVES}


def monitoring(code: str) -> dict:
    """The `monitoring_nl`/`monitoring_en` keys of an objective in the objectives API."""
    objective = BY_CODE[code]
    return {"monitoring_nl": list(objective.monitoring_nl), "monitoring_en": list(objective.monitoring_en)}

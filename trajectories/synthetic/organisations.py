"""Who the service works with: the plan's partners (question 668) and the projects they lead.

Regions are those of the offices; None means Flanders-wide (or federal). The
leads follow answer 3 of the question: the large ESF projects in Antwerp with
the OCMW as director and in Ghent with the city, AMIF 339 @level2work under
the service itself; a local project is led by a partner of its own region.
"""

from __future__ import annotations

# (code, name, kind, region or None)
PARTNERS = [
    # The integration agency (its central office and its regional offices) and the two city agencies.
    ("agii", "Agentschap Integratie en Inburgering", "integration_agency", None),
    ("agii-antwerpen", "Agentschap Integratie en Inburgering, regio Antwerpen", "integration_agency", "antwerpen"),
    ("agii-limburg", "Agentschap Integratie en Inburgering, regio Limburg", "integration_agency", "limburg"),
    ("agii-oost-vlaanderen", "Agentschap Integratie en Inburgering, regio Oost-Vlaanderen", "integration_agency",
     "oost-vlaanderen"),
    ("agii-vlaams-brabant", "Agentschap Integratie en Inburgering, regio Vlaams-Brabant", "integration_agency",
     "vlaams-brabant"),
    ("agii-west-vlaanderen", "Agentschap Integratie en Inburgering, regio West-Vlaanderen", "integration_agency",
     "west-vlaanderen"),
    ("agii-brussel", "Agentschap Integratie en Inburgering, Brussel", "integration_agency", "brussel"),
    ("atlas", "Atlas, integratie & inburgering Antwerpen", "integration_agency", "antwerpen"),
    ("in-gent", "In-Gent", "integration_agency", "oost-vlaanderen"),
    # Reception: the federal agency, a reception network, and local reception initiatives (run by OCMWs).
    ("fedasil", "Fedasil", "reception_agency", None),
    ("rode-kruis-opvang", "Rode Kruis-Vlaanderen, opvangcentra", "reception_agency", None),
    ("loi-antwerpen", "Lokaal opvanginitiatief Antwerpen", "reception_agency", "antwerpen"),
    ("loi-mechelen", "Lokaal opvanginitiatief Mechelen", "reception_agency", "antwerpen"),
    ("loi-gent", "Lokaal opvanginitiatief Gent", "reception_agency", "oost-vlaanderen"),
    ("loi-aalst", "Lokaal opvanginitiatief Aalst", "reception_agency", "oost-vlaanderen"),
    ("loi-leuven", "Lokaal opvanginitiatief Leuven", "reception_agency", "vlaams-brabant"),
    ("loi-hasselt", "Lokaal opvanginitiatief Hasselt", "reception_agency", "limburg"),
    ("loi-brugge", "Lokaal opvanginitiatief Brugge", "reception_agency", "west-vlaanderen"),
    ("loi-kortrijk", "Lokaal opvanginitiatief Kortrijk", "reception_agency", "west-vlaanderen"),
    # Local authorities: the association of cities and municipalities, cities, and some OCMWs.
    ("vvsg", "VVSG, Vereniging van Vlaamse Steden en Gemeenten", "local_authority", None),
    ("ocmw-antwerpen", "OCMW Antwerpen", "local_authority", "antwerpen"),
    ("stad-antwerpen", "Stad Antwerpen", "local_authority", "antwerpen"),
    ("stad-mechelen", "Stad Mechelen", "local_authority", "antwerpen"),
    ("ocmw-turnhout", "OCMW Turnhout", "local_authority", "antwerpen"),
    ("stad-gent", "Stad Gent", "local_authority", "oost-vlaanderen"),
    ("ocmw-gent", "OCMW Gent", "local_authority", "oost-vlaanderen"),
    ("stad-sint-niklaas", "Stad Sint-Niklaas", "local_authority", "oost-vlaanderen"),
    ("ocmw-aalst", "OCMW Aalst", "local_authority", "oost-vlaanderen"),
    ("stad-leuven", "Stad Leuven", "local_authority", "vlaams-brabant"),
    ("ocmw-vilvoorde", "OCMW Vilvoorde", "local_authority", "vlaams-brabant"),
    ("stad-genk", "Stad Genk", "local_authority", "limburg"),
    ("ocmw-hasselt", "OCMW Hasselt", "local_authority", "limburg"),
    ("stad-brugge", "Stad Brugge", "local_authority", "west-vlaanderen"),
    ("ocmw-oostende", "OCMW Oostende", "local_authority", "west-vlaanderen"),
    ("stad-kortrijk", "Stad Kortrijk", "local_authority", "west-vlaanderen"),
    ("vgc", "Vlaamse Gemeenschapscommissie", "local_authority", "brussel"),
    # Education: adult education centres (CVO), reception classes for newcomers (OKAN), Houses of Dutch.
    ("cvo-antwerpen", "CVO Antwerpen", "education", "antwerpen"),
    ("cvo-mechelen", "CVO Mechelen", "education", "antwerpen"),
    ("cvo-gent", "CVO Gent", "education", "oost-vlaanderen"),
    ("cvo-leuven", "CVO Leuven-Landen", "education", "vlaams-brabant"),
    ("cvo-limburg", "CVO Limburg", "education", "limburg"),
    ("cvo-brugge", "CVO Brugge", "education", "west-vlaanderen"),
    ("cvo-brussel", "CVO Brussel", "education", "brussel"),
    ("okan-antwerpen", "OKAN Antwerpen", "education", "antwerpen"),
    ("okan-gent", "OKAN Gent", "education", "oost-vlaanderen"),
    ("okan-leuven", "OKAN Leuven", "education", "vlaams-brabant"),
    ("okan-genk", "OKAN Genk", "education", "limburg"),
    ("okan-brussel", "OKAN Brussel", "education", "brussel"),
    ("huis-nl-antwerpen", "Huis van het Nederlands Antwerpen", "education", "antwerpen"),
    ("huis-nl-brussel", "Huis van het Nederlands Brussel", "education", "brussel"),
    # Social economy.
    ("maatwerk-antwerpen", "Maatwerkbedrijf Antwerpen", "social_economy", "antwerpen"),
    ("maatwerk-gent", "Maatwerkbedrijf Gent", "social_economy", "oost-vlaanderen"),
    ("maatwerk-limburg", "Maatwerkbedrijf Limburg", "social_economy", "limburg"),
    ("maatwerk-west-vlaanderen", "Maatwerkbedrijf West-Vlaanderen", "social_economy", "west-vlaanderen"),
    ("maatwerk-vlaams-brabant", "Maatwerkbedrijf Vlaams-Brabant", "social_economy", "vlaams-brabant"),
    # Employer organisations (answer 4b: the VBO task force).
    ("vbo-taskforce", "VBO-taskforce vluchtelingen", "employer_organisation", None),
    ("unizo", "Unizo", "employer_organisation", None),
    ("voka-antwerpen", "Voka Antwerpen-Waasland", "employer_organisation", "antwerpen"),
    ("voka-oost-vlaanderen", "Voka Oost-Vlaanderen", "employer_organisation", "oost-vlaanderen"),
    ("voka-west-vlaanderen", "Voka West-Vlaanderen", "employer_organisation", "west-vlaanderen"),
    ("voka-limburg", "Voka Limburg", "employer_organisation", "limburg"),
    ("voka-vlaams-brabant", "Voka Vlaams-Brabant", "employer_organisation", "vlaams-brabant"),
    # Training providers (answer 1: monitoring of the trainings at or through Spoor 21).
    ("spoor21", "Spoor 21", "training_provider", None),
    ("syntra-antwerpen", "Syntra Antwerpen en Vlaams-Brabant", "training_provider", "antwerpen"),
    ("syntra-midden-vlaanderen", "Syntra Midden-Vlaanderen", "training_provider", "oost-vlaanderen"),
    ("syntra-west", "Syntra West", "training_provider", "west-vlaanderen"),
    ("syntra-limburg", "Syntra Limburg", "training_provider", "limburg"),
    ("syntra-brussel", "Syntra Brussel", "training_provider", "brussel"),
    # Others: mentoring, refugee and minority organisations, community work.
    ("duo-for-a-job", "Duo for a Job", "other", None),
    ("vluchtelingenwerk", "Vluchtelingenwerk Vlaanderen", "other", None),
    ("minderhedenforum", "Minderhedenforum", "other", None),
    ("samenlevingsopbouw-antwerpen", "Samenlevingsopbouw Antwerpen stad", "other", "antwerpen"),
    ("samenlevingsopbouw-gent", "Samenlevingsopbouw Gent", "other", "oost-vlaanderen"),
    ("buurtwerk-brussel", "Buurtwerk Brussel", "other", "brussel"),
]  # fmt: skip

# (code, name, funding, lead partner or None for the service itself, region or None)
PROJECTS = [
    ("esf-antwerpen-nieuwkomers", "ESF Nieuwkomers aan het werk Antwerpen", "esf", "ocmw-antwerpen", "antwerpen"),
    ("esf-gent-nieuwkomers", "ESF Gentse nieuwkomers aan het werk", "esf", "stad-gent", "oost-vlaanderen"),
    ("amif-level2work", "AMIF 339 @level2work", "amif", None, None),
    ("esf-taal-werk", "ESF Taal op de werkvloer", "esf", None, None),
    ("esf-duo-for-a-job", "Duo for a Job", "esf", "duo-for-a-job", None),
    ("esf-mentoring-limburg", "Mentoring naar werk Limburg", "esf", "agii-limburg", "limburg"),
    ("amif-nbmv", "AMIF Jongeren NBMV naar werk", "amif", "agii-vlaams-brabant", "vlaams-brabant"),
    ("amif-vrouwen-gent", "AMIF Vrouwen aan het werk Gent", "amif", "in-gent", "oost-vlaanderen"),
    ("reg-antwerpen-werkt", "Antwerpen werkt", "regional", "stad-antwerpen", "antwerpen"),
    ("reg-brussel-nl", "Nederlands op de werkvloer Brussel", "regional", "huis-nl-brussel", "brussel"),
    ("reg-limburg-nieuwkomers", "Limburgse nieuwkomers aan de slag", "regional", "voka-limburg", "limburg"),
    ("reg-kust-horeca", "Horeca aan de kust", "regional", "ocmw-oostende", "west-vlaanderen"),
    ("reg-leuven-talent", "Leuvens talent", "regional", "stad-leuven", "vlaams-brabant"),
    ("reg-mechelen-jobs", "Jobs in Mechelen", "regional", "stad-mechelen", "antwerpen"),
    ("reg-kortrijk-industrie", "Industrie Zuid-West-Vlaanderen", "regional", "voka-west-vlaanderen", "west-vlaanderen"),
    ("oth-zelfstandig", "Nieuwkomers als ondernemer", "other", "unizo", None),
    ("oth-diploma", "Diploma's erkend", "other", None, None),
    ("oth-tolken", "Sociaal tolken en vertalen", "other", "agii", None),
]  # fmt: skip

PARTNER_REGION = {code: region for code, _name, _kind, region in PARTNERS}


def partners_for(region: str | None) -> list[str]:
    """The partners that can work on a project of `region`: those of the region and the Flanders-wide ones."""
    return [code for code, _n, _k, where in PARTNERS if where is None or region is None or where == region]

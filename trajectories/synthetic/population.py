"""Who the job seekers are and what happens to them: the distributions phase 2 draws from."""

from __future__ import annotations

import datetime

# Nationality -> weight, among the job seekers who came through asylum and among the others
# (`history` says how many of each came in a year).
ASYLUM_NATIONALITIES = [("SY", 14), ("AF", 10), ("ER", 6), ("IQ", 6), ("SO", 4), ("XX", 2), (None, 4)]
OTHER_NATIONALITIES = [("MA", 10), ("TR", 7), ("CD", 5), ("RO", 6), ("PL", 5), ("BE", 14), ("NL", 3), (None, 4)]
EU = {"RO", "PL", "NL"}

MOTHER_TONGUES = {
    "SY": [("ar", 85), ("ku", 15)],
    "AF": [("prs", 55), ("ps", 40), ("fa", 5)],
    "ER": [("ti", 90), ("ar", 10)],
    "MA": [("ar", 60), ("zgh", 30), ("fr", 10)],
    "TR": [("tr", 80), ("ku", 20)],
    "IQ": [("ar", 70), ("ku", 30)],
    "SO": [("so", 100)],
    "CD": [("fr", 45), ("ln", 40), ("sw", 15)],
    "RO": [("ro", 95), ("hu", 5)],
    "PL": [("pl", 100)],
    "BE": [("ar", 30), ("tr", 20), ("fr", 15), ("nl", 25), ("zgh", 10)],
    "NL": [("nl", 80), ("ar", 10), ("tr", 10)],
    "XX": [("ar", 100)],
    None: [("ar", 25), ("en", 15), ("es", 10), ("ru", 15), ("am", 10), ("uk", 10), (None, 15)],
}

# Where Belgians of the job seekers were born (nationality at birth).
BELGIAN_ORIGINS = [("MA", 35), ("TR", 25), ("CD", 15), ("BE", 25)]

FIRST_NAMES = {
    "ar": (["Mohammed", "Ahmad", "Omar", "Khaled", "Youssef", "Hassan", "Ali", "Karim", "Samir", "Bilal"],
           ["Fatima", "Aya", "Mariam", "Nour", "Huda", "Layla", "Amina", "Rania", "Salma", "Yasmin"]),
    "prs": (["Ahmad", "Mohammad", "Farid", "Habib", "Jawad", "Mustafa", "Nasir", "Rahim", "Wahid", "Zaki"],
            ["Fereshta", "Mariam", "Nazanin", "Parisa", "Roya", "Shabnam", "Soraya", "Zahra", "Zarghona", "Laila"]),
    "ti": (["Yonas", "Berhane", "Dawit", "Filmon", "Haile", "Mehari", "Samuel", "Tesfay", "Robel", "Kidane"],
           ["Helen", "Senait", "Lidia", "Mebrat", "Saba", "Selam", "Tsega", "Winta", "Yordanos", "Ruth"]),
    "tr": (["Mehmet", "Mustafa", "Emre", "Burak", "Hakan", "Murat", "Kemal", "Yusuf", "Can", "Orhan"],
           ["Ayse", "Elif", "Fatma", "Zeynep", "Emine", "Hatice", "Merve", "Selin", "Esra", "Derya"]),
    "so": (["Abdi", "Abdirahman", "Ahmed", "Farah", "Hassan", "Mahad", "Omar", "Said", "Yusuf", "Liban"],
           ["Asha", "Faduma", "Hodan", "Ifrah", "Khadra", "Nimco", "Sahra", "Ubah", "Hawa", "Ayaan"]),
    "fr": (["Jean", "Patrick", "Didier", "Emmanuel", "Christian", "Olivier", "Serge", "Pascal", "Joseph", "Eric"],
           ["Marie", "Grace", "Esther", "Chantal", "Sarah", "Nadine", "Claudine", "Aline", "Josiane", "Anne"]),
    "ro": (["Andrei", "Ion", "Mihai", "Florin", "Gabriel", "Adrian", "Cristian", "Marius", "Vasile", "Ionut"],
           ["Maria", "Elena", "Ioana", "Andreea", "Mihaela", "Ana", "Cristina", "Gabriela", "Alina", "Roxana"]),
    "pl": (["Piotr", "Krzysztof", "Tomasz", "Pawel", "Marcin", "Michal", "Jakub", "Adam", "Lukasz", "Marek"],
           ["Anna", "Katarzyna", "Magdalena", "Agnieszka", "Joanna", "Ewa", "Monika", "Marta", "Beata", "Zofia"]),
    "nl": (["Jan", "Pieter", "Thomas", "Lucas", "Wout", "Bram", "Sven", "Tom", "Koen", "Joris"],
           ["Emma", "Sofie", "Lotte", "Anke", "Eva", "Lisa", "Julie", "Sarah", "Marieke", "Femke"]),
    "other": (["Daniel", "David", "Alex", "Ivan", "Carlos", "Dmytro", "Sergei", "Abel", "Luis", "Andriy"],
              ["Olga", "Natalia", "Maria", "Iryna", "Lucia", "Tigist", "Ana", "Olena", "Svetlana", "Carmen"]),
}  # fmt: skip
NAME_GROUP = {"ku": "ar", "zgh": "ar", "ps": "prs", "fa": "prs", "ln": "fr", "sw": "fr", "hu": "ro"}

LAST_NAMES = {
    "ar": ["Al-Ahmad", "Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "El Amrani", "Benali", "Bouzid", "Ziani",
           "Hamdan", "Darwish", "Yassin", "Aziz", "El Idrissi", "Ouali", "Charef", "Kassem", "Barakat", "Jaber"],
    "prs": ["Ahmadi", "Hakimi", "Karimi", "Nazari", "Rahimi", "Sadiqi", "Wardak", "Popal", "Sultani", "Amiri"],
    "ti": ["Tesfamariam", "Ghebremedhin", "Habte", "Kidane", "Mehari", "Tekle", "Woldu", "Yohannes", "Berhe", "Asfaha"],
    "tr": ["Yilmaz", "Kaya", "Demir", "Sahin", "Celik", "Yildiz", "Ozturk", "Aydin", "Arslan", "Dogan"],
    "so": ["Mohamed", "Ali", "Hussein", "Abdullahi", "Warsame", "Jama", "Farah", "Osman", "Aden", "Hirsi"],
    "fr": ["Mbuyi", "Kabongo", "Tshibangu", "Mukendi", "Ilunga", "Kalala", "Lukusa", "Mutombo", "Nsimba", "Lumbala"],
    "ro": ["Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Stoica", "Gheorghe", "Rusu", "Munteanu", "Matei"],
    "pl": ["Nowak", "Kowalski", "Wisniewski", "Wojcik", "Kowalczyk", "Kaminski", "Lewandowski", "Zielinski"],
    "nl": ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet"],
    "other": ["Petrenko", "Ivanova", "Garcia", "Kovalenko", "Tesfaye", "Lopez", "Shevchenko", "Morozov"],
    "BE": ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet",
           "Dubois", "Lambert", "Vermeulen", "Van den Broeck", "Hermans", "Desmet", "Pauwels", "Verstraeten"],
}  # fmt: skip

GENDERS = [("m", 57), ("f", 41), ("x", 1), (None, 1)]
# Registration channels of the people no partner referred (`history` says how many were referred).
CHANNELS = [("online", 38), ("office", 34), ("service_line", 10), (None, 3)]
DUTCH_LEVELS = ["none", "a1", "a2", "b1", "b2", "c1", "c2"]
STATUS_SOURCES = ("manual", "national_register")
# The national-register authorisation (answer 2 of question 668, summer 2017): statuses come from the
# register only for periods starting from its operation in autumn 2017; earlier ones were typed by hand.
AUTHORISED = datetime.date(2017, 10, 1)

TRAJECTORY_TYPES = ("fast_mediation", "integrated", "combined", "linear")
# Linear trajectories (language first) take longest, fast mediation shortest.
TYPE_PACE = {"fast_mediation": 0.7, "integrated": 1.0, "combined": 1.05, "linear": 1.35}
OTHER_OUTFLOWS = [("education", 5), ("moved", 4), ("not_available", 4), ("unknown", 2)]

# Months to an outflow to work: a piecewise-linear distribution function (months, share), calibrated
# with the fates below so that about 45 % of an intake cohort is at work within 24 months and about
# 72 % within 36 months (the plan's figures; tests/synthetic checks them).
WORK_MONTHS = [(0.0, 0.0), (3.0, 0.02), (6.0, 0.08), (12.0, 0.24), (18.0, 0.38), (24.0, 0.52), (30.0, 0.74),
               (36.0, 0.94), (48.0, 0.99), (60.0, 1.0)]  # fmt: skip
P_WORK, P_SELF, P_OTHER = 0.785, 0.025, 0.14  # the rest (5 %) stays in trajectory

# Action types: (code, category, base weight, days (min, max))
ACTION_TYPES = [
    ("career_orientation", "orientation", 6, (7, 60)),
    ("dutch_course", "language", 13, (60, 240)),
    ("integrated_language_trajectory", "language", 5, (90, 300)),
    ("vocational_training", "vocational_training", 8, (60, 365)),
    ("training_internship", "workplace_learning", 3, (20, 120)),
    ("exploratory_internship", "workplace_learning", 2, (5, 30)),
    ("ibo", "workplace_learning", 3, (28, 182)),
    ("bio", "workplace_learning", 1, (30, 180)),
    ("activation_internship", "workplace_learning", 1.5, (30, 120)),
    ("work_experience_internship", "workplace_learning", 1.5, (90, 365)),
    ("mentoring", "mentoring", 5, (90, 365)),
    ("job_hunting", "mediation", 12, (14, 120)),
    ("job_date", "mediation", 5, (0, 0)),
    ("application_training", "mediation", 7, (3, 30)),
    ("competence_strengthening", "competence", 2, (14, 120)),
    ("social_orientation", "social", 6, (30, 90)),
    ("diploma_recognition", "recognition", 3, (30, 180)),
    ("self_employment_guidance", "self_employment", 1, (30, 180)),
    ("interpreting", "support", 4, (0, 0)),
]
# Which partner kinds provide which categories (None: the employment service itself).
PROVIDERS = {
    "orientation": [(None, 6), ("local_authority", 2), ("integration_agency", 2)],
    "language": [("education", 7), ("integration_agency", 3)],
    "vocational_training": [("training_provider", 5), ("education", 3), ("social_economy", 2)],
    "workplace_learning": [(None, 1)],
    "mentoring": [("integration_agency", 4), ("other", 3), ("employer_organisation", 3)],
    "mediation": [(None, 7), ("local_authority", 2), ("employer_organisation", 1)],
    "competence": [("training_provider", 6), ("education", 4)],
    "social": [("integration_agency", 8), ("reception_agency", 2)],
    "recognition": [(None, 5), ("integration_agency", 5)],
    "self_employment": [("other", 5), ("training_provider", 5)],
    "support": [("integration_agency", 7), ("reception_agency", 3)],
}

"""The competence catalogue present after `migrate`.

Codes are IDW's own; the Dutch and English names follow the wording of the
Flemish competence frameworks. ESCO URIs are left empty rather than guessed:
the catalogue can be linked to ESCO in the admin.
"""

from django.db import migrations

COMPETENCES = [
    ("dutch_oral", "Mondeling Nederlands op de werkvloer", "Spoken Dutch at work"),
    ("dutch_written", "Schriftelijk Nederlands", "Written Dutch"),
    (
        "dutch_safety_instructions",
        "Veiligheidsinstructies in het Nederlands begrijpen",
        "Understand safety instructions in Dutch",
    ),
    ("work_punctuality", "Stipt op tijd komen", "Punctuality"),
    ("work_reliability", "Betrouwbaarheid", "Reliability"),
    ("work_initiative", "Initiatief nemen", "Taking initiative"),
    ("work_independence", "Zelfstandig werken", "Working independently"),
    ("teamwork", "Samenwerken in een team", "Teamwork"),
    ("customer_orientation", "Klantgerichtheid", "Customer orientation"),
    ("follow_instructions", "Instructies opvolgen", "Following instructions"),
    ("flexibility", "Flexibiliteit", "Flexibility"),
    ("stress_resistance", "Stressbestendigheid", "Stress resistance"),
    ("accuracy", "Nauwkeurigheid", "Accuracy"),
    ("quality_awareness", "Kwaliteitsbewust werken", "Quality awareness"),
    ("safety_awareness", "Veiligheidsbewust werken", "Safety awareness"),
    ("hygiene", "Hygiënisch werken", "Working hygienically"),
    ("planning", "Eigen werk plannen en organiseren", "Planning and organising own work"),
    ("problem_solving", "Problemen oplossen", "Problem solving"),
    ("learning_ability", "Leervermogen", "Ability to learn"),
    ("digital_basic", "Digitale basisvaardigheden", "Basic digital skills"),
    ("office_software", "Kantoorsoftware gebruiken", "Using office software"),
    ("numeracy", "Rekenvaardigheid", "Numeracy"),
    ("physical_stamina", "Fysiek uithoudingsvermogen", "Physical stamina"),
    ("manual_dexterity", "Handvaardigheid", "Manual dexterity"),
    ("forklift_operation", "Heftruck besturen", "Operating a forklift"),
    ("order_picking", "Orders verzamelen", "Order picking"),
    ("stock_management", "Voorraadbeheer", "Stock management"),
    ("machine_operation", "Machines bedienen", "Operating machines"),
    ("technical_drawing", "Technische tekeningen lezen", "Reading technical drawings"),
    ("welding", "Lassen", "Welding"),
    ("electrical_installation", "Elektrische installaties plaatsen", "Installing electrical systems"),
    ("plumbing", "Sanitaire installaties plaatsen", "Installing plumbing"),
    ("masonry", "Metselen", "Masonry"),
    ("cleaning_techniques", "Schoonmaaktechnieken toepassen", "Applying cleaning techniques"),
    ("food_preparation", "Voedsel bereiden", "Preparing food"),
    ("table_service", "Bediening aan tafel", "Table service"),
    ("cash_handling", "Kassa bedienen", "Operating a till"),
    ("shelf_stocking", "Rekken aanvullen", "Stocking shelves"),
    ("personal_care", "Persoonsverzorging", "Personal care"),
    ("patient_communication", "Communiceren met patiënten en bewoners", "Communicating with patients and residents"),
    ("childcare", "Kinderen begeleiden", "Looking after children"),
    ("driving_licence_b", "Rijbewijs B gebruiken in het werk", "Driving (licence B) at work"),
    ("route_planning", "Routes plannen", "Planning routes"),
    ("customer_complaints", "Klachten van klanten behandelen", "Handling customer complaints"),
    ("workplace_culture", "Omgaan met de Belgische werkcultuur", "Dealing with Belgian workplace culture"),
]


def load(apps, schema_editor):
    Competence = apps.get_model("employers", "Competence")
    for code, nl, en in COMPETENCES:
        Competence.objects.update_or_create(code=code, defaults={"name_nl": nl, "name_en": en})


class Migration(migrations.Migration):
    dependencies = [("employers", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

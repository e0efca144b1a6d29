"""Reference data present after `migrate`: regions and the action-type catalogue."""

from django.db import migrations

REGIONS = [
    ("antwerpen", "Antwerpen", "Antwerp"),
    ("limburg", "Limburg", "Limburg"),
    ("oost-vlaanderen", "Oost-Vlaanderen", "East Flanders"),
    ("vlaams-brabant", "Vlaams-Brabant", "Flemish Brabant"),
    ("west-vlaanderen", "West-Vlaanderen", "West Flanders"),
    ("brussel", "Brussel", "Brussels"),
]

ACTION_TYPES = [
    ("career_orientation", "orientation", "Loopbaanoriëntatie", "Career orientation"),
    ("dutch_course", "language", "Nederlands als tweede taal (NT2)", "Dutch as a second language"),
    ("integrated_language_trajectory", "language", "Geïntegreerd taaltraject", "Integrated language trajectory"),
    ("vocational_training", "vocational_training", "Beroepsopleiding", "Vocational training"),
    ("training_internship", "workplace_learning", "Opleidingsstage", "Training internship"),
    ("exploratory_internship", "workplace_learning", "Beroepsverkennende stage", "Exploratory internship"),
    ("ibo", "workplace_learning", "Individuele beroepsopleiding (IBO)", "Individual vocational training (IBO)"),
    ("bio", "workplace_learning", "Beroepsinlevingsovereenkomst (BIO)", "Work-immersion agreement (BIO)"),
    ("activation_internship", "workplace_learning", "Activeringsstage", "Activation internship"),
    ("work_experience_internship", "workplace_learning", "Werkervaringsstage", "Work-experience internship"),
    ("mentoring", "mentoring", "Mentoring", "Mentoring"),
    ("job_hunting", "mediation", "Jobhunting", "Job hunting"),
    ("job_date", "mediation", "Jobdate", "Job date"),
    ("application_training", "mediation", "Sollicitatietraining", "Application training"),
    ("competence_strengthening", "competence", "Competentieversterking", "Competence strengthening"),
    ("social_orientation", "social", "Maatschappelijke oriëntatie", "Social orientation"),
    ("diploma_recognition", "recognition", "Diplomagelijkwaardigheid", "Diploma recognition"),
    (
        "self_employment_guidance",
        "self_employment",
        "Begeleiding naar zelfstandig ondernemerschap",
        "Self-employment guidance",
    ),
    ("interpreting", "support", "Tolken", "Interpreting"),
]


def load(apps, schema_editor):
    Region = apps.get_model("trajectories", "Region")
    ActionType = apps.get_model("trajectories", "ActionType")
    for code, nl, en in REGIONS:
        Region.objects.update_or_create(code=code, defaults={"name_nl": nl, "name_en": en})
    for code, category, nl, en in ACTION_TYPES:
        ActionType.objects.update_or_create(code=code, defaults={"category": category, "name_nl": nl, "name_en": en})


class Migration(migrations.Migration):
    dependencies = [("trajectories", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

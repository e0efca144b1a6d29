from django.urls import path

from . import views

urlpatterns = [
    path("employment-spells/", views.EmploymentSpellImportView.as_view(), name="import-employment-spells"),
]

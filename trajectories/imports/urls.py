from django.urls import path

from . import views

urlpatterns = [
    path("employment-spells/", views.EmploymentSpellImportView.as_view(), name="import-employment-spells"),
    path("residence-statuses/", views.ResidenceStatusImportView.as_view(), name="import-residence-statuses"),
]

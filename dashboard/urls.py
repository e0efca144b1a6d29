from django.urls import path, re_path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.overview, name="overview"),
    # Codes contain dots (td1.1.duration): the pattern takes anything but a slash.
    re_path(r"^indicators/(?P<code>[^/]+)/$", views.indicator, name="indicator"),
    path("cohorts/", views.cohorts, name="cohorts"),
    path("partners/", views.partners, name="partners"),
    path("runs/", views.run_start, name="run-start"),
]

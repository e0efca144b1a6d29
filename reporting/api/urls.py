from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("reporting/indicators", views.IndicatorViewSet, basename="indicator")
router.register("reporting/runs", views.RunViewSet, basename="indicator-run")
router.register("tool-usage", views.ToolUsageViewSet, basename="tool-usage")
router.register("perception-surveys", views.PerceptionSurveyViewSet, basename="perception-survey")
router.register("mediator-trainings", views.MediatorTrainingViewSet, basename="mediator-training")

urlpatterns = [
    # Codes contain dots (td1.1.duration): the pattern takes anything but a slash.
    re_path(
        r"^reporting/indicators/(?P<code>[^/]+)/values/$", views.IndicatorValuesView.as_view(), name="indicator-values"
    ),
    path("reporting/lexicon/", views.LexiconView.as_view(), name="lexicon"),
    path("reporting/objectives/", views.ObjectivesView.as_view(), name="objectives"),
    *router.urls,
]

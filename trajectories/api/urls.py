from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("offices", views.OfficeViewSet)
router.register("action-types", views.ActionTypeViewSet)
router.register("jobseekers", views.JobSeekerViewSet)
router.register("trajectories", views.TrajectoryViewSet)
router.register("actions", views.ActionViewSet)
router.register("barriers", views.BarrierViewSet)
router.register("case-notes", views.CaseNoteViewSet)

urlpatterns = [*router.urls, path("imports/", include("trajectories.imports.urls"))]

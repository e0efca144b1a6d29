from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("competences", views.CompetenceViewSet)
router.register("employers", views.EmployerViewSet)
router.register("screenings", views.ScreeningViewSet)
router.register("complaints", views.ComplaintViewSet)
router.register("vacancy-checks", views.VacancyCheckViewSet)
router.register("campaigns", views.CampaignViewSet)

urlpatterns = [
    path("jobseekers/<int:pk>/competences/", views.CompetenceProfileView.as_view(), name="jobseeker-competences"),
    *router.urls,
]

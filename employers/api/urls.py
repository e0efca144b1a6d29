from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("competences", views.CompetenceViewSet)
router.register("employers", views.EmployerViewSet)

urlpatterns = router.urls

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("partners", views.PartnerViewSet)
router.register("projects", views.ProjectViewSet)
router.register("agreements", views.AgreementViewSet)
router.register("referrals", views.ReferralViewSet)

urlpatterns = router.urls

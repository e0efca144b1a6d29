from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("partners", views.PartnerViewSet)
router.register("projects", views.ProjectViewSet)
router.register("agreements", views.AgreementViewSet)
router.register("referrals", views.ReferralViewSet)
router.register("webhooks", views.WebhookViewSet)
router.register("webhook-deliveries", views.WebhookDeliveryViewSet)

urlpatterns = router.urls

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter(trailing_slash=True)
router.register("read-audit", api.ReadAccessViewSet)

urlpatterns = router.urls

from rest_framework.routers import SimpleRouter

from klachten.api.views import KlachtViewSet

router = SimpleRouter()
router.register("klachten", KlachtViewSet, basename="klacht")

urlpatterns = router.urls

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from liaison.api import views
from meetings.api.views import MeetingViewSet

router = DefaultRouter()
router.register("regions", views.RegionViewSet)
router.register("sectors", views.SectorViewSet)
router.register("organisations", views.OrganisationViewSet)
router.register("people", views.PersonViewSet, basename="person")
router.register("partnerships", views.PartnershipViewSet)
router.register("mechanisms", views.MechanismViewSet)
router.register("associations", views.AssociationViewSet)
router.register("memberships", views.MembershipViewSet)
router.register("meetings", MeetingViewSet, basename="meeting")

urlpatterns = [
    path("auth/token/", views.obtain_token, name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]

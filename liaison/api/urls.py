from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from agreements.api.views import (
    AgreementImportViewSet,
    AgreementViewSet,
    ProgressReportViewSet,
    SigningUnitViewSet,
)
from liaison.api import views
from liaison.api.channels import ChannelViewSet, NoticeViewSet
from meetings.api.minutes import (
    DecisionViewSet,
    FollowUpViewSet,
    MinutesVersionViewSet,
    MinutesViewSet,
)
from meetings.api.views import (
    AgendaItemViewSet,
    InvitationViewSet,
    MechanismViewSet,
    MeetingViewSet,
)
from reports.api import GeneratedReportViewSet


class Router(DefaultRouter):
    """Objects are addressed by their numeric id: anything else in its place matches no URL (404)
    before a view could try it as an id."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or getattr(
            viewset, "lookup_field", "pk"
        )
        value = getattr(viewset, "lookup_value_regex", "[0-9]+")
        return f"(?P<{lookup_prefix}{lookup_url_kwarg}>{value})"


# URL names start with "api-": the pages own "meeting-list", "organisation-detail" and the like.
router = Router()
router.register("regions", views.RegionViewSet, basename="api-region")
router.register("sectors", views.SectorViewSet, basename="api-sector")
router.register("organisations", views.OrganisationViewSet, basename="api-organisation")
router.register("people", views.PersonViewSet, basename="api-person")
router.register("partnerships", views.PartnershipViewSet, basename="api-partnership")
# The meetings app adds scheduling the next meeting to the mechanisms endpoint.
router.register("mechanisms", MechanismViewSet, basename="api-mechanism")
router.register("associations", views.AssociationViewSet, basename="api-association")
router.register("memberships", views.MembershipViewSet, basename="api-membership")
router.register("meetings", MeetingViewSet, basename="api-meeting")
router.register("invitations", InvitationViewSet, basename="api-invitation")
router.register("agenda-items", AgendaItemViewSet, basename="api-agenda-item")
router.register("minutes", MinutesViewSet, basename="api-minutes")
router.register("minutes-versions", MinutesVersionViewSet, basename="api-minutes-version")
router.register("decisions", DecisionViewSet, basename="api-decision")
router.register("follow-ups", FollowUpViewSet, basename="api-follow-up")
router.register("signing-units", SigningUnitViewSet, basename="api-signing-unit")
router.register("agreements", AgreementViewSet, basename="api-agreement")
router.register("agreement-imports", AgreementImportViewSet, basename="api-agreement-import")
router.register("progress-reports", ProgressReportViewSet, basename="api-progress-report")
router.register("reports", GeneratedReportViewSet, basename="api-report")
router.register("channels", ChannelViewSet, basename="api-channel")
router.register("notices", NoticeViewSet, basename="api-notice")

urlpatterns = [
    path("auth/token/", views.obtain_token, name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
    # Only addresses ending in "/": one without it is still redirected to it (APPEND_SLASH).
    re_path(r"^.*/$", views.not_found),
]

"""Pages of the partnership core: directory, organisation, association and sign-in, and the
role checks every app's pages use. The pages that read the meetings or the agreements (home,
partnership, dashboard, reports) are in ``reports.views``."""

import functools

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison import history, permissions
from liaison.forms import OrganisationSearchForm, SignInForm
from liaison.models import Association, Membership, Organisation, Person
from liaison.pages import paginate, query_without_page


def role_required(allowed):
    """A view decorator: signed in (anonymous users go to the login page) and
    ``allowed(user)`` (a predicate of ``liaison.permissions``), else 403."""

    def decorator(view):
        @login_required
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# Every role that reads the directory: the secretariat, officials and members.
directory_reader_required = role_required(permissions.can_read_directory)
# Officials and the secretariat (members get 403).
reader_of_all_required = role_required(permissions.can_read_all)


class SignInView(LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@require_POST
def sign_out(request):
    logout(request)
    messages.success(request, _("You have signed out."))
    return redirect("login")


@directory_reader_required
def organisation_list(request):
    form = OrganisationSearchForm(request.GET or None)
    organisations = (
        form.filter(Organisation.objects.for_directory())
        if request.GET
        else Organisation.objects.for_directory()
    )
    return render(
        request,
        "liaison/organisation_list.html",
        {
            "form": form,
            "page": paginate(request, organisations),
            "query": query_without_page(request),
        },
    )


@directory_reader_required
def organisation_detail(request, pk: int):
    organisation = get_object_or_404(Organisation.objects.for_directory(), pk=pk)
    people = Person.objects.visible_to(request.user).filter(organisation=organisation)
    memberships = organisation.memberships.select_related("association", "liaison")
    return render(
        request,
        "liaison/organisation_detail.html",
        {
            "organisation": organisation,
            "people": people,
            "memberships": memberships,
            "show_contacts": permissions.can_see_contact_details(request.user, organisation),
            "history": history.history_for(request.user, organisation),
        },
    )


MEMBERS_PER_PAGE = 50


@directory_reader_required
def association_detail(request, pk: int):
    """Every member of an association, by rank, a page at a time."""
    association = get_object_or_404(
        Association.objects.select_related("partnership").annotate(
            member_count=Count("memberships")
        ),
        pk=pk,
    )
    members = Membership.objects.with_related().filter(association=association).by_rank()
    page = paginate(request, members, per_page=MEMBERS_PER_PAGE)
    return render(
        request, "liaison/association_detail.html", {"association": association, "page": page}
    )

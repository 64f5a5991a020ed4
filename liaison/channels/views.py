"""The secretariat's channels page and every user's inbox (我的通知)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from liaison import permissions
from liaison.channels import services
from liaison.channels.forms import ChannelForm
from liaison.models import Channel
from liaison.pages import UNSET, call_on_form, paginate
from liaison.views import role_required

secretariat_required = role_required(permissions.is_secretariat)


@secretariat_required
def channel_list(request):
    channels = Channel.objects.select_related("partnership", "organisation", "person").order_by(
        "kind", "name", "pk"
    )
    return render(request, "liaison/channel_list.html", {"page": paginate(request, channels)})


@secretariat_required
def channel_edit(request, pk: int | None = None):
    channel = get_object_or_404(Channel, pk=pk) if pk else Channel()
    form = ChannelForm(request.POST or None, instance=channel)
    if request.method == "POST" and form.is_valid():
        saved = call_on_form(
            form,
            services.save_channel,
            form.instance,
            secret=form.new_secret(),
            actor=request.user,
        )
        if saved is not UNSET:
            messages.success(request, _("The channel “%(name)s” is saved.") % {"name": saved})
            return redirect("channel-list")
    return render(request, "liaison/channel_form.html", {"form": form, "channel": channel})


@login_required
def notice_list(request):
    notices = request.user.notices.order_by("-created_at", "-pk")
    return render(request, "liaison/notice_list.html", {"page": paginate(request, notices)})


@login_required
def notice_open(request, pk: int):
    """Open a notice: marked read, then on to what it is about."""
    notice = get_object_or_404(request.user.notices, pk=pk)
    url = services.open_notice(notice)
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return redirect(url)
    return redirect("notice-list")

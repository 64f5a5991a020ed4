"""Minutes PDFs in a bucket: rendered once, kept in the private bucket, read back from it by
every node and downloaded only by those who may read the minutes."""

import pytest
from django.urls import reverse

from meetings.tests.minutes_setup import PDF, published

pytestmark = pytest.mark.django_db


def test_published_minutes_pdf_is_kept_in_the_bucket_and_served_to_readers_only(
    bucket, setting, minutes, secretariat, member_a, member_b, client_for, fake_renderer
):
    version = published(minutes, setting, secretariat)
    url = reverse("minutes-version-pdf", args=[version.pk])

    first = client_for(member_a).get(url)  # enterprise A was invited

    version.refresh_from_db()
    assert first.status_code == 200 and first.content == PDF
    assert bucket.keys() == [version.pdf.name]
    assert bucket.read(version.pdf.name) == PDF
    assert client_for(secretariat).get(url).content == PDF
    assert len(fake_renderer) == 1  # the second download was read from the bucket
    assert client_for(member_b).get(url).status_code == 404  # enterprise B was not

"""A unified social credit code typed as people type it (full-width from an input method,
spaces between groups, lower case) is taken in its canonical form, through every door; a
wrong one gets one message, not two."""

import pytest
from django.core.exceptions import ValidationError

from liaison import services
from liaison.models import Organisation
from liaison.validators import normalise_credit_code

pytestmark = pytest.mark.django_db

CODE = "91350100M000100Y43"
AS_TYPED = [
    "９１３５０１００Ｍ０００１００Ｙ４３",  # full-width, from a Chinese input method
    "9135 0100 M000 100Y 43",
    "91350100m000100y43",
    "\u30009135０１００ m000 100Y43\u3000",  # full-width spaces around, mixed widths
]
TOO_LONG = "９１３５０１００Ｍ０００１００Ｙ４３１２３"  # 21 characters once made canonical


@pytest.mark.parametrize("typed", AS_TYPED)
def test_normalise_credit_code_gives_the_canonical_code(typed):
    assert normalise_credit_code(typed) == CODE


@pytest.mark.parametrize("typed", AS_TYPED)
def test_organisation_full_clean_keeps_the_canonical_code(typed):
    organisation = Organisation(name="福建测试有限公司", kind="enterprise", credit_code=typed)

    organisation.full_clean()

    assert organisation.credit_code == CODE


def test_organisation_too_long_code_has_one_message_with_its_length():
    organisation = Organisation(name="福建测试有限公司", kind="enterprise", credit_code=TOO_LONG)

    with pytest.raises(ValidationError) as caught:
        organisation.full_clean()

    messages = caught.value.message_dict["credit_code"]
    assert len(messages) == 1
    assert "21" in messages[0]


@pytest.mark.parametrize("typed", AS_TYPED)
def test_api_takes_the_code_as_typed(typed, api_for, secretariat):
    response = api_for(secretariat).post(
        "/api/v1/organisations/",
        {"name": "福建测试有限公司", "kind": "enterprise", "credit_code": typed},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["credit_code"] == CODE
    assert Organisation.objects.get(name="福建测试有限公司").credit_code == CODE


def test_api_too_long_code_has_one_message(api_for, secretariat):
    response = api_for(secretariat).post(
        "/api/v1/organisations/",
        {"name": "福建测试有限公司", "kind": "enterprise", "credit_code": TOO_LONG},
        format="json",
    )

    assert response.status_code == 400
    assert len(response.json()["errors"]["credit_code"]) == 1
    assert "21" in response.json()["errors"]["credit_code"][0]
    assert not Organisation.objects.filter(name="福建测试有限公司").exists()


def back_office_post(client, code, **fields):
    return client.post(
        "/admin/liaison/organisation/add/",
        {
            "name": "福建测试有限公司",
            "kind": "enterprise",
            "credit_code": code,
            **fields,
            "people-TOTAL_FORMS": "0",
            "people-INITIAL_FORMS": "0",
            "people-MIN_NUM_FORMS": "0",
            "people-MAX_NUM_FORMS": "1000",
            "_save": "1",
        },
    )


@pytest.mark.parametrize("typed", AS_TYPED[:2])
def test_back_office_form_takes_the_code_as_typed(typed, client_for, secretariat):
    client = client_for(secretariat)
    form_page = client.get("/admin/liaison/organisation/add/").content.decode()

    response = back_office_post(client, typed)

    assert 'maxlength="18"' not in form_page.split('name="credit_code"')[1].split(">")[0]
    assert response.status_code == 302
    assert Organisation.objects.get(name="福建测试有限公司").credit_code == CODE


def test_back_office_form_takes_a_website_typed_without_its_scheme_as_https(
    client_for, secretariat
):
    response = back_office_post(client_for(secretariat), CODE, website="www.fjtest.com.cn")

    assert response.status_code == 302
    saved = Organisation.objects.get(name="福建测试有限公司")
    assert saved.website == "https://www.fjtest.com.cn"


def test_back_office_form_too_long_code_has_one_message(client_for, secretariat):
    response = back_office_post(client_for(secretariat), TOO_LONG)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["credit_code"]
    assert len(errors) == 1 and "21" in errors[0]
    assert not Organisation.objects.filter(name="福建测试有限公司").exists()


def test_service_saves_the_canonical_code(secretariat):
    organisation = Organisation(name="福建测试有限公司", kind="enterprise", credit_code=AS_TYPED[0])

    services.save_object(organisation, actor=secretariat)

    organisation.refresh_from_db()
    assert organisation.credit_code == CODE

from django.core.management import call_command

from agreements.tests.factories import agreement_with_party
from liaison.tests.factories import MechanismFactory
from meetings.tests.factories import InvitationFactory


def test_openapi_schema_is_valid_and_has_no_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text(encoding="utf-8")
    for path in (
        "/api/v1/organisations/",
        "/api/v1/meetings/",
        "/api/v1/auth/token/",
        "/api/v1/mechanisms/{id}/occurrences/",
    ):
        assert path in schema


def test_sub_lists_and_blank_answer_channel_are_what_the_schema_says(
    api_for, secretariat, enterprise_a
):
    """The responses schemathesis would only meet by chance: the status changes of an
    agreement and a mechanism's occurrences are plain lists in the schema and in the answer,
    and an unanswered invitation's empty channel is among the documented values."""
    api = api_for(secretariat)
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    agreement = agreement_with_party(enterprise_a)
    mechanism = MechanismFactory()
    invitation = InvitationFactory(organisation=enterprise_a)

    def documented(path):
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]
        return content["application/json"]["schema"]

    assert documented("/api/v1/agreements/{id}/status-changes/")["type"] == "array"
    assert documented("/api/v1/mechanisms/{id}/occurrences/")["type"] == "array"
    assert isinstance(api.get(f"/api/v1/agreements/{agreement.pk}/status-changes/").json(), list)
    occurrences = api.get(f"/api/v1/mechanisms/{mechanism.pk}/occurrences/").json()
    assert isinstance(occurrences, list)
    answered_via = api.get(f"/api/v1/invitations/{invitation.pk}/").json()["answered_via"]
    assert answered_via == ""
    channel = schema["components"]["schemas"]["Invitation"]["properties"]["answered_via"]
    allowed = {
        value
        for option in channel.get("oneOf", [channel])
        for value in schema["components"]["schemas"][option["$ref"].rsplit("/", 1)[1]]["enum"]
    }
    assert "" in allowed
    assert "400" in schema["paths"]["/api/v1/meetings/"]["get"]["responses"]

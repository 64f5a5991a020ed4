from django.core.management import call_command


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

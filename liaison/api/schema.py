"""The published schema says what every operation may answer besides success: the one error
shape of ``liaison.api.conventions`` for invalid input (400), no or a wrong token (401), a
refusal (403), an unknown object or page (404) and, on sign-in, a lockout (429)."""

ERROR = {
    "type": "object",
    "description": "The API's one error shape.",
    "properties": {
        "detail": {"type": "string", "description": "A translated sentence."},
        "code": {"type": "string", "description": "A machine code, such as invalid or locked."},
        "errors": {
            "type": "object",
            "description": "For invalid input: the messages of each field (or non_field_errors).",
            "additionalProperties": {},
        },
    },
    "required": ["detail", "code"],
}
ERROR_ANSWERS = {
    "400": "The input is not valid.",
    "401": "Not signed in, or the token is wrong.",
    "403": "Not allowed for this user.",
    "404": "No such object, page or address.",
}
SIGN_IN_PATHS = {"/api/v1/auth/token/"}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: the error answers of every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            answers = dict(ERROR_ANSWERS)
            if path in SIGN_IN_PATHS:
                answers["429"] = "Too many failed sign-ins: locked for a while."
            for status, description in answers.items():
                responses.setdefault(status, {"description": description, "content": reference})
    return result

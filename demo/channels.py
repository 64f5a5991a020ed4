"""The demo's channels beside mail: the partnership's 企业微信 liaison group and SMS to two
member enterprises' liaison persons. The demo's settings (``scripts/demo_env.sh``) send them to
the development backends, which print what they would send: no robot or phone is reached."""

from __future__ import annotations

from liaison.models import Channel, Organisation, Partnership, Person

# Not a real robot's key: the development backend never posts it anywhere.
DEMO_ROBOT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=demo-not-a-real-key"


def seed_channels(seeder, partnership: Partnership, liaisons: dict[str, Person]) -> None:
    seeder.upsert(
        Channel,
        {"name": "湘吐合作联络群（企业微信）"},
        {
            "kind": Channel.Kind.WECOM,
            "target": DEMO_ROBOT,
            "audience": Channel.Audience.PARTNERSHIP,
            "partnership": partnership,
        },
    )
    members = [
        person
        for person in liaisons.values()
        if person.organisation.kind == Organisation.Kind.ENTERPRISE and person.phone
    ][:2]
    for person in members:
        seeder.upsert(
            Channel,
            {"name": f"{person.name}短信"},
            {
                "kind": Channel.Kind.SMS,
                "target": "",
                "audience": Channel.Audience.PERSON,
                "person": person,
            },
        )

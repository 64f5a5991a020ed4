"""The demo users: one per role, with a known password."""

from __future__ import annotations

from liaison.models import Person, User

DEFAULT_PASSWORD = "demo12345"

# --- Demo users -------------------------------------------------------------------------------

# (user name, role, full name, organisation, is_staff). The secretariat role opens the back
# office by itself (User.has_perm); is_staff keeps Django's own admin templates happy. A member
# user is its organisation's liaison person's account.
USERS = (
    ("secretariat", User.Role.SECRETARIAT, "秘书处（演示）", None, True),
    ("official", User.Role.OFFICIAL, "领导（演示）", None, False),
    ("member", User.Role.MEMBER, "易志鹏", "湖南兴盛优选电子商务有限公司", False),
    ("member2", User.Role.MEMBER, "谭雅琴", "湖南衡岳中药饮片有限公司", False),
)


def seed_users(seeder, orgs, liaisons, password: str) -> list[User]:
    users = []
    for username, role, name, org, is_staff in USERS:
        user = seeder.upsert(
            User,
            {"username": username},
            {
                "role": role,
                "name": name,
                "organisation": orgs.get(org),
                "is_staff": is_staff,
                "is_superuser": False,
                "is_active": True,
            },
            on_create=lambda new: new.set_password(password),
        )
        if not user.check_password(password):
            # The password is not audited; it is (re)set whenever it differs.
            user.set_password(password)
            user.save(update_fields=["password"])
        if org:
            # The member user is its organisation's liaison person's account.
            seeder.upsert(Person, {"pk": liaisons[org].pk}, {"user": user})
        users.append(user)
    return users

"""Who the sign-in page offers when KEYWORK_DEMO=1: users that need no practitioner record."""

from api.auth import DEFAULT_AREA, Principal

DEMO_USERS = {
    "coordinator": Principal("demo-coordinator", "coordinator", area=DEFAULT_AREA),
    "business_support": Principal("demo-business-support", "business_support", area=DEFAULT_AREA),
    "manager": Principal("demo-manager", "manager", team="team-0", area=DEFAULT_AREA),
    "commissioner": Principal("demo-commissioner", "commissioner"),
}

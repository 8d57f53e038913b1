"""Read models over HTTP: a command's position lets a read wait for it."""

from tests.e2e.bodies import new_active_case, new_practitioner
from tests.e2e.conftest import RunningService


def test_a_read_with_min_position_sees_the_command_just_made(service: RunningService) -> None:
    case_id = new_active_case(service)
    worker = service.get(f"/cases/{case_id}").json()["key_workers"][0]["practitioner_id"]
    contact = service.post(
        f"/cases/{case_id}/contacts", {"kind": "phone"}, role="key_worker", user=worker
    )
    position = contact.headers["X-Event-Position"]
    response = service.http.get(
        f"/caseloads/{worker}",
        params={"min_position": position},
        headers=service.as_("key_worker", worker),
    )
    assert response.status_code == 200
    caseload = response.json()
    assert caseload["position"] >= int(position)
    [entry] = caseload["cases"]
    assert entry["case_id"] == case_id
    assert entry["last_contact_at"] is not None


def test_a_key_worker_cannot_read_someone_elses_caseload(service: RunningService) -> None:
    other = new_practitioner(service)
    response = service.http.get(
        f"/caseloads/{other}", headers=service.as_("key_worker", "someone-else")
    )
    assert response.status_code == 403
    assert service.get(f"/caseloads/{other}", role="manager").json()["cases"] == []


def test_health_shows_each_projection_against_the_store_head(service: RunningService) -> None:
    new_active_case(service)
    health = service.http.get("/health").json()
    assert health["status"] == "ok"
    [caseload] = health["projections"]
    assert caseload["name"] == "caseload"
    assert caseload["position"] + caseload["behind"] == health["store_head"]

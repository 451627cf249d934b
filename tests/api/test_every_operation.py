"""A tour that calls every documented operation once with a good request: each live answer is
checked against the OpenAPI document by the test client (tests/support/contract.py), and the tour
fails if any operation of the document was not answered with success."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from flask.testing import FlaskClient
from redis import Redis
from rq import Queue, SimpleWorker

from tests.support import contract
from tests.support.c2pa import pem, pki
from tests.support.faces import photo
from tests.support.rekognition import rekognition_client
from tests.support.tenants import sign_up, signup_form
from tests.support.terms import ADMIN, OTHER_PHOTO, SMALL_PHOTO, recorded
from tests.support.workers import run_queued_jobs

OCTET = {"Content-Type": "application/octet-stream"}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.request.method, response.request.path, response.get_data()[:300])
    return response.get_json(silent=True)


def test_every_operation_answers_as_documented(client: FlaskClient, redis_db: Redis) -> None:
    contract.checked_operations.clear()
    account = sign_up(client)
    key, bearer = account.key_header, account.bearer
    image = photo(SMALL_PHOTO).read()
    other = photo(OTHER_PHOTO).read()
    face = lambda data: ok(client.post("/face/v1.2/detect?recognitionModel=recognition_04", data=data,  # noqa: E731
                                       headers={**key, **OCTET}))[0]["faceId"]

    # signup, pages, documents, health
    ok(client.get("/signup"))
    ok(client.get("/openapi.yaml"))
    ok(client.get("/docs"))
    ok(client.get("/docs/static/swagger-ui.css"))
    ok(client.get("/static/visage.css"))
    ok(client.get("/healthz"), 503)
    worker = SimpleWorker([Queue("training", connection=redis_db)], connection=redis_db)
    worker.register_birth()
    worker.heartbeat()
    ok(client.get("/healthz"))
    worker.register_death()
    link = next(email["link"] for email in ok(client.get("/admin/v1/outbox", headers=ADMIN))
                if email["tenant_id"] == account.tenant_id)
    parsed = urlparse(link)
    ok(client.get(f"{parsed.path}?{parsed.query}"))
    second_form = signup_form()
    second = ok(client.post("/signup", json=second_form), 201)
    ok(client.get("/"))
    ok(client.get("/console"))
    ok(client.get("/static/console.js"))

    # management
    ok(client.get("/mgmt/v1/tenant", headers=bearer))
    ok(client.post("/mgmt/v1/tenant/resendVerification", headers={"Authorization":
                                                                  f"Bearer {second['management_token']}"}), 202)
    ok(client.post("/mgmt/v1/deployments", json={"name": "spare", "sku": "F0", "region": "westeurope"},
                   headers=bearer), 201)
    ok(client.get("/mgmt/v1/deployments", headers=bearer))
    ok(client.get("/mgmt/v1/deployments/spare", headers=bearer))
    ok(client.patch("/mgmt/v1/deployments/spare", json={"sku": "S0"}, headers=bearer))
    ok(client.post("/mgmt/v1/deployments/spare/regenerateKey", json={"keyName": "key2"}, headers=bearer))
    managed = f"/mgmt/v1/deployments/{account.deployment}/largepersongroups"
    ok(client.put(f"{managed}/managed", json={"name": "Managed"}, headers=bearer), 201)
    ok(client.get(f"{managed}/managed", headers=bearer))
    ok(client.get(managed, headers=bearer))
    ok(client.patch(f"{managed}/managed", json={"userData": "x"}, headers=bearer))
    ok(client.delete(f"{managed}/managed", headers=bearer), 204)
    ok(client.post("/mgmt/v1/policy/evaluate", json={"operation": "identification"}, headers=bearer))
    ok(client.get("/signup/recover"))
    ok(client.post("/signup/recover", json={"email": second_form["email"]}), 202)
    run_queued_jobs(redis_db)
    recovery = urlparse(next(email["link"] for email in ok(client.get("/admin/v1/outbox", headers=ADMIN))
                             if email["tenant_id"] == second["tenant_id"] and "/recover/" in (email["link"] or "")))
    ok(client.get(f"{recovery.path}?{recovery.query}"))
    ok(client.post(recovery.path, json={"token": recovery.query.removeprefix("token=")}))

    # operator
    ok(client.get("/admin/v1/tenants", headers=ADMIN))
    ok(client.get(f"/admin/v1/tenants/{second['tenant_id']}", headers=ADMIN))
    ok(client.post(f"/admin/v1/tenants/{second['tenant_id']}/review", json={"decision": "reject", "reason": "no"},
                   headers=ADMIN))
    ok(client.post(f"/admin/v1/tenants/{second['tenant_id']}/suspend", json={"reason": "test"}, headers=ADMIN))
    ok(client.post(f"/admin/v1/tenants/{second['tenant_id']}/reinstate", json={"reason": "test"}, headers=ADMIN))
    anchor = ok(client.post("/admin/v1/trust-anchors", json={"name": "Tour CA", "certificate": pem(pki().ca[1]),
                                                             "device_class": "body-worn"}, headers=ADMIN), 201)
    ok(client.get("/admin/v1/trust-anchors", headers=ADMIN))
    ok(client.delete(f"/admin/v1/trust-anchors/{anchor['id']}", headers=ADMIN), 204)
    fault = ok(client.post("/admin/v1/faults", json={"status": 503, "probability": 0}, headers=ADMIN), 201)
    ok(client.get("/admin/v1/faults", headers=ADMIN))
    ok(client.delete(f"/admin/v1/faults/{fault['id']}", headers=ADMIN), 204)
    ok(client.get("/metrics", headers=ADMIN))

    # collections of every kind, with persons and faces, trained
    v = "/face/v1.2"
    person_of: dict[str, str] = {}
    for kind, person_kind in (("persongroups", True), ("largepersongroups", True), ("facelists", False),
                              ("largefacelists", False)):
        base = f"{v}/{kind}/tour"
        ok(client.put(base, json={"name": "Tour", "recognitionModel": "recognition_04"}, headers=key))
        ok(client.get(f"{base}?returnRecognitionModel=true", headers=key))
        ok(client.get(f"{v}/{kind}", headers=key))
        ok(client.patch(base, json={"userData": "tour"}, headers=key))
        if person_kind:
            persons = f"{base}/persons"
            person = person_of[kind] = ok(client.post(persons, json={"name": "Barack"}, headers=key))["personId"]
            ok(client.get(persons, headers=key))
            ok(client.get(f"{persons}/{person}", headers=key))
            ok(client.patch(f"{persons}/{person}", json={"userData": "p"}, headers=key))
            faces = f"{persons}/{person}/persistedfaces"
            spare = ok(client.post(faces, data=other, headers={**key, **OCTET, **recorded()}))["persistedFaceId"]
            ok(client.post(f"{faces}?detectionModel=detection_01", data=image, headers={**key, **OCTET, **recorded()}))
            ok(client.get(f"{faces}/{spare}", headers=key))
            ok(client.patch(f"{faces}/{spare}", json={"userData": "f"}, headers=key))
            ok(client.delete(f"{faces}/{spare}", headers=key))
            extra = ok(client.post(persons, json={"name": "Spare"}, headers=key))["personId"]
            ok(client.delete(f"{persons}/{extra}", headers=key))
        else:
            faces = f"{base}/persistedfaces"
            spare = ok(client.post(faces, data=other, headers={**key, **OCTET, **recorded()}))["persistedFaceId"]
            ok(client.post(faces, data=image, headers={**key, **OCTET, **recorded()}))
            if kind == "largefacelists":
                ok(client.get(faces, headers=key))
                ok(client.get(f"{faces}/{spare}", headers=key))
                ok(client.patch(f"{faces}/{spare}", json={"userData": "f"}, headers=key))
            ok(client.delete(f"{faces}/{spare}", headers=key))
        if kind != "facelists":
            train = client.post(f"{base}/train", headers=key)
            ok(train, 202)
            run_queued_jobs(redis_db)
            ok(client.get(f"{base}/training", headers=key))
            ok(client.get(urlparse(train.headers["operation-Location"]).path, headers=key))

    # the same collections, read with the management token (the web console's view)
    for kind in ("persongroups", "largepersongroups", "facelists", "largefacelists"):
        read = f"/mgmt/v1/deployments/{account.deployment}/{kind}"
        ok(client.get(read, headers=bearer))
        ok(client.get(f"{read}/tour", headers=bearer))
        if kind in person_of:
            ok(client.get(f"{read}/tour/persons", headers=bearer))
            ok(client.get(f"{read}/tour/persons/{person_of[kind]}/persistedfaces", headers=bearer))
        else:
            ok(client.get(f"{read}/tour/persistedfaces", headers=bearer))
        if kind != "facelists":
            ok(client.get(f"{read}/tour/training", headers=bearer))

    # the PersonDirectory, served under the previews: its long-running writes answer 202
    pd = "/face/v1.2-preview.1"
    created = client.post(f"{pd}/persons", json={"name": "Barack"}, headers=key)
    director = ok(created, 202)["personId"]
    ok(client.get(urlparse(created.headers["operation-Location"]).path, headers=key))
    ok(client.get(f"{pd}/persons", headers=key))
    ok(client.get(f"{pd}/persons/{director}", headers=key))
    ok(client.patch(f"{pd}/persons/{director}", json={"userData": "p"}, headers=key))
    faces = f"{pd}/persons/{director}/recognitionModels/recognition_04/persistedfaces"
    enrolled = ok(client.post(faces, data=image, headers={**key, **OCTET, **recorded()}), 202)["persistedFaceId"]
    ok(client.get(faces, headers=key))
    ok(client.get(f"{faces}/{enrolled}", headers=key))
    ok(client.patch(f"{faces}/{enrolled}", json={"userData": "f"}, headers=key))
    ok(client.put(f"{pd}/dynamicpersongroups/tour", json={"name": "Tour", "addPersonIds": [director]},
                  headers=key), 202)
    ok(client.get(f"{pd}/dynamicpersongroups/tour", headers=key))
    ok(client.get(f"{pd}/dynamicpersongroups", headers=key))
    ok(client.patch(f"{pd}/dynamicpersongroups/tour", json={"userData": "g"}, headers=key))
    ok(client.get(f"{pd}/dynamicpersongroups/tour/persons", headers=key))
    ok(client.get(f"{pd}/persons/{director}/dynamicPersonGroupReferences", headers=key))

    # recognition
    probe, stranger = face(image), face(other)
    ok(client.post(f"{v}/verify", json={"faceId1": probe, "faceId2": stranger}, headers=key))
    ok(client.post(f"{v}/identify", json={"faceIds": [probe], "largePersonGroupId": "tour"}, headers=key))
    ok(client.post(f"{pd}/identify", json={"faceIds": [probe], "dynamicPersonGroupId": "tour"}, headers=key))
    ok(client.post(f"{pd}/verify", json={"faceId": probe, "personId": director}, headers=key))
    ok(client.post(f"{v}/findsimilars", json={"faceId": probe, "largeFaceListId": "tour"}, headers=key))
    ok(client.post(f"{v}/group", json={"faceIds": [probe, stranger]}, headers=key))

    # media: a photo redacted on the worker, read, downloaded and deleted
    queued = ok(client.post("/media/v1/redactions", data=image, headers={**key, **OCTET}), 202)
    redaction = f"/media/v1/redactions/{queued['id']}"
    run_queued_jobs(redis_db)
    ok(client.get(redaction, headers=key))
    ok(client.get(f"{redaction}/result", headers=key))
    ok(client.delete(redaction, headers=key), 204)

    ok(client.get("/mgmt/v1/audit", headers=bearer))
    ok(client.get("/admin/v1/audit", headers=ADMIN))

    # Rekognition's protocol at POST /, through boto3 (each operation is one X-Amz-Target of the route)
    rekognition = rekognition_client(client, account)
    rekognition.create_collection(CollectionId="tour")
    rekognition.index_faces(CollectionId="tour", Image={"Bytes": image}, ExternalImageId="tour")
    assert rekognition.search_faces_by_image(CollectionId="tour", Image={"Bytes": image})["FaceMatches"]
    assert rekognition.list_collections()["CollectionIds"] == ["tour"]
    rekognition.delete_collection(CollectionId="tour")

    # deletes last
    for kind in ("persongroups", "largepersongroups", "facelists", "largefacelists"):
        ok(client.delete(f"{v}/{kind}/tour", headers=key))
    ok(client.delete(f"{faces}/{enrolled}", headers=key), 202)
    ok(client.delete(f"{pd}/dynamicpersongroups/tour", headers=key), 202)
    ok(client.delete(f"{pd}/persons/{director}", headers=key), 202)
    ok(client.delete("/mgmt/v1/deployments/spare", headers=bearer), 204)

    documented = {op["operationId"] for operations in contract.document()["paths"].values()
                  for op in operations.values()}
    succeeded = {operation for operation, status in contract.checked_operations if 200 <= status < 300}
    assert documented - succeeded == set()

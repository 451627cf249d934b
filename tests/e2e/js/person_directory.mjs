// Microsoft's official JavaScript Face client (@azure-rest/ai-vision-face 1.0.0-beta.1), unchanged,
// against a live Visage: the PersonDirectory walked end to end with the client's own long-running
// operation pollers. It prints one JSON object of what it saw; tests/e2e/test_js_client.py judges it.
//
// Environment: VISAGE_ENDPOINT, VISAGE_KEY, VISAGE_FACES (the photos folder), VISAGE_IMAGE_URL (an
// image URL the server may fetch), VISAGE_API_VERSION (optional; the client's default otherwise).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AzureKeyCredential } from "@azure/core-auth";
import createFaceClient, { getLongRunningPoller, isUnexpected } from "@azure-rest/ai-vision-face";

const { VISAGE_ENDPOINT, VISAGE_KEY, VISAGE_FACES, VISAGE_IMAGE_URL, VISAGE_API_VERSION } = process.env;
// The client refuses plain HTTP unless told otherwise: a local Visage without --tls is plain HTTP.
const options = { allowInsecureConnection: VISAGE_ENDPOINT.startsWith("http://") };
if (VISAGE_API_VERSION) options.apiVersion = VISAGE_API_VERSION;
const client = createFaceClient(VISAGE_ENDPOINT, new AzureKeyCredential(VISAGE_KEY), options);
const photo = (path) => readFileSync(join(VISAGE_FACES, path));
const seen = {};

function expected(response, what) {
  if (isUnexpected(response)) {
    throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response;
}

// The client's own poller, as an application would use it: it polls operation-Location (honouring
// Retry-After) and then reads the resource where Azure says it is.
async function completed(initial, what) {
  expected(initial, what);
  const poller = await getLongRunningPoller(client, initial);
  const final = await poller.pollUntilDone();
  const state = poller.getOperationState();
  return { initial, final, status: state.status };
}

const person = (id) => client.path("/persons/{personId}", id);
const faces = (id, model) =>
  client.path("/persons/{personId}/recognitionModels/{recognitionModel}/persistedfaces", id, model);
const group = (id) => client.path("/dynamicpersongroups/{dynamicPersonGroupId}", id);

// persons
const barack = await completed(await client.path("/persons").post({ body: { name: "Barack", userData: "44" } }),
  "create person");
const barackId = barack.initial.body.personId;
seen.createPerson = { status: barack.initial.status, poll: barack.status, final: barack.final.body,
  operationLocation: barack.initial.headers["operation-location"], location: barack.initial.headers["location"] };
const rose = await completed(await client.path("/persons").post({ body: { name: "Rose" } }), "create person");
const roseId = rose.initial.body.personId;
expected(await person(roseId).patch({ body: { userData: "actor" } }), "update person");
seen.person = expected(await person(roseId).get(), "get person").body;
seen.persons = expected(await client.path("/persons").get({ queryParameters: { top: 1 } }), "list persons").body;
seen.allPersons = expected(await client.path("/persons").get(), "list persons").body.map((p) => p.personId);

// faces, from bytes and from a URL
const added = await completed(await faces(barackId, "recognition_04").post({
  contentType: "application/octet-stream",
  queryParameters: { detectionModel: "detection_01", userData: "first" },
  body: photo("people/obama/obama_small.jpg"),
}), "add face");
const faceId = added.initial.body.persistedFaceId;
seen.addFace = { status: added.initial.status, poll: added.status, final: added.final.body, faceId };
const fromUrl = await completed(await faces(roseId, "recognition_04").post({ body: { url: VISAGE_IMAGE_URL } }),
  "add face from url");
seen.addFaceFromUrl = { status: fromUrl.initial.status, poll: fromUrl.status, faceId: fromUrl.initial.body.persistedFaceId };
seen.faces = expected(await faces(barackId, "recognition_04").get(), "list faces").body;
seen.otherModelFaces = expected(await faces(barackId, "recognition_03").get(), "list faces").body;
const face = client.path("/persons/{personId}/recognitionModels/{recognitionModel}/persistedfaces/{persistedFaceId}",
  barackId, "recognition_04", faceId);
expected(await face.patch({ body: { userData: "renamed" } }), "update face");
seen.face = expected(await face.get(), "get face").body;

// dynamic person groups
const created = await completed(await group("staff").put({ body: { name: "Staff", addPersonIds: [barackId] } }),
  "create group with persons");
seen.createGroupWithPersons = { status: created.initial.status, poll: created.status, final: created.final.body };
seen.createEmptyGroup = expected(await group("empty").put({ body: { name: "Empty" } }), "create group").status;
const changed = await completed(await group("staff").patch({ body: { addPersonIds: [roseId] } }), "add persons");
seen.addPersons = { status: changed.initial.status, poll: changed.status };
seen.rename = expected(await group("staff").patch({ body: { name: "All staff" } }), "rename group").status;
seen.group = expected(await group("staff").get(), "get group").body;
seen.groups = expected(await client.path("/dynamicpersongroups").get(), "list groups").body
  .map((g) => g.dynamicPersonGroupId);
seen.groupPersons = expected(await client.path("/dynamicpersongroups/{dynamicPersonGroupId}/persons", "staff")
  .get(), "group persons").body;
seen.references = expected(await client.path("/persons/{personId}/dynamicPersonGroupReferences", barackId).get(),
  "references").body;

// recognition against the directory
const detected = expected(await client.path("/detect").post({
  contentType: "application/octet-stream",
  queryParameters: { detectionModel: "detection_01", recognitionModel: "recognition_04", returnFaceId: true },
  body: photo("people/obama/obama2.jpg"),
}), "detect").body;
const probe = detected[0].faceId;
seen.identifyAll = expected(await client.path("/identify").post({ body: { faceIds: [probe], personIds: ["*"] } }),
  "identify all").body;
seen.identifyPersons = expected(await client.path("/identify").post({
  body: { faceIds: [probe], personIds: [roseId] } }), "identify persons").body;
seen.identifyGroup = expected(await client.path("/identify").post({
  body: { faceIds: [probe], dynamicPersonGroupId: "staff" } }), "identify group").body;
seen.verify = expected(await client.path("/verify").post({ body: { faceId: probe, personId: barackId } }),
  "verify").body;
seen.verifyOther = expected(await client.path("/verify").post({ body: { faceId: probe, personId: roseId } }),
  "verify").body;

// errors come back as Azure's
const missing = await person("00000000-0000-0000-0000-000000000000").get();
seen.missingPerson = { status: missing.status, code: missing.body.error.code,
  header: missing.headers["x-ms-error-code"] };

// deletes
const faceGone = await completed(await face.delete(), "delete face");
const groupGone = await completed(await group("staff").delete(), "delete group");
const personGone = await completed(await person(barackId).delete(), "delete person");
seen.deletes = [faceGone, groupGone, personGone].map((done) => [done.initial.status, done.status]);
seen.afterDelete = (await person(barackId).get()).status;
seen.roseReferences = expected(await client.path("/persons/{personId}/dynamicPersonGroupReferences", roseId).get(),
  "references").body;
seen.ids = { barack: barackId, rose: roseId, face: faceId, probe };

console.log(JSON.stringify(seen));

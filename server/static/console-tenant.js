// The tenant's view: its record, deployments (masked keys, rotation shown once, SKU, create, delete),
// collections of every kind with persons and faces, its own audit, and the policy dry run.

import {get, patch, post, query, remove, segment} from "./console-api.js";
import {auditTable, refusalsOnly} from "./console-audit.js";
import {$, announce, code, details, fill, focusOn, h, list, table, value} from "./console-dom.js";
import {act, decisionsTable, pager} from "./console-shared.js";

const MASK = "\u2022".repeat(8);
const PERSON_KINDS = new Set(["persongroups", "largepersongroups"]);
const UNTRAINED_KINDS = new Set(["facelists"]);

let wired = false;
let deploymentNames = [];

export async function showTenant() {
  if (!wired) wire();
  wired = true;
  await Promise.all([loadTenant(), loadDeployments(), loadAudit()]);
}

function wire() {
  $("create-deployment").addEventListener("submit", act(createDeployment));
  $("new-keys-done").addEventListener("click", hideKeys);
  $("collections-form").addEventListener("submit", act(listCollections));
  $("audit-form").addEventListener("submit", act(loadAudit));
  $("dry-run-form").addEventListener("submit", act(dryRun));
}

// the tenant ------------------------------------------------------------------------------------

async function loadTenant() {
  const tenant = await get("/mgmt/v1/tenant");
  $("who").textContent = `${tenant.organization} (tenant ${tenant.tenant_id}), with a management token.`;
  details("tenant-details", [
    ["Organization", tenant.organization],
    ["Tenant id", code(tenant.tenant_id)],
    ["Email", `${tenant.email}${tenant.email_verified ? " (verified)" : " (not verified yet)"}`],
    ["Status", tenant.status.replaceAll("_", " ")],
    ["Customer type", tenant.customer_type.replaceAll("_", " ")],
    ["Country", tenant.country],
    ["Limited Access", tenant.limited_access.replaceAll("_", " ")],
    ["Why it is reviewed", list(tenant.review_reasons)],
    ["Terms accepted", `version ${tenant.terms_version}, ${tenant.terms_accepted_at}`],
  ]);
  fill("tenant-decisions", decisionsTable(tenant.decisions));
}

// deployments -----------------------------------------------------------------------------------

async function loadDeployments() {
  const deployments = await get("/mgmt/v1/deployments");
  deploymentNames = deployments.map((deployment) => deployment.name);
  fill("deployment-table", table("Your deployments", [
    ["Name", (deployment) => code(deployment.name)],
    ["SKU", (deployment) => deployment.sku],
    ["Region", (deployment) => deployment.region],
    ["Endpoint", (deployment) => code(deployment.endpoint)],
    ["Keys", () => h("span", {}, `key1 ${MASK} key2 ${MASK}`, h("span", {class: "visually-hidden"}, " (hidden)"))],
    ["Actions", deploymentActions],
  ], deployments, "No deployments: create one below."));
  chooseFrom("collections-deployment", deploymentNames);
  chooseFrom("dry-run-deployment", deploymentNames, "none (an S0)");
}

function chooseFrom(id, names, none) {
  const select = $(id);
  const chosen = select.value;
  fill(select, none === undefined ? null : h("option", {value: ""}, none),
    names.map((name) => h("option", {value: name, selected: name === chosen}, name)));
}

function deploymentActions(deployment) {
  const name = deployment.name;
  const other = deployment.sku === "S0" ? "F0" : "S0";
  return h("div", {class: "actions"},
    ["key1", "key2"].map((keyName) => h("button", {
      type: "button", class: "secondary", "aria-label": `Regenerate ${keyName} of ${name}`,
      onclick: act(() => regenerate(name, keyName)),
    }, `Regenerate ${keyName}`)),
    h("button", {type: "button", class: "secondary", "aria-label": `Change the SKU of ${name} to ${other}`,
      onclick: act(() => changeSku(name, other))}, `Change SKU to ${other}`),
    h("button", {type: "button", class: "danger", "aria-label": `Delete ${name}`,
      onclick: act(() => deleteDeployment(name))}, "Delete"));
}

async function regenerate(name, keyName) {
  if (!window.confirm(`Regenerate ${keyName} of ${name}? The old ${keyName} stops working at once.`)) return;
  const deployment = await post(`/mgmt/v1/deployments/${segment(name)}/regenerateKey`, {keyName});
  showKeys(`New ${keyName} of ${name}`, {[keyName]: deployment.keys[keyName]});
  announce(`${keyName} of ${name} was regenerated; the old one no longer works.`);
}

async function changeSku(name, sku) {
  await patch(`/mgmt/v1/deployments/${segment(name)}`, {sku});
  await loadDeployments();
  announce(`${name} is now ${sku}.`);
}

async function deleteDeployment(name) {
  if (!window.confirm(`Delete ${name}? Its keys stop working at once and its collections are purged.`)) return;
  await remove(`/mgmt/v1/deployments/${segment(name)}`);
  await loadDeployments();
  announce(`${name} was deleted.`);
}

async function createDeployment() {
  const name = value("deployment-name");
  const deployment = await post("/mgmt/v1/deployments", {
    name, sku: $("deployment-sku").value, region: $("deployment-region").value});
  $("create-deployment").reset();
  await loadDeployments();
  showKeys(`Keys of the new deployment ${name}`, deployment.keys);
  announce(`${name} was created.`);
}

// Keys are shown once, in this panel, and dropped from the page when it is hidden.
function showKeys(title, keys) {
  $("new-keys-title").textContent = title;
  fill("new-keys-list", Object.entries(keys).flatMap(([keyName, key]) => [
    h("dt", {}, keyName), h("dd", {id: `new-${keyName}`}, code(key))]));
  $("new-keys").hidden = false;
  focusOn("new-keys");
}

function hideKeys() {
  fill("new-keys-list");
  $("new-keys").hidden = true;
  focusOn("deployments-title");
}

// collections -----------------------------------------------------------------------------------

function collectionsPath() {
  return `/mgmt/v1/deployments/${segment($("collections-deployment").value)}/${$("collections-kind").value}`;
}

async function listCollections() {
  const base = collectionsPath();
  const kind = $("collections-kind").value;
  const noun = $("collections-kind").selectedOptions[0].textContent;
  $("collection-detail").hidden = true;
  await pager("collection-list", {
    caption: noun,
    empty: `No ${noun.toLowerCase()} in this deployment.`,
    paged: kind !== "facelists",
    idOf: (collection) => collectionId(collection),
    fetch: (start, top) => get(`${base}${query({start, top})}`),
    columns: [
      ["Id", (collection) => code(collectionId(collection))],
      ["Name", (collection) => collection.name],
      ["userData", (collection) => collection.userData ?? ""],
      ["Recognition model", (collection) => collection.recognitionModel ?? ""],
      ["Open", (collection) => h("button", {
        type: "button", class: "secondary", "aria-label": `Open ${collectionId(collection)}`,
        onclick: act(() => openCollection(base, kind, collectionId(collection))),
      }, "Open")],
    ],
  });
}

function collectionId(collection) {
  return collection.personGroupId ?? collection.largePersonGroupId ?? collection.faceListId ??
    collection.largeFaceListId;
}

async function openCollection(base, kind, id) {
  const path = `${base}/${segment(id)}`;
  const collection = await get(path);
  $("collection-title").textContent = `${collection.name} (${id})`;
  $("person-faces").hidden = true;
  details("collection-details", [
    ["Id", code(id)], ["Name", collection.name], ["userData", collection.userData],
    ["Recognition model", collection.recognitionModel], ["Training", await trainingOf(path, kind)],
  ]);
  if (PERSON_KINDS.has(kind)) await showPersons(path);
  else await showFaces(path);
  $("collection-detail").hidden = false;
  focusOn("collection-title");
}

async function trainingOf(path, kind) {
  if (UNTRAINED_KINDS.has(kind)) return "face lists need no training";
  try {
    const run = await get(`${path}/training`);
    const parts = [run.status, `last action ${run.lastActionDateTime}`];
    if (run.lastSuccessfulTrainingDateTime) parts.push(`last success ${run.lastSuccessfulTrainingDateTime}`);
    if (run.message) parts.push(run.message);
    return parts.join("; ");
  } catch (error) {
    if (error.status === 404 && String(error.code).endsWith("NotTrained")) return "never trained";
    throw error;
  }
}

async function showPersons(path) {
  await pager("collection-members", {
    caption: "Persons",
    empty: "No persons yet.",
    idOf: (person) => person.personId,
    fetch: (start, top) => get(`${path}/persons${query({start, top})}`),
    summary: (persons, more) => {
      const faces = persons.reduce((total, person) => total + person.persistedFaceIds.length, 0);
      return `${persons.length}${more ? "+" : ""} persons with ${faces} faces shown.`;
    },
    columns: [
      ["Name", (person) => person.name],
      ["Person id", (person) => code(person.personId)],
      ["userData", (person) => person.userData ?? ""],
      ["Faces", (person) => String(person.persistedFaceIds.length)],
      ["Open", (person) => h("button", {
        type: "button", class: "secondary", "aria-label": `Faces of ${person.name}`,
        onclick: act(() => showPersonFaces(path, person)),
      }, "Faces")],
    ],
  });
}

async function showPersonFaces(path, person) {
  const faces = await get(`${path}/persons/${segment(person.personId)}/persistedfaces`);
  $("person-faces-title").textContent = `Faces of ${person.name} (${faces.length})`;
  fill("person-face-list", facesTable(faces, `Persisted faces of ${person.name}`));
  $("person-faces").hidden = false;
  focusOn("person-faces-title");
}

async function showFaces(path) {
  await pager("collection-members", {
    caption: "Persisted faces",
    empty: "No faces yet.",
    idOf: (face) => face.persistedFaceId,
    fetch: (start, top) => get(`${path}/persistedfaces${query({start, top})}`),
    summary: (faces, more) => `${faces.length}${more ? "+" : ""} faces shown.`,
    columns: faceColumns,
  });
}

const faceColumns = [
  ["Persisted face id", (face) => code(face.persistedFaceId)],
  ["userData", (face) => face.userData ?? ""],
];

function facesTable(faces, caption) {
  return table(caption, faceColumns, faces, "No faces.");
}

// audit and dry run -----------------------------------------------------------------------------

async function loadAudit() {
  const entries = await get(`/mgmt/v1/audit${query({limit: 200})}`);
  fill("audit-table", auditTable($("audit-refusals").checked ? refusalsOnly(entries) : entries));
}

async function dryRun() {
  const capture = {mode: value("dry-run-mode") || null, captured_at: value("dry-run-captured-at") || null,
    camera: value("dry-run-camera") || null};
  const body = {
    operation: value("dry-run-operation"),
    deployment: value("dry-run-deployment") || null,
    capture,
    face_ids: value("dry-run-face-ids").split(/\s+/).filter(Boolean),
    policy_version: value("dry-run-version") || null,
    at: value("dry-run-at") || null,
  };
  const decision = await post("/mgmt/v1/policy/evaluate", body);
  $("dry-run-verdict").textContent = decision.allowed ? "Allowed" :
    `Refused${decision.clause ? ` under ${decision.clause}` : ""}`;
  details("dry-run-details", [
    ["Policy version", decision.policy_version], ["Code", decision.code], ["Clause", decision.clause],
    ["Real time", decision.realtime === null ? "" : decision.realtime ? "yes" : "no"],
    ["Message", decision.message], ["Reasons", list(decision.reasons)],
  ]);
  $("dry-run-result").hidden = false;
  focusOn("dry-run-result");
}

// The operator's view (admin token): tenants with their linked tenants, Limited Access reviews,
// suspension and reinstatement with a reason, the outbox, the audit trail and the trust list.

import {get, post, query, remove, segment} from "./console-api.js";
import {auditTable, refusalsOnly} from "./console-audit.js";
import {$, announce, code, details, fill, focusOn, h, list, table, value} from "./console-dom.js";
import {act, decisionsTable} from "./console-shared.js";

const words = (text) => String(text ?? "").replaceAll("_", " ");

let wired = false;
let reviewing = null;

export async function showOperator() {
  if (!wired) wire();
  wired = true;
  $("who").textContent = "The operator, with the admin token.";
  await Promise.all([loadTenants(), loadOutbox(), loadAuditTrail(), loadTrustList()]);
}

function wire() {
  $("tenants-form").addEventListener("submit", act(loadTenants));
  $("review-form").addEventListener("submit", act(review));
  $("standing-form").addEventListener("submit", act(changeStanding));
  $("outbox-refresh").addEventListener("click", act(loadOutbox));
  $("audit-trail-form").addEventListener("submit", act(loadAuditTrail));
  $("trust-form").addEventListener("submit", act(addAnchor));
}

// tenants ---------------------------------------------------------------------------------------

async function loadTenants() {
  const tenants = await get(`/admin/v1/tenants${query({
    status: $("tenants-status").value, limited_access: $("tenants-access").value})}`);
  fill("tenant-table", table("Tenants, oldest first", [
    ["Organization", (tenant) => tenant.organization],
    ["Email", (tenant) => tenant.email],
    ["Customer type", (tenant) => words(tenant.customer_type)],
    ["Country", (tenant) => tenant.country],
    ["Status", (tenant) => words(tenant.status)],
    ["Limited Access", (tenant) => words(tenant.limited_access)],
    ["Created", (tenant) => tenant.created_at],
    ["Review", (tenant) => h("button", {
      type: "button", class: "secondary", "aria-label": `Open ${tenant.organization}`,
      onclick: act(() => openTenant(tenant.tenant_id)),
    }, "Open")],
  ], tenants, "No tenants match."));
}

async function openTenant(tenantId) {
  const tenant = await get(`/admin/v1/tenants/${segment(tenantId)}`);
  reviewing = tenant;
  $("review-title").textContent = `${tenant.organization} (${tenant.tenant_id})`;
  details("review-details", [
    ["Tenant id", code(tenant.tenant_id)], ["Email", tenant.email],
    ["Customer type", words(tenant.customer_type)], ["Country", tenant.country],
    ["Use cases", list(tenant.use_cases.map(words))], ["Status", words(tenant.status)],
    ["Email verified", tenant.email_verified ? "yes" : "no"],
    ["Limited Access", words(tenant.limited_access)], ["Why it is reviewed", list(tenant.review_reasons)],
    ["States no policing function", tenant.no_policing_function ? "yes" : "no"],
    ["Development tenant (visage up --dev)", tenant.development ? "yes" : "no"],
  ]);
  fill("review-decisions", decisionsTable(tenant.decisions));
  fill("review-linked", table("Linked tenants", [
    ["Organization", (link) => link.organization], ["Email", (link) => link.email],
    ["Customer type", (link) => words(link.customer_type)], ["Status", (link) => words(link.status)],
    ["Limited Access", (link) => words(link.limited_access)], ["Linked by", (link) => list(link.linked_by)],
    ["Decisions", (link) => list(link.decisions.map((d) => `${d.at}: ${words(d.decision)} (${d.reason})`))],
  ], tenant.linked_tenants, "No linked tenants."));
  const typeSelect = $("review-customer-type");
  typeSelect.value = "";
  typeSelect.required = tenant.customer_type_to_confirm;
  $("review-type-hint").textContent = tenant.customer_type_to_confirm
    ? "Approving needs the customer type stated: this signup could be police under another type."
    : "Optional: correct the declared customer type.";
  const suspended = tenant.status === "suspended";
  $("standing-title").textContent = suspended ? "Reinstate" : "Suspend";
  $("standing-button").textContent = suspended ? "Reinstate" : "Suspend";
  $("tenant-review").hidden = false;
  focusOn("review-title");
}

async function review() {
  const body = {decision: $("review-decision").value, reason: value("review-reason")};
  if ($("review-customer-type").value) body.customer_type = $("review-customer-type").value;
  if (value("review-country")) body.country = value("review-country").toUpperCase();
  const tenant = await post(`/admin/v1/tenants/${segment(reviewing.tenant_id)}/review`, body);
  $("review-form").reset();
  await Promise.all([openTenant(tenant.tenant_id), loadTenants()]);
  announce(`${words(body.decision)} recorded for ${tenant.organization}: Limited Access is now ` +
    `${words(tenant.limited_access)}.`);
}

async function changeStanding() {
  const action = reviewing.status === "suspended" ? "reinstate" : "suspend";
  const tenant = await post(`/admin/v1/tenants/${segment(reviewing.tenant_id)}/${action}`,
    {reason: value("standing-reason")});
  $("standing-form").reset();
  await Promise.all([openTenant(tenant.tenant_id), loadTenants()]);
  announce(`${tenant.organization} is now ${words(tenant.status)}.`);
}

// outbox and audit ------------------------------------------------------------------------------

async function loadOutbox() {
  const emails = await get("/admin/v1/outbox");
  fill("outbox-table", table("Emails, newest first", [
    ["Sent", (email) => email.sent_at ?? ""], ["To", (email) => email.to],
    ["Subject", (email) => email.subject], ["Tenant", (email) => code(email.tenant_id ?? "")],
    ["Link", (email) => (email.link ? code(email.link, {wrap: true}) : "")],
    ["Body", (email) => h("details", {}, h("summary", {}, "Read"), h("pre", {}, email.body))],
  ], emails, "The outbox is empty."));
}

async function loadAuditTrail() {
  const entries = await get(`/admin/v1/audit${query({limit: 200, tenant_id: value("audit-trail-tenant")})}`);
  const shown = $("audit-trail-refusals").checked ? refusalsOnly(entries) : entries;
  fill("audit-trail-table", auditTable(shown, {withTenant: true}));
}

// trust list ------------------------------------------------------------------------------------

async function loadTrustList() {
  const anchors = await get("/admin/v1/trust-anchors");
  fill("trust-table", table("Trusted capture-device CAs, oldest first", [
    ["Name", (anchor) => anchor.name], ["Device class", (anchor) => anchor.device_class],
    ["Subject", (anchor) => anchor.subject], ["SHA-256", (anchor) => code(anchor.fingerprint_sha256, {wrap: true})],
    ["Valid until", (anchor) => anchor.not_after], ["Added", (anchor) => anchor.created],
    ["Remove", (anchor) => h("button", {
      type: "button", class: "danger", "aria-label": `Remove ${anchor.name} from the trust list`,
      onclick: act(() => removeAnchor(anchor)),
    }, "Remove")],
  ], anchors, "The trust list is empty: no image carries trusted content credentials."));
}

async function addAnchor() {
  const anchor = await post("/admin/v1/trust-anchors", {
    name: value("trust-name"), device_class: $("trust-device-class").value, certificate: value("trust-certificate"),
  });
  $("trust-form").reset();
  await loadTrustList();
  announce(`${anchor.name} (${anchor.device_class}) is on the trust list.`);
}

async function removeAnchor(anchor) {
  if (!window.confirm(`Remove ${anchor.name}? Faces trusted under it become untrusted at once.`)) return;
  await remove(`/admin/v1/trust-anchors/${segment(anchor.id)}`);
  await loadTrustList();
  announce(`${anchor.name} was removed from the trust list.`);
}

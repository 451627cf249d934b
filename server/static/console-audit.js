// Audit entries as the console shows them, to a tenant (its own) and to the operator (everyone's):
// what was decided, under which clause, and every reason given.

import {code, h, list, table} from "./console-dom.js";

export function refusalsOnly(entries) {
  return entries.filter((entry) => entry.decision === "refused");
}

function call(entry) {
  const what = entry.route || entry.operation || entry.action || "";
  return entry.deployment ? [code(what), ` on ${entry.deployment}`] : code(what);
}

function verdict(entry) {
  if (entry.decision === "refused") return h("strong", {class: "refused"}, "refused");
  return entry.decision || entry.status || entry.outcome_status || "";
}

function why(entry) {
  const reasons = [...(entry.reasons || [])];
  if (entry.reason) reasons.push(entry.reason);
  if (entry.doubts && entry.doubts.length) reasons.push(`doubts: ${entry.doubts.join(", ")}`);
  return list(reasons);
}

function clause(entry) {
  if (!entry.clause && !entry.code) return "";
  return [entry.clause ? code(entry.clause) : "", entry.code ? ` ${entry.code}` : "",
    entry.policy_version ? ` (policy ${entry.policy_version})` : ""];
}

export function auditTable(entries, {withTenant = false} = {}) {
  const columns = [
    ["Time", (entry) => entry.time],
    ["Kind", (entry) => (entry.kind || "policy_decision").replaceAll("_", " ")],
  ];
  if (withTenant) columns.push(["Tenant", (entry) => code(entry.tenant_id || "")]);
  columns.push(["Call or action", call], ["Decision", verdict], ["Clause", clause], ["Why", why]);
  return table("Audit entries, newest first", columns, entries, "No audit entries.");
}

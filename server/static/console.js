// The Visage console: sign in with a management token (a tenant's view) or the admin token (the
// operator's view). Everything it shows comes from /mgmt/v1 or /admin/v1, called from this tab.

import {ApiError, call, session, whenUnauthorized} from "./console-api.js";
import {$, announce, complain, focusOn} from "./console-dom.js";
import {showOperator} from "./console-operator.js";
import {describe} from "./console-shared.js";
import {showTenant} from "./console-tenant.js";

const NOTICE_KEY = "visage.console.notice";
const ROLE_CHECKS = [["tenant", "/mgmt/v1/tenant"], ["operator", "/admin/v1/trust-anchors"]];

// Which view a token opens: the one whose API accepts it, or null when neither does.
async function roleOf(token) {
  for (const [role, path] of ROLE_CHECKS) {
    try {
      await call("GET", path, undefined, {token, quiet: true});
      return role;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    }
  }
  return null;
}

async function signIn(event) {
  event.preventDefault();
  const token = $("token").value.trim();
  if (!token) {
    complain("Paste a management token or the admin token.");
    focusOn("token");
    return;
  }
  $("sign-in-button").disabled = true;
  try {
    const role = await roleOf(token);
    if (!role) {
      complain("This token is neither a valid management token nor the admin token.");
      focusOn("token");
      return;
    }
    session.save(token, role);
    $("token").value = "";
    await enter(role);
  } catch (error) {
    complain(describe(error));
  } finally {
    $("sign-in-button").disabled = false;
  }
}

async function enter(role) {
  $("sign-in").hidden = true;
  $("session").hidden = false;
  const view = role === "tenant" ? "tenant-view" : "operator-view";
  $(view).hidden = false;
  if (role === "tenant") await showTenant();
  else await showOperator();
  announce(role === "tenant" ? "Signed in with a management token." : "Signed in as the operator.");
  focusOn(role === "tenant" ? "tenant-title" : "tenants-title");
}

// Signing out forgets the token and reloads the page, so that nothing shown stays in the page.
function signOut(notice) {
  session.clear();
  sessionStorage.setItem(NOTICE_KEY, notice);
  window.location.replace(window.location.pathname);
}

async function start() {
  $("sign-in-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", () => signOut("Signed out: the token is forgotten in this tab."));
  whenUnauthorized(() => signOut("The token is no longer valid (it may have been replaced): sign in again."));
  const notice = sessionStorage.getItem(NOTICE_KEY);
  sessionStorage.removeItem(NOTICE_KEY);
  const saved = session.load();
  if (saved) {
    try {
      await enter(saved.role);
    } catch (error) {
      complain(describe(error));
    }
    return;
  }
  if (notice) announce(notice);
}

start();

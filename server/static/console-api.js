// The console's one way to the API: same-origin fetch with the signed-in token as a Bearer header.
// The token lives in sessionStorage (this tab only), never in a cookie or a URL; signing out removes it.

const SESSION_KEY = "visage.console.session";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const session = {
  load() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null");
      return saved && typeof saved.token === "string" && ["tenant", "operator"].includes(saved.role) ? saved : null;
    } catch {
      return null;
    }
  },
  save(token, role) {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify({token, role}));
  },
  clear() {
    sessionStorage.removeItem(SESSION_KEY);
  },
};

let onUnauthorized = () => {};

// Called when a stored token stops working (replaced by a recovery, say): the console signs out.
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

// `token` defaults to the signed-in one; `quiet` keeps a 401 from signing out (trying a token at sign-in).
export async function call(method, path, body, {token = session.load()?.token, quiet = false} = {}) {
  const headers = {Authorization: `Bearer ${token}`, Accept: "application/json"};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store", credentials: "omit", redirect: "error",
  });
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data?.error?.code ?? String(response.status),
      data?.error?.message ?? `${response.status} ${response.statusText}`);
    if (response.status === 401 && !quiet) onUnauthorized(error);
    throw error;
  }
  return data;
}

export const get = (path) => call("GET", path);
export const post = (path, body) => call("POST", path, body ?? {});
export const patch = (path, body) => call("PATCH", path, body);
export const remove = (path) => call("DELETE", path);

export function query(parameters) {
  const kept = Object.entries(parameters).filter(([, value]) => value !== undefined && value !== null && value !== "");
  return kept.length ? `?${new URLSearchParams(kept)}` : "";
}

export const segment = encodeURIComponent;

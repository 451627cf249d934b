// What both views do: run an action and say what went wrong, and show a list page by page.

import {ApiError} from "./console-api.js";
import {complain, fill, h, table} from "./console-dom.js";

export const PAGE_SIZE = 100;

export function describe(error) {
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  return `The request failed: ${error.message}`;
}

// An event handler that runs `action` (forms are not submitted to the server) and reports its error.
export function act(action) {
  return async (event) => {
    event?.preventDefault?.();
    const control = event?.submitter ?? (event?.currentTarget instanceof HTMLButtonElement ? event.currentTarget : null);
    if (control) control.disabled = true;
    try {
      await action(event);
    } catch (error) {
      complain(describe(error));
    } finally {
      if (control) control.disabled = false;
    }
  };
}

// A table that loads PAGE_SIZE items at a time (`fetch(start, top)`), with a "Show more" button while
// a page comes back full. Lists that are not paged (face lists) are fetched whole.
export async function pager(target, {caption, columns, fetch, idOf, empty, paged = true, summary}) {
  const items = [];
  let more = false;
  const count = summary ?? ((shown, partial) => `${shown.length}${partial ? "+" : ""} shown.`);

  async function next() {
    const start = items.length ? idOf(items[items.length - 1]) : undefined;
    const page = await (paged ? fetch(start, PAGE_SIZE) : fetch());
    items.push(...page);
    more = paged && page.length === PAGE_SIZE;
    fill(target, table(caption, columns, items, empty), items.length ? h("p", {class: "count"}, count(items, more)) : null,
      more ? h("button", {type: "button", class: "secondary", onclick: act(next)}, `Show more ${caption.toLowerCase()}`) : null);
  }

  await next();
}

export function decisionsTable(decisions) {
  return table("Decisions on this tenant", [
    ["When", (decision) => decision.at], ["Decision", (decision) => decision.decision.replaceAll("_", " ")],
    ["Reason", (decision) => decision.reason], ["By", (decision) => decision.by],
  ], decisions, "No decisions yet.");
}

// Building the console's DOM: elements and text nodes only, never parsed HTML, so that names and
// userData that tenants chose cannot become markup, and nothing inline that the CSP would refuse.

export function $(id) {
  const found = document.getElementById(id);
  if (!found) throw new Error(`no element #${id}`);
  return found;
}

// h("button", {type: "button", onclick: f}, "Text", child, ...): attributes are set as attributes,
// functions under on* as listeners; children are nodes or text.
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function fill(target, ...children) {
  const node = typeof target === "string" ? $(target) : target;
  node.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined));
  return node;
}

// A table with a caption, one header row and a row per item; `columns` are [heading, item => cell].
export function table(caption, columns, items, empty = "None.") {
  if (!items.length) return h("p", {class: "empty"}, empty);
  return h("table", {},
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, columns.map(([heading]) => h("th", {scope: "col"}, heading)))),
    h("tbody", {}, items.map((item) => h("tr", {}, columns.map(([, cell]) => h("td", {}, cell(item)))))));
}

// A description list from [term, value] pairs; values are text or nodes, empty ones are shown as "none".
export function details(target, pairs) {
  return fill(target, pairs.flatMap(([term, value]) => [
    h("dt", {}, term),
    h("dd", {}, value === undefined || value === null || value === "" ? h("span", {class: "muted"}, "none") : value),
  ]));
}

// Code-like text; `wrap` for long values (links, fingerprints) that may break anywhere in a table.
export function code(text, {wrap = false} = {}) {
  return h("code", {class: wrap ? "wrap" : null}, text ?? "");
}

export function list(items) {
  return items && items.length ? h("ul", {class: "plain"}, items.map((item) => h("li", {}, item))) : "";
}

export function announce(message) {
  $("problem").textContent = "";
  $("status").textContent = message;
}

export function complain(message) {
  $("status").textContent = "";
  $("problem").textContent = message;
}

export function focusOn(id) {
  $(id).focus();
}

export function value(id) {
  return $(id).value.trim();
}

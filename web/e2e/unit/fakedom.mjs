// A minimal document for testing the Markdown renderer in Node: it supports
// exactly the calls the renderer may make, throws on anything that parses
// HTML, and serializes with every text escaped, so a test sees precisely
// which elements and attributes the renderer built.

const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
const escape = (s) => s.replace(/[&<>"]/g, (c) => ESC[c]);

class Node {
  constructor() {
    this.childNodes = [];
  }
  appendChild(child) {
    if (child instanceof Fragment) this.childNodes.push(...child.childNodes);
    else this.childNodes.push(child);
    return child;
  }
  removeChild(child) {
    const i = this.childNodes.indexOf(child);
    if (i < 0) throw new Error("removeChild: not a child");
    this.childNodes.splice(i, 1);
    return child;
  }
  get lastChild() {
    return this.childNodes.at(-1) ?? null;
  }
  get textContent() {
    return this.childNodes.map((c) => c.textContent).join("");
  }
  set textContent(v) {
    this.childNodes = [new Text(String(v))];
  }
  set innerHTML(_) {
    throw new Error("innerHTML used");
  }
  set outerHTML(_) {
    throw new Error("outerHTML used");
  }
  insertAdjacentHTML() {
    throw new Error("insertAdjacentHTML used");
  }
}

class Text {
  constructor(data) {
    this.data = data;
  }
  get textContent() {
    return this.data;
  }
  get html() {
    return escape(this.data);
  }
}

class Element extends Node {
  constructor(tag) {
    super();
    this.tagName = tag;
    this.attributes = new Map();
  }
  setAttribute(name, value) {
    if (/^on/i.test(name) || name === "style" || name === "srcdoc") throw new Error("dangerous attribute " + name);
    this.attributes.set(name, String(value));
  }
  getAttribute(name) {
    return this.attributes.get(name) ?? null;
  }
  get html() {
    const attrs = [...this.attributes].map(([k, v]) => ` ${k}="${escape(v)}"`).join("");
    const inner = this.childNodes.map((c) => c.html).join("");
    return this.tagName === "hr" ? `<hr${attrs}>` : `<${this.tagName}${attrs}>${inner}</${this.tagName}>`;
  }
}

class Fragment extends Node {
  get html() {
    return this.childNodes.map((c) => c.html).join("");
  }
}

/** The tags the renderer may create; anything else is a bug. */
export const ALLOWED = new Set([
  "p", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "del", "code", "pre",
  "ul", "ol", "li", "a", "blockquote", "hr", "span",
  "div", "table", "thead", "tbody", "tr", "th", "td",
]);

export const doc = {
  createElement(tag) {
    if (!ALLOWED.has(tag)) throw new Error("unexpected element " + tag);
    return new Element(tag);
  },
  createTextNode: (data) => new Text(String(data)),
  createDocumentFragment: () => new Fragment(),
};

/** Walks every element under node. */
export function* elements(node) {
  for (const c of node.childNodes || []) {
    if (c instanceof Element) {
      yield c;
      yield* elements(c);
    }
  }
}

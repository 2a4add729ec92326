// Building the page from data. Memory texts are written by agents and untrusted: they only ever become text
// nodes (strings passed as children, or textContent); nothing here parses HTML.

/**
 * el('a', {href: '#/x', class: 'c'}, 'text', otherNode): attributes are set one by one (never "on…" handlers:
 * those are passed as functions under `on`), children are nodes or strings (made text nodes).
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'on') {
      for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    } else if (name.startsWith('on')) {
      throw new Error('event handlers go under "on", not as attribute ' + name);
    } else if (name === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (value === true) {
      node.setAttribute(name, '');
    } else {
      node.setAttribute(name, String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces a node's children. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

export function fmt(n, digits = 3) {
  return n === null || n === undefined ? '—' : Number(n).toFixed(digits);
}

export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** A definition list from [label, value] pairs; values are text or nodes. */
export function fields(pairs) {
  return el('dl', { class: 'fields' }, pairs.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v ?? '—')]));
}

/** "a, b,, c " → ['a', 'b', 'c'] */
export function list(text) {
  return text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

export const MEMORY_TYPES = ['decision', 'pattern', 'convention', 'architecture', 'discovery', 'incident',
  'general', 'wiki', 'sdlc_knowledge', 'bug_fix', 'integration', 'configuration', 'debugging', 'refactoring',
  'documentation', 'learning', 'dependency', 'performance', 'security'];
export const RELATIONSHIP_TYPES = ['references', 'related_to', 'caused_by', 'contradicts', 'supersedes',
  'similar_to', 'depends_on'];

export function typeSelect(id, selected, anyLabel = 'any type') {
  return el('select', { id, name: id },
    anyLabel ? el('option', { value: '' }, anyLabel) : null,
    MEMORY_TYPES.map((t) => el('option', { value: t, selected: t === selected }, t)));
}

export function memoryLink(memoryId, text) {
  return el('a', { href: '#/memory/' + encodeURIComponent(memoryId), class: 'memory-link' }, text ?? memoryId);
}

// Small DOM helpers. Text from studies (names, parameters, failure reasons) is always set as text, never as HTML.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Sets attributes, text, handlers and dataset entries on an element. */
function apply(node, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') node.textContent = String(value);
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  return node;
}

/** An HTML element: el('a', {href: '...', class: 'x'}, child, 'text', ...). */
export function el(tag, attrs = {}, ...children) {
  const node = apply(document.createElement(tag), attrs);
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An SVG element with attributes (numbers are written as they are). */
export function svg(tag, attrs = {}, ...children) {
  const node = apply(document.createElementNS(SVG_NS, tag), attrs);
  for (const child of children.flat()) if (child) node.append(child);
  return node;
}

/** Removes every child of a node. */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** A select element with options; calls onChange with the chosen value. */
export function select(label, options, value, onChange) {
  const control = el('select', { onchange: (e) => onChange(e.target.value), 'aria-label': label });
  for (const option of options) {
    control.append(el('option', { value: option, selected: option === value, text: option }));
  }
  return el('label', { class: 'control' }, label + ' ', control);
}

/** A checkbox; calls onChange with its state. */
export function checkbox(label, checked, onChange) {
  const box = el('input', { type: 'checkbox', checked, onchange: (e) => onChange(e.target.checked) });
  return el('label', { class: 'control' }, box, ' ' + label);
}

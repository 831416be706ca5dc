// Stable, diff-friendly JSON: containers indent; an object or array whose members are all
// scalars goes on one line (one data element, one concept, one SourceRef per line).
function isScalar(v) {
  return v === null || typeof v !== 'object';
}

function flat(v) {
  return Array.isArray(v) ? v.every(isScalar) : Object.values(v).every(isScalar);
}

export function stringify(value, indent = '') {
  if (isScalar(value)) return JSON.stringify(value);
  if (flat(value)) {
    return Array.isArray(value)
      ? `[${value.map((v) => JSON.stringify(v)).join(', ')}]`
      : `{ ${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')} }`.replace('{  }', '{}');
  }
  const inner = indent + '  ';
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + stringify(v, inner)).join(',\n')}\n${indent}]`;
  return `{\n${Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${stringify(v, inner)}`).join(',\n')}\n${indent}}`;
}

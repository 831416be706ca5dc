/**
 * Namespace handling of the envelope tree parser under hostile input: a flood of declarations
 * is refused (too-many-namespaces) or, with the limits raised, read in work linear in its size
 * (NamespaceWork counts scope steps, so no clock is involved); normal scoping is unchanged.
 */
import { describe, expect, it } from 'vitest';
import { childElements, EnvelopeError, type NamespaceWork, parseEnvelope, type XElement } from '../../src/transport/envelope-tree.js';
import { readRequest, resolveBinding, SOAP11_NS, unwrapResponse, wrapRequest } from '../../src/transport/index.js';

const V3 = '<MCCI_IN000002UV01 xmlns="urn:hl7-org:v3" ITSVersion="XML_1.0"><id root="2.16.156.10011.0" extension="A1"/></MCCI_IN000002UV01>';
const NO_LIMITS = { maxNamespaces: 1e9, maxNamespacesInScope: 1e9 };

function decls(n: number, prefix = 'n', uri = 'u'): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ` xmlns:${prefix}${i}="${uri}${i}"`;
  return s;
}

/** The colleague's reproduction: the operation declares `n`, each of its `kids` children one more. */
function flood(n: number, kids = n, op = 'HIPMessageServerResponse'): string {
  return `<soap:Envelope xmlns:soap="${SOAP11_NS}"><soap:Body><${op} xmlns="urn:hl7-org:v3"${decls(n)}>${'<p xmlns:k="v">x</p>'.repeat(kids)}</${op}></soap:Body></soap:Envelope>`;
}

function refusal(f: () => unknown): EnvelopeError {
  try {
    f();
  } catch (e) {
    if (e instanceof EnvelopeError) return e;
    throw e;
  }
  throw new Error('expected an EnvelopeError');
}

function opOf(src: string, root: XElement): XElement {
  const body = childElements(src, root)[0] as XElement;
  return childElements(src, body)[0] as XElement;
}

describe('a namespace flood is refused', () => {
  it('6 000 declarations on the operation (0.24 MB): too-many-namespaces, at the element', () => {
    const e = refusal(() => parseEnvelope(flood(6000)));
    expect(e.code).toBe('too-many-namespaces');
    expect(e.message).toMatch(/<HIPMessageServerResponse> declares more than 64 namespaces/);
    expect(e.line).toBe(1);
  });

  it('client side: unwrapResponse reports it as an envelope problem (the client makes it bad-envelope)', () => {
    const u = unwrapResponse(resolveBinding('soap11'), flood(6000));
    expect(u.kind).toBe('error');
    if (u.kind === 'error') expect(u.error.code).toBe('too-many-namespaces');
  });

  it('server side: readRequest answers a Sender fault, like every other limit', () => {
    const b = resolveBinding('soap11');
    const w = wrapRequest(b, 'PatientInfoQuery', V3);
    const body = w.body.replace(/<(\w+:)?HIPMessageServer\b/, (m) => `${m}${decls(6000)}`);
    expect(body.length).toBeGreaterThan(100_000);
    const r = readRequest(b, w.headers['Content-Type'], { soapaction: w.headers.SOAPAction ?? '' }, body);
    expect(r).toMatchObject({ error: { faultCode: 'Sender', status: 500 } });
    if ('error' in r) expect(r.error.reason).toMatch(/declares more than 64 namespaces/);
  });

  it('64 declarations on one element are read, 65 are not', () => {
    expect(parseEnvelope(flood(63)).root.local).toBe('Envelope'); // 63 + the default namespace
    expect(refusal(() => parseEnvelope(flood(64))).code).toBe('too-many-namespaces');
    expect(parseEnvelope(flood(64), { maxNamespaces: 65 }).root.local).toBe('Envelope');
  });

  it('bindings in scope over several elements count against maxNamespacesInScope', () => {
    const src = `<s:Envelope xmlns:s="${SOAP11_NS}"${decls(60, 'a')}><s:Body${decls(60, 'b')}><op/></s:Body></s:Envelope>`;
    expect(parseEnvelope(src).root.local).toBe('Envelope');
    const e = refusal(() => parseEnvelope(src, { maxNamespacesInScope: 100 }));
    expect(e.code).toBe('too-many-namespaces');
    expect(e.message).toMatch(/more than 100 namespace bindings in scope at <s:Body>/);
  });
});

describe('scope work is linear', () => {
  function work(src: string, limits = NO_LIMITS): number {
    const w: NamespaceWork = { steps: 0 };
    const { src: s, root } = parseEnvelope(src, limits, w);
    expect(childElements(s, opOf(s, root)).length).toBeGreaterThan(0);
    return w.steps;
  }

  it('the flood with the limits lifted: steps grow with n, not n² (the old copy per element did n·(n+2))', () => {
    const w2 = work(flood(2000));
    const w4 = work(flood(4000));
    expect(w4).toBeLessThan(12 * 4000);
    expect(w4 / w2).toBeLessThan(2.2);
    expect(w4).toBeLessThan(4000 * 4002 / 100);
  });

  it('within the default limits: 60 declarations over 6 000 declaring children parse, bounded and correct', () => {
    const src = flood(60, 6000);
    const w: NamespaceWork = { steps: 0 };
    const { src: s, root } = parseEnvelope(src, {}, w);
    const op = opOf(s, root);
    const kids = childElements(s, op);
    expect(kids).toHaveLength(6000);
    expect(w.steps).toBeLessThan(12 * 6000);
    const last = kids[5999] as XElement;
    expect(last.ns).toBe('urn:hl7-org:v3');
    expect(last.scope.get('k')).toBe('v');
    expect(last.scope.get('n59')).toBe('u59');
    expect(last.scope.size).toBe(63); // '', soap, the default, n0…n59, k
    expect(op.scope.get('k')).toBeUndefined();
    expect(op.scope.size).toBe(62);
  });

  it('a deep chain of declaring elements: a lookup walks a bounded number of links', () => {
    const depth = 200;
    let inner = '<leaf/>';
    for (let i = depth - 1; i >= 0; i--) inner = `<d xmlns="urn:d${i}" xmlns:q${i % 50}="urn:q${i}">${inner}</d>`;
    const src = `<s:Envelope xmlns:s="${SOAP11_NS}"><s:Body><op><p>${inner}</p></op></s:Body></s:Envelope>`;
    const w: NamespaceWork = { steps: 0 };
    const { src: s, root } = parseEnvelope(src, {}, w);
    let el = childElements(s, opOf(s, root))[0] as XElement;
    for (let i = 0; i <= depth; i++) el = childElements(s, el)[0] as XElement;
    expect(el.local).toBe('leaf');
    expect(el.ns).toBe(`urn:d${depth - 1}`);
    const before = w.steps;
    expect(el.scope.get('s')).toBe(SOAP11_NS); // declared on the root, 200 declaring levels up
    expect(w.steps - before).toBeLessThanOrEqual(10);
    expect(el.scope.get('q0')).toBe('urn:q150');
    expect(el.scope.size).toBe(52);
    expect(w.steps).toBeLessThan(depth * 200);
  });
});

describe('scopes read as the copied maps did', () => {
  /** The old semantics: copy the parent's map and set the declarations, in attribute order. */
  function reference(chain: [string, string][][]): [string, string][] {
    let m = new Map<string, string>([['', '']]);
    for (const d of chain) {
      m = new Map(m);
      for (const [k, v] of d) m.set(k, v);
    }
    return [...m];
  }

  it('iteration order, overrides and the default namespace, across the flattening points', () => {
    const chain: [string, string][][] = [];
    for (let i = 0; i < 30; i++) {
      const d: [string, string][] = [[`p${i % 7}`, `urn:${i}`]];
      if (i % 3 === 0) d.push(['', `urn:default${i}`]);
      if (i % 5 === 0) d.push([`only${i}`, `urn:only${i}`]);
      chain.push(d);
    }
    const attrs = (d: [string, string][]): string => d.map(([k, v]) => ` ${k === '' ? 'xmlns' : `xmlns:${k}`}="${v}"`).join('');
    let inner = '<leaf/>';
    for (let i = chain.length - 1; i >= 0; i--) inner = `<d${attrs(chain[i] as [string, string][])}>${inner}</d>`;
    const src = `<root>${inner}</root>`;
    const { src: s, root } = parseEnvelope(src);
    let el = root;
    for (let i = 0; i < chain.length; i++) {
      el = childElements(s, el)[0] as XElement;
      const want = reference(chain.slice(0, i + 1));
      expect([...el.scope], `level ${i}`).toEqual(want);
      expect([...el.scope.keys()]).toEqual(want.map(([k]) => k));
      expect(el.scope.size).toBe(want.length);
      for (const [k, v] of want) expect(el.scope.get(k)).toBe(v);
    }
    expect([...root.scope]).toEqual([['', '']]);
  });

  it('undeclared prefixes and undeclarations are still refused as before', () => {
    expect(refusal(() => parseEnvelope('<a><x:b/></a>')).code).toBe('namespace');
    expect(refusal(() => parseEnvelope('<a xmlns:x="u"><b xmlns:x=""/></a>')).code).toBe('namespace');
    expect(refusal(() => parseEnvelope('<a x:y="1"/>')).code).toBe('namespace');
  });
});

describe('the server readers agree on declaring requests', () => {
  const b = resolveBinding('soap11');
  const w = wrapRequest(b, 'PatientInfoQuery', V3);
  const headers = { soapaction: w.headers.SOAPAction ?? '' };
  const ct = w.headers['Content-Type'];

  it('6 000 parameters each declaring a namespace: the scanner and the tree give the same answer', () => {
    const extra = '<appId xmlns:k="v">x</appId>'.repeat(6000);
    const body = w.body.replace(/(<(\w+:)?HIPMessageServer\b[^>]*>)/, `$1${extra}`);
    const fast = readRequest(b, ct, headers, body);
    const tree = readRequest(b, ct, headers, body, { scan: false });
    expect(fast).toEqual(tree);
    expect(tree).toMatchObject({ action: 'PatientInfoQuery', params: { appId: 'x' } });
  });

  it('32 declarations on each of Envelope, Body, operation and parameter (the scanner’s reach) are read by both', () => {
    const body = w.body
      .replace(/<(\w+):Envelope\b/, (m) => `${m}${decls(32, 'e')}`)
      .replace(/<(\w+):Body\b/, (m) => `${m}${decls(32, 'b')}`)
      .replace(/<(\w+:)?HIPMessageServer\b/, (m) => `${m}${decls(32, 'o')}`)
      .replace(/<(\w+:)?action\b/, (m) => `${m}${decls(32, 'a')}`);
    const fast = readRequest(b, ct, headers, body);
    const tree = readRequest(b, ct, headers, body, { scan: false });
    expect(tree).toMatchObject({ action: 'PatientInfoQuery' });
    expect(fast).toEqual(tree);
  });
});

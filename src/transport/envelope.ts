/**
 * Envelopes for the three bindings, both sides:
 *  - the harness client: wrapRequest → (wire) → unwrapResponse
 *  - the reference platform: readRequest → (handler) → writeResponse
 *
 * Reading is done under hostile-input rules (see envelope-tree.ts): no DOCTYPE, no entity
 * expansion, element-count limit; a response that cannot be understood is reported with
 * the reason and the position, never guessed at silently.
 */
import {
  type Binding,
  httpPathFor,
  isValidAction,
  responseElementName,
  resultElementName,
  soapActionFor,
} from './binding.js';
import { decodeBody, encodeBody, isSupportedCharset, parseContentType } from './charset.js';
import {
  childElements,
  EnvelopeError,
  type EnvelopeLimits,
  type EnvelopeProblem,
  parseEnvelope,
  textOf,
  type XElement,
} from './envelope-tree.js';
import { scanRequest } from './envelope-scan.js';
import { cdata, escapeAttr, escapeText, excerpt, lineColumn } from './xmltext.js';

export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';

export type SoapVersion = '1.1' | '1.2';
/** How the V3 XML was carried: escaped text, CDATA, both mixed, inline elements, or the whole HTTP body. */
export type PayloadForm = 'escaped' | 'cdata' | 'mixed' | 'inline' | 'body';

/** SOAP 1.2 fault codes; SOAP 1.1 writes Sender as Client and Receiver as Server. */
export type FaultCode = 'VersionMismatch' | 'MustUnderstand' | 'DataEncodingUnknown' | 'Sender' | 'Receiver';

export interface SoapFault {
  version: SoapVersion;
  /** local part of the fault code as sent: Client, Server, Sender, Receiver, Client.Authentication … */
  code: string;
  /** the code's QName text exactly as sent */
  codeQName: string;
  /** SOAP 1.2 subcodes (local parts), outermost first */
  subcodes: string[];
  reason: string;
  /** detail content: its text, or its inner XML when it has elements */
  detail?: string;
  /** SOAP 1.1 faultactor / SOAP 1.2 Role */
  actor?: string;
}

export type UnwrapResult =
  | { kind: 'message'; v3xml: string; form: PayloadForm; soapVersion?: SoapVersion; element?: string; warnings: string[] }
  | { kind: 'fault'; fault: SoapFault; warnings: string[] }
  | { kind: 'error'; error: EnvelopeProblem; warnings: string[] };

export interface WrappedRequest {
  body: string;
  headers: Record<string, string>;
  /** appended to the endpoint path ('' except for the http binding with the action in the path) */
  path: string;
}

const V3_ROOT = /^[A-Z]{4}_IN\d{6}[A-Z0-9]*$/;
const SOAP_ROOT = /^(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<([A-Za-z_][\w.\-]*:)?Envelope[\s>/]/;
const XML_DECL = (charset: string): string => `<?xml version="1.0" encoding="${charset}"?>`;

function envelopeNs(b: Binding): string {
  return b.kind === 'soap12' ? SOAP12_NS : SOAP11_NS;
}

function withCharset(contentType: string, charset: string): string {
  const parts = contentType.split(';').map((p) => p.trim()).filter((p) => p !== '' && !/^charset\s*=/i.test(p));
  return [parts[0] ?? 'text/xml', `charset=${charset}`, ...parts.slice(1)].join('; ');
}

function mergeHeaders(base: Record<string, string>, extra: Record<string, string>): Record<string, string> {
  const out = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    for (const existing of Object.keys(out)) if (existing.toLowerCase() === k.toLowerCase()) delete out[existing];
    out[k] = v;
  }
  return out;
}

/** The operation wrapper in the binding's qualification style, around already-serialised children. */
function operationElement(b: Binding, local: string, children: string): string {
  if (b.namespace === '') return `<${local}>${children}</${local}>`;
  if (b.paramsQualified) return `<${local} xmlns="${escapeAttr(b.namespace)}">${children}</${local}>`;
  return `<${b.prefix}:${local} xmlns:${b.prefix}="${escapeAttr(b.namespace)}">${children}</${b.prefix}:${local}>`;
}

function carry(b: Binding, v3xml: string): string {
  if (b.messageAs !== 'cdata') return escapeText(v3xml);
  // cdata() splits around "]]>"; most payloads have none and skip the split/join
  return v3xml.includes(']]>') ? cdata(v3xml) : `<![CDATA[${v3xml}]]>`;
}

function soapEnvelope(b: Binding, body: string, header = ''): string {
  return `${XML_DECL(b.charset)}<soap:Envelope xmlns:soap="${envelopeNs(b)}">${header}<soap:Body>${body}</soap:Body></soap:Envelope>`;
}

/** Build the HTTP request for one service call. Throws TypeError for an unusable service code. */
export function wrapRequest(b: Binding, action: string, v3xml: string): WrappedRequest {
  if (!isValidAction(action)) throw new TypeError(`invalid service code ${JSON.stringify(action)}: letters, digits, _ . : - only`);
  const sa = soapActionFor(b, action);
  if (b.kind === 'http') {
    const headers: Record<string, string> = { 'Content-Type': withCharset(b.http.contentType, b.charset) };
    if (b.http.actionIn !== 'path') headers[b.http.actionHeader] = action;
    return { body: v3xml, headers: mergeHeaders(headers, b.headers), path: httpPathFor(b, action) };
  }
  const params =
    `<${b.params.action}>${escapeText(action)}</${b.params.action}>` +
    `<${b.params.message}>${carry(b, v3xml)}</${b.params.message}>` +
    b.extraParams.map((p) => `<${p.name}>${escapeText(p.value)}</${p.name}>`).join('');
  const body = soapEnvelope(b, operationElement(b, b.operation, params));
  const headers: Record<string, string> =
    b.kind === 'soap11'
      ? { 'Content-Type': `text/xml; charset=${b.charset}`, SOAPAction: `"${sa}"` }
      : { 'Content-Type': `application/soap+xml; charset=${b.charset}${sa === '' ? '' : `; action="${sa}"`}` };
  return { body, headers: mergeHeaders(headers, b.headers), path: '' };
}

// ---------------------------------------------------------------------------------------------
// payload extraction (shared by both sides)

function ws(s: string): boolean {
  return s.trim() === '';
}

function looksLikeXml(s: string): boolean {
  return s.trimStart().startsWith('<');
}

/** Declarations in scope for `el` that its own start tag does not make, for prefixes it may use. */
function inheritedDeclarations(el: XElement, outer: string): string {
  let decls = '';
  for (const [p, uri] of el.scope) {
    const attr = p === '' ? 'xmlns' : `xmlns:${p}`;
    if (attr in el.attrs) continue;
    if (p === '' ? uri === '' : !outer.includes(`${p}:`)) continue;
    decls += ` ${attr}="${escapeAttr(uri)}"`;
  }
  return decls;
}

/** An inline element as a standalone document: its text, plus the namespaces it inherited. */
function standalone(src: string, el: XElement): string {
  const outer = src.slice(el.start, el.end);
  const decls = inheritedDeclarations(el, outer);
  return decls === '' ? outer : `<${el.qname}${decls}${outer.slice(1 + el.qname.length)}`;
}

function payloadFail(src: string, code: EnvelopeProblem['code'], message: string, el: XElement): never {
  const { line, column } = lineColumn(src, el.start);
  throw new EnvelopeError(code, message, line, column);
}

/** The V3 XML carried by `el` (escaped text, CDATA, or one inline element). */
function payloadOf(src: string, el: XElement, depth = 0): { v3xml: string; form: PayloadForm; element: string } {
  const t = textOf(src, el);
  if (t.hasElements) {
    if (!ws(t.text)) payloadFail(src, 'mixed-content', `<${el.qname}> mixes text and elements; expected the V3 XML as text, CDATA or one element`, el);
    const kids = childElements(src, el);
    if (kids.length > 1) payloadFail(src, 'mixed-content', `<${el.qname}> holds ${kids.length} elements (${kids.slice(0, 4).map((k) => `<${k.qname}>`).join(', ')}); expected one V3 message`, el);
    const only = kids[0] as XElement;
    // A platform may nest once more (<return><message>…</message></return>): follow simple nesting.
    if (!V3_ROOT.test(only.local) && depth < 2) {
      const inner = textOf(src, only);
      if (!inner.hasElements && looksLikeXml(inner.text)) return payloadOf(src, only, depth + 1);
    }
    return { v3xml: standalone(src, only), form: 'inline', element: el.qname };
  }
  const text = t.text.trim();
  if (text === '') payloadFail(src, 'empty-payload', `<${el.qname}> is empty: no V3 XML in the response`, el);
  if (/^&(lt|#60|#x3[cC]);/.test(text)) {
    payloadFail(src, 'double-escaped', `<${el.qname}> holds XML escaped twice (${excerpt(text, 40)}); the platform escapes an already escaped string`, el);
  }
  if (!text.startsWith('<')) {
    const b64 = /^[A-Za-z0-9+/=\s]{16,}$/.test(text.slice(0, 400)) && Buffer.from(text.slice(0, 64), 'base64').toString('latin1').trimStart().startsWith('<');
    payloadFail(src, 'payload-not-xml', `<${el.qname}> holds text that is not XML: ${excerpt(text)}${b64 ? ' (it looks base64-encoded)' : ''}`, el);
  }
  const form: PayloadForm = t.cdata && t.escaped ? 'mixed' : t.cdata ? 'cdata' : 'escaped';
  return { v3xml: text, form, element: el.qname };
}

function byLocal(src: string, el: XElement, local: string): XElement | undefined {
  return childElements(src, el).find((c) => c.local === local);
}

function problemOf(e: unknown): EnvelopeProblem {
  if (e instanceof EnvelopeError) return e.toProblem();
  throw e;
}

// ---------------------------------------------------------------------------------------------
// client side

function faultOf(src: string, fault: XElement, version: SoapVersion): SoapFault {
  const envNs = version === '1.1' ? SOAP11_NS : SOAP12_NS;
  const text = (el: XElement | undefined): string => (el ? textOf(src, el).text.trim() : '');
  const detailOf = (el: XElement | undefined): string | undefined => {
    if (!el) return undefined;
    const t = textOf(src, el);
    const d = t.hasElements ? src.slice(el.contentStart, el.contentEnd).trim() : t.text.trim();
    return d === '' ? undefined : d;
  };
  const local = (q: string): string => q.slice(q.indexOf(':') + 1);
  if (version === '1.1') {
    // SOAP 1.1 fault children are unqualified; accept qualified ones too, platforms vary.
    const codeQName = text(byLocal(src, fault, 'faultcode'));
    if (codeQName === '') payloadFail(src, 'bad-fault', 'SOAP 1.1 Fault without faultcode', fault);
    const f: SoapFault = { version, code: local(codeQName), codeQName, subcodes: [], reason: text(byLocal(src, fault, 'faultstring')) };
    const d = detailOf(byLocal(src, fault, 'detail'));
    if (d !== undefined) f.detail = d;
    const a = text(byLocal(src, fault, 'faultactor'));
    if (a !== '') f.actor = a;
    return f;
  }
  const kid = (el: XElement | undefined, name: string): XElement | undefined =>
    el ? childElements(src, el).find((c) => c.local === name && c.ns === envNs) : undefined;
  const code = kid(fault, 'Code');
  const codeQName = text(kid(code, 'Value'));
  if (codeQName === '') payloadFail(src, 'bad-fault', 'SOAP 1.2 Fault without Code/Value', fault);
  const subcodes: string[] = [];
  for (let s = kid(code, 'Subcode'); s && subcodes.length < 8; s = kid(s, 'Subcode')) subcodes.push(local(text(kid(s, 'Value'))));
  const reasons = kid(fault, 'Reason');
  const texts = reasons ? childElements(src, reasons).filter((c) => c.local === 'Text') : [];
  const preferred = texts.find((t) => /^zh/i.test(t.attrs['xml:lang'] ?? '')) ?? texts[0];
  const f: SoapFault = { version, code: local(codeQName), codeQName, subcodes, reason: text(preferred) };
  const d = detailOf(kid(fault, 'Detail'));
  if (d !== undefined) f.detail = d;
  const role = text(kid(fault, 'Role'));
  if (role !== '') f.actor = role;
  return f;
}

export interface UnwrapOptions extends EnvelopeLimits {}

/** Find the V3 XML (or the fault) in a response body. Never throws for bad input. */
export function unwrapResponse(b: Binding, body: string, opts: UnwrapOptions = {}): UnwrapResult {
  const warnings: string[] = [];
  if (b.kind === 'http') {
    const text = body.replace(/^\uFEFF/, '').trim();
    if (text === '') return { kind: 'error', error: { code: 'empty-payload', message: 'the response body is empty' }, warnings };
    if (!text.startsWith('<')) return { kind: 'error', error: { code: 'payload-not-xml', message: `the response body is not XML: ${excerpt(text)}` }, warnings };
    if (SOAP_ROOT.test(text)) warnings.push('the response body looks like a SOAP envelope, but the binding is plain http');
    return { kind: 'message', v3xml: text, form: 'body', warnings };
  }
  try {
    const { src, root } = parseEnvelope(body, opts);
    const version: SoapVersion | undefined = root.ns === SOAP11_NS ? '1.1' : root.ns === SOAP12_NS ? '1.2' : undefined;
    if (root.local !== 'Envelope' || version === undefined) {
      return {
        kind: 'error',
        error: {
          code: 'not-envelope',
          message: `the response is XML but not a SOAP envelope: root element <${root.qname}>${root.ns ? ` in namespace ${root.ns}` : ''}${
            V3_ROOT.test(root.local) ? ' (a bare V3 message: does this platform use the http binding?)' : ''}`,
        },
        warnings,
      };
    }
    const expected: SoapVersion = b.kind === 'soap12' ? '1.2' : '1.1';
    if (version !== expected) warnings.push(`the response is a SOAP ${version} envelope but the binding is SOAP ${expected}`);
    const bodyEl = childElements(src, root).find((c) => c.local === 'Body' && c.ns === root.ns);
    if (!bodyEl) return { kind: 'error', error: { code: 'no-body', message: 'the SOAP envelope has no Body' }, warnings };
    const kids = childElements(src, bodyEl);
    const first = kids[0];
    if (!first) return { kind: 'error', error: { code: 'empty-body', message: 'the SOAP Body is empty' }, warnings };
    if (first.local === 'Fault' && first.ns === root.ns) return { kind: 'fault', fault: faultOf(src, first, version), warnings };
    if (kids.length > 1) warnings.push(`the SOAP Body has ${kids.length} elements; only the first, <${first.qname}>, was read`);
    if (V3_ROOT.test(first.local)) {
      warnings.push(`the V3 message <${first.qname}> is the SOAP Body itself, not wrapped in <${responseElementName(b)}>`);
      return { kind: 'message', v3xml: standalone(src, first), form: 'inline', soapVersion: version, element: bodyEl.qname, warnings };
    }
    const wantResponse = responseElementName(b);
    if (first.local !== wantResponse) warnings.push(`the response element is <${first.local}>, expected <${wantResponse}>`);
    const holder = findResultElement(src, first, resultElementName(b), warnings);
    const p = payloadOf(src, holder);
    return { kind: 'message', v3xml: p.v3xml, form: p.form, soapVersion: version, element: p.element, warnings };
  } catch (e) {
    return { kind: 'error', error: problemOf(e), warnings };
  }
}

const FALLBACK_RESULT = /^(return|out|result|.*Result|.*Return)$/i;

function findResultElement(src: string, wrapper: XElement, want: string, warnings: string[]): XElement {
  const kids = childElements(src, wrapper);
  const exact = kids.find((c) => c.local === want);
  if (exact) return exact;
  const named = kids.find((c) => FALLBACK_RESULT.test(c.local));
  if (named) {
    warnings.push(`the result element is <${named.local}>, expected <${want}>`);
    return named;
  }
  for (const c of kids) {
    const t = textOf(src, c);
    if (t.hasElements || looksLikeXml(t.text)) {
      warnings.push(`no <${want}>; the V3 XML was taken from <${c.local}>, the first child that holds XML`);
      return c;
    }
  }
  if (kids.length === 0) {
    const t = textOf(src, wrapper);
    if (looksLikeXml(t.text)) {
      warnings.push(`no <${want}>; the V3 XML was taken from the text of <${wrapper.local}>`);
      return wrapper;
    }
  }
  const seen = kids.length ? kids.slice(0, 6).map((k) => `<${k.local}>`).join(', ') : 'no child elements';
  return payloadFail(src, 'no-payload', `no V3 XML in <${wrapper.qname}>: expected <${want}> (or return/out/…Result/…Return, or a child holding XML); found ${seen}`, wrapper);
}

// ---------------------------------------------------------------------------------------------
// server side (the reference platform)

/** What the reference platform answers when a request cannot be served. */
export interface ServerFault {
  faultCode: FaultCode;
  reason: string;
  detail?: string;
  /** overrides the status the binding's rules give (e.g. 415 for a wrong media type) */
  status?: number;
}

export type ReadRequestResult =
  | { action: string; v3xml: string; form: PayloadForm; params: Record<string, string>; warnings: string[] }
  | { error: ServerFault & { status: number } };

export type HeaderBag = Record<string, string | string[] | undefined>;

export interface ReadRequestOptions extends EnvelopeLimits {
  /** request path (with or without query), needed when the http binding carries the action in the path */
  path?: string;
  /**
   * false: always build the envelope tree (envelope-tree.ts). By default the single-pass scanner
   * of envelope-scan.ts reads the plain shape and the tree reads the rest; both give the same
   * result (test/transport/envelope-scan.test.ts), this switch exists for that test.
   */
  scan?: boolean;
}

function header(h: HeaderBag, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(h)) {
    if (k.toLowerCase() === want) return Array.isArray(v) ? v.join(', ') : v;
  }
  return undefined;
}

/** Status for a fault under the binding's HTTP rules (SOAP 1.2 §7.5.1: Sender → 400, others 500). */
export function faultStatus(b: Binding, f: ServerFault): number {
  if (f.status !== undefined) return f.status;
  if (b.kind === 'soap11') return 500;
  return f.faultCode === 'Sender' ? 400 : 500;
}

function err(b: Binding, faultCode: FaultCode, reason: string, status?: number): { error: ServerFault & { status: number } } {
  const f: ServerFault = { faultCode, reason };
  if (status !== undefined) f.status = status;
  return { error: { faultCode, reason, status: faultStatus(b, f) } };
}

function unquote(v: string): string {
  const t = v.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

function pathAction(b: Binding, path: string | undefined): string | undefined {
  if (!path) return undefined;
  const p = path.split(/[?#]/)[0] ?? '';
  const [before, after] = b.http.path.split('{action}') as [string, string | undefined];
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`${esc(before)}([^/]+)${esc(after ?? '')}$`).exec(p);
  if (!m?.[1]) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
}

const XML_MEDIA = /^(text\/xml|application\/xml|application\/[a-z0-9.+\-]+\+xml)$/;

/** Read one request as a platform would. Never throws for bad input. */
export function readRequest(
  b: Binding,
  contentType: string | undefined,
  headers: HeaderBag,
  body: string | Uint8Array,
  opts: ReadRequestOptions = {},
): ReadRequestResult {
  const mt = parseContentType(contentType);
  const warnings: string[] = [];
  if (mt.params.charset && !isSupportedCharset(mt.params.charset)) return err(b, 'Sender', `unsupported charset "${mt.params.charset}"`, 415);
  const text = typeof body === 'string' ? body : decodeBody(body, contentType).text;

  if (b.kind === 'http') {
    if (mt.type !== '' && !XML_MEDIA.test(mt.type)) return err(b, 'Sender', `Content-Type ${mt.type} is not XML`, 415);
    const fromHeader = b.http.actionIn === 'path' ? undefined : header(headers, b.http.actionHeader)?.trim() || undefined;
    const fromPath = b.http.actionIn === 'header' ? undefined : pathAction(b, opts.path);
    if (fromHeader && fromPath && fromHeader !== fromPath) {
      return err(b, 'Sender', `service code in ${b.http.actionHeader} (${fromHeader}) differs from the one in the path (${fromPath})`);
    }
    const action = fromHeader ?? fromPath;
    if (!action) {
      const where = b.http.actionIn === 'header' ? `header ${b.http.actionHeader}` : b.http.actionIn === 'path' ? `path ${b.http.path}` : `header ${b.http.actionHeader} or path ${b.http.path}`;
      return err(b, 'Sender', `no service code: expected it in the ${where}`);
    }
    if (!isValidAction(action)) return err(b, 'Sender', `invalid service code ${excerpt(action, 40)}`);
    const v3xml = text.replace(/^\uFEFF/, '').trim();
    if (v3xml === '') return err(b, 'Sender', 'the request body is empty');
    if (!v3xml.startsWith('<')) return err(b, 'Sender', `the request body is not XML: ${excerpt(v3xml)}`);
    if (SOAP_ROOT.test(v3xml)) warnings.push('the request body looks like a SOAP envelope, but this endpoint takes plain V3 XML');
    return { action, v3xml, form: 'body', params: {}, warnings };
  }

  const wantType = b.kind === 'soap11' ? 'text/xml' : 'application/soap+xml';
  if (mt.type !== wantType) {
    const hint = mt.type === 'application/soap+xml' ? ' (a SOAP 1.2 request?)' : mt.type === 'text/xml' ? ' (a SOAP 1.1 request?)' : '';
    return err(b, 'Sender', `SOAP ${b.kind === 'soap11' ? '1.1' : '1.2'} requires Content-Type ${wantType}; got ${mt.type || 'none'}${hint}`, 415);
  }
  const sentAction = b.kind === 'soap11' ? header(headers, 'soapaction') : mt.params.action;
  if (b.soapActionCheck !== 'ignore' && sentAction === undefined && (b.kind === 'soap11' || b.soapActionCheck === 'present')) {
    return err(b, 'Sender', b.kind === 'soap11' ? 'the SOAPAction header is missing (SOAP 1.1 requires it)' : 'the action parameter of Content-Type is missing');
  }

  const ns = envelopeNs(b);
  if (opts.scan !== false) {
    const fast = scanRequest(b, ns, text, opts.maxElements);
    if (fast) {
      const bad = actionMismatch(b, sentAction, fast.action);
      return bad ?? { action: fast.action, v3xml: fast.v3xml, form: fast.form, params: fast.params, warnings };
    }
  }
  try {
    const { src, root } = parseEnvelope(text, opts);
    if (root.local !== 'Envelope') return err(b, 'Sender', `not a SOAP envelope: root element <${root.qname}>`);
    if (root.ns !== ns) {
      return err(b, 'VersionMismatch', root.ns === SOAP11_NS || root.ns === SOAP12_NS
        ? `this endpoint speaks SOAP ${b.kind === 'soap11' ? '1.1' : '1.2'}; the envelope is SOAP ${root.ns === SOAP11_NS ? '1.1' : '1.2'}`
        : `unknown envelope namespace "${root.ns}"`);
    }
    const kids = childElements(src, root);
    const headerEl = kids.find((c) => c.local === 'Header' && c.ns === ns);
    if (headerEl) {
      const mu = notUnderstood(src, headerEl, ns);
      if (mu) return err(b, 'MustUnderstand', `header block <${mu}> is marked mustUnderstand and is not understood`);
    }
    const bodyEl = kids.find((c) => c.local === 'Body' && c.ns === ns);
    if (!bodyEl) return err(b, 'Sender', 'the SOAP envelope has no Body');
    const op = childElements(src, bodyEl)[0];
    if (!op) return err(b, 'Sender', 'the SOAP Body is empty');
    if (op.local !== b.operation || op.ns !== b.namespace) {
      return err(b, 'Sender', `unknown operation {${op.ns}}${op.local}; this endpoint serves {${b.namespace}}${b.operation}`);
    }
    const params = childElements(src, op);
    const paramNs = b.paramsQualified ? b.namespace : '';
    for (const p of params) {
      if (p.ns !== paramNs) {
        warnings.push(`parameter <${p.local}> is ${p.ns ? `in namespace ${p.ns}` : 'unqualified'}; the binding expects ${paramNs ? `namespace ${paramNs}` : 'unqualified parameters'}`);
        break;
      }
    }
    const actionEl = params.find((p) => p.local === b.params.action);
    if (!actionEl) return err(b, 'Sender', `missing parameter <${b.params.action}> (the service code)`);
    const action = textOf(src, actionEl).text.trim();
    if (action === '') return err(b, 'Sender', `parameter <${b.params.action}> is empty`);
    if (!isValidAction(action)) return err(b, 'Sender', `invalid service code ${excerpt(action, 40)}`);
    const msgEl = params.find((p) => p.local === b.params.message);
    if (!msgEl) return err(b, 'Sender', `missing parameter <${b.params.message}> (the V3 XML)`);
    const payload = payloadOf(src, msgEl);
    const bad = actionMismatch(b, sentAction, action);
    if (bad) return bad;
    const extra = new Map<string, string>();
    for (const p of params) {
      if (p !== actionEl && p !== msgEl && !extra.has(p.local)) extra.set(p.local, textOf(src, p).text);
    }
    return { action, v3xml: payload.v3xml, form: payload.form, params: Object.fromEntries(extra), warnings };
  } catch (e) {
    return err(b, 'Sender', problemOf(e).message);
  }
}

/** The SOAPAction / action parameter check of soapActionCheck 'exact', once the service code is known. */
function actionMismatch(b: Binding, sentAction: string | undefined, action: string): { error: ServerFault & { status: number } } | undefined {
  if (b.soapActionCheck !== 'exact' || sentAction === undefined) return undefined;
  const want = soapActionFor(b, action);
  if (unquote(sentAction) === want) return undefined;
  return err(b, 'Sender', `${b.kind === 'soap11' ? 'SOAPAction' : 'action'} "${unquote(sentAction)}" is not recognised; expected "${want}"`);
}

const ULTIMATE = new Set(['', 'http://schemas.xmlsoap.org/soap/actor/next', 'http://www.w3.org/2003/05/soap-envelope/role/next', 'http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver']);

function notUnderstood(src: string, headerEl: XElement, envNs: string): string | undefined {
  for (const blk of childElements(src, headerEl)) {
    let mu: string | undefined;
    let role = '';
    for (const [k, v] of Object.entries(blk.attrs)) {
      const c = k.indexOf(':');
      const prefix = c === -1 ? '' : k.slice(0, c);
      const local = c === -1 ? k : k.slice(c + 1);
      if (prefix === '' || blk.scope.get(prefix) !== envNs) continue;
      if (local === 'mustUnderstand') mu = v.trim();
      if (local === 'actor' || local === 'role') role = v.trim();
    }
    if ((mu === '1' || mu === 'true') && ULTIMATE.has(role)) return blk.ns ? `{${blk.ns}}${blk.local}` : blk.local;
  }
  return undefined;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function respond(status: number, contentType: string, text: string, charset: string): HttpResponse {
  const body = encodeBody(text, charset);
  return { status, headers: { 'Content-Type': contentType, 'Content-Length': String(body.length) }, body };
}

interface ResponseFrame {
  key: string;
  /** everything before and after the carried V3 XML of a SOAP response */
  open: string;
  close: string;
  contentType: string;
}

// The response envelope around the payload depends on the binding only; built once per binding
// (template expansion and escaping are regex work on every request otherwise). Checked against
// the fields it was built from, so a binding changed after use gets a fresh frame.
const frames = new WeakMap<Binding, ResponseFrame>();
const PAYLOAD_MARK = '\u0000';

function responseFrame(b: Binding): ResponseFrame {
  const key = `${b.kind}\n${b.charset}\n${b.namespace}\n${b.prefix}\n${b.paramsQualified}\n${b.operation}\n${b.responseElement}\n${b.resultElement}`;
  const cached = frames.get(b);
  if (cached?.key === key) return cached;
  const result = resultElementName(b);
  const whole = soapEnvelope(b, operationElement(b, responseElementName(b), `<${result}>${PAYLOAD_MARK}</${result}>`));
  // the mark is the last one: only NCName end tags follow it (a namespace before it might hold one)
  const at = whole.lastIndexOf(PAYLOAD_MARK);
  const cs = b.charset;
  const frame: ResponseFrame = {
    key, open: whole.slice(0, at), close: whole.slice(at + PAYLOAD_MARK.length),
    contentType: b.kind === 'soap11' ? `text/xml; charset=${cs}` : `application/soap+xml; charset=${cs}`,
  };
  frames.set(b, frame);
  return frame;
}

/** The platform's answer: the V3 XML in the binding's response envelope, or a fault. */
export function writeResponse(b: Binding, out: string | ServerFault): HttpResponse {
  const cs = b.charset;
  if (typeof out === 'string') {
    if (b.kind === 'http') return respond(200, withCharset(b.http.contentType, cs), out, cs);
    const f = responseFrame(b);
    return respond(200, f.contentType, f.open + carry(b, out) + f.close, cs);
  }
  const status = faultStatus(b, out);
  if (b.kind === 'http') return respond(status, `text/plain; charset=${cs}`, out.detail ? `${out.reason}\n${out.detail}` : out.reason, cs);
  if (b.kind === 'soap11') {
    const code = out.faultCode === 'Sender' ? 'Client' : out.faultCode === 'Receiver' ? 'Server' : out.faultCode;
    const fault =
      `<soap:Fault><faultcode>soap:${code}</faultcode><faultstring>${escapeText(out.reason)}</faultstring>` +
      (out.detail ? `<detail>${escapeText(out.detail)}</detail>` : '') +
      '</soap:Fault>';
    return respond(status, `text/xml; charset=${cs}`, soapEnvelope(b, fault), cs);
  }
  // SOAP 1.2 asks a VersionMismatch fault to say which envelopes are supported (§5.4.7).
  const upgrade = out.faultCode === 'VersionMismatch'
    ? `<soap:Header><soap:Upgrade><soap:SupportedEnvelope qname="soap:Envelope"/></soap:Upgrade></soap:Header>`
    : '';
  const lang = /^[\x00-\x7f]*$/.test(out.reason) ? 'en' : 'zh';
  const fault =
    `<soap:Fault><soap:Code><soap:Value>soap:${out.faultCode}</soap:Value></soap:Code>` +
    `<soap:Reason><soap:Text xml:lang="${lang}">${escapeText(out.reason)}</soap:Text></soap:Reason>` +
    (out.detail ? `<soap:Detail>${escapeText(out.detail)}</soap:Detail>` : '') +
    '</soap:Fault>';
  return respond(status, `application/soap+xml; charset=${cs}`, soapEnvelope(b, fault, upgrade), cs);
}

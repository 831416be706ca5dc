/**
 * Bindings: how one V3 message travels over HTTP to a platform and back.
 *
 * Platforms under test differ in everything but the V3 payload, so every name on the wire is
 * configurable per plan. A plan (or the command line) gives a `BindingInput`; `resolveBinding`
 * checks it and fills the defaults, returning the `Binding` both the harness client and the
 * reference platform use.
 *
 * Grammar of the options (YAML as written in a plan; every key optional):
 *
 *   binding: soap11                      # shorthand for { kind: soap11 }
 *
 *   binding:
 *     kind: soap11 | soap12 | http       # default soap11
 *     # --- SOAP (soap11, soap12) ---
 *     operation: HIPMessageServer        # operation element name (an XML NCName)
 *     namespace: urn:hl7-org:v3          # namespace of the operation element; "" for none
 *     prefix: tns                        # prefix for the operation element when paramsQualified is false
 *     params:
 *       action: action                   # parameter carrying the service code (NCName)
 *       message: message                 # parameter carrying the V3 XML (NCName)
 *     paramsQualified: true              # true: params in the operation namespace (.NET style,
 *                                        #   <HIPMessageServer xmlns="ns"><action>…);
 *                                        # false: params unqualified (JAX-WS style,
 *                                        #   <tns:HIPMessageServer xmlns:tns="ns"><action>…)
 *     extraParams:                       # more string params sent after the message, in order
 *       - { name: token, value: "…" }    # (mark them in `secret` when they are credentials)
 *     messageAs: cdata | escaped         # how the V3 XML is carried: one CDATA section (split
 *                                        # around any "]]>" in the payload) or escaped text; default cdata
 *     soapAction: "{namespace}/{operation}"
 *                                        # SOAPAction (1.1) / action="…" (1.2) template; placeholders
 *                                        # {namespace} {operation} {action} (the service code);
 *                                        # "" sends an empty SOAPAction "" (1.1) / no action (1.2).
 *                                        # Default: {namespace}/{operation}, or {namespace}{operation}
 *                                        # when the namespace ends in "/".
 *     soapActionCheck: exact | present | ignore
 *                                        # how the reference platform checks the incoming action; default exact
 *     responseElement: "{operation}Response"  # the Body child of a response (placeholder {operation})
 *     resultElement: "{operation}Result"      # its child carrying the V3 XML; when absent the client
 *                                             # falls back to return/out/result/…Result/…Return and then
 *                                             # to the first child whose text looks like XML
 *     # --- plain HTTP (http) ---
 *     http:
 *       actionIn: header | path | both   # where the service code goes; default header
 *       actionHeader: X-HIP-Action       # header name when actionIn is header or both
 *       path: /hip/{action}              # appended to the endpoint path when actionIn is path or both
 *       contentType: text/xml; charset=utf-8
 *     # --- all kinds ---
 *     charset: utf-8 | gbk | gb18030     # request body encoding (declared in Content-Type); default utf-8
 *     headers: { X-Vendor: abc }         # extra HTTP request headers
 *     secret: [X-Vendor, token]          # header names (case-insensitive) and param names whose values
 *                                        # are secret: never recorded, scrubbed from exchanges
 *
 * Defaults follow the practitioners' common case: SOAP 1.1, `HIPMessageServer(action, message)` in
 * `urn:hl7-org:v3`. A DHCC-style platform is
 *   { namespace: "http://www.dhcc.com.cn", params: { action: input1, message: input2 } }.
 */

export type BindingKind = 'soap11' | 'soap12' | 'http';
export type MessageEncoding = 'cdata' | 'escaped';
export type ActionCheck = 'exact' | 'present' | 'ignore';
export type HttpActionPlacement = 'header' | 'path' | 'both';

export interface HttpBindingOptions {
  actionIn: HttpActionPlacement;
  actionHeader: string;
  /** path template with {action}, appended to the endpoint path */
  path: string;
  contentType: string;
}

/** A checked binding with every default filled in. */
export interface Binding {
  kind: BindingKind;
  operation: string;
  namespace: string;
  prefix: string;
  params: { action: string; message: string };
  paramsQualified: boolean;
  extraParams: { name: string; value: string }[];
  messageAs: MessageEncoding;
  soapAction: string;
  soapActionCheck: ActionCheck;
  responseElement: string;
  resultElement: string;
  http: HttpBindingOptions;
  charset: string;
  headers: Record<string, string>;
  secret: string[];
}

/** What a plan may write: any subset of a Binding, or just its kind. */
export type BindingInput =
  | BindingKind
  | (Partial<Omit<Binding, 'params' | 'http'>> & {
      params?: Partial<Binding['params']>;
      http?: Partial<HttpBindingOptions>;
    });

export class BindingConfigError extends Error {
  constructor(
    /** dotted path of the offending option, e.g. "binding.params.action" */
    readonly option: string,
    message: string,
  ) {
    super(`${option}: ${message}`);
    this.name = 'BindingConfigError';
  }
}

export const DEFAULT_OPERATION = 'HIPMessageServer';
export const DEFAULT_NAMESPACE = 'urn:hl7-org:v3';

const KINDS: readonly BindingKind[] = ['soap11', 'soap12', 'http'];
const NCNAME = /^[A-Za-z_][A-Za-z0-9_.\-]*$/;
const HEADER_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Header values from a plan end up on the wire verbatim: no CR/LF/NUL (header injection).
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\uffff]*$/;
const PLACEHOLDER = /\{([^{}]*)\}/g;
// Request headers the transport owns; a plan setting them would desynchronise framing.
const RESERVED_HEADERS = new Set(['content-length', 'transfer-encoding', 'host', 'connection', 'upgrade', 'te', 'trailer', 'keep-alive']);
const CHARSETS = new Set(['utf-8', 'gbk', 'gb18030']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown, option: string, dflt: string): string {
  if (v === undefined) return dflt;
  if (typeof v !== 'string') throw new BindingConfigError(option, `expected a string, got ${typeof v}`);
  return v;
}

function ncname(v: unknown, option: string, dflt: string): string {
  const s = str(v, option, dflt);
  if (!NCNAME.test(s)) throw new BindingConfigError(option, `"${s}" is not an XML name without a prefix (NCName)`);
  return s;
}

function oneOf<T extends string>(v: unknown, option: string, allowed: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new BindingConfigError(option, `expected one of ${allowed.join(' | ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

function checkTemplate(t: string, option: string, allowed: readonly string[]): string {
  for (const m of t.matchAll(PLACEHOLDER)) {
    if (!allowed.includes(m[1] ?? '')) {
      throw new BindingConfigError(option, `unknown placeholder {${m[1]}}; allowed: ${allowed.map((a) => `{${a}}`).join(' ')}`);
    }
  }
  return t;
}

function headerValue(v: string, option: string): string {
  if (!HEADER_VALUE.test(v)) throw new BindingConfigError(option, 'header values may not contain control characters (CR, LF, NUL …)');
  return v;
}

function headerName(n: string, option: string): string {
  if (!HEADER_TOKEN.test(n)) throw new BindingConfigError(option, `"${n}" is not a valid HTTP header name`);
  if (RESERVED_HEADERS.has(n.toLowerCase())) throw new BindingConfigError(option, `"${n}" is set by the transport and cannot be configured`);
  return n;
}

const KNOWN_KEYS = new Set([
  'kind', 'operation', 'namespace', 'prefix', 'params', 'paramsQualified', 'extraParams', 'messageAs', 'soapAction',
  'soapActionCheck', 'responseElement', 'resultElement', 'http', 'charset', 'headers', 'secret',
]);

/** Check a binding as written in a plan and fill in the defaults. Throws BindingConfigError. */
export function resolveBinding(input?: BindingInput | Binding | null, option = 'binding'): Binding {
  const raw: Record<string, unknown> = input == null ? {} : typeof input === 'string' ? { kind: input } : (input as Record<string, unknown>);
  if (!isRecord(raw)) throw new BindingConfigError(option, 'expected a binding kind or an object');
  for (const k of Object.keys(raw)) {
    if (!KNOWN_KEYS.has(k)) throw new BindingConfigError(`${option}.${k}`, 'unknown option');
  }

  const kind = oneOf(raw.kind, `${option}.kind`, KINDS, 'soap11');
  const operation = ncname(raw.operation, `${option}.operation`, DEFAULT_OPERATION);
  const namespace = str(raw.namespace, `${option}.namespace`, DEFAULT_NAMESPACE);
  if (/[\s"'<>&]/.test(namespace)) throw new BindingConfigError(`${option}.namespace`, 'a namespace URI may not contain spaces, quotes, <, > or &');
  const prefix = ncname(raw.prefix, `${option}.prefix`, 'tns');
  if (/^xml/i.test(prefix)) throw new BindingConfigError(`${option}.prefix`, 'prefixes starting with "xml" are reserved');

  const p = raw.params === undefined ? {} : raw.params;
  if (!isRecord(p)) throw new BindingConfigError(`${option}.params`, 'expected { action, message }');
  for (const k of Object.keys(p)) if (k !== 'action' && k !== 'message') throw new BindingConfigError(`${option}.params.${k}`, 'unknown option');
  const params = {
    action: ncname(p.action, `${option}.params.action`, 'action'),
    message: ncname(p.message, `${option}.params.message`, 'message'),
  };
  if (params.action === params.message) throw new BindingConfigError(`${option}.params`, 'action and message must be different elements');

  const paramsQualified = raw.paramsQualified === undefined ? true : raw.paramsQualified;
  if (typeof paramsQualified !== 'boolean') throw new BindingConfigError(`${option}.paramsQualified`, 'expected true or false');

  const extraParams: { name: string; value: string }[] = [];
  if (raw.extraParams !== undefined) {
    if (!Array.isArray(raw.extraParams)) throw new BindingConfigError(`${option}.extraParams`, 'expected a list of { name, value }');
    raw.extraParams.forEach((e: unknown, i: number) => {
      const o = `${option}.extraParams[${i}]`;
      if (!isRecord(e)) throw new BindingConfigError(o, 'expected { name, value }');
      const name = ncname(e.name, `${o}.name`, '');
      if (name === params.action || name === params.message) throw new BindingConfigError(`${o}.name`, `"${name}" is already the action or message parameter`);
      extraParams.push({ name, value: str(e.value, `${o}.value`, '') });
    });
  }

  const messageAs = oneOf(raw.messageAs, `${option}.messageAs`, ['cdata', 'escaped'] as const, 'cdata');
  const dfltAction = namespace === '' ? '{operation}' : namespace.endsWith('/') ? '{namespace}{operation}' : '{namespace}/{operation}';
  const soapAction = checkTemplate(str(raw.soapAction, `${option}.soapAction`, dfltAction), `${option}.soapAction`, ['namespace', 'operation', 'action']);
  if (/["\\\r\n\0]/.test(expandTemplate(soapAction, { namespace, operation, action: 'X' }))) {
    throw new BindingConfigError(`${option}.soapAction`, 'may not contain quotes, backslashes or control characters');
  }
  const soapActionCheck = oneOf(raw.soapActionCheck, `${option}.soapActionCheck`, ['exact', 'present', 'ignore'] as const, 'exact');
  const responseElement = checkTemplate(str(raw.responseElement, `${option}.responseElement`, '{operation}Response'), `${option}.responseElement`, ['operation']);
  const resultElement = checkTemplate(str(raw.resultElement, `${option}.resultElement`, '{operation}Result'), `${option}.resultElement`, ['operation']);
  for (const [o, t] of [['responseElement', responseElement], ['resultElement', resultElement]] as const) {
    const name = expandTemplate(t, { operation });
    if (!NCNAME.test(name)) throw new BindingConfigError(`${option}.${o}`, `"${name}" is not an NCName`);
  }

  const h = raw.http === undefined ? {} : raw.http;
  if (!isRecord(h)) throw new BindingConfigError(`${option}.http`, 'expected an object');
  for (const k of Object.keys(h)) {
    if (!['actionIn', 'actionHeader', 'path', 'contentType'].includes(k)) throw new BindingConfigError(`${option}.http.${k}`, 'unknown option');
  }
  const http: HttpBindingOptions = {
    actionIn: oneOf(h.actionIn, `${option}.http.actionIn`, ['header', 'path', 'both'] as const, 'header'),
    actionHeader: headerName(str(h.actionHeader, `${option}.http.actionHeader`, 'X-HIP-Action'), `${option}.http.actionHeader`),
    path: checkTemplate(str(h.path, `${option}.http.path`, '/hip/{action}'), `${option}.http.path`, ['action']),
    contentType: headerValue(str(h.contentType, `${option}.http.contentType`, 'text/xml; charset=utf-8'), `${option}.http.contentType`),
  };
  if (!http.path.startsWith('/')) throw new BindingConfigError(`${option}.http.path`, 'must start with "/"');
  if (http.actionIn !== 'header' && !http.path.includes('{action}')) {
    throw new BindingConfigError(`${option}.http.path`, `must contain {action} when actionIn is ${http.actionIn}`);
  }
  if (/[?#\s]/.test(http.path)) throw new BindingConfigError(`${option}.http.path`, 'may not contain "?", "#" or spaces');

  const charset = str(raw.charset, `${option}.charset`, 'utf-8').toLowerCase();
  if (!CHARSETS.has(charset)) throw new BindingConfigError(`${option}.charset`, `expected one of ${[...CHARSETS].join(' | ')}`);

  const headers: Record<string, string> = {};
  if (raw.headers !== undefined) {
    if (!isRecord(raw.headers)) throw new BindingConfigError(`${option}.headers`, 'expected a map of header name to value');
    for (const [k, v] of Object.entries(raw.headers)) {
      headerName(k, `${option}.headers.${k}`);
      headers[k] = headerValue(str(v, `${option}.headers.${k}`, ''), `${option}.headers.${k}`);
    }
  }

  const secret: string[] = [];
  if (raw.secret !== undefined) {
    if (!Array.isArray(raw.secret) || !raw.secret.every((s: unknown) => typeof s === 'string' && s !== '')) {
      throw new BindingConfigError(`${option}.secret`, 'expected a list of header or parameter names');
    }
    secret.push(...(raw.secret as string[]));
  }

  return {
    kind, operation, namespace, prefix, params, paramsQualified, extraParams, messageAs, soapAction, soapActionCheck,
    responseElement, resultElement, http, charset, headers, secret,
  };
}

/** Replace {name} placeholders; names were checked by resolveBinding. */
export function expandTemplate(template: string, values: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (_m, name: string) => values[name] ?? '');
}

/** The SOAPAction / SOAP 1.2 action value for one service code ('' when none is sent). */
export function soapActionFor(b: Binding, action: string): string {
  return expandTemplate(b.soapAction, { namespace: b.namespace, operation: b.operation, action });
}

export function responseElementName(b: Binding): string {
  return expandTemplate(b.responseElement, { operation: b.operation });
}

export function resultElementName(b: Binding): string {
  return expandTemplate(b.resultElement, { operation: b.operation });
}

/** Path appended to the endpoint path for the http binding ('' when the action travels in a header only). */
export function httpPathFor(b: Binding, action: string): string {
  if (b.kind !== 'http' || b.http.actionIn === 'header') return '';
  return expandTemplate(b.http.path, { action: encodeURIComponent(action) });
}

/**
 * Service codes end up in headers, paths and SOAPAction quotes: printable ASCII without
 * quotes, backslashes, spaces or URL delimiters.
 */
export function isValidAction(action: string): boolean {
  return /^[A-Za-z0-9_.:\-]{1,128}$/.test(action);
}

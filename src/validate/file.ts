import type { XmlDocument } from 'libxml2-wasm';
import type { Catalog } from '../catalog/types.js';
import type { Finding, LayerManifest } from '../findings/types.js';
// the two modules themselves, not transport/index.js: that pulls in the HTTP client (undici),
// which a validation worker would load for nothing at every start
import { resolveBinding } from '../transport/binding.js';
import { unwrapResponse } from '../transport/envelope.js';
import { TOOL_VERSION } from '../version.js';
import { buildTree, type JElement } from '../xml/jstree.js';
import { NS } from '../xml/ns.js';
import { DEFAULT_MAX_BYTES, decodePlainXml } from '../xml/parse.js';
import { scanChecked } from '../xml/wellformed.js';
import { ENGINE_VERSION } from './xsd.js';
import { detect, type Detection } from './detect.js';
import type { LayerContext } from './layers/context.js';
import { runMessage } from './layers/message.js';
import { summarise } from './layers/package.js';
import { classifyRoot, preflight } from './layers/preflight.js';
import { runTemplate } from './layers/template.js';
import { runTerminology } from './layers/terminology.js';
import { fastAcceptsDocument, fastAcceptsMessage, xsdDocument, xsdManifests, xsdMessage, xsdSets, type XsdRun, type XsdSets } from './layers/xsd.js';
import { finding } from './rules.js';
import type { FileOutcome, FileResult, ValidateTextOptions, Verdict } from './types.js';

/**
 * One file through every layer that applies to it. The parsed document lives only inside this
 * function (disposed in finally); what leaves is the FileResult and, for documents, the summary
 * the package layer needs. Any exception a layer throws becomes a loud finding on this file,
 * never a crash of the run.
 */

/** Layers whose availability is tracked for the manifest, besides the XSD sets. */
export const CONTENT_LAYERS = ['preflight', 'template', 'terminology', 'message', 'package'] as const;

/** Tracks layers that failed during a run (layer id → first reason). */
export type LayerFailures = Map<string, string>;

type CatalogState = { catalog: Catalog } | { error: string };
const catalogs = new Map<string, CatalogState>();
let loader: (() => Catalog) | undefined;

/**
 * How catalogFor loads the catalogue when a run brings none: index.ts registers loadCatalog.
 * A worker that starts from the main thread's snapshot never loads it, so this module does not
 * import the catalogue loader (YAML and JSON Schema machinery, ≈ 0.1 s at each worker start).
 */
export function useCatalogLoader(load: () => Catalog): void {
  loader = load;
}

/** Use this catalogue for runs without their own (a worker thread, from the main thread's snapshot). */
export function useCatalog(catalog: Catalog): void {
  catalogs.set('', { catalog });
}

export function catalogFor(opts: { catalog?: Catalog }): CatalogState {
  if (opts.catalog) return { catalog: opts.catalog };
  const have = catalogs.get('');
  if (have) return have;
  if (!loader) return { error: 'no catalogue loader registered (import src/validate/index.js)' };
  let state: CatalogState;
  try {
    state = { catalog: loader() };
  } catch (err) {
    state = { error: err instanceof Error ? err.message.split('\n')[0]! : String(err) };
  }
  catalogs.set('', state);
  return state;
}

export function verdictOf(findings: Finding[], couldNotJudge: boolean): Verdict {
  if (couldNotJudge) return 'error';
  return findings.some((f) => f.severity === 'error') ? 'fail' : 'pass';
}

const UNJUDGEABLE = new Set(['HT-PRE-UNREADABLE', 'HT-PRE-INTERNAL', 'HT-XSD-UNAVAILABLE', 'HT-TPL-UNAVAILABLE', 'HT-TERM-UNAVAILABLE', 'HT-MSG-UNAVAILABLE', 'HT-PKG-UNREADABLE']);

/** The verdict a file's findings give: error when the tool could not judge it. */
export function judge(findings: Finding[]): Verdict {
  return verdictOf(findings, findings.some((f) => UNJUDGEABLE.has(f.rule) && f.severity === 'error'));
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isDocKind(k: string): boolean {
  return k === 'wst500' || k === 'wst483' || k === 'cda';
}

/**
 * Validate one input (bytes as read, or text), with the layers its kind calls for. The fast
 * accept path goes first (unless opts.fastPath is false): when it cannot prove the file
 * well-formed and schema-valid, libxml2 judges the file exactly as it always has.
 */
export function validateOne(input: string | Uint8Array, opts: ValidateTextOptions, failures: LayerFailures = new Map(), nested = false): FileOutcome {
  let known: { text: string; root: JElement } | undefined;
  if (opts.fastPath !== false) {
    const f = fastPath(input, opts, failures, nested);
    if ('outcome' in f) return f.outcome;
    known = f.known;
  }
  const file = opts.fileName ?? '<input>';
  const findings: Finding[] = [];
  const result: FileResult = { path: file, kind: 'unreadable', verdict: 'fail', findings };
  const pre = preflight(input, { file, ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {}), ...(opts.maxDepth !== undefined ? { maxDepth: opts.maxDepth } : {}) });
  findings.push(...pre.findings);
  const doc = pre.doc;
  if (!doc) {
    result.verdict = judge(findings);
    return { result };
  }
  if (pre.rootClass === 'envelope' && !nested) {
    doc.dispose();
    return fromEnvelope(input, opts, findings, failures);
  }
  let outcome: FileOutcome = { result };
  try {
    // the fast path's tree, when it got that far, is the tree of this very text
    const tree = known !== undefined && known.text === pre.text ? known.root : undefined;
    outcome = layers(doc, pre.text ?? '', pre.rootClass ?? 'other', opts, result, failures, tree);
  } catch (err) {
    findings.push(finding('HT-PRE-INTERNAL', { reason: errorMessage(err) }, { file }));
  } finally {
    doc.dispose();
  }
  result.verdict = judge(findings);
  return outcome;
}

const NO_XSD: XsdRun = { findings: [], failed: new Map() };

/**
 * The fast accept path (/work/coord/FAST-VALIDATE.md): plain UTF-8 text, proven well-formed by
 * scanChecked (which builds the tree), a document or V3 message in the HL7 namespace, and its
 * schema proven valid by xsdjs — then the content layers run on the tree and libxml2 is never
 * called. Any doubt returns no outcome (with the tree when it was built, for reuse) and the
 * caller takes the libxml2 path, whose findings are the verdict. Since a file the fast path
 * decides has no pre-flight or XSD finding on the libxml2 path either, the result is the same.
 */
function fastPath(input: string | Uint8Array, opts: ValidateTextOptions, failures: LayerFailures, nested: boolean): { outcome: FileOutcome } | { known?: { text: string; root: JElement } } {
  try {
    const text = decodePlainXml(input, opts.maxBytes ?? DEFAULT_MAX_BYTES);
    if (text === undefined) return {};
    const checked = scanChecked(text, opts.maxDepth !== undefined ? { maxDepth: opts.maxDepth } : {});
    if (!checked.ok) return {};
    const root = checked.root;
    const rootClass = classifyRoot(root.local, root.ns);
    // a well-formed envelope: unwrap as the libxml2 path does (the message inside takes the fast path on its own)
    if (rootClass === 'envelope' && !nested) return { outcome: fromEnvelope(text, opts, [], failures) };
    const known = { text, root };
    if ((rootClass !== 'document' && rootClass !== 'message') || root.ns !== NS.hl7) return { known };
    const cat = catalogFor(opts);
    if ('error' in cat) return { known };
    const file = opts.fileName ?? '<input>';
    const detection = detect(root, cat.catalog, file, opts.expect);
    let xsd: 'xsd-documents' | 'xsd-messages' | undefined;
    if (isDocKind(detection.kind)) {
      if (!fastAcceptsDocument(opts.schemas, root, text)) return { known };
      xsd = 'xsd-documents';
    } else {
      const m = fastAcceptsMessage(xsdSets(opts.schemas), root, text, detection.candidates.length > 0);
      if (m === undefined) return { known };
      if (m === 'accepted') xsd = 'xsd-messages';
    }
    const result: FileResult = { path: file, kind: 'unreadable', verdict: 'fail', findings: [] };
    const outcome = content(root, detection, cat.catalog, opts, result, failures, () => NO_XSD, () => NO_XSD);
    result.verdict = judge(result.findings);
    outcome.fast = xsd !== undefined ? { xsd } : {};
    return { outcome };
  } catch {
    // whatever went wrong here goes wrong on the libxml2 path too, and is reported there
    return {};
  }
}

function fromEnvelope(input: string | Uint8Array, opts: ValidateTextOptions, findings: Finding[], failures: LayerFailures): FileOutcome {
  const file = opts.fileName ?? '<input>';
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input);
  const soap12 = text.includes('http://www.w3.org/2003/05/soap-envelope');
  const u = unwrapResponse(resolveBinding(soap12 ? 'soap12' : 'soap11'), text);
  if (u.kind !== 'message') {
    const reason = u.kind === 'fault' ? `SOAP Fault ${u.fault.code}: ${u.fault.reason}` : u.error.message;
    findings.push(finding('HT-PRE-SOAP', { reason }, { file }));
    const result: FileResult = { path: file, kind: 'unknown', envelope: soap12 ? 'soap12' : 'soap11', verdict: 'fail', findings };
    result.verdict = judge(findings);
    return { result };
  }
  const inner = validateOne(u.v3xml, opts, failures, true);
  inner.result.envelope = soap12 ? 'soap12' : 'soap11';
  inner.result.findings.unshift(...findings);
  inner.result.verdict = judge(inner.result.findings);
  return inner;
}

function layers(doc: XmlDocument, text: string, rootClass: string, opts: ValidateTextOptions, result: FileResult, failures: LayerFailures, tree?: JElement): FileOutcome {
  const file = result.path;
  const findings = result.findings;
  if (rootClass === 'other' || rootClass === 'envelope') {
    if (rootClass === 'envelope') findings.push(finding('HT-PRE-SOAP', { reason: 'SOAP 信封中又嵌套了 SOAP 信封 (an envelope inside an envelope)' }, { file }));
    result.kind = 'unknown';
    return { result };
  }
  const cat = catalogFor(opts);
  if ('error' in cat) {
    // without the catalogue the content layers cannot run: say so, loudly, per layer
    const reason = `目录无法加载 (catalogue failed to load): ${cat.error}`;
    for (const id of ['HT-TPL-UNAVAILABLE', 'HT-TERM-UNAVAILABLE', 'HT-MSG-UNAVAILABLE']) findings.push(finding(id, { reason }, { file }));
    for (const l of ['template', 'terminology', 'message', 'package']) if (!failures.has(l)) failures.set(l, reason);
    result.kind = rootClass === 'document' ? 'cda' : 'unknown';
    const sets = xsdSets(opts.schemas);
    const x = rootClass === 'document' ? xsdDocument(doc, sets, file) : xsdMessage(doc, sets, file, true);
    findings.push(...x.findings);
    for (const [k, v] of x.failed) if (!failures.has(k)) failures.set(k, v);
    return { result };
  }
  const catalog = cat.catalog;
  // detection and the content layers read a JavaScript tree built once, not libxml2 (see src/xml/jstree.ts)
  const root = tree ?? buildTree(text, doc);
  const detection: Detection = detect(root, catalog, file, opts.expect);
  const sets = xsdSets(opts.schemas);
  return content(root, detection, catalog, opts, result, failures, () => xsdDocument(doc, sets, file), (known) => xsdMessage(doc, sets, file, known));
}

/** Detection's findings, the XSD layer (libxml2's, or none when the fast path proved the file valid), then the content layers on the tree. */
function content(
  root: JElement, detection: Detection, catalog: Catalog, opts: ValidateTextOptions, result: FileResult, failures: LayerFailures,
  xsdDoc: () => XsdRun, xsdMsg: (known: boolean) => XsdRun,
): FileOutcome {
  const file = result.path;
  const findings = result.findings;
  result.kind = detection.kind;
  if (detection.template) result.documentType = detection.template.code;
  if (detection.service) result.service = detection.service.code;
  findings.push(...detection.findings);
  const ctx: LayerContext = { file, root, catalog, detection, ...(opts.expect ? { expect: opts.expect } : {}) };
  const guard = (layer: string, rule: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      const reason = errorMessage(err);
      findings.push(finding(rule, { reason }, { file }));
      if (!failures.has(layer)) failures.set(layer, reason);
    }
  };

  if (isDocKind(detection.kind)) {
    const x = xsdDoc();
    findings.push(...x.findings);
    for (const [k, v] of x.failed) if (!failures.has(k)) failures.set(k, v);
    let resolved: ReturnType<typeof runTemplate>['resolved'] = [];
    guard('template', 'HT-TPL-UNAVAILABLE', () => {
      const t = runTemplate(ctx);
      resolved = t.resolved;
      findings.push(...t.findings.list);
    });
    guard('terminology', 'HT-TERM-UNAVAILABLE', () => findings.push(...runTerminology(ctx, resolved).list));
    let summary;
    try {
      summary = summarise(root, file, detection.template?.code);
    } catch (err) {
      findings.push(finding('HT-PRE-INTERNAL', { reason: `package summary: ${errorMessage(err)}` }, { file }));
    }
    return summary ? { result, summary } : { result };
  }
  const x = xsdMsg(detection.candidates.length > 0);
  findings.push(...x.findings);
  for (const [k, v] of x.failed) if (!failures.has(k)) failures.set(k, v);
  guard('message', 'HT-MSG-UNAVAILABLE', () => findings.push(...runMessage(ctx).list));
  guard('terminology', 'HT-TERM-UNAVAILABLE', () => findings.push(...runTerminology(ctx, []).list));
  return { result };
}

/** The manifest of every layer for a run: engines, data versions, and what could not run. */
export function manifest(opts: { schemas?: string; catalog?: Catalog }, failures: LayerFailures, fast: ReadonlySet<string> = new Set()): LayerManifest[] {
  const cat = catalogFor(opts);
  const dataVersion = 'error' in cat ? '-' : `catalog ${cat.catalog.version}`;
  const layer = (id: string, name: string, engine: string, engineVersion: string, data: string): LayerManifest => {
    const catalogError = id !== 'preflight' && 'error' in cat ? cat.error : undefined;
    const error = failures.get(id) ?? catalogError;
    const m: LayerManifest = { id, name, engine, engineVersion, dataVersion: data, ran: error === undefined };
    if (error !== undefined) m.error = error;
    return m;
  };
  return [
    layer('preflight', '预检 pre-flight（编码、格式良好、命名空间）', 'hutong src/xml + libxml2-wasm', `${TOOL_VERSION} / libxml2-wasm ${ENGINE_VERSION}`, '-'),
    ...xsdManifests(xsdSets(opts.schemas), failures, fast),
    layer('template', '模板规则 template rules (WS/T 500 / WS/T 483)', 'hutong', TOOL_VERSION, dataVersion),
    layer('terminology', '术语 terminology (WS 363 / WS 364)', 'hutong', TOOL_VERSION, dataVersion),
    layer('message', '消息规则 message rules (WS/T 846)', 'hutong', TOOL_VERSION, dataVersion),
    layer('package', '测试包一致性 package consistency', 'hutong', TOOL_VERSION, dataVersion),
  ];
}

export type { XsdSets };

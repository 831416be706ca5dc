/**
 * Every response under load is checked, cheaply: transport (HTTP status, envelope unwrap, SOAP
 * fault) and acknowledgement (typeCode AA, targetMessage = a request we sent, and for queries
 * the query response of the service with its record). One response in `validateEvery` is also
 * kept and, once the stage is over, goes through the full validator (src/validate validateText:
 * XSD, message layer …) — inside the window its milliseconds of CPU would stall the generator's
 * event loop. A response it rejects is added to the stage's errors as invalid-body and its rule
 * ids are tallied, so the count explains itself.
 *
 * The cheap check reads the V3 XML (and, for the common CDATA-carried answer, the envelope:
 * fastUnwrap) with a few anchored regular expressions instead of a parser:
 * it runs on the generator's thread for every response, and a parse per response would make
 * the generator, not the platform, the bottleneck. The sampled full validation parses properly.
 *
 * Error classes (besides the generator's transport classes, see errors.ts):
 *   http-status:NNN   status other than 200 and not a SOAP fault
 *   soap-fault        a SOAP Fault (any status)
 *   invalid-body      not an envelope, no V3 payload, wrong response root, or (added
 *                     after the stage) the full validation rejected a sampled response
 *   ack-AE / ack-AR   acknowledgement typeCode AE / AR
 *   ack-missing       no acknowledgement typeCode in the answer
 *   ack-mismatch      the acknowledgement answers no request of this stage (targetMessage id)
 *   no-record         a query for a key the setup registered came back without a record
 */
import type { Catalog, ServiceDef } from '../catalog/types.js';
import type { Binding } from '../transport/binding.js';
import { decodeBody } from '../transport/charset.js';
import { unwrapResponse } from '../transport/envelope.js';
import { validateText } from '../validate/index.js';
import type { ErrorClass } from './errors.js';
import type { ResponseChecker, ResponseHeaders } from './types.js';

export interface CheckStats {
  /** responses the cheap check saw */
  checked: number;
  /** responses fully validated (the sample) */
  validated: number;
  /** of those, rejected by the validator */
  validationFailed: number;
  /** rule id → count, from the rejected samples (error findings only) */
  findings: Record<string, number>;
}

export interface CheckOptions {
  binding: Binding;
  service: ServiceDef;
  catalog: Catalog;
  /** fully validate one response in this many (0 = never) */
  validateEvery: number;
  /** query/retrieve: the answer must carry a record */
  expectRecords: boolean;
}

const ROOT = /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:[\w.-]+:)?([\w.-]+)/;
// sticky: run at a candidate '<' found by `element` below
const ACK_TYPE = /<(?:[\w.-]+:)?acknowledgement\b[^>]*?\stypeCode\s*=\s*["']([A-Za-z]+)["']/y;
const TARGET_ID = /<(?:[\w.-]+:)?targetMessage\b[^>]*>\s*<(?:[\w.-]+:)?id\b([^>]*)>/y;
const EXTENSION = /\sextension\s*=\s*["']([^"']*)["']/;
/** sampled responses kept for validation after the stage, at most */
const MAX_SAMPLES = 200;
const QUERY_CODE = /<(?:[\w.-]+:)?queryResponseCode\b[^>]*?\scode\s*=\s*["']([A-Za-z]+)["']/y;

const ENVELOPE_START = /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:[\w.-]+:)?Envelope[\s>]/;
const PREFIX = /^[\w.-]+:$/;

/**
 * The leftmost match of `re` — sticky, and starting with `<(?:[\w.-]+:)?` + `name` — found from
 * the occurrences of `name` (indexOf) rather than by trying the pattern at every '<' of the
 * message: the candidate start of an occurrence is the nearest '<' before it, when what lies
 * between is empty or a prefix (a prefix holds no '<', so there is no other candidate). Same
 * result as the unanchored regex, several times faster on a whole V3 message.
 */
export function element(re: RegExp, text: string, name: string): RegExpExecArray | null {
  let i = text.indexOf(name);
  while (i >= 0) {
    const lt = i > 0 ? text.lastIndexOf('<', i - 1) : -1;
    if (lt >= 0 && (lt === i - 1 || PREFIX.test(text.slice(lt + 1, i)))) {
      re.lastIndex = lt;
      const m = re.exec(text);
      if (m) return m;
    }
    i = text.indexOf(name, i + 1);
  }
  return null;
}

/**
 * The text ends with `</Envelope>` or `</prefix:Envelope>` (then only white space): what
 * /<\/(?:[\w.-]+:)?Envelope>\s*$/ says, from the end — the regex tried every '<' from the start.
 */
function endsWithEnvelope(text: string): boolean {
  const t = text.trimEnd();
  if (!t.endsWith('Envelope>')) return false;
  const name = t.length - 9;
  const lt = t.lastIndexOf('</', name - 2);
  if (lt < 0) return false;
  return lt + 2 === name || PREFIX.test(t.slice(lt + 2, name));
}

/**
 * decodeBody for a UTF-8 answer whose Content-Type is the one the platform sent last time: the
 * transport parses the header afresh per call (~1 µs, on every response under load). Anything
 * else — another Content-Type, a BOM, bytes that are not UTF-8 — takes decodeBody itself.
 */
class BodyText {
  private utf8ContentType: string | undefined;
  private readonly fatal = new TextDecoder('utf-8', { fatal: true });

  decode(body: Buffer, contentType: string | undefined): string {
    if (contentType !== undefined && contentType === this.utf8ContentType && !(body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) && !(body[0] === 0xff && body[1] === 0xfe) && !(body[0] === 0xfe && body[1] === 0xff)) {
      try {
        return this.fatal.decode(body);
      } catch {
        // not UTF-8 after all: decodeBody says how it is decoded
      }
    }
    const d = decodeBody(body, contentType);
    const declared = contentType !== undefined && /;\s*charset\s*=\s*"?utf-8"?\s*(?:;|$)/i.test(contentType);
    this.utf8ContentType = d.charset === 'utf-8' && d.warnings.length === 0 && declared ? contentType : undefined;
    return d.text;
  }
}
const FAULT = /<(?:[\w.-]+:)?Fault[\s>]/y;

/**
 * The common SOAP answer — an envelope whose V3 payload is one CDATA section — read with two
 * indexOf: the transport's envelope parser costs ~10× the rest of the check, per response.
 * Anything else (escaped payload, several CDATA sections, a fault, plain http) returns
 * undefined and takes the full path; the sampled responses always take the full path too
 * (validateSamples), so an envelope the fast path would wave through is still caught.
 */
export function fastUnwrap(binding: Binding, text: string): string | undefined {
  if (binding.kind === 'http') return undefined;
  const open = text.indexOf('<![CDATA[');
  if (open < 0) return undefined;
  const close = text.indexOf(']]>', open + 9);
  if (close < 0 || text.indexOf('<![CDATA[', close) >= 0) return undefined;
  if (!ENVELOPE_START.test(text) || !endsWithEnvelope(text) || element(FAULT, text.slice(0, open), 'Fault')) return undefined;
  return text.slice(open + 9, close);
}

/** evidence is an excerpt: a platform answering megabytes must not fill the run folder */
const MAX_EVIDENCE_CHARS = 64 * 1024;

function excerpt(body: Buffer, status: number): string {
  const text = body.subarray(0, MAX_EVIDENCE_CHARS * 4).toString('utf8').slice(0, MAX_EVIDENCE_CHARS);
  return status === 200 ? text : `HTTP ${status}\n\n${text}`;
}

function header(h: ResponseHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * The checker of one stage. `expect(messageId)` registers a request as sent; its answer must
 * name it in targetMessage (and is then forgotten).
 */
export class ResponseCheck {
  readonly stats: CheckStats = { checked: 0, validated: 0, validationFailed: 0, findings: {} };
  private readonly pending = new Set<string>();
  private readonly bodyText = new BodyText();
  /** sampled answers: the whole body text, so the full path (envelope parser included) judges them */
  private readonly samples: { text: string; requestId: string }[] = [];

  constructor(private readonly opts: CheckOptions) {}

  expect(messageId: string): void {
    this.pending.add(messageId);
  }

  readonly checker: ResponseChecker = (status, headers, body) => this.check(status, headers, body);

  /** the first answer of each error class, as text (evidence: what did the platform say?) */
  readonly firstBodies: Record<ErrorClass, string> = {};

  check(status: number, headers: ResponseHeaders, body: Buffer): ErrorClass | null {
    const cls = this.classify(status, headers, body);
    if (cls !== null && this.firstBodies[cls] === undefined) this.firstBodies[cls] = excerpt(body, status);
    return cls;
  }

  private classify(status: number, headers: ResponseHeaders, body: Buffer): ErrorClass | null {
    this.stats.checked++;
    const { binding, service } = this.opts;
    const text = this.bodyText.decode(body, header(headers, 'content-type'));
    if (status !== 200) {
      if (binding.kind !== 'http' && element(FAULT, text, 'Fault')) return 'soap-fault';
      return `http-status:${status}`;
    }
    let v3 = fastUnwrap(binding, text);
    if (v3 === undefined) {
      const u = unwrapResponse(binding, text);
      if (u.kind === 'fault') return 'soap-fault';
      if (u.kind === 'error') return 'invalid-body';
      v3 = u.v3xml;
    }

    const root = ROOT.exec(v3)?.[1];
    const type = element(ACK_TYPE, v3, 'acknowledgement')?.[1];
    if (type === undefined) return root === undefined ? 'invalid-body' : 'ack-missing';
    if (type !== 'AA' && type !== 'CA') return `ack-${type.toUpperCase()}`;
    const target = element(TARGET_ID, v3, 'targetMessage')?.[1];
    const targetId = target === undefined ? undefined : EXTENSION.exec(target)?.[1];
    if (targetId === undefined || !this.pending.delete(targetId)) return 'ack-mismatch';
    if (root !== service.response) return 'invalid-body';
    if (this.opts.expectRecords) {
      const code = element(QUERY_CODE, v3, 'queryResponseCode')?.[1];
      if (code !== undefined && code !== 'OK') return 'no-record';
    }

    const every = this.opts.validateEvery;
    if (every > 0 && this.stats.checked % every === 1 % every && this.samples.length < MAX_SAMPLES) this.samples.push({ text, requestId: targetId });
    return null;
  }

  /**
   * Fully validate the sampled responses (after the stage: a validation costs milliseconds of
   * CPU, which inside the measured window would stall the generator's event loop and make the
   * stage invalid). Returns how many the validator rejected; stats and findings are updated.
   */
  validateSamples(): number {
    let failed = 0;
    const { service, catalog, expectRecords } = this.opts;
    for (const s of this.samples.splice(0)) {
      this.stats.validated++;
      const u = unwrapResponse(this.opts.binding, s.text);
      if (u.kind !== 'message') {
        failed++;
        this.stats.validationFailed++;
        const rule = u.kind === 'fault' ? 'soap-fault' : `envelope:${u.error.code}`;
        this.stats.findings[rule] = (this.stats.findings[rule] ?? 0) + 1;
        continue;
      }
      const r = validateText(u.v3xml, {
        catalog,
        expect: { service: service.code, requestId: s.requestId, ack: 'AA', ...(expectRecords ? { records: 'some' as const } : {}) },
      });
      const errors = r.findings.filter((f) => f.severity === 'error');
      if (r.verdict === 'fail' || errors.length > 0) {
        this.firstBodies['invalid-body'] ??= `${s.text.slice(0, MAX_EVIDENCE_CHARS)}\n\n<!-- hutong: full validation findings:\n${errors.map((f) => `${f.rule}: ${f.message}`).join('\n').replaceAll('--', '- -')}\n-->\n`;
        failed++;
        this.stats.validationFailed++;
        for (const f of errors) this.stats.findings[f.rule] = (this.stats.findings[f.rule] ?? 0) + 1;
      }
    }
    return failed;
  }
}

/**
 * Secrets never appear in a report, masked or not. Two nets, both applied to every string a
 * report takes from the run folder:
 *
 *  1. by value: the SecretRegistry the site config filled (src/run/secrets.ts) — a token echoed
 *     anywhere, in any of its spellings;
 *  2. by shape, for a report rendered without the config that made the run (`hutong report` on a
 *     copied folder) or for credentials the config never knew: credential headers written out
 *     (Authorization:, Cookie:, X-Api-Key: …), Bearer/Basic tokens, URL userinfo and secret
 *     query parameters, JSON/YAML/`key=value` pairs named like secrets, WS-Security
 *     Password/Nonce/BinarySecurityToken elements (raw or XML-escaped), PEM private keys.
 */
import { REDACTED } from '../transport/index.js';
import type { SecretRegistry } from '../run/secrets.js';
import { mapStrings } from './map-strings.js';

const SECRET_NAME = String.raw`(?:password|passwd|passwort|pwd|secret|client[_-]?secret|token|access[_-]?token|refresh[_-]?token|id[_-]?token|auth[_-]?token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|authorization|cookie|x-api-key|x-auth-token|x-access-token|sessionid|session[_-]?id)`;
const HEADER_NAMES = String.raw`(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token|x-access-token|api-key|apikey|x-token|token)`;
const WSSE_ELEMENTS = String.raw`(?:Password|PasswordText|PasswordDigest|Nonce|BinarySecurityToken|SecurityToken|Token|AccessToken|ApiKey|ClientSecret|Secret|PrivateKey|Credential)`;

const RULES: [RegExp, string | ((...m: string[]) => string)][] = [
  // PEM private keys, whole
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/g, `-----${REDACTED} PRIVATE KEY-----`],
  // header lines: "Authorization: Bearer abc" up to the end of the line (or of a JSON-escaped line)
  [new RegExp(String.raw`(^|\\n|\\r)([ \t]*${HEADER_NAMES}[ \t]*:[ \t]*)(?!\[REDACTED)([^\r\n\\]+)`, 'gim'), (_m, a, b) => `${a}${b}${REDACTED}`],
  // scheme tokens anywhere
  [/\b(Bearer|Basic|Digest|Token|Negotiate)\s+(?!\[REDACTED)[A-Za-z0-9._~+/=-]{6,}/g, (_m, s) => `${s} ${REDACTED}`],
  // userinfo in URLs
  [/\b([a-z][a-z0-9+.-]*:\/\/)(?!\[REDACTED)[^/\s:@<>"']+(?::[^/\s@<>"']*)?@/gi, (_m, s) => `${s}${REDACTED}@`],
  // query / form parameters
  [new RegExp(String.raw`([?&;]${SECRET_NAME}=)(?!\[REDACTED)[^&#\s"'<]+`, 'gi'), (_m, k) => `${k}${REDACTED}`],
  // JSON "name": "value"
  [new RegExp(String.raw`("${SECRET_NAME}"\s*:\s*")(?!\[REDACTED)(?:[^"\\]|\\.)*"`, 'gi'), (_m, k) => `${k}${REDACTED}"`],
  // escaped JSON inside JSON: \"name\": \"value\"
  [new RegExp(String.raw`(\\"${SECRET_NAME}\\"\s*:\s*\\")(?!\[REDACTED)(?:[^"\\]|\\[^"])*\\"`, 'gi'), (_m, k) => `${k}${REDACTED}\\"`],
  // prose / YAML / properties: password: x, token=x
  [new RegExp(String.raw`(\b${SECRET_NAME}\s*[:=]\s*)(?!\[REDACTED|")([^\s,;"'<>&]{3,})`, 'gi'), (_m, k) => `${k}${REDACTED}`],
  // WS-Security and friends: <wsse:Password …>x</wsse:Password>, raw or escaped
  [new RegExp(String.raw`((?:<|&lt;)((?:[\w.-]+:)?${WSSE_ELEMENTS})\b(?:[^<>&]|&(?!lt;|gt;))*?(?:>|&gt;))([^<&]*|(?:(?!&lt;)[^<])*)((?:<|&lt;)/\2(?:>|&gt;))`, 'gi'), (_m, open, _n, _v, close) => `${open}${REDACTED}${close}`],
  // attributes named like secrets: password="x"
  [new RegExp(String.raw`(\s${SECRET_NAME}\s*=\s*)("[^"]*"|'[^']*')`, 'gi'), (_m, k, v) => `${k}${v[0]}${REDACTED}${v[0]}`],
];

export class SecretScrubber {
  constructor(private readonly registry?: SecretRegistry) {}

  text(s: string): string {
    if (!s) return s;
    let out = this.registry ? this.registry.redact(s) : s;
    for (const [re, rep] of RULES) {
      re.lastIndex = 0;
      out = typeof rep === 'string' ? out.replace(re, rep) : out.replace(re, rep as (...m: string[]) => string);
    }
    return out;
  }

  /** Deep copy of JSON-like data with every string (keys included) scrubbed. */
  deep<T>(value: T): T {
    return mapStrings(value, (s) => this.text(s), { keys: true });
  }

  /** Registered values still present (final check of rendered output). */
  leaks(s: string): string[] {
    return this.registry ? this.registry.leaks(s) : [];
  }
}

// Speed of the simple-type checkers of the fast validation path (src/xsdjs/simple.ts), per
// call, against two baselines measured in the same run on the same values:
//   - a Set lookup of the raw value (the least any check can cost), and
//   - libxml2-wasm validating the value as the one attribute of a tiny document (what each
//     value would cost if libxml2 had to look at it alone; the real per-attribute share of a
//     full document validation is smaller, parsing being shared).
//
//   npx tsc -p tsconfig.build.json && node bench/simple-types.mjs [--rounds 5]
//
// XSDJS_SIMPLE=/path/to/simple.js runs another build of the module.
import { XmlDocument, XmlValidateError, XsdValidator } from 'libxml2-wasm';

const modPath = process.env.XSDJS_SIMPLE ?? new URL('../dist/xsdjs/simple.js', import.meta.url).href;
const { compileSimple } = await import(modPath.startsWith('/') ? `file://${modPath}` : modPath);

const argRounds = process.argv.indexOf('--rounds');
const ROUNDS = argRounds > 0 ? Number(process.argv[argRounds + 1]) : 5;

const b = (name) => ({ kind: 'builtin', name });
const r = (base, facets) => ({ kind: 'restriction', base, facets });
const cs = r(b('token'), { pattern: [['[^\\s]+']] });
const oid = r(b('string'), { pattern: [['[0-2](\\.(0|[1-9][0-9]*))*']] });
const uuid = r(b('string'), { pattern: [['[0-9a-zA-Z]{8}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{12}']] });
const ruid = r(b('string'), { pattern: [['[A-Za-z][A-Za-z0-9\\-]*']] });
const ts = r(b('string'), { pattern: [['[0-9]{1,8}|([0-9]{9,14}|[0-9]{14}\\.[0-9]+)([+\\-][0-9]{1,4})?']] });
const MOODS = ['DEF', 'EVN', 'INT', 'PRMS', 'PRP', 'RQO', 'APT', 'ARQ', 'EVN.CRT', 'GOL'];

// the shapes our schemas use, with values like those in our samples
const CASES = [
  ['xs:string', b('string'), ['测试患者', 'abc', '']],
  ['cs (token + pattern)', cs, ['2.16.156.10011.2.3.1.1', 'H', 'CN', '岁']],
  ['cs enumeration (ActMood)', r(cs, { enumeration: MOODS }), ['EVN', 'INT', 'RQO', 'DEF']],
  ['uid (union oid|uuid|ruid)', { kind: 'union', members: [oid, uuid, ruid] }, ['2.16.156.10011.1.1', '2.16.156.10011.2.5.1.1', 'F47AC10B-58CC-4372-A567-0E02B2C3D479', 'HIS01']],
  ['ts (pattern)', ts, ['20250301093000', '20250301', '20250301093000+0800']],
  ['st (minLength 1)', r(b('string'), { minLength: 1 }), ['测试说明004', 'PRPA_IN201311UV02 成功']],
  ['bl (boolean + pattern)', r(b('boolean'), { pattern: [['true|false']] }), ['true', 'false']],
  ['int (integer)', r(b('integer'), {}), ['1', '42', '-7']],
  ['real (union decimal|double)', { kind: 'union', members: [b('decimal'), b('double')] }, ['36.5', '1.2E3', '120']],
  ['probability (double range)', r(b('double'), { minInclusive: '0.0', maxInclusive: '1.0' }), ['0.5', '1', '0']],
  ['set_ (list of enumeration)', { kind: 'list', item: r(cs, { enumeration: ['H', 'HP', 'WP', 'TMP'] }) }, ['H', 'WP', 'H WP']],
  ['xs:ID', b('ID'), ['s1', 'entry-12']],
  ['anyURI', b('anyURI'), ['tel:+86-10-12345678', 'mailto:a@b.cn']],
];

function xsdFor(def) {
  const w = (d) => {
    if (d.kind === 'builtin') return `<xs:simpleType><xs:restriction base="xs:${d.name}"/></xs:simpleType>`;
    if (d.kind === 'list') return `<xs:simpleType><xs:list>${w(d.item)}</xs:list></xs:simpleType>`;
    if (d.kind === 'union') return `<xs:simpleType><xs:union>${d.members.map(w).join('')}</xs:union></xs:simpleType>`;
    const f = d.facets;
    let facets = '';
    for (const p of f.pattern?.at(-1) ?? []) facets += `<xs:pattern value="${p}"/>`;
    for (const e of f.enumeration ?? []) facets += `<xs:enumeration value="${e}"/>`;
    for (const k of ['minLength', 'minInclusive', 'maxInclusive']) if (f[k] !== undefined) facets += `<xs:${k} value="${f[k]}"/>`;
    return `<xs:simpleType><xs:restriction>${w(d.base)}${facets}</xs:restriction></xs:simpleType>`;
  };
  return `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="t"><xs:complexType><xs:attribute name="v">${w(def)}</xs:attribute></xs:complexType></xs:element></xs:schema>`;
}

const esc = (v) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

function time(fn, n) {
  fn(Math.min(n, 10000)); // warm
  let best = Infinity;
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = process.hrtime.bigint();
    fn(n);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / n);
  }
  return best; // ns per call
}

let sink = 0;
console.log(`simple-type checkers, best of ${ROUNDS} rounds, ns per value`);
console.log(['type', 'checker', 'no memo', 'Set.has', 'ratio', 'libxml2 tiny doc', 'libxml2/checker', 'libxml2/no memo'].join('\t'));
for (const [name, def, values] of CASES) {
  const check = compileSimple(def);
  for (const v of values) if (!check(v)) throw new Error(`${name}: ${JSON.stringify(v)} not accepted`);
  const k = values.length;
  const N = 2_000_000;
  const tCheck = time((n) => {
    for (let i = 0; i < n; i++) if (check(values[i % k])) sink++;
  }, N);
  const cold = compileSimple(def, { memo: false });
  const tCold = time((n) => {
    for (let i = 0; i < n; i++) if (cold(values[i % k])) sink++;
  }, N / 4);
  const set = new Set(values);
  const tSet = time((n) => {
    for (let i = 0; i < n; i++) if (set.has(values[i % k])) sink++;
  }, N);
  const sdoc = XmlDocument.fromString(xsdFor(def));
  const validator = XsdValidator.fromDoc(sdoc);
  sdoc.dispose();
  const docs = values.map((v) => `<t v="${esc(v)}"/>`);
  const tLib = time((n) => {
    for (let i = 0; i < n; i++) {
      const doc = XmlDocument.fromString(docs[i % k]);
      try {
        validator.validate(doc);
        sink++;
      } catch (err) {
        if (!(err instanceof XmlValidateError)) throw err;
      } finally {
        doc.dispose();
      }
    }
  }, 5000);
  validator.dispose();
  console.log([name, tCheck.toFixed(1), tCold.toFixed(1), tSet.toFixed(1), `${(tCheck / tSet).toFixed(1)}×`, tLib.toFixed(0), `${(tLib / tCheck).toFixed(0)}×`, `${(tLib / tCold).toFixed(0)}×`].join('\t'));
}
if (sink === 0) console.log('');

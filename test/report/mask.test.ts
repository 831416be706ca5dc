import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Masker, isResidentId, nameContextsFromCatalog, renderReports } from '../../src/report/index.js';
import { loadCatalog } from '../../src/catalog/index.js';
import { FREE_TEXT_ID, PATIENT, makeRun, secretRegistry } from './fixtures.js';
import { outputTexts } from './outputs.js';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

describe('Masker', () => {
  const salt = randomBytes(32);

  it('learns names from the places the catalogue gives, IDs from the 身份证 root, phones from telecom', () => {
    const m = new Masker(salt, nameContextsFromCatalog(loadCatalog()));
    m.learnXml(`<r xmlns="urn:hl7-org:v3"><patientPerson><id><item root="2.16.156.10011.1.3" extension="110101199001011234"/></id>
      <name><item><part value="赵某某"/></item></name><telecom><item value="tel:0755-1234567"/></telecom></patientPerson>
      <representedOrganization><name>某某医院</name></representedOrganization>
      <recordTarget><patientRole><patient><name>钱某</name></patient></patientRole></recordTarget></r>`);
    const out = m.text('赵某某 钱某 110101199001011234 0755-1234567 某某医院');
    expect(out).not.toMatch(/赵某某|钱某|110101199001011234|0755-1234567/);
    // an organisation's name is not a person's name
    expect(out).toContain('某某医院');
    expect(out).toMatch(/^NAME-[0-9A-F]{6} NAME-[0-9A-F]{6} ID-[0-9A-F]{10} TEL-[0-9A-F]{8} 某某医院$/);
  });

  it('looks into a V3 message carried escaped inside a SOAP body', () => {
    const m = new Masker(salt);
    m.learnXml('<soap:Envelope><soap:Body><return>&lt;patientPerson&gt;&lt;name&gt;&lt;item&gt;&lt;part value="孙某"/&gt;&lt;/item&gt;&lt;/name&gt;&lt;/patientPerson&gt;</return></soap:Body></soap:Envelope>');
    expect(m.text('患者 孙某')).toBe(`患者 ${m.pseudonym('name', '孙某')}`);
  });

  it('gives the same pseudonym to the same value, another to another value, another under another salt', () => {
    const a = new Masker(salt);
    const b = new Masker(randomBytes(32));
    expect(a.text(`x ${FREE_TEXT_ID} y ${FREE_TEXT_ID}`)).toBe(`x ${a.pseudonym('id', FREE_TEXT_ID)} y ${a.pseudonym('id', FREE_TEXT_ID)}`);
    expect(a.pseudonym('id', FREE_TEXT_ID)).not.toBe(a.pseudonym('id', PATIENT.id));
    expect(a.pseudonym('id', FREE_TEXT_ID)).not.toBe(b.pseudonym('id', FREE_TEXT_ID));
    // +86 and the bare number are one phone
    expect(a.text('+86 13912345678')).toBe(a.text('13912345678'));
  });

  it('masks 18-digit numbers only when the GB 11643 check character is right', () => {
    expect(isResidentId(PATIENT.id)).toBe(true);
    expect(isResidentId('990101198001011230')).toBe(false);
    const m = new Masker(salt);
    expect(m.text('msg 990101198001011230')).toBe('msg 990101198001011230');
    expect(m.text('msg 990101198001011236')).not.toContain('990101198001011236');
    // longer digit runs (timestamps, message ids) are left alone
    expect(m.text('20261201080000123456789')).toBe('20261201080000123456789');
  });
});

describe('reports with --mask', () => {
  it('carry no patient name, ID or phone number in any file, and the same pseudonym everywhere', async () => {
    const { dir } = makeRun({ variant: 'faulty' });
    dirs.push(dir);
    const files = await renderReports(dir, { mask: true, secrets: secretRegistry() });
    const texts = await outputTexts(files);
    const personal = [PATIENT.name, PATIENT.contact, PATIENT.id, PATIENT.phone, PATIENT.doctor, FREE_TEXT_ID, '010-88886666', '13912345678'];
    for (const [file, text] of texts) for (const p of personal) expect(text.includes(p), `${p} in ${file}`).toBe(false);

    const html = texts.get(files.find((f) => f.endsWith('.html'))!)!;
    const md = texts.get(files.find((f) => f.endsWith('.md'))!)!;
    const xlsx = texts.get(files.find((f) => f.endsWith('.xlsx'))!)!;
    const name = /患者 (NAME-[0-9A-F]{6})/.exec(md)?.[1];
    expect(name).toBeDefined();
    expect(html).toContain(name);
    expect(xlsx).toContain(name);
    expect(html).toContain('已脱敏');

    // re-rendering the same run gives the same pseudonyms (salt kept in the run folder)
    const again = await outputTexts(await renderReports(dir, { mask: true, formats: ['md'] }));
    expect([...again.values()][0]).toContain(name);

    // another run folder, another salt
    const other = makeRun({ variant: 'faulty' });
    dirs.push(other.dir);
    const otherMd = [...(await outputTexts(await renderReports(other.dir, { mask: true, formats: ['md'] }))).values()][0]!;
    expect(otherMd).not.toContain(name);
  });

  it('leave personal data in place without --mask (the hospital-internal record)', async () => {
    const { dir } = makeRun({ variant: 'faulty' });
    dirs.push(dir);
    const html = [...(await outputTexts(await renderReports(dir, { formats: ['html'] }))).values()][0]!;
    expect(html).toContain(PATIENT.name);
    expect(html).toContain(PATIENT.id);
  });
});

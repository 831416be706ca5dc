// Readers for the reference material in ../shared/reference (facts CSVs and the practitioner XSDs).
// Dev-tool code: the project itself never reads ../shared at run time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** RFC 4180-ish CSV: quoted fields, doubled quotes, CRLF or LF. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

export function readCsv(ref, name) {
  return parseCsv(readFileSync(join(ref, 'facts', name), 'utf8').replace(/^\uFEFF/, ''));
}

/** WS 445 rows: { dataset, hdsd, de, name, type, format, definition }. */
export function readWs445(ref) {
  return readCsv(ref, 'ws445_emr_dataset_elements.csv').map((r) => ({
    dataset: r['数据集名称'],
    hdsd: r['内部标识符'],
    de: r['数据元标识符'],
    name: r['数据元名称'],
    type: r['数据类型'],
    format: r['表示格式'],
    definition: r['数据元允许值/定义(列G)'],
  }));
}

export function readWst500(ref) {
  return readCsv(ref, 'wst500_shared_documents.csv').map((r) => ({
    standard: r.standard_part,
    code: r.document_type_code,
    name: r['name(per django_hip_service serializer)'],
    sampleTitle: r.title_in_LangZhong_sample,
    templateId: r.templateId_root,
    codeSystem: r['code@codeSystem'],
    testPrefix: r.test_file_prefix,
    sampleSections: r.section_LOINC_codes_in_sample.split(/\s+/).filter(Boolean),
  }));
}

export function readWst483(ref) {
  return readCsv(ref, 'wst483_regional_documents_and_datasets.csv').map((r) => ({
    seq: Number(r.seq),
    testPrefix: r['shared_document_test_prefix(EHR-SD)'],
    name: r.shared_document_name,
    datasetPrefix: r['dataset_test_prefix(EHR-DE)'],
    dataset: r.dataset_name,
  }));
}

/**
 * The element tree of a practitioner XSD, flattened: one record per xs:element with its path
 * from ClinicalDocument, minOccurs and the xs:documentation written directly under it.
 * A tokenizer is enough here: the files are machine-written (XMLSpy) and regular.
 */
export function readXsd(ref, code) {
  const text = readFileSync(join(ref, 'django-hip-service', 'cda-xsd', `${code}.xsd`), 'utf8');
  const token = /<xs:element\b([^>]*?)(\/?)>|<\/xs:element>|<xs:documentation>([\s\S]*?)<\/xs:documentation>/g;
  const stack = [];
  const elements = [];
  let m;
  while ((m = token.exec(text)) !== null) {
    if (m[0].startsWith('</xs:element')) {
      stack.pop();
    } else if (m[0].startsWith('<xs:documentation')) {
      const top = stack[stack.length - 1];
      if (top) top.doc = `${top.doc} ${m[3]}`.replace(/\s+/g, ' ').trim();
    } else {
      const name = /\bname="([^"]+)"/.exec(m[1])?.[1] ?? /\bref="([^"]+)"/.exec(m[1])?.[1] ?? '?';
      const min = Number(/\bminOccurs="(\d+)"/.exec(m[1])?.[1] ?? '1');
      const parent = stack[stack.length - 1];
      const rec = { path: parent ? `${parent.path}/${name}` : name, name, min, doc: '' };
      elements.push(rec);
      if (m[2] !== '/') stack.push(rec);
    }
  }
  const docs = elements.filter((e) => e.doc);
  return {
    elements,
    /** all documentation text of the file */
    allText: docs.map((e) => e.doc).join(' | '),
    /** the element at a path below ClinicalDocument ('legalAuthenticator', 'author/time'), if any */
    at(path) {
      return elements.find((e) => e.path === `ClinicalDocument/${path}`);
    },
    /** documentation of an element and everything below it */
    docUnder(path) {
      const p = `ClinicalDocument/${path}`;
      return docs.filter((e) => e.path === p || e.path.startsWith(`${p}/`)).map((e) => e.doc).join(' | ');
    },
  };
}

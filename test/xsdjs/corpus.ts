import { catalog, request, response, sample } from '../validate/helpers.js';

/**
 * The texts our own generators produce (src/samples): every WS/T 500 / WS/T 483 sample
 * document and every V3 request, acknowledgement and query response of the catalogue's
 * services, as test/validate builds them. The fast path must accept all of them.
 */

export interface Text {
  name: string;
  text: string;
}

export function sampleDocuments(): Text[] {
  const out: Text[] = [];
  for (const t of catalog.documents) {
    out.push({ name: `${t.code} seed 1`, text: sample(t) });
    out.push({ name: `${t.code} seed 7`, text: sample(t, 7) });
  }
  return out;
}

export function sampleMessages(): Text[] {
  const out: Text[] = [];
  for (const s of catalog.services) {
    out.push({ name: `${s.code} request`, text: request(s) });
    out.push({ name: `${s.code} request seed 2`, text: request(s, 2) });
    out.push({ name: `${s.code} response`, text: response(s) });
    out.push({ name: `${s.code} response AE`, text: response(s, 'AE') });
    if (s.responseRecords) {
      out.push({ name: `${s.code} response none`, text: response(s, 'AA', 0) });
      out.push({ name: `${s.code} response two`, text: response(s, 'AA', 2) });
    }
  }
  return out;
}

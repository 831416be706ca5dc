/** The namespaces catalogue paths may use; WS/T 500 localisations live in urn:hl7-org:v3 too. */
export const NS = {
  hl7: 'urn:hl7-org:v3',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  sdtc: 'urn:hl7-org:sdtc',
} as const;

export type NsPrefix = keyof typeof NS;

export function isNsPrefix(p: string): p is NsPrefix {
  return Object.prototype.hasOwnProperty.call(NS, p);
}

/** Prefix for a namespace URI, when it is one of ours. */
export function prefixOf(uri: string): NsPrefix | undefined {
  for (const [p, u] of Object.entries(NS)) if (u === uri) return p as NsPrefix;
  return undefined;
}

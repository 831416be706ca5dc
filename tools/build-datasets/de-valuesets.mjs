// Which value set a coded data element draws from (DE id → OID), where a source says so:
// the WS 445 rows cite no value set, so these pairs come from where WS/T 500 samples and the
// practitioner XSDs put the codeSystem next to the element (facts/oid_conventions.csv,
// facts/valuesets_extracted_…json documentation such as "HDSD00.09.071 DE02.01.040.00 性别代码").
// `doubt` says why a pair is not certain; it goes into the dictionary entry's note.
export const DE_VALUE_SETS = {
  'DE02.01.040.00': { oid: '2.16.156.10011.2.3.3.4' },
  'DE02.01.018.00': { oid: '2.16.156.10011.2.3.3.5' },
  'DE02.01.025.00': { oid: '2.16.156.10011.2.3.3.3' },
  'DE02.01.015.00': { oid: '2.16.156.10011.2.3.3.1' },
  'DE02.01.041.00': { oid: '2.16.156.10011.2.3.3.6' },
  'DE02.01.052.00': { oid: '2.16.156.10011.2.3.3.13', doubt: 'occupation: documents use .3.3.13 (GB/T 2261.4), domain notes .3.3.7 (GB/T 6565) as an alternative' },
  'DE02.10.024.00': { oid: '2.16.156.10011.2.3.3.8' },
  'DE02.01.031.00': { oid: '2.16.156.10011.2.3.1.1' },
  'DE04.50.001.00': { oid: '2.16.156.10011.2.3.1.85' },
  'DE04.50.010.00': { oid: '2.16.156.10011.2.3.1.250' },
  'DE08.30.031.00': { oid: '2.16.156.10011.2.3.1.209' },
  'DE02.01.060.00': { oid: '2.16.156.10011.2.3.1.271' },
  'DE06.00.073.00': { oid: '2.16.156.10011.2.3.1.159' },
  'DE06.00.286.00': { oid: '2.16.156.10011.2.3.2.58', doubt: 'OID named 医嘱类别代码表 in samples; pairing with DE06.00.286.00 (医嘱类别代码) is by name' },
  'DE06.00.339.00': { oid: '2.16.156.10011.2.3.1.270', doubt: 'one public template only' },
  'DE06.00.134.00': { oid: '2.16.156.10011.2.3.1.158' },
  'DE02.01.044.00': { oid: '2.16.156.10011.2.3.1.248' },
  'DE06.00.289.00': { oid: '2.16.156.10011.2.3.1.268' },
  'DE05.01.024.00': { oid: '2.16.156.10011.2.3.3.11' },
  'DE06.00.093.00': { oid: '2.16.156.10011.2.3.3.12' },
  'DE05.10.130.00': { oid: '2.16.156.10011.2.3.3.14' },
};

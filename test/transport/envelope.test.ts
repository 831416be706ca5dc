import { describe, expect, it } from 'vitest';
import {
  type Binding,
  type BindingInput,
  decodeBody,
  decodeEntities,
  encodeBody,
  EntityError,
  readRequest,
  REDACTED,
  redact,
  resolveBinding,
  SOAP11_NS,
  SOAP12_NS,
  unwrapResponse,
  wrapRequest,
  writeResponse,
} from '../../src/transport/index.js';

// Synthetic V3 messages. The request carries a CDATA section of its own, so "]]>" is in the payload.
const REQUEST = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<PRPA_IN201311UV02 xmlns="urn:hl7-org:v3" ITSVersion="XML_1.0">',
  '  <id root="2.16.156.10011.2.5.1.1" extension="MSG-TEST-0001"/>',
  '  <note><![CDATA[a < b && c ]]></note><!-- a comment may hold ]]> too -->',
  '  <name>测试患者甲 &amp; “引号”</name>',
  '</PRPA_IN201311UV02>',
].join('\n');
const ACK = '<MCCI_IN000002UV01 xmlns="urn:hl7-org:v3" ITSVersion="XML_1.0"><acknowledgement typeCode="AA"><targetMessage><id extension="MSG-TEST-0001"/></targetMessage></acknowledgement></MCCI_IN000002UV01>';

/** client wrap → server read → server write → client unwrap, through bytes as on the wire */
function roundTrip(input: BindingInput, action = 'PatientInfoRegister', v3 = REQUEST, ack = ACK) {
  const b = resolveBinding(input);
  const w = wrapRequest(b, action, v3);
  const bytes = encodeBody(w.body, b.charset);
  const ct = w.headers['Content-Type'];
  const lower = Object.fromEntries(Object.entries(w.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const read = readRequest(b, ct, lower, bytes, { path: `/endpoint${w.path}` });
  const res = writeResponse(b, ack);
  const un = unwrapResponse(b, decodeBody(res.body, res.headers['Content-Type']).text);
  return { b, w, read, res, un };
}

describe('binding round trips (wrap → readRequest → writeResponse → unwrap)', () => {
  const cases: [string, BindingInput][] = [
    ['soap11 cdata', 'soap11'],
    ['soap11 escaped', { kind: 'soap11', messageAs: 'escaped' }],
    ['soap12 cdata', 'soap12'],
    ['soap12 escaped', { kind: 'soap12', messageAs: 'escaped' }],
    ['dhcc namespace with input1/input2', { namespace: 'http://www.dhcc.com.cn', params: { action: 'input1', message: 'input2' } }],
    ['unqualified params (JAX-WS style)', { kind: 'soap12', paramsQualified: false, prefix: 'ns1', namespace: 'http://hip.example.test/ws' }],
    ['no namespace at all', { namespace: '', messageAs: 'escaped' }],
    ['http, action in header', 'http'],
    ['http, action in path', { kind: 'http', http: { actionIn: 'path' } }],
    ['http, action in both', { kind: 'http', http: { actionIn: 'both', path: '/svc/{action}' } }],
    ['gbk bodies', { kind: 'soap11', charset: 'gbk' }],
  ];
  it.each(cases)('%s', (_name, input) => {
    const { read, un, res, b } = roundTrip(input);
    expect(read).toMatchObject({ action: 'PatientInfoRegister', v3xml: REQUEST });
    expect(res.status).toBe(200);
    expect(un.kind).toBe('message');
    if (un.kind === 'message') {
      expect(un.v3xml).toBe(ACK);
      expect(un.warnings).toEqual([]);
      expect(un.form).toBe(b.kind === 'http' ? 'body' : b.messageAs);
    }
  });

  it('splits CDATA around "]]>" so the payload survives exactly', () => {
    const { w, read } = roundTrip('soap11');
    expect(w.body).toContain(']]]]><![CDATA[>');
    expect(w.body.match(/\]\]>/g)?.length).toBe(3); // two section ends of the split + the final one
    expect(read).toMatchObject({ v3xml: REQUEST });
  });

  it('keeps carriage returns when escaping (they would be normalised away in CDATA)', () => {
    const v3 = '<PRPA_IN201311UV02 xmlns="urn:hl7-org:v3">\r\n<x>1</x>\r\n</PRPA_IN201311UV02>';
    expect(roundTrip({ messageAs: 'escaped' }, 'A', v3).read).toMatchObject({ v3xml: v3 });
  });

  it('writes the vendor names on the wire', () => {
    const { w } = roundTrip({ namespace: 'http://www.dhcc.com.cn', params: { action: 'input1', message: 'input2' } });
    expect(w.body).toContain('<HIPMessageServer xmlns="http://www.dhcc.com.cn"><input1>PatientInfoRegister</input1><input2><![CDATA[');
    expect(w.headers.SOAPAction).toBe('"http://www.dhcc.com.cn/HIPMessageServer"');
    const jax = roundTrip({ paramsQualified: false, prefix: 'ns1', namespace: 'http://hip.example.test/ws', kind: 'soap12' }).w;
    expect(jax.body).toContain('<ns1:HIPMessageServer xmlns:ns1="http://hip.example.test/ws"><action>');
    expect(jax.headers['Content-Type']).toBe('application/soap+xml; charset=utf-8; action="http://hip.example.test/ws/HIPMessageServer"');
  });

  it('puts the service code where the http binding says', () => {
    expect(roundTrip('http').w.headers['X-HIP-Action']).toBe('PatientInfoRegister');
    const p = roundTrip({ kind: 'http', http: { actionIn: 'path' } }).w;
    expect(p.path).toBe('/hip/PatientInfoRegister');
    expect(p.headers['X-HIP-Action']).toBeUndefined();
  });

  it('carries extra parameters and reports them to the platform', () => {
    const { read, w } = roundTrip({ extraParams: [{ name: 'appId', value: 'HIS-01' }] });
    expect(w.body).toContain('<appId>HIS-01</appId>');
    expect(read).toMatchObject({ params: { appId: 'HIS-01' } });
  });
});

describe('faults', () => {
  it('SOAP 1.1: every fault is HTTP 500, Sender is written as Client', () => {
    const b = resolveBinding('soap11');
    const r = writeResponse(b, { faultCode: 'Sender', reason: '缺少参数 action', detail: 'detail <text>' });
    expect(r.status).toBe(500);
    expect(r.headers['Content-Type']).toBe('text/xml; charset=utf-8');
    const un = unwrapResponse(b, r.body.toString('utf8'));
    expect(un).toMatchObject({ kind: 'fault', fault: { version: '1.1', code: 'Client', codeQName: 'soap:Client', reason: '缺少参数 action', detail: 'detail <text>' } });
    expect(writeResponse(b, { faultCode: 'Receiver', reason: 'x' }).status).toBe(500);
  });

  it('SOAP 1.2: Sender is 400, Receiver and the rest 500; codes, subcodes, reason and detail are read', () => {
    const b = resolveBinding('soap12');
    expect(writeResponse(b, { faultCode: 'Sender', reason: 'bad' }).status).toBe(400);
    expect(writeResponse(b, { faultCode: 'Receiver', reason: 'down' }).status).toBe(500);
    expect(writeResponse(b, { faultCode: 'VersionMismatch', reason: 'v' }).status).toBe(500);
    expect(writeResponse(b, { faultCode: 'MustUnderstand', reason: 'm' }).status).toBe(500);
    const r = writeResponse(b, { faultCode: 'Receiver', reason: 'database unavailable', detail: 'try later' });
    expect(unwrapResponse(b, r.body.toString('utf8'))).toMatchObject({
      kind: 'fault',
      fault: { version: '1.2', code: 'Receiver', reason: 'database unavailable', detail: 'try later' },
    });
    const vendor = `<env:Envelope xmlns:env="${SOAP12_NS}"><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value>
      <env:Subcode><env:Value xmlns:v="urn:vendor">v:BadMessage</env:Value></env:Subcode></env:Code>
      <env:Reason><env:Text xml:lang="en">bad message</env:Text><env:Text xml:lang="zh-CN">消息错误</env:Text></env:Reason>
      <env:Detail><v:err xmlns:v="urn:vendor">E17</v:err></env:Detail></env:Fault></env:Body></env:Envelope>`;
    expect(unwrapResponse(b, vendor)).toMatchObject({
      kind: 'fault',
      fault: { code: 'Sender', subcodes: ['BadMessage'], reason: '消息错误', detail: '<v:err xmlns:v="urn:vendor">E17</v:err>' },
    });
  });

  it('http binding faults are plain text with the status rules of SOAP 1.2', () => {
    const b = resolveBinding('http');
    const r = writeResponse(b, { faultCode: 'Sender', reason: 'no service code' });
    expect(r.status).toBe(400);
    expect(r.body.toString()).toBe('no service code');
  });
});

describe('readRequest (the reference platform) refuses what a platform should refuse', () => {
  const soap11 = resolveBinding('soap11');
  const soap12 = resolveBinding('soap12');
  const env = (ns: string, body: string, header = ''): string => `<s:Envelope xmlns:s="${ns}">${header}<s:Body>${body}</s:Body></s:Envelope>`;
  const op = '<HIPMessageServer xmlns="urn:hl7-org:v3"><action>PatientInfoRegister</action><message>&lt;a/&gt;</message></HIPMessageServer>';
  const sa = { soapaction: '"urn:hl7-org:v3/HIPMessageServer"' };

  it('accepts a well-formed request', () => {
    expect(readRequest(soap11, 'text/xml; charset=utf-8', sa, env(SOAP11_NS, op))).toMatchObject({ action: 'PatientInfoRegister', v3xml: '<a/>', form: 'escaped' });
  });

  it('rejects a DOCTYPE outright (no entity is ever expanded)', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>${env(SOAP11_NS, op.replace('&lt;a/&gt;', '&lol2;'))}`;
    const r = readRequest(soap11, 'text/xml', sa, laughs);
    expect(r).toMatchObject({ error: { status: 500, faultCode: 'Sender' } });
    if ('error' in r) expect(r.error.reason).toMatch(/DOCTYPE/);
    const xxe = `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${env(SOAP12_NS, op)}`;
    expect(readRequest(soap12, 'application/soap+xml', {}, xxe)).toMatchObject({ error: { status: 400, faultCode: 'Sender' } });
  });

  it('does not expand undefined entities either', () => {
    const r = readRequest(soap11, 'text/xml', sa, env(SOAP11_NS, op.replace('&lt;a/&gt;', '&ext;')));
    expect(r).toMatchObject({ error: { faultCode: 'Sender' } });
    if ('error' in r) expect(r.error.reason).toMatch(/undefined entity &ext;/);
  });

  it('answers 415 for the wrong media type, VersionMismatch for the wrong envelope', () => {
    expect(readRequest(soap11, 'application/soap+xml', sa, env(SOAP12_NS, op))).toMatchObject({ error: { status: 415 } });
    expect(readRequest(soap11, 'text/xml', sa, env(SOAP12_NS, op))).toMatchObject({ error: { status: 500, faultCode: 'VersionMismatch' } });
    expect(readRequest(soap12, 'application/soap+xml', {}, env(SOAP11_NS, op))).toMatchObject({ error: { status: 500, faultCode: 'VersionMismatch' } });
    const vm = writeResponse(soap12, { faultCode: 'VersionMismatch', reason: 'x' }).body.toString();
    expect(vm).toContain('<soap:Upgrade><soap:SupportedEnvelope qname="soap:Envelope"/></soap:Upgrade>');
  });

  it('checks SOAPAction (missing, wrong) per soapActionCheck', () => {
    expect(readRequest(soap11, 'text/xml', {}, env(SOAP11_NS, op))).toMatchObject({ error: { faultCode: 'Sender' } });
    expect(readRequest(soap11, 'text/xml', { soapaction: '"urn:other"' }, env(SOAP11_NS, op))).toMatchObject({ error: { faultCode: 'Sender' } });
    const lax = resolveBinding({ soapActionCheck: 'ignore' });
    expect(readRequest(lax, 'text/xml', {}, env(SOAP11_NS, op))).toMatchObject({ action: 'PatientInfoRegister' });
    expect(readRequest(soap12, 'application/soap+xml; action="urn:other"', {}, env(SOAP12_NS, op))).toMatchObject({ error: { status: 400 } });
  });

  it('refuses header blocks it must understand but does not', () => {
    const h = `<s:Header><sec:Token xmlns:sec="urn:sec" s:mustUnderstand="1">t</sec:Token></s:Header>`;
    expect(readRequest(soap11, 'text/xml', sa, env(SOAP11_NS, op, h))).toMatchObject({ error: { faultCode: 'MustUnderstand', status: 500 } });
    const optional = `<s:Header><sec:Token xmlns:sec="urn:sec">t</sec:Token></s:Header>`;
    expect(readRequest(soap11, 'text/xml', sa, env(SOAP11_NS, op, optional))).toMatchObject({ action: 'PatientInfoRegister' });
  });

  it('names the unknown operation and missing parameters', () => {
    const wrongNs = op.replace('urn:hl7-org:v3', 'http://www.dhcc.com.cn');
    const r = readRequest(soap11, 'text/xml', sa, env(SOAP11_NS, wrongNs));
    if (!('error' in r)) throw new Error('expected an error');
    expect(r.error.reason).toContain('unknown operation {http://www.dhcc.com.cn}HIPMessageServer');
    const noMsg = readRequest(soap11, 'text/xml', sa, env(SOAP11_NS, '<HIPMessageServer xmlns="urn:hl7-org:v3"><action>A</action></HIPMessageServer>'));
    if (!('error' in noMsg)) throw new Error('expected an error');
    expect(noMsg.error.reason).toContain('missing parameter <message>');
  });

  it('http binding: the service code must be there and agree', () => {
    const both = resolveBinding({ kind: 'http', http: { actionIn: 'both' } });
    expect(readRequest(both, 'text/xml', { 'x-hip-action': 'A' }, '<x/>', { path: '/p/hip/B' })).toMatchObject({ error: { status: 400 } });
    expect(readRequest(both, 'text/xml', {}, '<x/>', { path: '/p/hip/B?x=1' })).toMatchObject({ action: 'B' });
    expect(readRequest(resolveBinding('http'), 'text/xml', {}, '<x/>')).toMatchObject({ error: { status: 400, faultCode: 'Sender' } });
    expect(readRequest(resolveBinding('http'), 'application/json', { 'x-hip-action': 'A' }, '{}')).toMatchObject({ error: { status: 415 } });
  });

  it('limits the number of elements', () => {
    const many = env(SOAP11_NS, `<HIPMessageServer xmlns="urn:hl7-org:v3"><action>A</action><message>${'<x/>'.repeat(50)}</message></HIPMessageServer>`);
    const r = readRequest(soap11, 'text/xml', sa, many, { maxElements: 20 });
    if (!('error' in r)) throw new Error('expected an error');
    expect(r.error.reason).toMatch(/more than 20 elements/);
  });
});

describe('unwrapResponse finds the V3 XML robustly and says precisely when it cannot', () => {
  const b: Binding = resolveBinding('soap11');
  const env = (body: string): string => `<soap:Envelope xmlns:soap="${SOAP11_NS}">\n<soap:Body>\n${body}\n</soap:Body>\n</soap:Envelope>`;
  const esc = ACK.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

  it('reads JAX-WS <return> and <out> children (with a warning about the name)', () => {
    for (const name of ['return', 'out']) {
      const un = unwrapResponse(b, env(`<ns2:HIPMessageServerResponse xmlns:ns2="urn:hl7-org:v3"><${name}>${esc}</${name}></ns2:HIPMessageServerResponse>`));
      expect(un).toMatchObject({ kind: 'message', v3xml: ACK, form: 'escaped' });
      expect(un.warnings.join()).toContain(`<${name}>`);
    }
  });

  it('falls back to the first child whose text looks like XML', () => {
    const un = unwrapResponse(b, env(`<HIPMessageServerResponse xmlns="urn:hl7-org:v3"><code>0</code><payload><![CDATA[${ACK}]]></payload></HIPMessageServerResponse>`));
    expect(un).toMatchObject({ kind: 'message', v3xml: ACK, form: 'cdata' });
  });

  it('takes an inline V3 element and gives it the namespaces it inherited', () => {
    const inline = `<HIPMessageServerResponse xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><HIPMessageServerResult><MCCI_IN000002UV01 ITSVersion="XML_1.0"><id xsi:type="II" root="1"/></MCCI_IN000002UV01></HIPMessageServerResult></HIPMessageServerResponse>`;
    const un = unwrapResponse(b, env(inline));
    expect(un).toMatchObject({ kind: 'message', form: 'inline' });
    if (un.kind === 'message') {
      expect(un.v3xml).toBe('<MCCI_IN000002UV01 xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ITSVersion="XML_1.0"><id xsi:type="II" root="1"/></MCCI_IN000002UV01>');
    }
    const bare = unwrapResponse(b, env(ACK));
    expect(bare).toMatchObject({ kind: 'message', v3xml: ACK, form: 'inline' });
    expect(bare.warnings.join()).toContain('is the SOAP Body itself');
  });

  it('warns when the envelope version is not the binding’s', () => {
    const r = writeResponse(resolveBinding('soap12'), ACK);
    const un = unwrapResponse(b, r.body.toString());
    expect(un).toMatchObject({ kind: 'message', v3xml: ACK, soapVersion: '1.2' });
    expect(un.warnings.join()).toContain('SOAP 1.2 envelope but the binding is SOAP 1.1');
  });

  it.each([
    ['an HTML page', '<html><head><title>Error</title></head><body><p>Server Error</p></body></html>', 'not-envelope', /root element <html>/],
    ['text', 'Internal error', 'malformed', /not well-formed/],
    ['an empty body', '  ', 'empty', /empty/],
    ['a DOCTYPE', `<!DOCTYPE x><x/>`, 'doctype', /DOCTYPE/],
    ['an empty result', env('<HIPMessageServerResponse xmlns="urn:hl7-org:v3"><HIPMessageServerResult/></HIPMessageServerResponse>'), 'empty-payload', /HIPMessageServerResult> is empty/],
    ['a double-escaped result', env(`<HIPMessageServerResponse xmlns="urn:hl7-org:v3"><HIPMessageServerResult>${esc.replace(/&/g, '&amp;')}</HIPMessageServerResult></HIPMessageServerResponse>`), 'double-escaped', /escaped twice/],
    ['a result that is not XML', env('<HIPMessageServerResponse xmlns="urn:hl7-org:v3"><HIPMessageServerResult>OK</HIPMessageServerResult></HIPMessageServerResponse>'), 'payload-not-xml', /"OK"/],
    ['no result element', env('<HIPMessageServerResponse xmlns="urn:hl7-org:v3"><status>1</status><msg>done</msg></HIPMessageServerResponse>'), 'no-payload', /found <status>, <msg>/],
    ['an undefined entity', env('<HIPMessageServerResponse xmlns="urn:hl7-org:v3"><HIPMessageServerResult>&nbsp;</HIPMessageServerResult></HIPMessageServerResponse>'), 'entity', /undefined entity &nbsp;/],
    ['an unbound prefix', env('<x:HIPMessageServerResponse/>'), 'namespace', /prefix "x"/],
    ['an empty Body', env(''), 'empty-body', /Body is empty/],
    ['a control character', env('\u0001'), 'forbidden-char', /U\+0001/],
  ])('reports %s', (_n, body, code, message) => {
    const un = unwrapResponse(b, body);
    expect(un.kind).toBe('error');
    if (un.kind === 'error') {
      expect(un.error.code).toBe(code);
      expect(un.error.message).toMatch(message);
    }
  });

  it('gives the line of the problem', () => {
    const un = unwrapResponse(b, env('<HIPMessageServerResponse xmlns="urn:hl7-org:v3">\n<HIPMessageServerResult>OK</HIPMessageServerResult></HIPMessageServerResponse>'));
    expect(un).toMatchObject({ kind: 'error', error: { line: 4 } });
  });

  it('reads a multi-megabyte escaped payload', () => {
    const big = `<MCCI_IN000002UV01 xmlns="urn:hl7-org:v3">${'<x a="1">数据 &amp; more</x>'.repeat(100_000)}</MCCI_IN000002UV01>`;
    const r = writeResponse(resolveBinding({ messageAs: 'escaped' }), big);
    expect(r.body.length).toBeGreaterThan(3_000_000);
    expect(unwrapResponse(b, r.body.toString())).toMatchObject({ kind: 'message', v3xml: big, form: 'escaped' });
  });
});

describe('entity decoding is strict', () => {
  it.each([
    ['&lt;&gt;&amp;&quot;&apos;&#x4E2D;&#25991;', `<>&"'中文`],
  ])('decodes %s', (input, out) => expect(decodeEntities(input)).toBe(out));
  it.each(['&constructor;', '&__proto__;', '&toString;', '&nbsp;', 'a & b', '&amp', '&#0;', '&#xD800;', '&#x110000;', '&#;'])('refuses %s', (input) => {
    expect(() => decodeEntities(input)).toThrow(EntityError);
  });
});

describe('binding mix-ups are named', () => {
  it('a bare V3 message to a SOAP client hints at the http binding', () => {
    const un = unwrapResponse(resolveBinding('soap11'), ACK);
    expect(un).toMatchObject({ kind: 'error', error: { code: 'not-envelope' } });
    if (un.kind === 'error') expect(un.error.message).toContain('does this platform use the http binding?');
  });

  it('a SOAP envelope where plain V3 XML was expected is warned about', () => {
    const env = writeResponse(resolveBinding('soap11'), ACK).body.toString();
    const un = unwrapResponse(resolveBinding('http'), env);
    expect(un.kind).toBe('message');
    expect(un.warnings.join()).toContain('looks like a SOAP envelope');
    const read = readRequest(resolveBinding('http'), 'text/xml', { 'x-hip-action': 'A' }, env);
    expect('warnings' in read && read.warnings.join()).toContain('looks like a SOAP envelope');
  });
});

describe('redact', () => {
  it('hides credentials and named headers, case-insensitively, and keeps the rest', () => {
    const out = redact({ Authorization: 'Bearer abc', cookie: 'a=b', 'X-Token': 't', 'set-cookie': ['a', 'b'], Accept: '*/*' }, ['x-token']);
    expect(out).toEqual({ Authorization: REDACTED, cookie: REDACTED, 'X-Token': REDACTED, 'set-cookie': [REDACTED, REDACTED], Accept: '*/*' });
  });
});

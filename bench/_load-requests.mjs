// The requests and answer checks of the generator benches (bench/perf-generator.mjs against wrk,
// bench/perf-cpu.mjs per request): GET /hello and a SOAP 1.1 PatientInfoQuery POSTed to
// bench/perf-server.mjs's /soap echo.

/** The SOAP body wrk replays; ours builds the same body with fresh ids per request. */
export const SOAP_BODY =
  '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
  '<HIPMessageServer xmlns="urn:hl7-org:v3"><action>PatientInfoQuery</action><message><![CDATA[' +
  '<PRPA_IN201305UV02 xmlns="urn:hl7-org:v3"><id root="2.16.156.10011.2.5.1.1" extension="BENCH-0000000001"/>' +
  '<creationTime value="20240101120000"/><interactionId root="2.16.840.1.113883.1.6" extension="PRPA_IN201305UV02"/>' +
  '<controlActProcess classCode="CACT" moodCode="EVN"><queryByParameter><queryId extension="Q-0000000001"/>' +
  '<parameterList><id><value extension="SYNTH-000001"/></id></parameterList></queryByParameter></controlActProcess>' +
  '</PRPA_IN201305UV02>]]></message></HIPMessageServer></soap:Body></soap:Envelope>';

// the body around its two ids, cut once: per request only the ids are made and joined (a
// String.replace per id scanned the whole body each time)
const [SOAP_A, SOAP_REST] = SOAP_BODY.split('BENCH-0000000001');
const [SOAP_B, SOAP_C] = SOAP_REST.split('Q-0000000001');
const SOAP_HEADERS = { 'content-type': 'text/xml; charset=utf-8', soapaction: '"urn:hl7-org:v3/HIPMessageServer"' };

export const helloFactory = ({ seq }) => ({ method: 'GET', path: '/hello', headers: { 'x-request-id': String(seq) } });

export const soapFactory = ({ seq, user, iteration }) => ({
  path: '/soap',
  headers: SOAP_HEADERS,
  // a fresh message id per request, same length as the wrk body
  body: `${SOAP_A}B${String(user).padStart(3, '0')}-${String(iteration % 1e9).padStart(9, '0')}${SOAP_B}Q-${String(seq % 1e10).padStart(10, '0')}${SOAP_C}`,
});

export const okChecker = (status) => (status === 200 ? null : `http-status:${status}`);

// every response: status, no SOAP fault, a complete envelope — on the bytes (the echo is ASCII),
// without decoding the body to a string first
const FAULT = Buffer.from(':Fault>');
const ENVELOPE_END = Buffer.from('</soap:Envelope>');
export const soapChecker = (status, _h, body) => {
  if (status !== 200) return `http-status:${status}`;
  if (body.indexOf(FAULT) >= 0) return 'soap-fault';
  return body.length >= ENVELOPE_END.length && body.subarray(body.length - ENVELOPE_END.length).equals(ENVELOPE_END) ? null : 'invalid-body';
};

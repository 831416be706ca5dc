// Fixed-cost loopback server for bench/perf-generator.mjs, run as a child process so that the
// generator's and the server's CPU are measured separately.
//   GET  /hello  → 200 "hello world\n"
//   POST /soap   → 200 a SOAP 1.1 envelope echoing the request body in a CDATA section
//   POST /ack    → 200 a SOAP 1.1 envelope with an MCCI_IN000002UV01 AA acknowledgement whose
//                  targetMessage is the request's message id (found by one regex: fixed cost)
// IPC: send 'cpu' → replies { cpu: process.cpuUsage() }.
import http from 'node:http';

const HELLO = Buffer.from('hello world\n');
const HEAD = '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">' +
  '<soap:Body><HIPMessageServerResponse xmlns="urn:hl7-org:v3"><HIPMessageServerResult><![CDATA[';
const TAIL = ']]></HIPMessageServerResult></HIPMessageServerResponse></soap:Body></soap:Envelope>';

const MSG_ID = /<id root="2\.16\.156\.10011\.2\.5\.1\.1" extension="([^"]*)"/;
let ACK_HEAD = HEAD + '<?xml version="1.0" encoding="UTF-8"?><MCCI_IN000002UV01 xmlns="urn:hl7-org:v3" ITSVersion="XML_1.0">' +
  '<id root="2.16.156.10011.2.5.1.1" extension="BENCH-ACK"/><creationTime value="20250101000000"/>' +
  '<interactionId root="2.16.156.10011.2.5.1.2" extension="MCCI_IN000002UV01"/><processingCode code="P"/><processingModeCode/>' +
  '<acceptAckCode code="NE"/><acknowledgement typeCode="AA"><targetMessage><id root="2.16.156.10011.2.5.1.1" extension="';
let ACK_TAIL = '"/></targetMessage><acknowledgementDetail><text value="成功"/></acknowledgementDetail></acknowledgement></MCCI_IN000002UV01>' + TAIL;
// the parent may hand over a complete acknowledgement (src/samples buildAck) with __ID__ where
// the request's id goes, so that the answers also pass the full validator
if (process.env.BENCH_ACK?.includes('__ID__')) {
  const [a, b] = process.env.BENCH_ACK.split('__ID__');
  ACK_HEAD = HEAD + a;
  ACK_TAIL = b + TAIL;
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url.startsWith('/hello')) {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': HELLO.length });
    res.end(HELLO);
    return;
  }
  if (req.method === 'POST' && req.url.startsWith('/soap')) {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const out = Buffer.from(HEAD + Buffer.concat(chunks).toString('utf8').replaceAll(']]>', ']]]]><![CDATA[>') + TAIL);
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': out.length });
      res.end(out);
    });
    return;
  }
  if (req.method === 'POST' && req.url.startsWith('/ack')) {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const id = MSG_ID.exec(Buffer.concat(chunks).toString('utf8'))?.[1] ?? '';
      const out = Buffer.from(ACK_HEAD + id + ACK_TAIL);
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': out.length });
      res.end(out);
    });
    return;
  }
  res.writeHead(404).end();
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  if (m === 'exit') server.close(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));

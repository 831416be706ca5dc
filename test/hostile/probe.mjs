// Preloaded into the `hutong run` child (node --import) by runner.test.ts: records every file
// the process opens and every outgoing TCP connection, and its peak RSS, into the JSON file
// named by HOSTILE_PROBE at exit. Test-only instrumentation; the runner knows nothing of it.
import fs from 'node:fs';
import net from 'node:net';
import { syncBuiltinESMExports } from 'node:module';

const out = process.env.HOSTILE_PROBE;
if (out) {
  const opened = new Set();
  const connects = [];
  const note = (p) => {
    if (typeof p === 'string') opened.add(p);
    else if (p instanceof URL) opened.add(p.pathname);
    else if (Buffer.isBuffer(p)) opened.add(p.toString());
  };
  const wrap = (obj, name) => {
    const orig = obj[name];
    if (typeof orig !== 'function') return;
    obj[name] = function (p, ...rest) {
      note(p);
      return orig.call(this, p, ...rest);
    };
  };
  for (const n of ['open', 'openSync', 'readFile', 'readFileSync', 'createReadStream', 'openAsBlob']) wrap(fs, n);
  for (const n of ['open', 'readFile']) wrap(fs.promises, n);
  syncBuiltinESMExports();

  const origConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (...args) {
    const o = args[0];
    if (o && typeof o === 'object' && !Array.isArray(o)) connects.push({ host: o.host ?? o.path ?? 'localhost', port: Number(o.port ?? 0) });
    else if (Array.isArray(o) && o[0] && typeof o[0] === 'object') connects.push({ host: o[0].host ?? 'localhost', port: Number(o[0].port ?? 0) });
    else connects.push({ host: String(args[1] ?? 'localhost'), port: Number(o) });
    return origConnect.apply(this, args);
  };

  process.on('exit', () => {
    const body = JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, opened: [...opened], connects });
    try {
      fs.writeFileSync(out, body);
    } catch {
      // nothing to do: the test then reports the probe missing
    }
  });
}

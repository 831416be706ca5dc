/** A conformant DocumentRegister request, as the runner would send it. */
import { readFileSync } from 'node:fs';
import type { EntityDef, ServiceDef } from '../../src/catalog/types.js';
import { buildRequest } from '../../src/samples/message.js';
import { sampleEntityValues } from '../../src/samples/message-values.js';

const ROOT = new URL('../../', import.meta.url);
const readJson = <T>(p: string): T => JSON.parse(readFileSync(new URL(p, ROOT), 'utf8')) as T;

export const ACTION = 'DocumentRegister';

export function registerRequest(n: number): { messageId: string; xml: string } {
  const s = readJson<{ services: ServiceDef[] }>('scenarios/services.json').services.find((x) => x.code === ACTION) as ServiceDef;
  const e = readJson<{ entities: EntityDef[] }>('scenarios/entities.json').entities.find((x) => x.name === s.entity) as EntityDef;
  const messageId = `HOSTILE-REQ-${String(n).padStart(4, '0')}`;
  const xml = buildRequest(s, e, sampleEntityValues(e, n), { messageId, creationTime: '20260101115959', sender: 'hutong', receiver: 'HIP' });
  return { messageId, xml };
}

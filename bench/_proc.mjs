// CPU time of another process from /proc/<pid>/stat (utime + stime, fields 14 and 15, in clock
// ticks), as { user, system } in µs like process.cpuUsage(), or undefined where there is no /proc.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let tick;
function clockTicks() {
  if (tick === undefined) {
    try {
      tick = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      tick = 100;
    }
  }
  return tick;
}

export function procCpu(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may contain spaces: count fields after its closing parenthesis
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const us = 1e6 / clockTicks();
    return { user: Number(f[11]) * us, system: Number(f[12]) * us };
  } catch {
    return undefined;
  }
}

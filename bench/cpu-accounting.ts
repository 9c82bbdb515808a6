import { readdirSync, readFileSync } from 'node:fs';

// Where a benchmark's CPU goes, process by process (Linux /proc): each side is given its cost in
// CPU microseconds per request, so "where does the time go" covers PostgreSQL, the sink and the
// load generator as well as the server measured. Elsewhere it reports nothing.

/** /proc counts CPU in clock ticks of 1/100 s (USER_HZ, the same on every Linux kernel build). */
const MICROSECONDS_PER_TICK = 1e6 / 100;

type Ticks = Record<string, number>;

/**
 * utime + stime of all its threads; for PostgreSQL also the CPU of the children it has reaped
 * (cutime + cstime): the postmaster's holds every backend that ended during the measurement (the
 * pool closes idle connections), which would otherwise leave the sum. Other PostgreSQL
 * processes reap nothing.
 */
function processTicks(pid: number, role: string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const own = Number(fields[11]) + Number(fields[12]);
    return role === 'postgres' ? own + Number(fields[13]) + Number(fields[14]) : own;
  } catch {
    return 0; // it ended meanwhile
  }
}

function roleOf(pid: number, named: Record<string, number>): string | null {
  for (const [role, namedPid] of Object.entries(named)) if (namedPid === pid) return role;
  try {
    // Backends and helpers are named `postgres: …`; the postmaster by its program's path.
    const program = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
    if (program.startsWith('postgres') || program.endsWith('/postgres')) return 'postgres';
  } catch {
    // it ended meanwhile
  }
  return null;
}

/** Busy ticks of the whole machine, from the first line of /proc/stat. */
function machineTicks(): number {
  const [user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return user + nice + system + irq + softirq;
}

/** CPU used so far by the named processes (and every PostgreSQL process), and by the machine. */
export function cpuSnapshot(named: Record<string, number>): Ticks | null {
  if (process.platform !== 'linux') return null;
  const ticks: Ticks = { machine: machineTicks() };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const role = roleOf(Number(entry), named);
    if (role) ticks[role] = (ticks[role] ?? 0) + processTicks(Number(entry), role);
  }
  return ticks;
}

/** `tayori 315, postgres 123, …, machine 541`: µs of CPU per request between two snapshots (roles that used none left out). */
export function cpuPerRequest(before: Ticks | null, after: Ticks | null, requests: number): string | null {
  if (!before || !after || requests === 0) return null;
  const perRequest = (role: string) => Math.round(((after[role] - (before[role] ?? 0)) * MICROSECONDS_PER_TICK) / requests);
  return Object.keys(after)
    .filter((role) => role !== 'machine' && perRequest(role) > 0)
    .concat('machine')
    .map((role) => `${role} ${perRequest(role)}`)
    .join(', ');
}

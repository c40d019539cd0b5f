// Starting, watching and stopping the servers under test (only the processes this script started).
import { spawn } from 'node:child_process';
import { openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Spawns `node ...nodeArgs script` with `env`; stdout goes to `logFile` (/dev/null by default),
 * stderr is kept for errors. Node options go on the command line: some (--cpu-prof) are refused in NODE_OPTIONS.
 */
export async function startServer(name, script, env, logFile = '/dev/null', nodeArgs = []) {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', openSync(logFile, 'a'), 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  // Generous: the first start migrates the benchmark's table, which can mean rewriting a million rows.
  const deadline = Date.now() + 600_000;
  for (;;) {
    const result = await Promise.race([exited.then(() => 'exited'), fetch(`${url}/health`).then((r) => r.status, () => 0)]);
    if (result === 'exited') throw new Error(`${name} exited during start-up:\n${stderr}`);
    if (result === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not answer /health within 600 s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    name, url, pid: child.pid,
    stderr: () => stderr,
    /** SIGTERM, then the exit code (SIGKILL after 20 s, reported as such). */
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Every process's [pid, parent pid, command name], from /proc. */
function allProcesses() {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      found.push([Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), comm]);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** The pid and its descendants (cluster workers), from /proc. */
export function processTree(pid) {
  const parents = new Map(allProcesses().map(([p, parent]) => [p, parent]));
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  return tree;
}

function statusKb(pid, field) {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? 0 : Number(match[1]);
  } catch {
    return 0;
  }
}

/** All CPUs' busy and total time since boot, in ms, from /proc/stat. */
function machineCpu() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = fields[3] + fields[4];
  return { totalMs: total * 10, busyMs: (total - idle) * 10 };
}

/** CPU time of every PostgreSQL process on the machine (all databases, not only the benchmark's). */
function postgresCpuMs() {
  return allProcesses().filter(([, , comm]) => comm === 'postgres').reduce((sum, [pid]) => sum + cpuMs(pid), 0);
}

/**
 * The CPU of the PostgreSQL backends serving the benchmark's database: `sql` must be connected to
 * it with application_name 'bench-harness' (its own backends are left out). Only the server
 * under test is busy meanwhile, so this is that server's database cost. Backends that start
 * during the measurement count from zero; one that exits meanwhile is lost (the pools keep
 * theirs for 60 s idle, longer than any run). Background processes (WAL writer, checkpointer,
 * autovacuum) are not counted: they are shared by the whole server.
 */
export async function sampleBackends(sql) {
  const backends = async () => (await sql`
    select pid from pg_stat_activity
    where datname = current_database() and backend_type = 'client backend' and application_name <> 'bench-harness'`).map((r) => r.pid);
  const atStart = new Map((await backends()).map((pid) => [pid, cpuMs(pid)]));
  return {
    async stop() {
      const pids = await backends();
      return { cpuMs: pids.reduce((sum, pid) => sum + cpuMs(pid) - (atStart.get(pid) ?? 0), 0), backends: pids.length };
    },
  };
}

/**
 * One measurement: `drive(seconds)` (autocannon) for the warm-up, discarded, then for the run, with the
 * server's process tree and its PostgreSQL backends watched meanwhile. Gives autocannon's result, what
 * sampleProcess and sampleBackends saw, and the requests answered (at least 1, to divide by).
 */
export async function measureRun(sql, server, drive, warmupSeconds, seconds) {
  if (warmupSeconds > 0) await drive(warmupSeconds);
  const backends = await sampleBackends(sql);
  const watch = sampleProcess(server.pid);
  const result = await drive(seconds);
  const seen = watch.stop();
  const database = await backends.stop();
  return { result, seen, database, served: Math.max(1, result.requests.total) };
}

/** CPU time (user + system) a process has used, in ms (clock ticks are 1/100 s on Linux). */
function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/**
 * Watches a process tree while it is measured: the summed VmRSS every 200 ms, and the CPU
 * time used. `stop()` gives the peak RSS and the VmHWMs in MB, and the CPU ms spent meanwhile.
 * CPU per request is the steadier figure on a machine shared with other work.
 */
export function sampleProcess(pid) {
  const pids = processTree(pid);
  const cpuAtStart = pids.reduce((sum, p) => sum + cpuMs(p), 0);
  const machineAtStart = machineCpu();
  const postgresAtStart = postgresCpuMs();
  const selfAtStart = process.cpuUsage();
  let peakKb = 0;
  const sample = () => {
    peakKb = Math.max(peakKb, pids.reduce((sum, p) => sum + statusKb(p, 'VmRSS'), 0));
  };
  sample();
  const timer = setInterval(sample, 200);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const machine = machineCpu();
      const self = process.cpuUsage(selfAtStart);
      const server = pids.reduce((sum, p) => sum + cpuMs(p), 0) - cpuAtStart;
      const busy = machine.busyMs - machineAtStart.busyMs;
      const loadGenerator = (self.user + self.system) / 1000;
      const postgres = postgresCpuMs() - postgresAtStart;
      return {
        cpuSplit: { wallCpuMs: machine.totalMs - machineAtStart.totalMs, busy, server, postgres, loadGenerator, other: Math.max(0, busy - server - postgres - loadGenerator) },
        peakMb: peakKb / 1024,
        hwmMb: pids.reduce((sum, p) => sum + statusKb(p, 'VmHWM'), 0) / 1024,
        cpuMs: pids.reduce((sum, p) => sum + cpuMs(p), 0) - cpuAtStart,
        processes: pids.length,
      };
    },
  };
}

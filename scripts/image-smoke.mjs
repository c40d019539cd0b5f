#!/usr/bin/env node
// npm run image:smoke — builds the Dockerfile with podman and runs the image as a user would:
// against the local PostgreSQL (host network) and on its embedded default. For each: waits for
// /ready, creates and reads a task with a token minted by the image's own CLI, sends SIGTERM and
// checks the exit code. Reports the image size. Where podman cannot run containers it says why
// and skips (exit 0). Not part of npm test: the first run builds a base image (minutes).
//
// Environment:
//   IMAGE_SMOKE_DATABASE_URL  server to test against   default postgres://postgres@127.0.0.1:5432/test
//                             (a database of its own is created there and dropped afterwards)
//   IMAGE_SMOKE_BASE          Node 20 base image       default localhost/node:20-trixie, made here with
//                             mmdebstrap + podman import when missing (no registry is needed)
//   IMAGE_SMOKE_CACHE         where the base tarball is kept   default ~/.cache/tasks-image-smoke
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';

const root = fileURLToPath(new URL('..', import.meta.url));
const cache = process.env.IMAGE_SMOKE_CACHE ?? join(homedir(), '.cache', 'tasks-image-smoke');
const base = process.env.IMAGE_SMOKE_BASE ?? 'localhost/node:20-trixie';
const serverUrl = process.env.IMAGE_SMOKE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const image = 'localhost/tasks-api:smoke';
const started = Date.now();

const say = (line) => console.log(`[image:smoke ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
const skip = (reason) => {
  say(`SKIPPED: ${reason}`);
  process.exit(0);
};
const fail = (reason) => {
  say(`FAILED: ${reason}`);
  process.exitCode = 1;
};

// Debian's podman 4.3 runs containers here with runc, no rlimit/pids defaults and cgroupfs (TOOLCHAIN.md).
mkdirSync(cache, { recursive: true });
const containersConf = join(cache, 'containers.conf');
writeFileSync(containersConf, '[containers]\ndefault_ulimits = []\npids_limit = 0\n[engine]\ncgroup_manager = "cgroupfs"\n');
const env = { ...process.env, CONTAINERS_CONF: containersConf };

function podman(args, { input, allowFailure = false } = {}) {
  const result = spawnSync('podman', ['--runtime', 'runc', ...args], { env, input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.status !== 0 && !allowFailure) throw new Error(`podman ${args[0]} failed: ${(result.stderr || result.stdout || String(result.error)).trim().split('\n').slice(-5).join(' | ')}`);
  return result;
}

/** podman with its output streamed (long steps), resolving with the exit code. */
function podmanStreaming(args) {
  return new Promise((done) => {
    const child = spawn('podman', ['--runtime', 'runc', ...args], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (code) => done(code));
  });
}

const onPath = (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

// 1. Can podman run a container at all?
if (!onPath('podman')) skip('podman is not installed (Debian: apt-get install podman runc)');
if (!onPath('runc')) skip('runc is not installed (Debian: apt-get install runc); podman needs it here, crun fails');
const info = podman(['info'], { allowFailure: true });
if (info.status !== 0) skip(`podman cannot run here: ${info.stderr.trim().split('\n').pop()}`);

// 2. A Node 20 base image, made locally when missing: no image registry is reachable here.
if (podman(['image', 'exists', base], { allowFailure: true }).status !== 0) {
  if (base !== 'localhost/node:20-trixie') skip(`base image ${base} is not in podman's storage`);
  const tarball = join(cache, 'node-20-trixie.tar');
  if (!existsSync(tarball)) {
    if (!onPath('mmdebstrap')) skip('no Node 20 base image and no mmdebstrap to make one (apt-get install mmdebstrap)');
    say(`making the base image with mmdebstrap (Debian trixie + nodejs + npm; about 4 minutes) into ${tarball}`);
    const made = spawnSync('mmdebstrap', ['--variant=apt', '--include=nodejs,npm,ca-certificates', 'trixie', `${tarball}.part`], { stdio: 'inherit' });
    if (made.status !== 0) skip('mmdebstrap could not make the base image (see its output above)');
    execFileSync('mv', [`${tarball}.part`, tarball]);
  }
  say(`importing ${tarball} as ${base}`);
  podman(['import', tarball, base]);
}
const nodeVersion = podman(['run', '--rm', '--network', 'host', base, 'node', '--version']).stdout.trim();
say(`base image ${base}: Node ${nodeVersion}`);

// 3. Build the Dockerfile as it is, with that base.
say(`building ${image}`);
// Behind a TLS-inspecting proxy (NODE_EXTRA_CA_CERTS set here), npm inside the build needs its CA too.
const extraCa = process.env.NODE_EXTRA_CA_CERTS;
const caArgs = extraCa && existsSync(extraCa)
  ? ['--volume', `${extraCa}:/run/host-ca.crt:ro`, '--build-arg', 'NODE_EXTRA_CA_CERTS=/run/host-ca.crt']
  : [];
const built = await podmanStreaming(['build', '--format', 'docker', '--network', 'host', '--build-arg', `NODE_IMAGE=${base}`, ...caArgs, '-t', image, root]);
if (built !== 0) {
  fail(`podman build exited with ${built}`);
  process.exit();
}
const size = Number(podman(['image', 'inspect', '--format', '{{.Size}}', image]).stdout.trim());
say(`image built: ${image}, ${(size / 1e6).toFixed(0)} MB`);

// 4. Run it: on the local PostgreSQL, then on its embedded default.
const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function waitReady(url, container, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const status = await fetch(`${url}/ready`).then((r) => r.status, () => null);
    if (status === 200) return;
    const state = podman(['inspect', '--format', '{{.State.Status}}', container], { allowFailure: true }).stdout.trim();
    if (state !== 'running') throw new Error(`the container is ${state || 'gone'} before /ready answered 200`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`/ready did not answer 200 within ${timeoutMs / 1000} s`);
}

async function runOnce(label, extraEnv) {
  const port = await freePort();
  const name = `tasks-smoke-${label}-${randomBytes(3).toString('hex')}`;
  const secret = randomBytes(24).toString('hex');
  const envArgs = Object.entries({ NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), BETTER_AUTH_SECRET: secret, ...extraEnv })
    .flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const t0 = Date.now();
  podman(['run', '-d', '--name', name, '--network', 'host', ...envArgs, image]);
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url, name, 180_000);
    const readyS = ((Date.now() - t0) / 1000).toFixed(1);
    const token = podman(['exec', name, 'node', 'packages/http/dist/src/cli.js', 'token', 'smoke-user']).stdout.trim();
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const created = await fetch(`${url}/api/tasks`, { method: 'POST', headers, body: JSON.stringify({ title: `smoke ${label}` }) });
    if (created.status !== 201) throw new Error(`POST /api/tasks answered ${created.status}: ${await created.text()}`);
    const { data } = await created.json();
    const read = await fetch(`${url}/api/tasks/${data.id}`, { headers });
    const got = read.status === 200 ? (await read.json()).data : null;
    if (got?.title !== `smoke ${label}`) throw new Error(`GET /api/tasks/${data.id} answered ${read.status}`);
    podman(['kill', '--signal', 'TERM', name]);
    const code = Number(podman(['wait', name]).stdout.trim());
    if (code !== 0) throw new Error(`exit code ${code} after SIGTERM (expected 0)`);
    say(`${label}: /ready 200 after ${readyS} s; task ${data.id} created (201) and read back (200); SIGTERM → exit code 0`);
  } catch (error) {
    fail(`${label}: ${error.message}${error.cause ? ` (${error.cause.code ?? error.cause.message})` : ''}`);
    console.log(podman(['logs', '--tail', '30', name], { allowFailure: true }).stdout);
  } finally {
    podman(['rm', '--force', name], { allowFailure: true });
  }
}

// A database of its own on the server, so the run leaves nothing behind.
const database = `image_smoke_${randomBytes(4).toString('hex')}`;
const admin = postgres(serverUrl, { max: 1, prepare: false, onnotice: () => {} });
let serverReachable = true;
try {
  await admin`create database ${admin(database)}`;
} catch (error) {
  serverReachable = false;
  say(`no PostgreSQL at ${new URL(serverUrl).host} (${error.code ?? error.message}): only the embedded run`);
}
if (serverReachable) {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  try {
    await runOnce('postgres', { DATABASE_URL: url.toString() });
  } finally {
    await admin`drop database if exists ${admin(database)} with (force)`;
  }
}
await admin.end();
await runOnce('embedded', {});

say(process.exitCode ? 'done, with failures' : `done: image ${(size / 1e6).toFixed(0)} MB, both runs passed`);

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createServerDatabase, serverUrl, type TestDatabase } from '@todo/infrastructure/testing';
import { type ServiceProcess, startServiceProcess } from '../testing/service-process.js';
import { TEST_SECRET } from '../testing/test-secret.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The fenced `sh` blocks of one README section, exactly as written. */
function shellBlocks(readme: string, heading: string): string[] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  assert.notEqual(start, -1, `README has a "${heading}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

async function sh(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('sh', ['-c', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('the README walkthrough, pasted twice into a shell against a started service', { timeout: 180_000 }, () => {
  let dir: string;
  let database: TestDatabase | undefined;
  let service: ServiceProcess;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tasks-readme-'));
    database = serverUrl ? await createServerDatabase() : undefined;
    const where = database ? { DATABASE_URL: database.url } : { DATA_DIR: join(dir, 'data') };
    service = await startServiceProcess({ BETTER_AUTH_SECRET: TEST_SECRET, ...where }, dir);
  });
  after(async () => {
    await service?.stop();
    await database?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('"Try it with curl" shows the promised statuses, and a second paste works on its own task', async () => {
    const [block, ...others] = shellBlocks(await readFile(join(ROOT, 'README.md'), 'utf8'), 'Try it with curl');
    assert.equal(others.length, 0);
    assert.match(block!, /^API=http:\/\/localhost:8000$/m);
    // The one change: the service listens on a port of the OS's choosing, not 8000.
    const script = block!.replace(/^API=http:\/\/localhost:8000$/m, `API=${service.url}`);
    const env = { PATH: process.env['PATH'], HOME: process.env['HOME'] ?? dir, BETTER_AUTH_SECRET: TEST_SECRET };
    const created: string[] = [];
    for (const paste of [1, 2]) {
      const { code, stdout, stderr } = await sh(script, env);
      assert.equal(code, 0, stderr);
      assert.equal(stderr, '', `paste ${paste}`);
      const lines = stdout.split('\n');
      const statuses = lines.filter((line) => /^\d{3}( |$)/.test(line));
      assert.match(statuses[0]!, /^201 \/api\/tasks\/\d+$/, `paste ${paste}: ${stdout}`);
      assert.deepEqual(statuses.slice(1), ['200', '200', '200', '200', '204', '200'], `paste ${paste}: ${stdout}`);
      created.push(statuses[0]!);
      const bodies = lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { data: Record<string, unknown> });
      assert.equal(bodies[1]!.data['title'], 'Buy milk');
      assert.equal(bodies[2]!.data['description'], null);
      assert.equal(bodies[3]!.data['completed'], true);
    }
    assert.notEqual(created[0], created[1], 'each paste creates its own task');
  });
});

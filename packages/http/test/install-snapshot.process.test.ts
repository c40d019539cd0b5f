import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { migratedSnapshot } from '@todo/infrastructure';

// `npm install` makes the embedded database's migrated snapshot (the prepare script), so that the
// first `npm start` copies it instead of running initdb (~800 MB, several seconds).

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts', 'make-snapshot.mjs');
const run = promisify(execFile);

describe('the snapshot made at install time', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tasks-api-install-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('is made by the prepare script, after the build', async () => {
    const { scripts } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.match(scripts['prepare']!, /^node scripts\/run-built\.mjs --if-typescript && node scripts\/make-snapshot\.mjs$/);
  });

  it('leaves the snapshot of the current migrations in place, whole', async () => {
    const { stderr } = await run(process.execPath, [SCRIPT], { cwd: ROOT });
    assert.match(stderr, /^Embedded database snapshot ready \(\d+\.\d s\)\.\n$/);
    const snapshot = await migratedSnapshot(); // the same one: found, not made again
    assert.ok((await stat(join(snapshot.dir, 'PG_VERSION'))).isFile());
    const cache = await readdir(dirname(snapshot.dir));
    assert.deepEqual(cache.filter((name) => name.startsWith('pglite-')), [basename(snapshot.dir)], 'only it: no build left beside it, no older one');
  });

  it('does nothing, and does not fail the install, without the compiled code', async () => {
    await mkdir(join(dir, 'scripts'));
    await copyFile(SCRIPT, join(dir, 'scripts', 'make-snapshot.mjs'));
    const { stdout, stderr } = await run(process.execPath, [join(dir, 'scripts', 'make-snapshot.mjs')], { cwd: dir });
    assert.equal(stdout + stderr, '');
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { chooseLogFormat } from '../src/logger.js';

const LOGGER = new URL('../src/logger.js', import.meta.url).href;
const program = `const { createStdoutLogger } = await import(${JSON.stringify(LOGGER)}); (await createStdoutLogger('info')).info({ user_id: 'u1' }, 'hello there');`;

/** Runs a process that logs one line, under a pseudo-terminal (`script`) or through a pipe. */
function logOnce(terminal: boolean, nodeEnv: string): string {
  const node = `${JSON.stringify(process.execPath)} --input-type=module -e ${JSON.stringify(program)}`;
  const env = { PATH: process.env['PATH'], NODE_ENV: nodeEnv, TERM: 'dumb' };
  const result = terminal
    ? spawnSync('script', ['-qec', node, '/dev/null'], { env, encoding: 'utf8' })
    : spawnSync('sh', ['-c', node], { env, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.replace(/\r/g, '');
}

describe('log format', () => {
  it('is readable at a terminal outside production, JSON otherwise', () => {
    assert.equal(chooseLogFormat(true, 'development'), 'pretty');
    assert.equal(chooseLogFormat(true, undefined), 'pretty');
    assert.equal(chooseLogFormat(true, 'production'), 'json');
    assert.equal(chooseLogFormat(false, 'development'), 'json');
    assert.equal(chooseLogFormat(false, 'production'), 'json');
  });

  const hasScript = spawnSync('script', ['-V']).status === 0;
  it('prints pretty lines under a real pseudo-terminal, JSON through a pipe or in production', { skip: hasScript ? false : 'no `script` command' }, () => {
    const pretty = logOnce(true, 'development');
    // eslint-disable-next-line no-control-regex
    const plain = pretty.replace(/\x1b\[[0-9;]*m/g, '');
    assert.match(plain, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: hello there\n\s+user_id: "u1"/);
    assert.throws(() => JSON.parse(pretty.trim()));

    for (const output of [logOnce(false, 'development'), logOnce(true, 'production')]) {
      const line = JSON.parse(output.trim()) as Record<string, unknown>;
      assert.equal(line['level'], 'info');
      assert.equal(line['msg'], 'hello there');
      assert.equal(line['user_id'], 'u1');
    }
  });
});

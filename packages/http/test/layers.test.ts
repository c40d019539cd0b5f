import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cruise as cruiseModules } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const PACKAGES = ['domain', 'application', 'infrastructure', 'http'];

interface Cruise {
  summary: { violations: { rule: { name: string }; from: string; to: string }[] };
  modules: { source: string; dependencies: { module: string; dependencyTypes: string[] }[] }[];
}

/**
 * Runs dependency-cruiser with the project's rules on `paths` (relative to `baseDir`), as
 * `depcruise <paths> --config .dependency-cruiser.cjs` would: through its API, in this process
 * (its command line cost a second of CPU to start, twice).
 */
async function cruise(baseDir: string, paths: string[]): Promise<Cruise> {
  const options = await extractDepcruiseOptions(CONFIG);
  const tsConfigFile = options.tsConfig?.fileName;
  const transpile = tsConfigFile === undefined ? {} : { tsConfig: extractTSConfig(join(baseDir, tsConfigFile)) };
  const result = await cruiseModules(paths, { ...options, baseDir, outputType: 'json' }, {}, transpile);
  return JSON.parse(String(result.output)) as Cruise;
}

const violations = (result: Cruise) => result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);

/** `pino` for `pino/file`, `@koa/router` for `@koa/router/x`. */
const packageName = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

describe('the layers (STYLE.md), checked by dependency-cruiser', () => {
  it('hold: every rule of .dependency-cruiser.cjs, and each package.json lists exactly what the package imports', async () => {
    const result = await cruise(ROOT, PACKAGES.flatMap((name) => ['src', 'test', 'testing'].map((dir) => `packages/${name}/${dir}`)).filter((path) => !path.startsWith('packages/domain/testing')));
    assert.deepEqual(violations(result), []);
    for (const name of PACKAGES) {
      const manifest = JSON.parse(await readFile(join(ROOT, 'packages', name, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
      const listed = Object.keys({ ...manifest['dependencies'], ...manifest['devDependencies'] }).filter((dep) => !dep.startsWith('@types/')).sort();
      const imported = new Set<string>();
      for (const module of result.modules.filter((m) => m.source.startsWith(`packages/${name}/`))) {
        for (const dependency of module.dependencies) {
          const bare = !dependency.module.startsWith('.') && !dependency.dependencyTypes.includes('core');
          if (bare) imported.add(packageName(dependency.module));
        }
      }
      assert.deepEqual([...imported].sort(), listed.filter((dep) => !LISTED_NOT_IMPORTED.has(dep)), `packages/${name}/package.json`);
    }
  });

  it('can fail: each forbidden import is reported under the name of its rule', async (t) => {
    const fixture = await mkdtemp(join(tmpdir(), 'core-layers-'));
    t.after(() => rm(fixture, { recursive: true, force: true }));
    const files: Record<string, string> = {
      'tsconfig.base.json': '{ "compilerOptions": { "module": "NodeNext", "moduleResolution": "NodeNext" } }',
      'packages/domain/src/bad.ts': "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n",
      'packages/application/src/bad.ts': "import { adapter } from '../../infrastructure/src/adapter.js';\nexport const a = adapter;\n",
      'packages/infrastructure/src/adapter.ts': "import { route } from '../../http/src/route.js';\nexport const adapter = route;\n",
      'packages/http/src/route.ts': "import { helper } from '../testing/helper.js';\nexport const route = helper;\n",
      'packages/http/testing/helper.ts': 'export const helper = 1;\n',
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(fixture, path)), { recursive: true });
      await writeFile(join(fixture, path), text);
    }
    const result = await cruise(fixture, ['packages']);
    assert.deepEqual(violations(result).sort(), [
      'application-imports-only-domain: packages/application/src/bad.ts → packages/infrastructure/src/adapter.ts',
      'domain-imports-nothing: packages/domain/src/bad.ts → fs',
      'infrastructure-never-http: packages/infrastructure/src/adapter.ts → packages/http/src/route.ts',
      'no-testing-helpers-in-src: packages/http/src/route.ts → packages/http/testing/helper.ts',
    ]);
  });
});

/** Listed for a reason other than an import: peer or runtime needs nobody imports by name. */
const LISTED_NOT_IMPORTED = new Set(['swagger-ui-dist']);

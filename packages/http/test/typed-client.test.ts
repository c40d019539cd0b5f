import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTasksClient, type TasksClient } from '@todo/client';
import { documentSource, schemaSource } from '@todo/client/generate';
import { databaseKinds, openPostgresTestStore, type PostgresTestStore } from '@todo/infrastructure/testing';
import ts from 'typescript';
import { documentedOperations, type OpenApiDocument, responseChecker, startTestApp, type TestApp } from '../testing/index.js';
import { exerciseEveryOperation, REQUIRED_MISUSES } from '../testing/typed-client-exercise.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CLIENT = `${ROOT}packages/client/`;
const SCHEMA = `${CLIENT}src/schema.ts`;
const EXERCISE = `${ROOT}packages/http/testing/typed-client-exercise.ts`;
const REGENERATE = 'the committed client is stale: run `npx tsc -b && npm run generate -w @todo/client`';
/** TypeScript's incremental state of the check below: files whose text is unchanged since are not checked again. */
const BUILD_INFO = `${ROOT}node_modules/.cache/tasks-api/typed-client.tsbuildinfo`;

/**
 * One in-process type check of the exercise, as `tsc --strict` with the project's options would
 * do it, against the client as generated from `document` now (not the committed schema.ts).
 * Incremental, as `tsc -b` is: a file is checked again when its text, or that of a file it
 * depends on, changed (the schema generated now included); otherwise its last diagnostics count.
 */
function typeCheck(schema: string): string[] {
  const base = ts.getParsedCommandLineOfConfigFile(`${ROOT}tsconfig.base.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  assert.ok(base !== undefined);
  const options: ts.CompilerOptions = {
    ...base.options,
    strict: true,
    noEmit: true,
    composite: false,
    declaration: false,
    declarationMap: false,
    incremental: true,
    tsBuildInfoFile: BUILD_INFO,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    paths: { '@todo/client': [`${CLIENT}src/index.ts`] },
  };
  const system: ts.System = { ...ts.sys, readFile: (path, encoding) => (path === SCHEMA ? schema : ts.sys.readFile(path, encoding)) };
  const program = ts.createIncrementalProgram({ rootNames: [EXERCISE], options, host: ts.createIncrementalCompilerHost(options, system) });
  // What ts.getPreEmitDiagnostics reads, from the builder (which answers unchanged files from the build info).
  const diagnostics = [program.getOptionsDiagnostics(), program.getSyntacticDiagnostics(), program.getGlobalDiagnostics(), program.getSemanticDiagnostics()].flat();
  program.emit(); // with noEmit: the build info only
  return diagnostics.map((diagnostic) => {
    const where = diagnostic.file === undefined ? '' : `${diagnostic.file.fileName.replace(ROOT, '')}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}: `;
    return where + ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
  });
}

describe('the typed client (@todo/client), generated from the live document', () => {
  let api: TestApp;
  let document: OpenApiDocument;
  let fresh: string;
  before(async () => {
    api = await startTestApp();
    document = (await (await api.request('/openapi.json')).json()) as OpenApiDocument;
    fresh = await schemaSource(document);
  });
  after(() => api.close());

  it('is what the committed client was generated from', async () => {
    assert.equal(await readFile(`${CLIENT}openapi.json`, 'utf8'), documentSource(document), REGENERATE);
    assert.equal(await readFile(SCHEMA, 'utf8'), fresh, REGENERATE);
  });

  it('types every operation of the exercise under --strict, and refuses each misuse', async () => {
    assert.deepEqual(typeCheck(fresh), []);
    const source = await readFile(EXERCISE, 'utf8');
    const tags = [...source.matchAll(/@ts-expect-error \[([^\]]+)\]/g)].map((match) => match[1]);
    assert.deepEqual(tags, REQUIRED_MISUSES);
    assert.deepEqual(REQUIRED_MISUSES.filter((tag) => !source.includes(`[${tag}]`)), []);
  });
});

for (const kind of databaseKinds) {
  describe(`the typed client against the app on ${kind.name}`, { skip: kind.skip }, () => {
    let database: PostgresTestStore;
    let api: TestApp;
    before(async () => {
      database = await openPostgresTestStore(kind);
      api = await startTestApp({ store: database.store });
    });
    after(async () => {
      await api?.close();
      await database?.stop();
    });

    it('runs every documented operation, each answer as the document describes it', async () => {
      const document = (await (await api.request('/openapi.json')).json()) as OpenApiDocument;
      const check = responseChecker(document);
      const seen = new Set<string>();
      const problems: string[] = [];
      const checked = (client: TasksClient) => {
        client.use({
          async onResponse({ request, response, schemaPath }) {
            seen.add(`${request.method} ${schemaPath}`);
            problems.push(...check(request.method, schemaPath, response, await response.clone().text()));
          },
        });
        return client;
      };
      await exerciseEveryOperation(
        checked(createTasksClient({ baseUrl: api.url, token: () => api.token('alice') })),
        checked(createTasksClient({ baseUrl: api.url })),
      );
      assert.deepEqual(problems, []);
      assert.deepEqual([...seen].sort(), documentedOperations(document));
    });
  });
}

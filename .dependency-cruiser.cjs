/**
 * The layer rules (STYLE.md): checked by `npm test` (packages/http/test/layers.test.ts), or
 * by hand with `npx depcruise packages --config .dependency-cruiser.cjs`.
 */
const SOURCES = '^packages/[^/]+/(src|test|testing)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-imports-nothing',
      comment: 'The domain is plain TypeScript: no package, no Node built-in, no other layer.',
      severity: 'error',
      from: { path: '^packages/domain/src/' },
      to: { pathNot: '^packages/domain/src/' },
    },
    {
      name: 'application-imports-only-domain',
      comment: 'Use-cases and ports depend on the domain alone; adapters plug in from outside.',
      severity: 'error',
      from: { path: '^packages/application/src/' },
      to: { pathNot: '^packages/(application/src|domain/)' },
    },
    {
      name: 'infrastructure-never-http',
      comment: 'Adapters do not know the HTTP adapter exists.',
      severity: 'error',
      from: { path: '^packages/infrastructure/' },
      to: { path: '^packages/http/' },
    },
    {
      name: 'no-testing-helpers-in-src',
      comment: 'Test helpers (…/testing) are for tests only.',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/' },
      to: { path: '^packages/[^/]+/(dist/)?testing/' },
    },
    {
      name: 'listed-in-own-package-json',
      comment: "Every package imported is listed in the importing package's package.json (npm hoisting would hide it).",
      severity: 'error',
      from: { path: SOURCES },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'src-uses-no-dev-dependency',
      comment: 'What src imports must be a runtime dependency.',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/' },
      to: { dependencyTypes: ['npm-dev'] },
    },
  ],
  options: {
    exclude: { path: '/dist/test/' },
    doNotFollow: { path: 'node_modules|/dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'] },
  },
};

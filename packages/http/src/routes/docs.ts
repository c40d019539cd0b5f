import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type Router from '@koa/router';
import { reply } from '../errors.js';

/** Swagger UI's files, from the npm package: the page works offline, no CDN. */
const SWAGGER_UI = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const PACKAGE_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const INIT_SCRIPT_TYPE = 'text/javascript; charset=utf-8';

/** The media types of the page's files, for the OpenAPI document. */
export const DOCS_ASSET_TYPES = [...new Set([...Object.values(PACKAGE_FILES), INIT_SCRIPT_TYPE])];

// A file of its own rather than an inline script, so a strict Content-Security-Policy can be put in front.
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Tasks API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
  <link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

/** GET /openapi.json (serialized once, here) and GET /docs with its assets; none needs a token. */
export function docsRoutes(router: Router, document: object): void {
  const json = JSON.stringify(document);

  router.get('/openapi.json', (ctx) => {
    ctx.body = json;
    ctx.type = 'application/json; charset=utf-8';
  });

  router.get('/docs', (ctx) => {
    ctx.body = PAGE;
    ctx.type = 'text/html; charset=utf-8';
  });

  router.get('/docs/:asset', (ctx) => {
    const asset = ctx.params['asset'] ?? '';
    ctx.set('Cache-Control', 'public, max-age=3600');
    if (asset === 'init.js') {
      ctx.body = INIT_SCRIPT;
      ctx.type = INIT_SCRIPT_TYPE;
      return;
    }
    const type = Object.hasOwn(PACKAGE_FILES, asset) ? PACKAGE_FILES[asset] : undefined;
    if (type === undefined) return reply(ctx, 404, 'NOT_FOUND', 'Not found');
    ctx.body = createReadStream(join(SWAGGER_UI, asset));
    ctx.type = type;
  });
}

import { DOCS_ASSET_TYPES } from '../routes/docs.js';
import { jsonContent, ref, responseHeaders, type ResponseName, statusOf } from './components.js';

const open = (id: string, summary: string, responses: Record<string, unknown>, failures: ResponseName[] = []) => ({
  get: {
    operationId: id,
    summary,
    tags: ['service'],
    security: [],
    responses: {
      ...responses,
      ...Object.fromEntries(([...failures, 'MethodNotAllowed', 'InternalError'] as const).map((name) => [statusOf(name), ref('responses', name)])),
    },
  },
});

const bare = (mediaType: string) => mediaType.split(';')[0]!.trim();

const files = (description: string, mediaTypes: readonly string[]) => ({
  description,
  headers: responseHeaders(),
  content: Object.fromEntries(mediaTypes.map(bare).map((type) => [type, { schema: type.startsWith('text/') ? { type: 'string' } : { type: 'string', format: 'binary' } }])),
});

/** Health, readiness and documentation: no token, not rate limited. */
export function servicePaths() {
  return {
    '/health': open('health', 'Liveness: answers without touching the database', {
      200: { description: 'Alive.', headers: responseHeaders(), content: jsonContent(ref('schemas', 'Status'), { data: { status: 'ok' } }) },
    }),
    '/ready': open('ready', 'Readiness: the database answers and the service is not shutting down', {
      200: { description: 'Ready.', headers: responseHeaders(), content: jsonContent(ref('schemas', 'Status'), { data: { status: 'ready' } }) },
    }, ['ServiceUnavailable']),
    '/openapi.json': open('openApiDocument', 'This document (OpenAPI 3.1)', {
      200: { description: 'The document.', headers: responseHeaders(), content: jsonContent(ref('schemas', 'OpenApiDocument')) },
    }),
    '/docs': open('docs', 'A browsable page of this document (Swagger UI, served locally)', {
      200: files('The page.', ['text/html']),
    }),
    '/docs/{asset}': {
      parameters: [{ name: 'asset', in: 'path', required: true, description: 'A file of the page, e.g. swagger-ui-bundle.js.', schema: { type: 'string' } }],
      ...open('docsAsset', 'A script, style sheet or icon of the documentation page', {
        200: files('The file, with its media type.', DOCS_ASSET_TYPES),
      }, ['FileNotFound']),
    },
  };
}

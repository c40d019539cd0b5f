import { jsonContent, ref } from './components.js';

const requestId = { 'X-Request-Id': ref('headers', 'X-Request-Id') };

const open = (id: string, summary: string, responses: Record<string, unknown>) => ({
  get: { operationId: id, summary, tags: ['service'], security: [], responses },
});

const file = (description: string, type: string) => ({ description, headers: requestId, content: { [type]: { schema: { type: 'string' } } } });

/** Health, readiness and documentation: no token, not rate limited. */
export function servicePaths() {
  return {
    '/health': open('health', 'Liveness: answers without touching the database', {
      200: { description: 'Alive.', headers: requestId, content: jsonContent(ref('schemas', 'Status'), { data: { status: 'ok' } }) },
    }),
    '/ready': open('ready', 'Readiness: the database answers and the service is not shutting down', {
      200: { description: 'Ready.', headers: requestId, content: jsonContent(ref('schemas', 'Status'), { data: { status: 'ready' } }) },
      503: ref('responses', 'ServiceUnavailable'),
    }),
    '/openapi.json': open('openApiDocument', 'This document (OpenAPI 3.1)', {
      200: { description: 'The document.', headers: requestId, content: { 'application/json': { schema: { type: 'object' } } } },
    }),
    '/docs': open('docs', 'A browsable page of this document (Swagger UI, served locally)', {
      200: file('The page.', 'text/html'),
    }),
    '/docs/{asset}': {
      parameters: [{ name: 'asset', in: 'path', required: true, description: 'A file of the page, e.g. swagger-ui-bundle.js.', schema: { type: 'string' } }],
      ...open('docsAsset', 'A script, style sheet or icon of the documentation page', {
        200: file('The file, with its content type.', 'application/octet-stream'),
        404: ref('responses', 'NotFound'),
      }),
    },
  };
}

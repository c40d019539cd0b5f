import { COMPONENTS } from './components.js';
import { servicePaths } from './service-paths.js';
import { taskPaths } from './task-paths.js';

const DESCRIPTION = `Each user sees and changes only their own tasks. Every path under /api/ needs a bearer token.

Success bodies are \`{ "data": ... }\`, lists add \`"meta"\`; errors are \`{ "error": { "code", "message", "details"? } }\`.
Checks run in this order and the first that fails answers: the token (401, even for an unknown /api/ path),
the rate limit (429), route and method (404, or 405 with Allow), content type (415), body size and syntax
(413, 400), validation (422), then the work (404 for an absent task, 503 without a database).`;

/** The OpenAPI 3.1 document, built from the wire schemas the handlers validate with. */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'Tasks API', version: '0.1.0', description: DESCRIPTION },
    servers: [
      { url: '/', description: 'The server this document comes from' },
      { url: 'http://localhost:8000', description: 'A local `npm start` (PORT 8000)' },
    ],
    tags: [
      { name: 'tasks', description: "The caller's tasks" },
      { name: 'service', description: 'Health, readiness and documentation (no token)' },
    ],
    security: [{ bearerAuth: [] }],
    paths: { ...taskPaths(), ...servicePaths() },
    components: COMPONENTS,
  };
}

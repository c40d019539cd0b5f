import { readFile, writeFile } from 'node:fs/promises';
import { documentSource, schemaSource } from './schema-source.js';

/**
 * Rewrites openapi.json and src/schema.ts from the server's OpenAPI document: by default the one
 * the built server (`tsc -b`) produces; else from a URL (`…/openapi.json` of a running server) or a file.
 */
const SERVER_DOCUMENT = new URL('../../../http/dist/src/openapi/document.js', import.meta.url);
const PACKAGE = new URL('../../', import.meta.url);

async function load(source: string | undefined): Promise<object> {
  if (source === undefined) {
    const { openApiDocument } = (await import(SERVER_DOCUMENT.href)) as { openApiDocument: () => object };
    return openApiDocument();
  }
  if (/^https?:\/\//.test(source)) return (await (await fetch(source)).json()) as object;
  return JSON.parse(await readFile(source, 'utf8')) as object;
}

const document = await load(process.argv[2]);
await writeFile(new URL('openapi.json', PACKAGE), documentSource(document));
await writeFile(new URL('src/schema.ts', PACKAGE), await schemaSource(document));
console.log('openapi.json and src/schema.ts rewritten');

// Makes the embedded database's migrated snapshot (initdb + every migration, ~5 s and ~800 MB
// once) at install time: `npm install` runs it after compiling (the prepare script), so the first
// `npm start` copies it instead of running initdb. See packages/infrastructure/src/postgres/embedded-snapshot.ts.
//
// It never fails the install: without the compiled code it does nothing, and when making the
// snapshot fails it says so and exits 0 (the first start then makes it, as before).
import { existsSync } from 'node:fs';

const infrastructure = new URL('../packages/infrastructure/dist/src/index.js', import.meta.url);
if (!existsSync(infrastructure)) process.exit(0);

const started = performance.now();
try {
  const { migratedSnapshot } = await import(infrastructure.href);
  await migratedSnapshot();
  console.error(`Embedded database snapshot ready (${((performance.now() - started) / 1000).toFixed(1)} s).`);
} catch (error) {
  console.error(`The embedded database snapshot could not be made now (${error instanceof Error ? error.message : String(error)}); the first start without DATABASE_URL will make it.`);
}
process.exit(0);

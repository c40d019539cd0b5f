import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DEVELOPMENT_SECRET, loadConfig } from '../src/config.js';

describe('configuration (SPEC §1)', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    assert.equal(config.databaseUrl, null);
    assert.equal(config.dataDir, './.data');
    assert.equal(config.secret, DEVELOPMENT_SECRET);
    assert.equal(config.secretIsDevelopmentDefault, true);
    assert.equal(config.jwksUrl, 'http://localhost:3000/api/auth/jwks');
    assert.deepEqual(config.corsOrigins, ['http://localhost:3000']);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.port, 8000);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.dbPoolMax, 10);
    assert.equal(config.dbPrepare, true);
    assert.equal(config.rateLimitPerMinute, 600);
    assert.equal(config.shutdownTimeoutMs, 10000);
    assert.equal(config.jwksMaxStaleSeconds, 3600);
    assert.equal(config.jwtMaxLifetimeSeconds, 86_400);
    assert.equal(config.jwtIssuer, undefined);
    assert.equal(config.requireIfMatch, false);
    assert.equal(config.idempotencyTtlSeconds, 86400);
    assert.equal(config.rateLimitStore, 'memory');
    assert.equal(config.metricsPort, null);
  });

  it('reads REQUIRE_IF_MATCH and IDEMPOTENCY_TTL_S', () => {
    const config = loadConfig({ REQUIRE_IF_MATCH: 'true', IDEMPOTENCY_TTL_S: '60' });
    assert.equal(config.requireIfMatch, true);
    assert.equal(config.idempotencyTtlSeconds, 60);
  });

  it('takes the shared rate-limit store and a metrics port', () => {
    const config = loadConfig({ RATE_LIMIT_STORE: 'postgres', METRICS_PORT: '9464' });
    assert.equal(config.rateLimitStore, 'postgres');
    assert.equal(config.metricsPort, 9464);
  });

  it('derives JWKS_URL and CORS_ORIGINS from BETTER_AUTH_URL, and takes explicit lists', () => {
    const config = loadConfig({ BETTER_AUTH_URL: 'https://app.example.com/', CORS_ORIGINS: 'https://a.example, https://b.example:8443/' });
    assert.equal(config.jwksUrl, 'https://app.example.com/api/auth/jwks');
    assert.deepEqual(config.corsOrigins, ['https://a.example', 'https://b.example:8443']);
  });

  it('turns prepared statements off for a -pooler host unless told otherwise', () => {
    const pooled = 'postgresql://u:p@ep-cool-name-123456-pooler.eu-central-1.aws.neon.tech/neondb?sslmode=require&channel_binding=require';
    assert.equal(loadConfig({ DATABASE_URL: pooled }).dbPrepare, false);
    assert.equal(loadConfig({ DATABASE_URL: pooled, DB_PREPARE: 'true' }).dbPrepare, true);
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://localhost/db' }).dbPrepare, true);
  });

  it('requires a long secret in production', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /BETTER_AUTH_SECRET/);
    assert.throws(() => loadConfig({ NODE_ENV: 'production', BETTER_AUTH_SECRET: 'x'.repeat(31) }), /BETTER_AUTH_SECRET/);
    assert.equal(loadConfig({ NODE_ENV: 'production', BETTER_AUTH_SECRET: 'x'.repeat(32) }).secretIsDevelopmentDefault, false);
  });

  const bad: [string, string][] = [
    ['PORT', 'abc'], ['PORT', '70000'], ['PORT', '-1'], ['PORT', '80.5'],
    ['DATABASE_URL', 'not a url'], ['DATABASE_URL', 'mysql://localhost/db'], ['DATABASE_URL', 'postgres://'],
    ['BETTER_AUTH_URL', 'localhost:3000'], ['JWKS_URL', 'ftp://x/jwks'], ['CORS_ORIGINS', 'https://ok.example,nope'],
    ['LOG_LEVEL', 'verbose'], ['DB_POOL_MAX', '0'], ['DB_POOL_MAX', 'ten'], ['DB_PREPARE', 'yes'],
    ['RATE_LIMIT_PER_MINUTE', '0'], ['SHUTDOWN_TIMEOUT_MS', 'soon'], ['JWKS_MAX_STALE_S', '1h'], ['DB_TIMEOUT_MS', '5'],
    ['REQUIRE_IF_MATCH', 'yes'], ['IDEMPOTENCY_TTL_S', '0'], ['IDEMPOTENCY_TTL_S', '1d'], ['JWT_MAX_LIFETIME_S', '1d'], ['JWT_MAX_LIFETIME_S', '59'],
    ['RATE_LIMIT_STORE', 'redis'], ['RATE_LIMIT_STORE', 'Postgres'], ['METRICS_PORT', 'abc'], ['METRICS_PORT', '70000'],
  ];
  for (const [variable, value] of bad) {
    it(`refuses ${variable}=${value} with a message naming it`, () => {
      assert.throws(() => loadConfig({ [variable]: value }), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.ok(error.message.startsWith(`${variable} `), error.message);
        assert.ok(!error.message.includes('\n'));
        return true;
      });
    });
  }

  it('refuses a METRICS_PORT equal to PORT', () => {
    assert.throws(() => loadConfig({ PORT: '9000', METRICS_PORT: '9000' }), /^ConfigError: METRICS_PORT must differ from PORT$/);
    assert.throws(() => loadConfig({ METRICS_PORT: '8000' }), /METRICS_PORT must differ from PORT/);
    assert.equal(loadConfig({ PORT: '0', METRICS_PORT: '0' }).metricsPort, 0);
  });

  it('never puts a secret or a database password in its messages', () => {
    assert.throws(() => loadConfig({ DATABASE_URL: 'postgres://u:hunter2@db.example/x', PORT: 'x' }), (error: Error) => !error.message.includes('hunter2'));
    assert.throws(() => loadConfig({ NODE_ENV: 'production', BETTER_AUTH_SECRET: 'tiny-secret' }), (error: Error) => !error.message.includes('tiny-secret'));
  });
});

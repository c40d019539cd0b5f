// The bar the service is measured against: node:http + postgres.js + jose, no framework.
// Same SQL as packages/infrastructure/src/postgres/postgres-{task,user}-repository.ts, same
// HS256/384/512 token check as jose-token-verifier.ts, the same `{data, meta}` bodies and
// an HMAC'd next_cursor. No request log, no rate limit, no CORS, only the validation the
// benchmark's requests need. Usage: DATABASE_URL=... BETTER_AUTH_SECRET=... PORT=... node reference-server.mjs
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { jwtVerify } from 'jose';
import postgres from 'postgres';

const sql = postgres(process.env.DATABASE_URL, { max: Number(process.env.DB_POOL_MAX ?? 10), idle_timeout: 60, onnotice: () => {} });
const secret = new TextEncoder().encode(process.env.BETTER_AUTH_SECRET);
const cursorKey = createHmac('sha256', 'tasks-api cursor key').update(process.env.BETTER_AUTH_SECRET).digest();
const synced = new Map();

const toJson = (r) => ({
  id: Number(r.id), user_id: r.user_id, title: r.title, description: r.description, completed: r.completed,
  due_date: r.due_date === null ? null : r.due_date.toISOString(),
  created_at: r.created_at.toISOString(), updated_at: r.updated_at.toISOString(),
});

function send(res, status, body) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function authenticate(header) {
  const match = /^bearer +(.*)$/i.exec(header ?? '');
  if (match === null) return null;
  let payload;
  try {
    ({ payload } = await jwtVerify(match[1].trim(), secret, { algorithms: ['HS256', 'HS384', 'HS512'], requiredClaims: ['exp'], clockTolerance: 5 }));
  } catch {
    return null;
  }
  const id = payload.sub;
  if (typeof id !== 'string' || id.length === 0 || id.length > 255) return null;
  const email = typeof payload.email === 'string' ? payload.email : null;
  const name = typeof payload.name === 'string' ? payload.name : null;
  const fingerprint = JSON.stringify([email, name]);
  if (synced.get(id) !== fingerprint) {
    const at = new Date();
    await sql`
      with freed as (
        update users set email = null, updated_at = ${at}
        where ${email}::text is not null and email = ${email} and id <> ${id}
        returning 1
      )
      insert into users (id, email, name, created_at, updated_at)
      select ${id}::text, ${email}::text, ${name}::text, ${at}::timestamptz, ${at}::timestamptz from (select count(*) from freed) as moved
      on conflict (id) do update set
        email = coalesce(excluded.email, users.email),
        name = coalesce(excluded.name, users.name),
        updated_at = excluded.updated_at
      where users.email is distinct from coalesce(excluded.email, users.email)
         or users.name is distinct from coalesce(excluded.name, users.name)`;
    synced.set(id, fingerprint);
  }
  return id;
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

function cursor(owner, last) {
  const body = Buffer.from(JSON.stringify(['all', 'created', 'desc', last.created_at.toISOString(), Number(last.id)])).toString('base64url');
  const mac = createHmac('sha256', cursorKey).update(owner).update('\u0000').update(body).digest().subarray(0, 16);
  return `${body}.${mac.toString('base64url')}`;
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/health') return send(res, 200, { status: 'ok' });
  const owner = await authenticate(req.headers.authorization);
  if (owner === null) return send(res, 401, { error: { code: 'UNAUTHENTICATED', message: 'Invalid token' } });
  const at = new Date();
  if (url.pathname === '/api/tasks') {
    if (req.method === 'GET') {
      const limitParam = url.searchParams.get('limit');
      const limit = limitParam === null ? null : Number(limitParam);
      const rows = limit === null
        ? await sql`select * from tasks where user_id = ${owner} order by created_at desc, id desc`
        : await sql`select * from tasks where user_id = ${owner} order by created_at desc, id desc limit ${limit + 1}`;
      let next = null;
      if (limit !== null && rows.length > limit) {
        rows.length = limit;
        next = cursor(owner, rows[limit - 1]);
      }
      return send(res, 200, { data: rows.map(toJson), meta: { count: rows.length, next_cursor: next } });
    }
    if (req.method === 'POST') {
      const body = await readJson(req);
      const title = typeof body.title === 'string' ? body.title.trim() : '';
      if (title.length === 0 || title.length > 200) return send(res, 422, { error: { code: 'VALIDATION_ERROR', message: 'title' } });
      const [row] = await sql`
        with owner_row as (
          insert into users (id, created_at, updated_at) values (${owner}, ${at}, ${at}) on conflict (id) do nothing
        )
        insert into tasks (user_id, title, description, completed, due_date, created_at, updated_at, version)
        values (${owner}, ${title}, ${body.description ?? null}, ${body.completed ?? false}, ${body.due_date ? new Date(body.due_date) : null}, ${at}, ${at}, 0)
        returning *`;
      res.setHeader('Location', `/api/tasks/${row.id}`);
      return send(res, 201, { data: toJson(row) });
    }
  }
  const match = /^\/api\/tasks\/([1-9][0-9]{0,15})(\/complete)?$/.exec(url.pathname);
  if (match !== null) {
    const id = Number(match[1]);
    let rows;
    if (match[2] !== undefined && req.method === 'PATCH') {
      rows = await sql`
        update tasks set completed = not completed, updated_at = ${at}
        where user_id = ${owner} and id = ${id} returning *`;
    } else if (match[2] === undefined && req.method === 'GET') {
      rows = await sql`select * from tasks where user_id = ${owner} and id = ${id}`;
    } else if (match[2] === undefined && (req.method === 'PATCH' || req.method === 'PUT')) {
      const body = await readJson(req);
      const columns = {
        ...(typeof body.title === 'string' && { title: body.title.trim() }),
        ...(body.description !== undefined && { description: body.description }),
        ...(typeof body.completed === 'boolean' && { completed: body.completed }),
        updated_at: at,
      };
      rows = await sql`update tasks set ${sql(columns)} where user_id = ${owner} and id = ${id} returning *`;
    }
    if (rows !== undefined) {
      return rows.length === 0 ? send(res, 404, { error: { code: 'NOT_FOUND', message: 'Task not found' } }) : send(res, 200, { data: toJson(rows[0]) });
    }
  }
  send(res, 404, { error: { code: 'NOT_FOUND', message: 'Not found' } });
}

const server = createServer((req, res) => {
  handle(req, res).catch((error) => {
    process.stderr.write(`reference: ${error.stack}\n`);
    if (!res.headersSent) send(res, 500, { error: { code: 'INTERNAL_ERROR', message: 'Internal error' } });
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 8001), process.env.HOST ?? '127.0.0.1');

process.on('SIGTERM', () => {
  server.close(() => void sql.end({ timeout: 5 }).then(() => process.exit(0)));
  server.closeIdleConnections();
});

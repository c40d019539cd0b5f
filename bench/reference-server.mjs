// The bar the service is measured against: node:http + postgres.js + jose, no framework.
// Same SQL as packages/infrastructure/src/postgres/postgres-{task,user}-repository.ts, same
// HS256/384/512 token check as jose-token-verifier.ts, accepted tokens cached until their `exp`
// as the service does (a Map: the reference gets every shortcut the service takes), the same
// `{data, meta}` bodies, an HMAC'd next_cursor and sync token, task versions, the changes
// feed. No request log, no rate limit, no CORS, only the validation
// the benchmark's requests need. Usage: DATABASE_URL=... BETTER_AUTH_SECRET=... PORT=... node reference-server.mjs
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { jwtVerify } from 'jose';
import postgres from 'postgres';

const sql = postgres(process.env.DATABASE_URL, {
  max: Number(process.env.DB_POOL_MAX ?? 10), idle_timeout: 60, onnotice: () => {}, fetch_types: false, connection: { application_name: 'bench-reference' },
});
const secret = new TextEncoder().encode(process.env.BETTER_AUTH_SECRET);
const cursorKey = createHmac('sha256', 'tasks-api cursor key').update(process.env.BETTER_AUTH_SECRET).digest();
const syncKey = createHmac('sha256', 'tasks-api sync token key').update(process.env.BETTER_AUTH_SECRET).digest();
const synced = new Map();
/** token → { payload, expMs }: accepted tokens only. */
const accepted = new Map();

const toJson = (r) => ({
  id: Number(r.id), user_id: r.user_id, title: r.title, description: r.description, completed: r.completed,
  due_date: r.due_date === null ? null : r.due_date.toISOString(),
  created_at: r.created_at.toISOString(), updated_at: r.updated_at.toISOString(),
});

function sign(key, owner, payload) {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const mac = createHmac('sha256', key).update(owner).update('\u0000').update(body).digest().subarray(0, 16);
  return `${body}.${mac.toString('base64url')}`;
}

function open(key, owner, token) {
  const [body, mac] = token.split('.');
  if (body === undefined || mac === undefined || sign(key, owner, JSON.parse(Buffer.from(body, 'base64url').toString())) !== token) return undefined;
  return JSON.parse(Buffer.from(body, 'base64url').toString());
}

function send(res, status, body) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function authenticate(header) {
  const match = /^bearer +(.*)$/i.exec(header ?? '');
  if (match === null) return null;
  const token = match[1].trim();
  let payload = accepted.get(token)?.payload;
  if (payload === undefined || accepted.get(token).expMs <= Date.now()) {
    try {
      ({ payload } = await jwtVerify(token, secret, { algorithms: ['HS256', 'HS384', 'HS512'], requiredClaims: ['exp'], clockTolerance: 5 }));
    } catch {
      return null;
    }
    if (accepted.size >= 5000) accepted.delete(accepted.keys().next().value);
    accepted.set(token, { payload, expMs: payload.exp * 1000 });
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
  return sign(cursorKey, owner, ['all', 'created', 'desc', last.created_at.toISOString(), Number(last.id)]);
}

/** The service's changesSinceQuery (packages/infrastructure/src/postgres/changes-query.ts). */
async function changes(owner, url) {
  const since = url.searchParams.get('since');
  const limit = Number(url.searchParams.get('limit') ?? 500);
  const position = since === null ? [0, Date.now(), 0] : open(syncKey, owner, since);
  const rows = await sql`
    select users.change_seq as latest, change.*
    from (select ${owner}::text as id) as caller
    left join users on users.id = caller.id
    left join lateral (
      select * from (
        (select id, user_id, title, description, completed, due_date, created_at, updated_at, version, false as deleted
         from tasks where user_id = ${owner} and version > ${position[0]} order by version limit ${limit})
        union all
        (select task_id, user_id, null, null, null, null, null, null, version, true
         from task_tombstones where user_id = ${owner} and version > ${position[0]} order by version limit ${limit})
      ) as both_kinds
      order by version limit ${limit}
    ) as change on true
    order by change.version`;
  const found = rows.filter((r) => r.version !== null);
  const upserted = found.filter((r) => !r.deleted).map(({ latest, deleted, ...r }) => toJson(r));
  const deleted = found.filter((r) => r.deleted).map((r) => ({ id: Number(r.id), version: Number(r.version) }));
  const last = found.length === 0 ? Number(rows[0].latest ?? 0) : Number(found.at(-1).version);
  return { data: { upserted, deleted }, meta: { next_since: sign(syncKey, owner, [last, position[1], position[2]]), has_more: found.length === limit } };
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
        with seq as (
          insert into users (id, created_at, updated_at, change_seq) values (${owner}, ${at}, ${at}, 1)
          on conflict (id) do update set change_seq = users.change_seq + 1
          returning change_seq
        )
        insert into tasks (user_id, title, description, completed, due_date, created_at, updated_at, version)
        values (${owner}, ${title}, ${body.description ?? null}, ${body.completed ?? false}, ${body.due_date ? new Date(body.due_date) : null}, ${at}, ${at}, (select change_seq from seq))
        returning *`;
      res.setHeader('Location', `/api/tasks/${row.id}`);
      return send(res, 201, { data: toJson(row) });
    }
  }
  if (url.pathname === '/api/tasks/changes' && req.method === 'GET') return send(res, 200, await changes(owner, url));
  const match = /^\/api\/tasks\/([1-9][0-9]{0,15})(\/complete)?$/.exec(url.pathname);
  if (match !== null) {
    const id = Number(match[1]);
    let rows;
    // Versioned writes as the service's: the task row locked first, then the owner's counter bumped.
    const target = sql`target as (select id from tasks where user_id = ${owner} and id = ${id} for update)`;
    const bump = sql`seq as (update users set change_seq = change_seq + 1 where id = ${owner} and exists (select 1 from target) returning change_seq)`;
    if (match[2] !== undefined && req.method === 'PATCH') {
      rows = await sql`
        with ${target}, ${bump}
        update tasks set completed = not completed, updated_at = ${at}, version = (select change_seq from seq)
        where user_id = ${owner} and id = (select id from target) returning *`;
    } else if (match[2] === undefined && req.method === 'GET') {
      rows = await sql`select * from tasks where user_id = ${owner} and id = ${id}`;
    } else if (match[2] === undefined && (req.method === 'PATCH' || req.method === 'PUT')) {
      const body = await readJson(req);
      // postgres.js picks sql(columns)'s form from the last keyword before it: the update's, so no
      // "(update" earlier in the statement (it would lose to "returning").
      const columns = {
        ...(typeof body.title === 'string' && { title: body.title.trim() }),
        ...(body.description !== undefined && { description: body.description }),
        ...(typeof body.completed === 'boolean' && { completed: body.completed }),
        updated_at: at,
      };
      rows = await sql`
        with target as (select id from tasks where user_id = ${owner} and id = ${id} for update),
        seq as (
          update users set change_seq = change_seq + 1 where id = ${owner} and exists (select 1 from target) returning change_seq
        )
        update tasks set ${sql(columns)}, version = (select change_seq from seq)
        where user_id = ${owner} and id = (select id from target) returning *`;
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

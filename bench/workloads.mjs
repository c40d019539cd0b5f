// W1–W4 as autocannon request generators. Each request picks a random user (and task) of
// its workload, so 100 connections spread over 100 users, as 100 browsers would.
import { createHmac, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { SYNC_CHANGES, userIds } from './seed.mjs';

export async function mintTokens(secret, prefix) {
  const key = new TextEncoder().encode(secret);
  return Promise.all(userIds(prefix).map(async (id) => ({
    id,
    auth: `Bearer ${await new SignJWT({ email: `${id}@bench.example`, name: `Bench ${id.split('-')[1]}` })
      .setProtectedHeader({ alg: 'HS256' }).setSubject(id).setIssuedAt().setExpirationTime('2h').sign(key)}`,
  })));
}

/** A sync token as packages/http/src/wire/sync-token.ts makes it: [version, horizonMs, epoch], MAC'd for the user. */
export function mintSyncToken(secret, userId, { version, epoch }, horizonMs) {
  const key = createHmac('sha256', 'tasks-api sync token key').update(secret).digest();
  const body = Buffer.from(JSON.stringify([version, horizonMs, epoch])).toString('base64url');
  const mac = createHmac('sha256', key).update(userId).update('\u0000').update(body).digest().subarray(0, 16);
  return `${body}.${mac.toString('base64url')}`;
}

const pick = (list) => list[Math.floor(Math.random() * list.length)];
const json = (auth) => ({ authorization: auth, 'content-type': 'application/json' });

/**
 * Returns { name, description, requests } for autocannon. `w3Tasks`: user id → task ids;
 * `w5Since`: W4 user id → the sync token 50 changes behind (empty: no changes feed).
 * `serviceOnly`: a feature the reference does not have, compared with the service's own runs.
 */
export function workloads(tokens, w3Tasks, { w5Since = new Map(), idempotencyKeys = false } = {}) {
  const list = (users, path) => ({ method: 'GET', path, headers: { authorization: pick(users).auth } });
  const create = (users, key = false) => {
    const user = pick(users);
    const headers = key ? { ...json(user.auth), 'idempotency-key': randomUUID() } : json(user.auth);
    return { method: 'POST', path: '/api/tasks', headers, body: JSON.stringify({ title: `Bench task ${Math.random().toString(36).slice(2, 10)}`, description: 'Created by the benchmark' }) };
  };
  const sync = () => {
    const user = pick(tokens.w4);
    return { method: 'GET', path: `/api/tasks/changes?since=${w5Since.get(user.id)}&limit=${SYNC_CHANGES}`, headers: { authorization: user.auth } };
  };
  const mixed = () => {
    const user = pick(tokens.w3);
    const roll = Math.random() * 100;
    if (roll < 70) return list([user], '/api/tasks');
    if (roll < 80) return create([user]);
    const id = pick(w3Tasks.get(user.id));
    if (roll < 90) return { method: 'PATCH', path: `/api/tasks/${id}/complete`, headers: { authorization: user.auth } };
    if (roll < 95) return { method: 'GET', path: `/api/tasks/${id}`, headers: { authorization: user.auth } };
    return { method: 'PATCH', path: `/api/tasks/${id}`, headers: json(user.auth), body: JSON.stringify({ title: `Renamed ${Math.floor(roll * 1000)}` }) };
  };
  const generator = (next) => [{ setupRequest: (req) => ({ ...req, ...next() }) }];
  return [
    { name: 'W1', description: 'list all 50 tasks of a user', requests: generator(() => list(tokens.w1, '/api/tasks')) },
    { name: 'W2', description: 'create a task', requests: generator(() => create(tokens.w2)), resetsWrites: true },
    { name: 'W3', description: '70/10/10/5/5 list/create/toggle/get/update', requests: generator(mixed), resetsWrites: true },
    { name: 'W4', description: 'a 50-task page of a 10,000-task user, 1,000,000 rows', requests: generator(() => list(tokens.w4, '/api/tasks?limit=50')) },
    ...(w5Since.size === 0 ? [] : [{ name: 'W5', description: `changes feed: ${SYNC_CHANGES} changes of a W4 user`, requests: generator(sync) }]),
    ...(idempotencyKeys ? [{ name: 'W2K', description: 'W2 with an Idempotency-Key', requests: generator(() => create(tokens.w2, true)), resetsWrites: true, serviceOnly: true }] : []),
  ];
}

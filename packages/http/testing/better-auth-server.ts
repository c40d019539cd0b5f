import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { betterAuth } from 'better-auth';
import { memoryAdapter } from 'better-auth/adapters/memory';
import { toNodeHandler } from 'better-auth/node';
import { jwt } from 'better-auth/plugins';

export interface BetterAuthServer {
  readonly url: string;
  readonly jwksUrl: string;
  /** Signs a new user up with email and password; their id and session cookie. */
  signUp(email: string, name: string): Promise<{ userId: string; cookie: string }>;
  /** What a frontend's `authClient.token()` does: GET /api/auth/token with the session. */
  token(cookie: string): Promise<string>;
  /** Stops, then starts again on the same port with an empty database: a new signing key (new kid), no users. */
  restart(): Promise<void>;
  /** Stops listening: connections are refused from then on. */
  stop(): Promise<void>;
}

/** A real Better Auth (memory adapter, email and password, jwt() plugin) on 127.0.0.1. */
export async function startBetterAuth(): Promise<BetterAuthServer> {
  const server = createServer();
  await listen(0);
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  mountFreshAuth();

  function mountFreshAuth(): void {
    const auth = betterAuth({
      baseURL: url,
      secret: 'better-auth-test-secret-0123456789-abcdefghij',
      database: memoryAdapter({ user: [], session: [], account: [], verification: [], jwks: [] }),
      emailAndPassword: { enabled: true },
      plugins: [jwt()],
      telemetry: { enabled: false },
      logger: { disabled: true },
    });
    const handle = toNodeHandler(auth);
    server.removeAllListeners('request');
    server.on('request', (request, response) => {
      // No keep-alive: a client reusing a pooled socket across restart() would see "other side closed".
      response.shouldKeepAlive = false;
      void handle(request, response);
    });
  }

  function listen(at: number): Promise<void> {
    return new Promise((ready, fail) => server.once('error', fail).listen(at, '127.0.0.1', () => ready()));
  }

  async function stop(): Promise<void> {
    server.closeAllConnections();
    await new Promise((closed) => server.close(closed));
  }

  return {
    url,
    jwksUrl: `${url}/api/auth/jwks`,
    async signUp(email, name) {
      const response = await fetch(`${url}/api/auth/sign-up/email`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: url },
        body: JSON.stringify({ email, name, password: 'correct-horse-battery-staple' }),
      });
      if (response.status !== 200) throw new Error(`sign-up answered ${response.status}: ${await response.text()}`);
      const { user } = (await response.json()) as { user: { id: string } };
      const cookie = response.headers.getSetCookie().map((set) => set.split(';')[0]).join('; ');
      return { userId: user.id, cookie };
    },
    async token(cookie) {
      const response = await fetch(`${url}/api/auth/token`, { headers: { Cookie: cookie } });
      if (response.status !== 200) throw new Error(`/api/auth/token answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { token: string }).token;
    },
    async restart() {
      await stop();
      mountFreshAuth();
      await listen(port);
    },
    stop,
  };
}

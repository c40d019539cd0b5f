import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/** `serve` the keys, answer `500`, answer `garbage` that is not JSON, or `hang` without answering. */
export type JwksBehaviour = 'serve' | '500' | 'garbage' | 'hang';

export interface JwksServer {
  readonly url: string;
  /** The public keys served; change them at will. */
  keys: JWK[];
  behaviour: JwksBehaviour;
  /** Requests received so far. */
  readonly requests: number;
  /** Stops listening: from then on connections are refused. */
  stop(): Promise<void>;
}

/** A JWKS endpoint on 127.0.0.1, port 0. */
export async function startJwksServer(keys: JWK[] = []): Promise<JwksServer> {
  let requests = 0;
  const state = { keys, behaviour: 'serve' as JwksBehaviour };
  const server = createServer((request, response) => {
    requests += 1;
    if (state.behaviour === 'hang') return;
    if (state.behaviour === '500') return void response.writeHead(500).end();
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(state.behaviour === 'garbage' ? '<html>' : JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/auth/jwks`;
  return Object.defineProperties(state, {
    url: { value: url },
    requests: { get: () => requests },
    stop: {
      value: async () => {
        server.closeAllConnections();
        await new Promise((closed) => server.close(closed));
      },
    },
  }) as JwksServer;
}

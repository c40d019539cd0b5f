import { connect, type Socket } from 'node:net';

export interface RawResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * One HTTP/1.1 connection driven byte by byte: requests go out exactly as written (no
 * client normalising the path, no body framing of its own), responses are read in order.
 */
export class RawConnection {
  readonly #socket: Socket;
  #buffer = Buffer.alloc(0);
  #closed = false;
  #waiting: (() => void) | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    const closed = () => {
      this.#closed = true;
      this.#wake();
    };
    socket.on('close', closed);
    socket.on('error', closed);
  }

  static async open(baseUrl: string): Promise<RawConnection> {
    const { hostname, port } = new URL(baseUrl);
    const socket = connect(Number(port), hostname);
    await new Promise<void>((ready, fail) => socket.once('connect', ready).once('error', fail));
    socket.setNoDelay(true);
    return new RawConnection(socket);
  }

  /** True once the server has closed (or reset) the connection. */
  get closed(): boolean {
    return this.#closed;
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((done, fail) => this.#socket.write(data, (error) => (error ? fail(error) : done())));
  }

  /** Writes a whole request: the head, then `body` when given (framing headers are the caller's). */
  async send(method: string, target: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<void> {
    const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    await this.write(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'));
    if (body !== undefined) await this.write(body);
  }

  /** The next response on the connection; rejects if the connection closes first, or after `timeoutMs`. */
  async response(timeoutMs = 5000): Promise<RawResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = this.#parse();
      if (parsed !== undefined) return parsed;
      if (this.#closed) throw Object.assign(new Error('connection closed before a whole response'), { code: 'CLOSED' });
      if (!(await this.#wait(deadline))) throw Object.assign(new Error(`no whole response within ${timeoutMs} ms`), { code: 'TIMEOUT' });
    }
  }

  /** Resolves when the server closes the connection (true), or after `ms` (false). */
  async waitClosed(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.#closed) if (!(await this.#wait(deadline))) return false;
    return true;
  }

  close(): void {
    this.#socket.destroy();
  }

  /** Waits for more bytes or the close; false when the deadline came first. */
  async #wait(deadline: number): Promise<boolean> {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    return new Promise<boolean>((settle) => {
      const timer = setTimeout(() => settle(false), left);
      this.#waiting = () => {
        clearTimeout(timer);
        settle(true);
      };
    });
  }

  #wake(): void {
    const wake = this.#waiting;
    this.#waiting = undefined;
    wake?.();
  }

  #parse(): RawResponse | undefined {
    const end = this.#buffer.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine = '', ...headerLines] = this.#buffer.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(statusLine.split(' ')[1]);
    const start = end + 4;
    let body: Buffer;
    let rest: number;
    if (headers['transfer-encoding'] === 'chunked') {
      const chunks: Buffer[] = [];
      let at = start;
      for (;;) {
        const lineEnd = this.#buffer.indexOf('\r\n', at);
        if (lineEnd < 0) return undefined;
        const size = parseInt(this.#buffer.subarray(at, lineEnd).toString('latin1'), 16);
        if (this.#buffer.length < lineEnd + 2 + size + 2) return undefined;
        if (size === 0) {
          rest = lineEnd + 4;
          break;
        }
        chunks.push(this.#buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
      body = Buffer.concat(chunks);
    } else {
      const length = status === 204 || status === 304 ? 0 : Number(headers['content-length'] ?? (this.#closed ? this.#buffer.length - start : NaN));
      if (Number.isNaN(length) || this.#buffer.length < start + length) return undefined;
      body = this.#buffer.subarray(start, start + length);
      rest = start + length;
    }
    this.#buffer = this.#buffer.subarray(rest);
    return { status, headers, body: body.toString('utf8') };
  }
}

/** One request on a fresh connection, closed afterwards. */
export async function rawRequest(
  baseUrl: string,
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawResponse> {
  const connection = await RawConnection.open(baseUrl);
  try {
    const framing: Record<string, string> = body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) };
    await connection.send(method, target, { ...framing, ...headers }, body);
    return await connection.response();
  } finally {
    connection.close();
  }
}

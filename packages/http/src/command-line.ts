import { parseArgs } from 'node:util';
import { AppError, type AppErrorCode } from '@todo/domain';
import { mintDevelopmentToken } from '@todo/infrastructure';
import type { Application } from './composition.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { explainStartupFailure } from './startup-failure.js';
import { toTaskJson } from './wire/task-json.js';

/** sysexits(3) codes, one per domain error code, mapped once like the HTTP statuses. */
const EXIT = {
  VALIDATION: 65,
  NOT_FOUND: 66,
  UNAUTHENTICATED: 77,
  UNAVAILABLE: 69,
  PRECONDITION_FAILED: 65,
  PRECONDITION_REQUIRED: 65,
  IDEMPOTENCY_KEY_REUSED: 65,
  IDEMPOTENCY_KEY_IN_FLIGHT: 75, // EX_TEMPFAIL
  SYNC_TOKEN_EXPIRED: 65,
} as const satisfies Record<AppErrorCode, number>;
const EXIT_USAGE = 64;
const EXIT_SOFTWARE = 70;
const EXIT_CONFIG = 78;

const COMMANDS = {
  migrate: {
    synopsis: 'migrate',
    summary: 'apply pending database migrations',
    help: 'Applies the numbered SQL migrations not applied yet, in one transaction (the server does the same at start-up).',
  },
  token: {
    synopsis: 'token <user-id> [--email E] [--name N] [--ttl 1h]',
    summary: 'print a development token signed with BETTER_AUTH_SECRET',
    help: 'Prints an HS256 token for <user-id>, signed with BETTER_AUTH_SECRET (the development secret when unset), with\n'
      + 'JWT_ISSUER and JWT_AUDIENCE when set. --ttl: how long it is valid, like 90s, 15m, 1h (default) or 7d.\n'
      + 'Needs no database. Example: TOKEN=$(npm run --silent cli -- token alice --email alice@example.com)',
  },
  tasks: {
    synopsis: 'tasks <user-id>',
    summary: "print the user's tasks, one JSON object per line",
    help: "Prints the user's tasks, oldest first, one JSON object per line. A user the service never saw: exit 66.",
  },
  'delete-user': {
    synopsis: 'delete-user <user-id>',
    summary: 'delete the user and all their tasks',
    help: 'Deletes the user and all their tasks. A user the service never saw: exit 66.',
  },
} as const;
type Command = keyof typeof COMMANDS;
const isCommand = (name: string | undefined): name is Command => name !== undefined && Object.hasOwn(COMMANDS, name);

const USAGE = `Usage: npm run cli -- <command>   (npm run --silent cli -- … prints only the command's output)
${Object.values(COMMANDS).map((c) => `  ${c.synopsis.padEnd(50)} ${c.summary}`).join('\n')}
  ${'help [<command>]'.padEnd(50)} this text, or more about one command

Exit codes: 0 done, 64 usage, 65 invalid input, 66 no such user, 69 database unavailable (unreachable, refused,
unknown host, no such database, wrong role, embedded database in use), 70 internal error, 78 configuration.
Settings come from the environment or ./.env (see .env.example).`;

class UsageError extends Error {}

/** Where the command line reads its settings and writes its output: the process's, or a test's. */
export interface CommandLineIo {
  /** The settings, read only by the commands that need them (`help` reads none). */
  readonly env: () => NodeJS.ProcessEnv;
  /** One line of the command's output (stdout). */
  readonly out: (line: string) => void;
  /** A message for the user (stderr); ends with a newline. */
  readonly err: (text: string) => void;
}

/** Runs one CLI command and resolves with its exit code; never throws. */
export async function runCommandLine(argv: string[], io: CommandLineIo): Promise<number> {
  let config: Config | undefined;
  try {
    await run(argv, io, (loaded) => (config = loaded));
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(error as Error).message}\n${USAGE}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof ConfigError) {
      io.err(`Configuration error: ${error.message}\n`);
      return EXIT_CONFIG;
    }
    if (error instanceof AppError) {
      io.err(`${error.message}\n`);
      return EXIT[error.code];
    }
    // The database could not be used (refused, unknown host, no such database, wrong role, DATA_DIR): 69, one line.
    const explained = config === undefined ? null : explainStartupFailure(error, config);
    if (explained !== null) {
      io.err(`${explained}\n`);
      return EXIT.UNAVAILABLE;
    }
    io.err(`Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_SOFTWARE;
  }
}

async function run(argv: string[], io: CommandLineIo, loaded: (config: Config) => void): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { email: { type: 'string' }, name: { type: 'string' }, ttl: { type: 'string', default: '1h' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, userId, ...rest] = positionals;
  if (values.help === true || command === 'help') {
    const topic = command === 'help' ? userId : command;
    if (topic === undefined || (command === 'help' && rest.length > 0)) return io.out(USAGE);
    if (!isCommand(topic)) throw new UsageError(`unknown command ${topic}`);
    return io.out(`Usage: npm run cli -- ${COMMANDS[topic].synopsis}\n\n${COMMANDS[topic].help}`);
  }
  const needsUser = command === 'token' || command === 'tasks' || command === 'delete-user';
  if (rest.length > 0 || (needsUser && (userId === undefined || userId === '')) || (!needsUser && userId !== undefined)) {
    throw new UsageError(command === undefined ? 'a command is required' : `wrong arguments for ${command}`);
  }
  if (!isCommand(command)) throw new UsageError(command === undefined ? 'a command is required' : `unknown command ${command}`);
  const config = loadConfig(io.env());
  loaded(config);
  switch (command) {
    case 'migrate':
      return withApplication(config, io, async ({ migrations }) => {
        io.out(migrations.length === 0 ? 'Database is up to date.' : `Applied: ${migrations.join(', ')}`);
      });
    case 'token':
      io.out(
        await mintDevelopmentToken(config.secret, {
          userId: userId!, email: values.email, name: values.name, ttlSeconds: parseTtl(values.ttl, config.jwtMaxLifetimeSeconds),
          issuer: config.jwtIssuer, audience: config.jwtAudience,
        }),
      );
      return;
    case 'tasks':
      return withApplication(config, io, async ({ useCases }) => {
        for (const task of await useCases.listUserTasks.execute(userId!)) io.out(JSON.stringify(toTaskJson(task)));
      });
    case 'delete-user':
      return withApplication(config, io, async ({ useCases }) => {
        await useCases.deleteUser.execute(userId!);
        io.out(`Deleted user ${userId} and their tasks.`);
      });
  }
}

/** The server's composition, on the configured database (migrated once, as the server does). */
async function withApplication(config: Config, io: CommandLineIo, work: (application: Application) => Promise<void>): Promise<void> {
  // Loaded only by the commands that need a database: `token` stays quick.
  const [{ openApplication }, { joseVerifier }] = await Promise.all([import('./composition.js'), import('./container.js')]);
  const logger = { info: () => {}, warn: (_: unknown, message: string) => io.err(`${message}\n`) };
  const application = await openApplication({ store: { database: config }, verifier: joseVerifier(config), logger });
  try {
    await work(application);
  } finally {
    await application.close();
  }
}

const TTL = /^(\d+)([smhd])$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** A lifetime the server will accept: at most JWT_MAX_LIFETIME_S. */
function parseTtl(text: string, maxSeconds: number): number {
  const match = TTL.exec(text);
  if (match === null || Number(match[1]) === 0) throw new UsageError('--ttl must look like 90s, 15m, 1h or 1d');
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
  if (seconds > maxSeconds) throw new UsageError(`--ttl must be at most ${maxSeconds}s (JWT_MAX_LIFETIME_S): the server refuses longer tokens`);
  return seconds;
}

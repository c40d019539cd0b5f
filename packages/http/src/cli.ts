// The CLI's process: settings from the environment and ./.env, output to stdout/stderr, the exit code.
import { runCommandLine } from './command-line.js';
import { loadDotEnv } from './dotenv.js';

process.exitCode = await runCommandLine(process.argv.slice(2), {
  env: () => {
    loadDotEnv();
    return process.env;
  },
  out: (line) => console.log(line),
  err: (text) => void process.stderr.write(text),
});

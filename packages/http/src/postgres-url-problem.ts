const SCHEME = /^postgres(?:ql)?:\/\//i;

/**
 * What is wrong with a DATABASE_URL, worded to follow the variable's name, or null when it is
 * usable. Never quotes the URL: a password with an unencoded `/` or `#` would end up quoted.
 */
export function postgresUrlProblem(text: string): string | null {
  const scheme = SCHEME.exec(text);
  if (scheme === null) return 'must be a postgres:// or postgresql:// URL, e.g. postgres://user:password@localhost:5432/tasks';
  if (URL.canParse(text)) return new URL(text).hostname === '' ? 'has no host: postgres://user:password@host:5432/database' : null;
  const authority = text.slice(scheme[0].length).split(/[/?#]/)[0] ?? '';
  const port = /:([^:\]]*)$/.exec(authority.slice(authority.lastIndexOf('@') + 1))?.[1];
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) <= 65535)) {
    return 'has a port that is not a number from 1 to 65535 (after the host\'s ":"); '
      + 'if that part is in fact the password, percent-encode its / ? # @ characters (%2F %3F %23 %40)';
  }
  return 'is not a valid URL: percent-encode the user name\'s and password\'s special characters (@ : / ? # % as %40 %3A %2F %3F %23 %25)';
}

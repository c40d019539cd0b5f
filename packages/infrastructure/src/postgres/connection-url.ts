/**
 * libpq connection keywords that are not server settings. postgres.js 3.4.9 reads its own
 * few (sslmode, sslrootcert=system, target_session_attrs, connect_timeout, ...) and sends
 * every other URL parameter to the server as a startup parameter, which the server refuses:
 * FATAL 42704 "unrecognized configuration parameter". Neon puts `channel_binding=require`
 * in every URL it hands out.
 */
const CLIENT_ONLY = new Set([
  'channel_binding', 'fallback_application_name', 'gssdelegation', 'gssencmode', 'gsslib', 'hostaddr', 'keepalives',
  'keepalives_count', 'keepalives_idle', 'keepalives_interval', 'krbsrvname', 'load_balance_hosts', 'passfile',
  'require_auth', 'requirepeer', 'service', 'ssl_max_protocol_version', 'ssl_min_protocol_version', 'sslcert',
  'sslcertmode', 'sslcompression', 'sslcrl', 'sslcrldir', 'sslkey', 'sslpassword', 'sslrootcert', 'sslsni', 'tcp_user_timeout',
]);

/**
 * The URL without the parameters postgres.js would wrongly pass to the server. Server
 * settings (application_name, options, search_path, ...) stay. `sslrootcert=system` is
 * kept as what postgres.js makes of it, certificate verification: `sslmode=verify-full`.
 * postgres.js has no channel binding: `channel_binding=require` cannot be honoured, only dropped.
 */
export function withoutClientOnlyParameters(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return url;
  const parameters = new URLSearchParams(url.slice(start + 1));
  if (parameters.get('sslrootcert') === 'system') parameters.set('sslmode', 'verify-full');
  for (const name of [...parameters.keys()]) if (CLIENT_ONLY.has(name)) parameters.delete(name);
  const query = parameters.toString();
  return query === '' ? url.slice(0, start) : `${url.slice(0, start)}?${query}`;
}

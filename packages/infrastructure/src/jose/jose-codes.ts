/** jose's errors carry a stable `code` (ERR_JWT_EXPIRED, …): matched by it, one way everywhere. */
export function joseCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

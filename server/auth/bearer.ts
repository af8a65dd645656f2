/**
 * The token of an `Authorization: Bearer <jwt>` header; `undefined` when the header is
 * absent or of another scheme.
 */
export function readBearer(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header);
  return match?.[1];
}

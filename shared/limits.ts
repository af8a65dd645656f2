/** Limits the contract fixes; both sides check them. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
export const AGENT_TYPE_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
/** Tenants use the session alphabet. */
export const TENANT_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
export const DEFAULT_TENANT = 'default';
export const MAX_TEXT_LENGTH = 256;
/** Largest agent frame, HTTP body and dashboard packet, in bytes. */
export const MAX_FRAME_BYTES = 16 * 1024;

export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID_PATTERN.test(value);
}

export function isAgentType(value: unknown): value is string {
  return typeof value === 'string' && AGENT_TYPE_PATTERN.test(value);
}

export function isTenant(value: unknown): value is string {
  return typeof value === 'string' && TENANT_PATTERN.test(value);
}

export function isShortText(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TEXT_LENGTH;
}

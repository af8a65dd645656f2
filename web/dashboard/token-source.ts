/** Where the page keeps its token between reloads of the same tab. */
export const TOKEN_STORAGE_KEY = 'pulsegate.dashboard.token';

/** The browser surfaces the token source touches, passed in so tests can drive them. */
export interface TokenSurfaces {
  readonly location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  readonly history: Pick<History, 'replaceState' | 'state'>;
  readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
}

/**
 * Takes the token from `#token=...` (then stores it in sessionStorage and removes it
 * from the address bar, so it is neither bookmarked nor shared by copying the URL), or
 * from sessionStorage. `undefined`: the page must ask for one.
 */
export function takeToken(s: TokenSurfaces): string | undefined {
  const fromHash = tokenFromHash(s.location.hash);
  if (fromHash !== undefined) {
    storeToken(s, fromHash);
    s.history.replaceState(s.history.state, '', s.location.pathname + s.location.search);
    return fromHash;
  }
  const stored = safeGet(s.storage);
  return stored === null || stored === '' ? undefined : stored;
}

/** The `token` parameter of a `#a=b&token=c` fragment. */
export function tokenFromHash(hash: string): string | undefined {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const token = params.get('token')?.trim();
  return token ? token : undefined;
}

export function storeToken(s: TokenSurfaces, token: string): void {
  try {
    s.storage.setItem(TOKEN_STORAGE_KEY, token);
  } catch {
    // Storage can be disabled (private mode, quota): the token then lives for this page only.
  }
}

export function forgetToken(s: TokenSurfaces): void {
  try {
    s.storage.removeItem(TOKEN_STORAGE_KEY);
  } catch {
    // See storeToken.
  }
}

function safeGet(storage: TokenSurfaces['storage']): string | null {
  try {
    return storage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

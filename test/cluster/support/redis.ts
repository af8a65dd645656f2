import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test uses. */
export function uniquePrefix(name: string): string {
  return `pgtest:${name}:${randomBytes(4).toString('hex')}:`;
}

/** A plain client (no retries) for test set-up and inspection. */
export function testRedis(url = REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false });
}

/** Deletes every key under `prefix` (SCAN, not KEYS, so a shared Redis is not blocked). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

/**
 * One Redis client for a test file and the prefixes it hands out; after the file, every
 * key under them is deleted and the client disconnected.
 */
export function filePrefixes(): { readonly redis: Redis; prefix(name: string): string } {
  const redis = testRedis();
  const prefixes: string[] = [];
  afterAll(async () => {
    for (const p of prefixes) await deletePrefix(redis, p);
    redis.disconnect();
  });
  return {
    redis,
    prefix(name) {
      const p = uniquePrefix(name);
      prefixes.push(p);
      return p;
    },
  };
}

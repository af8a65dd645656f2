/**
 * Loopback source addresses for load generators. One (source IP, destination IP,
 * port) triple has about 28,000 ephemeral ports, and a bound client socket keeps its
 * port through TIME_WAIT, so consecutive 19,000-connection phases would run out with a
 * single source address. Every 127.0.0.0/8 address answers on Linux's `lo`.
 */
export const SOURCE_ADDRESSES: readonly string[] = Array.from(
  { length: 24 },
  (_, i) => `127.0.0.${i + 2}`,
);

/** The source address of connection `index` (round-robin). */
export function sourceAddress(index: number, addresses = SOURCE_ADDRESSES): string {
  return addresses[index % addresses.length] ?? '127.0.0.1';
}

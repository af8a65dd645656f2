// Preloaded into the soak's gateway process (`node --expose-gc --import`): on SIGUSR2 it
// collects garbage and prints the heap and RSS, so samples compare live memory only.
import process from 'node:process';

process.on('SIGUSR2', () => {
  globalThis.gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ msg: 'soak-memory', heapUsed, rss })}\n`);
});

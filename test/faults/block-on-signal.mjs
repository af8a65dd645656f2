// Preloaded into a gateway process (`node --import`): SIGUSR2 blocks its event loop for
// BLOCK_MS (2 s by default), as a long synchronous task or a GC pause would.
import process from 'node:process';

const ms = Number(process.env.BLOCK_MS ?? 2000);
process.on('SIGUSR2', () => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy: nothing else runs in this process meanwhile
  }
  process.stdout.write(`{"msg":"unblocked","ms":${ms}}\n`);
});

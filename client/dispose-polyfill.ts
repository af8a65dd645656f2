/*
 * `await using` and `using` look up Symbol.asyncDispose / Symbol.dispose at run time.
 * Node 20.4+ and current browsers define them; older runtimes get the well-known
 * registry symbols that TypeScript's helpers and later runtimes agree on.
 */
for (const name of ['asyncDispose', 'dispose'] as const) {
  if (typeof Symbol[name] !== 'symbol') {
    Object.defineProperty(Symbol, name, { value: Symbol.for(`nodejs.${name}`) });
  }
}

export {};

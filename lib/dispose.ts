// dispose.ts — Symbol.dispose where the runtime lacks it (Node < 20.4), so that
// `[Symbol.dispose]()` and TypeScript's downlevelled `using` work everywhere.
// Node itself uses Symbol.for('nodejs.dispose') for the same purpose.
const symbolWithDispose = Symbol as unknown as { dispose?: symbol };
if (typeof symbolWithDispose.dispose !== 'symbol') {
  Object.defineProperty(Symbol, 'dispose', { value: Symbol.for('nodejs.dispose') });
}
export {};

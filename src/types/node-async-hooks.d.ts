// The one Node API the Worker uses (nodejs_compat provides it at run time); declared here so
// the Worker's type space does not pull in all of @types/node and its clashing globals.
declare module "node:async_hooks" {
  export class AsyncLocalStorage<T> {
    run<R>(store: T, fn: () => R): R;
    getStore(): T | undefined;
  }
}

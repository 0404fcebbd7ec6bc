import type { Bindings } from "../src/env";

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import("../src/index");
      durableNamespaces: "PrincipalGuard" | "StreamHub";
    }
    interface Env extends Bindings {
      /** Test-only: a loopback URL where no database listens. */
      DEAD_DATABASE_URL: string;
      /** Test-only: the fuzz test's cases per operation and seed ("" for the defaults). */
      FUZZ_RUNS: string;
      FUZZ_SEED: string;
    }
  }
}

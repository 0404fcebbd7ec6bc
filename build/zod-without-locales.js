/**
 * zod, less its locales, for the Worker's bundle only: wrangler.toml aliases "zod" to this file.
 *
 * zod's entry re-exports `locales` (its messages in 40-odd languages), and since `z` is used as a
 * value (zod-to-openapi extends it) no bundler can leave them out: about a fifth of the minified
 * Worker (36 KiB of 240 gzipped), for messages Vigil never shows (its validation messages are its
 * own). Everything else is zod's own entry, export for export (node_modules/zod/v4/classic/external.js
 * and core/index.js, by path, since the package does not export them), but for `fromJSONSchema`,
 * which nothing here uses; every import of zod still gets the one zod.
 * Tests and the Node-side tools use zod unchanged. After upgrading zod, compare with its entry.
 */
import * as z from "./zod-external-without-locales.js";

export * from "./zod-external-without-locales.js";
export { z, z as default };

import { changeShapes } from "./alerts/changes";
import type { HotStatement } from "./db/hot";
import { ingestShapes } from "./events/ingest";

/**
 * The statements planned once per database session (db/hot.ts): those that carry the write load.
 * The migrator installs a function for each shape listed here.
 */
export function hotStatements(): HotStatement[] {
  return [...ingestShapes(), ...changeShapes()];
}

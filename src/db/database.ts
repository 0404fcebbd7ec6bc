import { type Bindings, getConfig } from "../env";
import { createDb, type Db } from "./client";

/** The database for a request's environment (Worker side; scripts call createDb directly). */
export function database(env: Bindings): Db {
  return createDb(getConfig(env).DATABASE_URL);
}

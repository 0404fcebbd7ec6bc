import { createApp } from "./app";

export { PrincipalGuard } from "./guard/durable-object";

// Built once per isolate: route compilation and the OpenAPI registry are not per-request work.
const app = createApp();

export default app;

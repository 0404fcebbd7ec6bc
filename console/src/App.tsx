import { useEffect, useSyncExternalStore } from "hono/jsx/dom";
import type { Session } from "./api/session";
import type { LiveStream } from "./api/stream";
import { Shell } from "./Shell";
import { SignIn } from "./signin/SignIn";

export function App({ session, stream }: { session: Session; stream: LiveStream }) {
  const state = useSyncExternalStore(session.subscribe, session.getState);
  useEffect(() => {
    void session.restore();
  }, [session]);

  switch (state.kind) {
    case "restoring":
      return (
        <p class="boot" role="status">
          Loading the console…
        </p>
      );
    case "signed-out":
      return <SignIn session={session} notice={state.notice} />;
    case "signed-in":
      return <Shell services={{ session, stream, me: state.me }} />;
  }
}

import { useEffect, useState } from "hono/jsx/dom";
import { AlertPage } from "./alert/AlertPage";
import { type Services, ServicesContext } from "./context";
import { HeartbeatsPage } from "./heartbeats/HeartbeatsPage";
import { QueuePage } from "./queue/QueuePage";
import { routeOf, useLocation } from "./router";
import { SilencesPage } from "./silences/SilencesPage";
import { Untrusted } from "./ui/bits";
import { ConnectionState } from "./ui/ConnectionState";
import { usePageHeading } from "./ui/use-page-heading";

function Missing() {
  const heading = usePageHeading("Not found");
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Not found
      </h1>
      <p>
        There is no such page. <a href="/">Go to the alert queue</a>.
      </p>
    </>
  );
}

/** The signed-in console: header (navigation, live state, user), then the page for the URL. */
export function Shell({ services }: { services: Services }) {
  const { session, stream, me } = services;
  const [leaving, setLeaving] = useState(false);
  const here = useLocation();
  const url = new URL(here, location.origin);
  const route = routeOf(url.pathname, url.search);

  useEffect(() => {
    stream.start();
    return () => stream.stop();
  }, [stream]);

  return (
    <ServicesContext.Provider value={services}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href="/">
          Vigil
        </a>
        <nav aria-label="Console">
          <a href="/" aria-current={route.page === "queue" ? "page" : undefined}>
            Alert queue
          </a>
          <a href="/silences" aria-current={route.page === "silences" ? "page" : undefined}>
            Silences
          </a>
          <a href="/heartbeats" aria-current={route.page === "heartbeats" ? "page" : undefined}>
            Heartbeats
          </a>
          <a href="/api/docs/">API docs</a>
        </nav>
        <ConnectionState stream={stream} />
        <p class="user">
          <Untrusted text={me.username} /> <span class="muted">({me.role})</span>
        </p>
        <button
          type="button"
          disabled={leaving}
          onClick={() => {
            setLeaving(true);
            void session.signOut();
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main">
        {route.page === "queue" && <QueuePage query={route.query} />}
        {route.page === "alert" && <AlertPage key={route.id} id={route.id} />}
        {route.page === "silences" && <SilencesPage query={route.query} />}
        {route.page === "heartbeats" && <HeartbeatsPage query={route.query} />}
        {route.page === "missing" && <Missing />}
      </main>
    </ServicesContext.Provider>
  );
}

import { useEffect, useState } from "hono/jsx/dom";
import { AdminOnly } from "./admin/AdminOnly";
import { AuditPage } from "./admin/AuditPage";
import { KeysPage } from "./admin/KeysPage";
import { UsersPage } from "./admin/UsersPage";
import { WebhookPage } from "./admin/WebhookPage";
import { WebhooksPage } from "./admin/WebhooksPage";
import { AlertPage } from "./alert/AlertPage";
import { type Services, ServicesContext } from "./context";
import { DashboardPage } from "./dashboard/DashboardPage";
import { HeartbeatsPage } from "./heartbeats/HeartbeatsPage";
import { QueuePage } from "./queue/QueuePage";
import { ADMIN_PAGES, type Route, routeOf, useLocation } from "./router";
import { RulesPage } from "./rules/RulesPage";
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
        There is no such page. <a href="/">Go to the dashboard</a>.
      </p>
    </>
  );
}

/** Where each header link leads, and which pages it stands for (the alert page is the queue's). */
const NAV: { href: string; label: string; pages: Route["page"][]; admin?: true }[] = [
  { href: "/", label: "Dashboard", pages: ["dashboard"] },
  { href: "/alerts", label: "Alerts", pages: ["queue", "alert"] },
  { href: "/silences", label: "Silences", pages: ["silences"] },
  { href: "/heartbeats", label: "Heartbeats", pages: ["heartbeats"] },
  { href: "/rules", label: "Rules", pages: ["rules"] },
  { href: "/admin/keys", label: "API keys", pages: ["keys"], admin: true },
  { href: "/admin/webhooks", label: "Webhooks", pages: ["webhooks", "webhook"], admin: true },
  { href: "/admin/users", label: "Users", pages: ["users"], admin: true },
  { href: "/admin/audit", label: "Audit", pages: ["audit"], admin: true },
];

/** The admin pages: shown to admins, a sentence to anyone else (the API refuses them anyway). */
const ADMIN_VIEWS = {
  keys: { title: "API keys", View: KeysPage },
  webhooks: { title: "Webhooks", View: WebhooksPage },
  users: { title: "Users", View: UsersPage },
};

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "dashboard":
      return <DashboardPage query={route.query} />;
    case "queue":
      return <QueuePage query={route.query} />;
    case "alert":
      return <AlertPage key={route.id} id={route.id} />;
    case "silences":
      return <SilencesPage query={route.query} />;
    case "heartbeats":
      return <HeartbeatsPage query={route.query} />;
    case "rules":
      return <RulesPage />;
    case "audit":
      return (
        <AdminOnly title="Audit log">
          <AuditPage query={route.query} />
        </AdminOnly>
      );
    case "keys":
    case "webhooks":
    case "users": {
      const { title, View } = ADMIN_VIEWS[route.page];
      return (
        <AdminOnly title={title}>
          <View />
        </AdminOnly>
      );
    }
    case "webhook":
      return (
        <AdminOnly title={`Webhook #${route.id}`}>
          <WebhookPage key={route.id} id={route.id} />
        </AdminOnly>
      );
    case "missing":
      return <Missing />;
  }
}

/** The signed-in console: header (navigation, live state, user), then the page for the URL. */
export function Shell({ services }: { services: Services }) {
  const { session, stream, me } = services;
  const [leaving, setLeaving] = useState(false);
  const here = useLocation();
  const url = new URL(here, location.origin);
  const route = routeOf(url.pathname, url.search);
  const admin = me.role === "admin";

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
          {NAV.filter((item) => admin || !item.admin).map((item) => (
            <a
              href={item.href}
              class={item.admin ? "admin-link" : undefined}
              aria-current={item.pages.includes(route.page) ? "page" : undefined}
            >
              {item.label}
            </a>
          ))}
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
      <main id="main" class={ADMIN_PAGES.includes(route.page) ? "admin" : undefined}>
        <Page route={route} />
      </main>
    </ServicesContext.Provider>
  );
}

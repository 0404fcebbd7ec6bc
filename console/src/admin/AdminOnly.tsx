import type { Child } from "hono/jsx";
import { useServices } from "../context";
import { usePageHeading } from "../ui/use-page-heading";

/** Admin pages show analysts a sentence instead (the API would refuse them anyway). */
export function AdminOnly({ title, children }: { title: string; children: Child }) {
  const { me } = useServices();
  const heading = usePageHeading(title);
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {me.role === "admin" ? children : <p class="empty">This page is for admins.</p>}
    </>
  );
}

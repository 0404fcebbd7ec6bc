import { createContext, useContext } from "hono/jsx/dom";
import type { Session } from "./api/session";
import type { LiveStream } from "./api/stream";
import type { Me } from "./api/types";

/** What every signed-in view needs: the session (authenticated requests), the stream, who I am. */
export type Services = { session: Session; stream: LiveStream; me: Me };

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error("useServices() outside the signed-in console");
  return services;
}

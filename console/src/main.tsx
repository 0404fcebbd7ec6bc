import { render } from "hono/jsx/dom";
import { App } from "./App";
import { Session } from "./api/session";
import { LiveStream } from "./api/stream";
import { followLink } from "./router";
import "./styles.css";

const session = new Session();
const stream = new LiveStream(session);
document.addEventListener("click", followLink);

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
render(<App session={session} stream={stream} />, root);

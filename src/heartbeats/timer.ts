import { DurableObject } from "cloudflare:workers";
import { database } from "../db/database";
import type { Bindings } from "../env";
import { publishChanges } from "../push/publisher";
import { markLate } from "./lateness";
import { recoverAndPublish } from "./recovery";
import { catchUp } from "./store";

const ID_KEY = "heartbeat";

/** A late heartbeat is looked at this often (at most), to see whether events brought it back. */
const LATE_RECHECK_MS = 60_000;

/**
 * One heartbeat's timer: a Durable Object per heartbeat (by id), whose alarm is set to the
 * heartbeat's deadline, so no job ever scans every heartbeat. Beats do not talk to it: an
 * explicit beat moves `due_at` in the database, and events are beats read when the alarm rings
 * (beats.ts). Then the timer catches up on those events (one small statement): if one came, it
 * sets the alarm to the new deadline; if the deadline has passed, it marks the heartbeat late
 * (markLate: the alert, its history and `heartbeat.late` in one statement) and publishes what
 * that wrote. While late it looks again every minute, and once beats came back it recovers it
 * (recovery.ts: the alert resolved, `heartbeat.ok`). A heartbeat deleted meanwhile ends its timer. An alarm that throws (the
 * database is away) is retried by the platform; the scheduled sweep repairs what a lost timer
 * missed.
 */
export class HeartbeatTimer extends DurableObject<Bindings> {
  /** Starts (or restarts) watching heartbeat `id`: called when it is created, and by the sweep. */
  async watch(id: number): Promise<void> {
    await this.ctx.storage.put(ID_KEY, id);
    await this.check(id);
  }

  override async alarm(): Promise<void> {
    const id = await this.ctx.storage.get<number>(ID_KEY);
    if (id !== undefined) await this.check(id);
  }

  private async check(id: number): Promise<void> {
    const db = database(this.env);
    let timing = await catchUp(db, id);
    if (!timing) {
      await this.ctx.storage.deleteAll();
      return;
    }
    if (timing.back) {
      await recoverAndPublish(this.env, [id]);
      timing = (await catchUp(db, id)) ?? timing;
    } else if (timing.status !== "late" && timing.dueAt <= Date.now()) {
      const wrote = await markLate(db, [id]);
      await publishChanges(this.env, wrote);
      timing = (await catchUp(db, id)) ?? timing;
    }
    await this.ctx.storage.setAlarm(timing.status === "late" ? Date.now() + LATE_RECHECK_MS : timing.dueAt);
  }
}

/** The timer of heartbeat `id`. */
export function heartbeatTimer(env: Bindings, id: number) {
  return env.HEARTBEAT_TIMER.get(env.HEARTBEAT_TIMER.idFromName(`heartbeat:${id}`));
}

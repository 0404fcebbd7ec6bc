import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";

/** A program the end-to-end scripts run: its output goes to a log file, shown when something fails. */
export type Program = { name: string; logFile: string; stop(): Promise<void>; tail(lines?: number): string };

export function startProgram(name: string, command: string, args: string[], logFile: string): Program {
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return {
    name,
    logFile,
    stop: () => stopChild(child),
    tail: (lines = 20) => {
      const text = readFileSync(logFile, "utf8").trimEnd().split("\n");
      return text.slice(-lines).join("\n");
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const killed = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(killed);
}

/**
 * Polls `check` until it returns a value (not undefined), or fails after `seconds` saying what
 * was awaited and what the last check saw. Tools deliver on their own schedule (Alertmanager's
 * group_wait, syslog-ng's batch timeout): waiting for the outcome is what an operator would do.
 */
export type Poll<T> = { done: T; seen?: never } | { done?: never; seen: string };

export async function waitFor<T>(what: string, check: () => Promise<Poll<T>>, seconds: number): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  let seen = "";
  for (;;) {
    const result = await check();
    if (result.done !== undefined) return result.done;
    seen = result.seen ?? "";
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what} (last seen: ${seen})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

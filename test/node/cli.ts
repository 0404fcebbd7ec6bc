import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export type CliResult = { code: number; stdout: string; stderr: string };

/** Runs `npm run <tool> -- ...` as an operator would (tsx straight, without npm's banner). */
export function runTool(tool: "users" | "keys", env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [`${root}node_modules/tsx/dist/cli.mjs`, `${root}scripts/${tool}.ts`, ...args],
      { env: { ...process.env, ...env }, cwd: root },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

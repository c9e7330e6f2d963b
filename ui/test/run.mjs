// Runs the UI's unit tests on Node 20 without extra packages: TypeScript's own transpiler
// turns src/ and test/ into plain ES modules in a temporary folder, then `node --test` runs them.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync, statSync } from "node:fs";
import { join, dirname, relative } from "node:path";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = mkdtempSync(join(tmpdir(), "cashier-ui-test-"));

function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const sources = [...walk(join(root, "src")), ...walk(join(root, "test"))].filter(
  (p) => p.endsWith(".ts") && !p.endsWith(".d.ts"),
);
for (const file of sources) {
  const js = ts.transpileModule(readFileSync(file, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2021 },
  }).outputText.replace(/(from\s+["'][^"']+)\.ts(["'])/g, "$1.mjs$2");
  const dest = join(out, relative(root, file)).replace(/\.ts$/, ".mjs");
  mkdirSync(dirname(dest), { recursive: true });
  writeFileSync(dest, js);
}
const tests = walk(join(out, "test")).filter((p) => p.endsWith(".test.mjs"));
if (tests.length === 0) {
  console.error("no UI tests found");
  process.exit(1);
}
const r = spawnSync(process.execPath, ["--test", ...tests], { stdio: "inherit" });
process.exit(r.status ?? 1);

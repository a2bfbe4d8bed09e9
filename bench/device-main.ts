/**
 * One entry point for the bundle that runs on a machine without Node modules
 * (scripts/device-pack.sh): node device.mjs speed|quality|step|demo|kt|time-to-target [args].
 */
import { main as speed } from './speed';
import { main as quality } from './quality';
import { main as step } from './step-time';
import { main as demo } from './demo-quality';
import { main as kt } from './kt';
import { main as timeToTarget } from './timeToTarget';

const commands: Record<string, (args: string[]) => Promise<void>> = { speed, quality, step, demo, kt, 'time-to-target': timeToTarget };
const [cmd, ...args] = process.argv.slice(2);
const run = commands[cmd ?? ''];
if (!run) {
  console.error('usage: node device.mjs speed|quality|step|demo|kt|time-to-target [args]');
  process.exit(2);
}
run(args).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);

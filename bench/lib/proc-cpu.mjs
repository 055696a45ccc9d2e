// CPU time of another process from /proc (Linux): what a server spent, all its threads, so a
// load row can report server CPU per call beside throughput. CPU per call is steadier than
// throughput on a shared 2-core machine, where the load generator competes for the same cores.
import { readFileSync } from "node:fs";

/** Clock ticks per second of /proc's utime/stime: 100 on every Linux this runs on (USER_HZ). */
const TICKS_PER_SECOND = 100;

/** User + system CPU time of process `pid` so far, in µs (10 ms resolution). */
export function processCpuUs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1_000_000) / TICKS_PER_SECOND;
}

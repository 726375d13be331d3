// What `ipvlab fix` tries: a change is a few iproute2/sysctl commands on one
// lab host (or a lab network's option), proposed by an entry of the
// catalogue from the state of the simulated world just before the goal.

import type { Lab } from "../../../lab/types.js";
import type { PlacedDevice } from "../topology.js";
import type { TracedCommand } from "../trace-read.js";
import type { World } from "../world.js";

/** The command that must succeed: a check of the lab, or a ping from --from to --to. */
export interface FixGoal {
  host: string;
  run: string;
  /** How many of the lab's own steps run before it. */
  steps: number;
  /** The state it runs in, in words ("setup", "step 7 (...)"). */
  after: string;
  /** The check's name when the goal is a check of the lab. */
  check: string | null;
}

export interface Change {
  /** The catalogue entry that proposed it. */
  generator: string;
  /** The lab host the commands run on. */
  host: string;
  /** As typed on that host, one per line of the lab. */
  commands: string[];
  /** A lab network to give `hairpin: true` (then no commands). */
  hairpinNetwork?: string;
  /** Intrusiveness: fewer and gentler commands cost less. */
  cost: number;
  /** What it does, in a few words. */
  what: string;
}

/** What a catalogue entry reads to propose changes. */
export interface FixScene {
  lab: Lab;
  /** The world just before the goal; read it, never change it. */
  world: World;
  places: readonly PlacedDevice[];
  goal: FixGoal;
  /** The goal's command traced in that state (it failed). */
  trace: TracedCommand;
  /** The goal's source address (ping -I, or the first packet's), if it got that far. */
  src: string | null;
  dst: string | null;
  /** The namespace the goal's command runs in ("" for the host's own). */
  goalNs: string;
  /** "host/netns" ("" for the root namespace) of every namespace the failed command's packets touched, with the holders of src and dst. */
  path: ReadonlySet<string>;
  /** The hosts of those namespaces. */
  pathHosts: ReadonlySet<string>;
  /** Every IPv4 address the lab holds or means to hold. */
  taken: ReadonlySet<string>;
}

export interface ChangeGenerator {
  name: string;
  /** What it fixes. */
  fixes: string;
  /** The kernel behaviour it works around. */
  worksAround: string;
  /** Concrete changes for this state; none when it does not apply. */
  propose(scene: FixScene): Change[];
}

/** A command in a namespace of its host, as the lab's scripts write it. */
export const inNetns = (netns: string, cmd: string): string => (netns ? `ip netns exec ${netns} ${cmd}` : cmd);

export const nsKey = (host: string, netns: string): string => `${host}/${netns}`;

/** Where something was written in a lab file, for error messages. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

export interface LabInterface {
  name: string;
  network: string;
  /** Lower-case colon form; derived from the lab when the file gives none. */
  mac: string;
  macGiven: boolean;
  pos: SourcePos;
}

export interface LabHost {
  name: string;
  interfaces: LabInterface[];
  run: string;
  pos: SourcePos;
  runPos: SourcePos;
  /** Where each line of `run` was written (src/lab/script-lines.ts). */
  runLines: SourcePos[];
}

export interface LabNetwork {
  name: string;
  /** Every port of the network's bridge in hairpin mode (reflective relay). */
  hairpin: boolean;
  pos: SourcePos;
}

/**
 * A capture: `host:dev` (root namespace) or `host/ns:dev`, then optionally a
 * tcpdump filter (`vm02:ens34 icmp or arp`), the rest of the entry.
 */
export interface CaptureTarget {
  host: string;
  netns: string | null;
  dev: string;
  /** The tcpdump filter, its blanks each made one space; null for every frame. */
  filter: string | null;
  /** The target and its filter as written (blanks made single), also the key in a step's captures. */
  id: string;
  pos: SourcePos;
}

export type Expect = "ok" | "fail";

export interface CommandStep {
  kind: "action" | "check";
  name: string;
  on: string;
  run: string;
  expect: Expect | null;
  capture: CaptureTarget[];
  /** Seconds before the command is killed. */
  timeout: number;
  pos: SourcePos;
  /** Where each line of `run` was written (src/lab/script-lines.ts). */
  runLines: SourcePos[];
}

/** The address families a matrix pings: IPv4, IPv6 (global addresses that passed DAD), or both. */
export type MatrixFamily = "inet" | "inet6" | "all";

export interface MatrixStep {
  kind: "matrix";
  name: string;
  /** `family:` on the step; by default both with `ipv6: true`, else IPv4. */
  family: MatrixFamily;
  /** `link-local: true` on the step: every device's link-local address is an endpoint too, pinged only from other link-locals. */
  linkLocal?: boolean;
  pos: SourcePos;
}

export type LabStep = CommandStep | MatrixStep;

export interface Lab {
  name: string;
  file: string;
  /** IPv6 on lab hosts, as Linux has it out of the box; `ipv6: false` turns it off for the whole lab. */
  ipv6: boolean;
  networks: LabNetwork[];
  hosts: LabHost[];
  steps: LabStep[];
}

export const DEFAULT_STEP_TIMEOUT = 30;

/** The label of the matrix a lab's top-level `matrix: true` adds after its last step (and `ipvlab matrix` takes of a lab with none). */
export const END_MATRIX = "at the end";

#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from "commander";
import { runCommand, type RunFlags } from "./run.js";
import { recordCommand } from "./record.js";
import { importCommand, type ImportFlags } from "./import.js";
import { exportCommand, type ExportFlags } from "./export.js";
import { checkCommand } from "./check.js";
import { verifyCommand } from "./verify.js";
import { traceCommand, type TraceFlags } from "./trace.js";
import { matrixCommand, type MatrixFlags } from "./matrix.js";
import { diagramCommand, type DiagramFlags } from "./diagram.js";
import { reportCommand, type ReportFlags } from "./report.js";
import { DEFAULT_PORT, serveCommand, type ServeFlags } from "./serve.js";
import { ENGINE_NAMES, DEFAULT_ENGINE } from "../engines/index.js";
import { version } from "../paths.js";
import { EXIT_CODES_HELP, exitFor, exitOnError } from "./errors.js";
import { GOLDEN_DIR } from "../golden/golden.js";
import { applyLimitFlags, limitsHelp, withLimits } from "./limits.js";

const ENGINE_HELP =
  "sim: the simulated Linux network stack, in-process, milliseconds; uml: a Linux 6.1 kernel in User-Mode Linux (no root); host: this machine's kernel, in namespaces (root)";
const engineOption = () => new Option("-e, --engine <engine>", ENGINE_HELP).choices([...ENGINE_NAMES]).default(DEFAULT_ENGINE);
const realEngineOption = (what: string) =>
  new Option("-e, --engine <engine>", `${what}: uml (a Linux 6.1 kernel in User-Mode Linux, no root) or host (this machine's kernel, in namespaces, root)`)
    .choices(["uml", "host"])
    .default("uml");

// Commander's own usage errors (an unknown option or command, a bad value) are usage errors like any
// other: thrown, then exit 2. Set before the subcommands are made, which copy it.
const program = new Command()
  .name("ipvlab")
  .exitOverride()
  .version(version)
  .description(
    "A lab for Linux virtual networking. Write the iproute2 commands that build hosts, namespaces and " +
      "ipvlan/macvlan devices; ipvlab runs them and reports which pings work and what tcpdump sees.",
  )
  .addHelpText(
    "after",
    `
Lab files: *.lab.yaml (networks, hosts with interfaces and a run script, steps) or a shell script.
${EXIT_CODES_HELP}

Examples:
  ipvlab run test/labs/core/proxy-arp.lab.yaml           a lab in the simulator (the default engine)
  ipvlab run examples/seed-ipvlan-l2.lab.yaml --engine uml   the seed lab, on a real kernel under UML
  ipvlab run examples/seed-ipvlan-l2.lab.yaml --json     the same as one LabResult in JSON
  ipvlab verify --golden test/labs/core/*.lab.yaml       hold the simulator to recorded real-kernel results
  ipvlab check examples/*.lab.yaml                       validate labs without running them
  ipvlab record examples/*.lab.yaml                      record golden results into test/golden/`,
  );

program
  .command("run")
  .description("run a lab and report every step, every matrix and what tcpdump saw")
  .argument("<lab>", "a *.lab.yaml file or a shell script")
  .addOption(engineOption())
  .option("--json", "print one LabResult as JSON on stdout (progress stays on stderr)")
  .option("--pcap <dir>", "also write each capture as a pcap file under DIR/<lab>/")
  .option("-q, --quiet", "no progress on stderr")
  .addHelpText(
    "after",
    `
A check passes when its command's exit code matches expect (ok = 0, fail = anything else).
A matrix pings every pair of addresses in different namespaces at once (ping -c 1 -W 1 -I FROM TO).
Without --engine the lab runs in the simulator; a lab that uses what the simulator does not
model yet (IPv6 traffic, ipvtap, macvtap) runs on uml instead, and says so.

Example:
  ipvlab run examples/seed-ipvlan-l2.lab.yaml --engine uml --pcap /tmp/caps`,
  )
  .action(exitOnError((file: string, flags: RunFlags, cmd: Command) => runCommand(file, { ...flags, engineDefaulted: cmd.getOptionValueSource("engine") === "default" })));

program
  .command("trace")
  .description("run one command in the simulated lab and show every kernel decision it causes, in order, with a verdict")
  .argument("<lab>", "a *.lab.yaml file or a shell script")
  .option("--on <host>", "the lab host to run the command on")
  .option("--run <command>", "the command, as you would type it on that host")
  .option("--from <host[/netns]>", "instead of --on/--run: ping (or arping) from this host or namespace")
  .option("--to <address>", "the address --from pings")
  .option("--arp", "with --from: arping instead of ping")
  .option("--after <step>", "trace in the state after this step (its number, counted as `ipvlab run` and `verify` count them, setups first, or its name); default: right after the hosts' setup")
  .option("--json", "print the trace, the command's output and the verdict as JSON")
  .option("--pcap <dir>", "also write the frames each device saw during the command, one pcap file per device (tcpdump -r, wireshark)")
  .addHelpText(
    "after",
    `
Each line is one decision the simulated kernel made: virtual milliseconds since the command
started, the host (and namespace), the device, the kernel function it mirrors
(ipvlan_xmit_mode_l2, arp_process, fib_validate_source, br_forward, ...), what happened and why.
The verdict says it in plain words: how far the packet got, what stopped it, and why.

Examples:
  ipvlab trace examples/seed-ipvlan-l2.lab.yaml --on vm02 --run "ip netns exec ns01 ping -c 1 -W 1 172.16.91.14"
  ipvlab trace examples/seed-ipvlan-l2.lab.yaml --from vm02/ns01 --to 172.16.91.14 --after 6
  ipvlab trace examples/seed-ipvlan-l3.lab.yaml --from vm01 --to 172.16.91.101 --arp --json
  ipvlab trace examples/seed-ipvlan-l2.lab.yaml --from vm02/ns01 --to 172.16.91.14 --pcap /tmp/ns01-14`,
  )
  .action(exitOnError((file: string, flags: TraceFlags) => traceCommand(file, flags)));

program
  .command("matrix")
  .description("the lab's ping matrices from the simulator, every failed cell with the reason its trace gives")
  .argument("<lab>", "a *.lab.yaml file or a shell script")
  .option("--after <step>", "instead: one matrix taken in the state after this step (its number or its name)")
  .option("--markdown", "the seed note's checklist: - [x] a <--> b, - [ ] a ---> b — reason")
  .option("--json", "the matrices as JSON (each cell with ok and, when it failed, reason)")
  .addHelpText(
    "after",
    `
A cell is \`ping -c 1 -W 1 -I FROM TO\` in FROM's namespace, all cells at once. A failed cell's
reason comes from running its ping again, alone, in the state just before the matrix, with
the kernel trace on (see \`ipvlab trace\`).

Examples:
  ipvlab matrix examples/seed-ipvlan-l2.lab.yaml
  ipvlab matrix examples/seed-ipvlan-l3.lab.yaml --markdown
  ipvlab matrix examples/seed-ipvlan-l2.lab.yaml --after "the note's host routes" --json`,
  )
  .action(exitOnError((file: string, flags: MatrixFlags) => matrixCommand(file, flags)));

program
  .command("diagram")
  .description("draw the lab: hosts, their namespaces, devices with addresses, what each slave is stacked on, the networks")
  .argument("<lab>", "a *.lab.yaml file or a shell script")
  .option("--after <step>", "draw the state after this step (its number or its name); default: right after the hosts' setup")
  .option("--mermaid", "a Mermaid flowchart instead of text, for docs")
  .option("--json", "the topology as JSON")
  .option("--svg <file>", "write an SVG picture there (laid out by ELK: hosts holding namespaces, slaves wired to parents, NICs to networks)")
  .addHelpText(
    "after",
    `
Examples:
  ipvlab diagram examples/seed-ipvlan-l2.lab.yaml
  ipvlab diagram examples/seed-ipvlan-l2.lab.yaml --mermaid > seed.mmd
  ipvlab diagram examples/seed-ipvlan-l2.lab.yaml --svg docs/seed-ipvlan-l2.svg`,
  )
  .action(exitOnError((file: string, flags: DiagramFlags) => diagramCommand(file, flags)));

program
  .command("report")
  .description("one Markdown document: each lab's narrative, diagram, checks with outputs, why each failure failed, matrices")
  .argument("<labs...>", "lab files")
  .addOption(new Option("-e, --engine <engine>", "also run a real kernel and say where the simulator differs: uml or host").choices(["uml", "host"]))
  .option("-o, --out <file>", "write the document there instead of to stdout")
  .option("-q, --quiet", "no progress on stderr")
  .addHelpText(
    "after",
    `
The narrative is the lab file's own comments: the block at its top and the comment above each
step. Every failed command is run again in the simulator, alone and traced, and its trace says why.

The report opens with what the traces say: each failed check in one sentence; how each matrix
changes from the one before it in its lab, and from the same-named matrix of the earlier lab
it differs least from (each changed cell traced on both sides); and which mechanism or hidden
state (rp_filter, a remembered neighbour entry, the switch) each result rests on. Give the labs
in the order to compare them.

Examples:
  ipvlab report examples/seed-ipvlan-l2.lab.yaml -o seed-l2.md
  ipvlab report examples/seed-ipvlan-l2.lab.yaml examples/seed-ipvlan-l2-rpfilter.lab.yaml \
    examples/seed-ipvlan-l3.lab.yaml examples/seed-ipvlan-l3-stale-neigh.lab.yaml \
    examples/seed-ipvlan-addr-before-move.lab.yaml examples/seed-ipvlan0-slash24.lab.yaml \
    --engine uml -o docs/seed-report.md`,
  )
  .action(exitOnError((files: string[], flags: ReportFlags) => reportCommand(files, flags)));

program
  .command("serve")
  .description("open a lab in the web page: edit it, see the topology and the matrices, step through any ping's packets")
  .argument("[lab]", "the lab the page opens with (default: the seed lab; the examples are in the page's list)")
  .option("-p, --port <n>", "the TCP port (0: any free one)", (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("a port number from 0 to 65535");
    return n;
  }, DEFAULT_PORT)
  .option("--host <address>", "bind this address instead of 127.0.0.1 (anything but loopback makes the lab readable from the network)")
  .addHelpText(
    "after",
    `
The page runs the simulator in the browser (the same code as \`ipvlab run\`): every edit of
the lab re-runs it. Click a red matrix cell to step through its ping, kernel function by
kernel function, with the device it is at lit up in the topology. The server only hands out
the page, the example labs and LAB (read again on every reload); it runs nothing. Real
kernels (--engine uml|host) stay on the command line.

Examples:
  ipvlab serve examples/seed-ipvlan-l2.lab.yaml          then open http://127.0.0.1:${DEFAULT_PORT}/
  ipvlab serve my.lab.yaml --port 0                      any free port (the URL is printed)`,
  )
  .action(exitOnError((file: string | undefined, flags: ServeFlags) => serveCommand(file, flags)));

program
  .command("check")
  .description("validate labs: every mistake with file:line:col, nothing is run")
  .argument("<labs...>", "lab files")
  .action(exitOnError(checkCommand));

program
  .command("import")
  .description("turn a compose.yaml, a CNI configuration (conf or conflist) or a Multus NetworkAttachmentDefinition into a lab")
  .argument("<file>", "the file to import (its kind is read from its content)")
  .option("-o, --out <lab>", "write the lab there instead of stdout")
  .option("--pods <n|names>", "CNI and Multus: how many pods (pod1, pod2, ...) or their names, comma-separated (default 2)")
  .option("--json", "print {file, kind, lab} as JSON")
  .addHelpText(
    "after",
    `
What becomes what:
  compose.yaml     networks with driver macvlan or ipvlan (driver_opts parent, macvlan_mode,
                   ipvlan_mode, ipvlan_flag; ipam.config subnet, gateway, ip_range; internal)
                   and the services on them (networks: {N: {ipv4_address}}): the Docker host
                   "docker", a namespace per container built as Docker's drivers build it
                   (eth0, eth1, ... in the order the service lists them; the default route via
                   the gateway, or the device for ipvlan l3/l3s), a stand-in "router" holding
                   the gateways, and a matrix.
  CNI conf/list    the ipvlan, macvlan or vlan plugin (a conflist's other plugins are noted,
                   not imported): the node, --pods pods attached by ipvlab cni add, a router.
  Multus NAD       its spec.config, attached to each pod as net1.
Every part of the lab says in a comment where it came from (file:line); a mistake in the
file is reported at its line, exit 2.

Examples:
  ipvlab import compose.yaml -o compose.lab.yaml && ipvlab run compose.lab.yaml
  ipvlab import macvlan-conf.json --pods 3
  ipvlab import nad.yaml --pods web,db --engine uml   (then: ipvlab run --engine uml ...)`,
  )
  .action(exitOnError((file: string, flags: ImportFlags) => importCommand(file, flags)));

program
  .command("export")
  .description("write a lab's ipvlan and macvlan namespaces as a Compose file, CNI configurations or Multus NADs")
  .argument("<lab>", "the lab (run in the simulator to see what its scripts leave)")
  .option("--compose", "a compose.yaml: a network per parent, driver and mode; a service per namespace with its address")
  .option("--cni", "one CNI configuration per namespace (JSON lines; static IPAM with its address)")
  .option("--nad", "a NetworkAttachmentDefinition per network (host-local over its subnet)")
  .addHelpText(
    "after",
    `
Examples:
  ipvlab export examples/seed-ipvlan-l2.lab.yaml --compose > compose.yaml
  ipvlab export my.lab.yaml --nad | kubectl apply -f -`,
  )
  .action(exitOnError((file: string, flags: ExportFlags) => exportCommand(file, flags)));

program
  .command("record")
  .description("run labs on a real kernel and write test/golden/<lab name>.json, the truth the simulator is held to")
  .argument("<labs...>", "lab files (one kernel boot for all of them)")
  .addOption(realEngineOption("the real kernel to record"))
  .option("-o, --out <dir>", "where to write the golden files", GOLDEN_DIR)
  .option("-r, --runs <n>", "run every lab N times; answers that differ between runs are marked unstable and not held against anyone", (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 10) throw new InvalidArgumentError("a whole number from 1 to 10");
    return n;
  }, 3)
  .option("-q, --quiet", "no progress on stderr")
  .action(exitOnError(recordCommand));

program
  .command("verify")
  .description("hold the simulator to the real kernel: run sim and a real engine (or read the golden files) and diff every step")
  .argument("<labs...>", "lab files")
  .addOption(realEngineOption("the real kernel to compare with"))
  .option("--golden", "compare with the recorded golden files instead of running a kernel")
  .option("--golden-dir <dir>", "where the golden files are", GOLDEN_DIR)
  .option("-q, --quiet", "no progress on stderr")
  .addHelpText(
    "after",
    `
Outputs are normalised first: clock and round-trip times, ICMP ids, work-file paths, and
MACs the kernel chose at random (mapped to <mac1>, <mac2>, ... in order of appearance).
Matrix cells a golden file marks unstable are not compared. Exit 1 on any difference.

Examples:
  ipvlab verify --golden test/labs/core/*.lab.yaml
  ipvlab verify examples/macvlan-bridge.lab.yaml --engine host`,
  )
  .action(exitOnError((files: string[], flags: { engine: "uml" | "host"; golden?: boolean; goldenDir: string; quiet?: boolean }) => verifyCommand(files, flags)));

// Every command that runs a lab takes the limit flags; record runs real engines only.
const LIMITED: Record<string, "all" | "output"> = { run: "all", trace: "all", matrix: "all", diagram: "all", report: "all", verify: "all", record: "output" };
for (const c of program.commands) {
  const which = LIMITED[c.name()];
  if (which) withLimits(c, which).addHelpText("after", limitsHelp(which));
}
program.addHelpText("after", limitsHelp("all"));
program.hook("preAction", (_program, action) => applyLimitFlags(action.opts()));

try {
  await program.parseAsync();
} catch (e) {
  const { code, message } = exitFor(e);
  if (message) process.stderr.write(message + "\n");
  process.exitCode = code;
}

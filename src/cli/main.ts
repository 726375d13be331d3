#!/usr/bin/env node
import { Argument, Command, InvalidArgumentError, Option } from "commander";
import type { RunFlags } from "./run.js";
import { watching, watchOption } from "./watch.js";
import { addCompletion } from "./completion.js";
import type { ImportFlags } from "./import.js";
import type { RecordFlags } from "./record.js";
import type { ExportFlags } from "./export.js";
import type { VerifyFlags } from "./verify.js";
import type { FuzzFlags } from "./fuzz.js";
import type { TraceFlags } from "./trace.js";
import type { FixFlags } from "./fix.js";
import type { MatrixFlags } from "./matrix.js";
import type { DiagramFlags } from "./diagram.js";
import type { ReportFlags } from "./report.js";
import type { ServeFlags } from "./serve.js";
import type { SnapshotFlags } from "./snapshot.js";
import { DEFAULT_BUDGET, DEFAULT_PORT } from "./defaults.js";
import { ENGINE_NAMES, DEFAULT_ENGINE } from "../engines/names.js";
import { version } from "../paths.js";
import { EXIT_CODES_HELP, exitFor, exitOnError } from "./errors.js";
import { GOLDEN_DIR } from "../golden/dir.js";
import { kernelOption } from "./kernel-flag.js";
import { KERNEL_RELEASES, type KernelName } from "../engines/real/kernels.js";
import { applyLimitFlags, limitsHelp, withLimits } from "./limits.js";
import { parseShard } from "./shard.js";
import { refuseColour } from "./style.js";

// Each command's code (the simulator, the engines, the lab loader) is imported
// when the command runs: --help, --version and a tab press load none of it.
const ENGINE_HELP =
  "sim: the simulated Linux network stack, in-process, milliseconds; uml: a real Linux kernel (6.1, or 6.12 with --kernel) in User-Mode Linux (no root); host: this machine's kernel, in namespaces (root)";
const engineOption = () => new Option("-e, --engine <engine>", ENGINE_HELP).choices([...ENGINE_NAMES]).default(DEFAULT_ENGINE);
const shardOption = () =>
  new Option("--shard <K/N>", "only shard K of N of the labs (K from 1 to N): the lab files sorted by path relative to the working directory, dealt out in turn; for CI jobs in parallel").argParser(parseShard);
const junitOption = () => new Option("--junit <file>", "also write the results as JUnit XML: one test suite per lab, a test case for the lab and one per step");
const jobsOption = (auto = false) => {
  const what = "run N User-Mode Linux kernels at once, each booted once for its part of the labs (results in the labs' order)";
  const o = new Option("-j, --jobs <n>", auto ? `${what} (default: on uml two per CPU and one more, at most 8 and what free memory holds; else 1)` : what).argParser((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError("a whole number from 1 to 64");
    return n;
  });
  return auto ? o : o.default(1);
};
const realEngineOption = (what: string) =>
  new Option("-e, --engine <engine>", `${what}: uml (a Linux kernel in User-Mode Linux, 6.1 unless --kernel says, no root) or host (this machine's kernel, in namespaces, root)`)
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
  ipvlab run examples/macvlan-bridge.lab.yaml            a lab in the simulator (the default engine)
  ipvlab run examples/seed-ipvlan-l2.lab.yaml --engine uml   the seed lab, on a real kernel under UML
  ipvlab run examples/seed-ipvlan-l2.lab.yaml --engine uml --kernel 6.12   the same on Linux 6.12
  ipvlab doctor                                          what this machine can run, and what to install
  ipvlab kernels install 6.12                            get Linux 6.12 for --engine uml (into ~/.cache/ipvlab)
  ipvlab run examples/seed-ipvlan-l2.lab.yaml --json     the same as one LabResult in JSON
  ipvlab verify --golden examples/*.lab.yaml             hold the simulator to recorded real-kernel results
  ipvlab check examples/*.lab.yaml                       validate labs without running them
  ipvlab record examples/*.lab.yaml                      record golden results into test/golden/`,
  );

program
  .command("run")
  .description("run a lab and report every step, every matrix and what tcpdump saw")
  .argument("<labs...>", "*.lab.yaml files or shell scripts: several run in turn, one report each, and exit with the worst code")
  .addOption(engineOption())
  .option("--json", "print one LabResult as JSON on stdout (progress stays on stderr); several labs: an array of them")
  .option("--pcap <dir>", "also write each capture as a pcap file under DIR/<lab>/")
  .addOption(kernelOption())
  .option("-q, --quiet", "no progress on stderr")
  .addHelpText(
    "after",
    `
A check passes when its command's exit code matches expect (ok = 0, fail = anything else).
A matrix pings every pair of addresses in different namespaces at once (what ping -c 1 -I FROM TO
does, each cell waiting 900 ms for its answer; with link-local: true on the step, also every
pair of link-locals, -I FROM%DEV TO%DEV).
Without --engine the lab runs in the simulator; a lab that uses what the simulator does not
model yet (ipvtap, macvtap, IPv6's multicast listings) runs on uml
instead, and says so.

Examples:
  ipvlab run examples/seed-ipvlan-l2.lab.yaml --engine uml --pcap /tmp/caps
  ipvlab run examples/seed-ipvlan-l2.lab.yaml --engine uml --kernel 6.12   (after ipvlab kernels install 6.12)
  ipvlab run examples/seed-ipvlan-l2.lab.yaml --kernel 6.12                 the simulator, behaving as 6.12`,
  )
  .addOption(watchOption())
  .action(exitOnError((files: string[], flags: RunFlags, cmd: Command) => watching(files, flags.watch, async () => (await import("./run-labs.js")).runLabsCommand(files, { ...flags, engineDefaulted: cmd.getOptionValueSource("engine") === "default" }))));

program
  .command("trace")
  .description("run one command in the simulated lab and show every kernel decision it causes, in order, with a verdict")
  .argument("<lab>", "a *.lab.yaml file or a shell script")
  .option("--on <host>", "the lab host to run the command on")
  .option("--run <command>", "the command, as you would type it on that host")
  .option("--from <host[/netns]>", "instead of --on/--run: ping (or arping) from this host or namespace (a namespace alone when one host has it, as a container in a snapshot)")
  .option("--to <address>", "the address --from pings")
  .option("--arp", "with --from: arping instead of ping")
  .option("--after <step>", "trace in the state after this step: its number (as `ipvlab run` numbers the lab's steps, from 1) or its name; default (or 0): right after the hosts' setup")
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
  ipvlab trace examples/seed-ipvlan-l2.lab.yaml --from vm02/ns01 --to 172.16.91.14 --after 3
  ipvlab trace examples/seed-ipvlan-l3.lab.yaml --from vm01 --to 172.16.91.101 --arp --json
  ipvlab trace examples/seed-ipvlan-l2.lab.yaml --from vm02/ns01 --to 172.16.91.14 --pcap /tmp/ns01-14`,
  )
  .addOption(watchOption())
  .action(exitOnError((file: string, flags: TraceFlags & { watch?: boolean }) => watching([file], flags.watch, async () => (await import("./trace.js")).traceCommand(file, flags))));

program
  .command("fix")
  .description("find the smallest changes that make a failing check or ping succeed: tried on the simulated lab, shown as a diff of the lab file, proven on a real kernel with --verify")
  .argument("<lab>", "a *.lab.yaml file or a shell script")
  .option("--check <name>", "the check to make succeed (default: the first check the lab does not meet)")
  .option("--from <host[/netns]>", "instead: make a ping from this host or namespace succeed")
  .option("--to <address>", "the address --from pings")
  .option("--after <step>", "with --from/--to: in the state after this step (its number or its name); default: right after the hosts' setup")
  .option("--json", "the goal, what was tried and the suggestions as JSON")
  .option("--verify", "run the lab with the best suggestion on a real kernel (--engine) and say whether it agrees")
  .addOption(realEngineOption("with --verify, the real kernel").default("uml"))
  .option("--budget <n>", "pairs of changes to try at most when no single change works", (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("a whole number, 0 or more");
    return n;
  }, DEFAULT_BUDGET)
  .option("-q, --quiet", "no progress on stderr")
  .addHelpText(
    "after",
    `
The lab runs once in the simulator up to the check; the world there is recorded, and every
change the catalogue proposes for it (a link up, an address or prefix, host routes through a
device or a host-side ipvlan/macvlan slave, a port's mode, rp_filter, arp_ignore, proxy_arp,
ip_forward, a hairpin switch, a neighbour entry, an MTU) is tried on a copy of it. The cheapest
that work are written into the lab file and the whole lab is run again: a suggestion is shown
only when the goal is met there too, with every check or matrix cell it turns red.
Exit codes: 0 a fix found (and with --verify, the kernel agrees), 1 none found (or the kernel
disagrees), 2 bad usage, 3 the engine for --verify cannot run here.

Examples:
  ipvlab fix examples/seed-ipvlan-l2.lab.yaml --from vm02/ns01 --to 172.16.91.14
  ipvlab fix my.lab.yaml --check "ns01 reaches the gateway"
  ipvlab fix examples/seed-ipvlan-l2.lab.yaml --from vm02/ns01 --to 172.16.91.14 --verify`,
  )
  .action(exitOnError(async (file: string, flags: FixFlags) => (await import("./fix.js")).fixCommand(file, flags)));

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
A cell is what \`ping -c 1 -I FROM TO\` does in FROM's namespace, all cells at once, each
waiting 900 ms for its answer. A failed cell's
reason comes from running its ping again, alone, in the state just before the matrix, with
the kernel trace on (see \`ipvlab trace\`).

Examples:
  ipvlab matrix examples/seed-ipvlan-l2.lab.yaml
  ipvlab matrix examples/seed-ipvlan-l3.lab.yaml --markdown
  ipvlab matrix examples/seed-ipvlan-l2.lab.yaml --after "the note's host routes" --json`,
  )
  .addOption(watchOption())
  .action(exitOnError((file: string, flags: MatrixFlags & { watch?: boolean }) => watching([file], flags.watch, async () => (await import("./matrix.js")).matrixCommand(file, flags))));

program
  .command("diagram")
  .description("draw the lab: hosts, their namespaces, devices with addresses (IPv6 ones as `ip -6 addr` lists them, link-locals left out), what each slave is stacked on, the networks")
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
  .action(exitOnError(async (file: string, flags: DiagramFlags) => (await import("./diagram.js")).diagramCommand(file, flags)));

program
  .command("report")
  .description("one Markdown document: each lab's narrative, diagram, checks with outputs, why each failure failed, matrices")
  .argument("<labs...>", "lab files")
  .addOption(new Option("-e, --engine <engine>", "also run a real kernel and say where the simulator differs: uml or host").choices(["uml", "host"]))
  .addOption(kernelOption())
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
    --engine uml -o docs/seed-report.md
  ipvlab report examples/seed-ipvlan-l2.lab.yaml --engine uml --kernel 6.12 -o seed-l2-6.12.md`,
  )
  .action(exitOnError(async (files: string[], flags: ReportFlags) => (await import("./report.js")).reportCommand(files, flags)));

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
  .action(exitOnError(async (file: string | undefined, flags: ServeFlags) => (await import("./serve.js")).serveCommand(file, flags)));

program
  .command("snapshot")
  .description("read this machine's network state (read only) and write a lab that rebuilds it")
  .option("-o, --out <file>", "write the lab there instead of to stdout")
  .option("--json", "print the lab, the namespaces, the stand-in hosts, what was not captured and the raw readings as JSON")
  .option("--name <host>", "the lab host that is the machine (default: its hostname)")
  .option("--ipv6", "rebuild the IPv6 addresses and routes too (without it the lab's devices have only the link-locals IPv6 gives them)")
  .addOption(new Option("--scope <scope>", "machine: every process's namespace; uts: only those of processes in this UTS namespace (inside a lab host of a real engine)").choices(["machine", "uts"]).default("machine"))
  .option("--from <file>", "build the lab from the reader's saved output (assets/snapshot.sh > FILE) instead of reading this machine; - for stdin")
  .option("--lab <lab>", "instead of this machine: run LAB on a real engine and read its host --on HOST from inside, after its last step (or --after STEP)")
  .option("--on <host>", "with --lab: the lab host to read (default: the lab's only host)")
  .option("--after <step>", "with --lab: read after this step (its number or its name), not after the last")
  .addOption(new Option("-e, --engine <engine>", "with --lab: the real kernel to run it on").choices(["uml", "host"]).default("uml"))
  .option("-q, --quiet", "with --lab: no progress on stderr")
  .addHelpText(
    "after",
    `
What is read, and how: \`ip -j -d\` link, addr, route show table all, rule and neigh; \`bridge -j\`
link and fdb; \`tc -j qdisc\`; /proc/sys/net. Every network namespace: the root, the named ones
in /run/netns, and the unnamed ones of running processes (containers), found through
/proc/PID/ns/net and entered with nsenter --net, named after the container when Docker,
Podman or containerd's files say so, else after the process (comm-pid). Nothing is written.

The lab: the machine is one lab host whose run script rebuilds every namespace, device
(veth, bridge, macvlan, ipvlan, vlan, dummy, with mode, MAC, MTU, master, flags),
address, route, rule, neighbour entry, static FDB entry and forwarding sysctl
(ip_forward, rp_filter, arp_ignore, arp_announce, arp_filter, proxy_arp, ...); its NICs
are lab interfaces, each on a network; the gateway and the neighbours it knows are
stand-in hosts with the MACs and addresses it saw. What is not rebuilt (netfilter, tc,
tunnels, IPv6, ...) is listed in the lab's header and on stderr, with the reason.

Examples:
  ipvlab snapshot -o this-machine.lab.yaml
  ipvlab trace this-machine.lab.yaml --from CONTAINER --to 192.0.2.1
  bash assets/snapshot.sh > readings.json && ipvlab snapshot --from readings.json
  ipvlab snapshot --lab examples/seed-ipvlan-l2.lab.yaml --on vm02 -o snap.lab.yaml   (a lab host on uml)`,
  )
  .action(exitOnError(async (flags: SnapshotFlags) => (await import("./snapshot.js")).snapshotCommand(flags)));

program
  .command("check")
  .description("validate labs: every mistake with file:line:col, nothing is run")
  .argument("<labs...>", "lab files")
  .action(exitOnError(async (files: string[]) => (await import("./check.js")).checkCommand(files)));

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
  .action(exitOnError(async (file: string, flags: ImportFlags) => (await import("./import.js")).importCommand(file, flags)));

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
  .action(exitOnError(async (file: string, flags: ExportFlags) => (await import("./export.js")).exportCommand(file, flags)));

program
  .command("record")
  .description("run labs on a real kernel and write test/golden/<lab name>.json, the truth the simulator is held to")
  .argument("<labs...>", "lab files (one kernel boot for all of them)")
  .addOption(realEngineOption("the real kernel to record"))
  .addOption(kernelOption())
  .option("-o, --out <dir>", `where to write the golden files (default ${GOLDEN_DIR}, or ${GOLDEN_DIR}/RELEASE with --kernel RELEASE other than 6.1)`)
  .option("-r, --runs <n>", "run every lab N times; answers that differ between runs are marked unstable and not held against anyone", (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 10) throw new InvalidArgumentError("a whole number from 1 to 10");
    return n;
  }, 3)
  .addOption(shardOption())
  .addOption(junitOption())
  .addOption(jobsOption())
  .option("-q, --quiet", "no progress on stderr")
  .addHelpText(
    "after",
    `
Examples:
  ipvlab record examples/*.lab.yaml                         test/golden/<lab>.json, on Linux 6.1
  ipvlab record my-labs/*.lab.yaml -o my-golden
  ipvlab record examples/*.lab.yaml --kernel 6.12          test/golden/6.12/<lab>.json, on Linux 6.12
  ipvlab record my-labs/*.lab.yaml -o my-golden --shard 2/4 --jobs 2 --junit reports/record-2.xml`,
  )
  .action(exitOnError(async (files: string[], flags: RecordFlags) => (await import("./record.js")).recordCommand(files, flags)));

program
  .command("verify")
  .description("hold the simulator to the real kernel: run sim and a real engine (or read the golden files) and diff every step")
  .argument("<labs...>", "lab files")
  .addOption(realEngineOption("the real kernel to compare with"))
  .addOption(kernelOption())
  .option("--golden", "compare with the recorded golden files instead of running a kernel")
  .option("--golden-dir <dir>", `where the golden files are (default ./${GOLDEN_DIR}, or ./${GOLDEN_DIR}/RELEASE with --kernel RELEASE other than 6.1, when there is one; else the golden files ipvlab ships with its examples)`)
  .addOption(shardOption())
  .addOption(junitOption())
  .addOption(jobsOption())
  .option("-q, --quiet", "no progress on stderr")
  .addHelpText(
    "after",
    `
Outputs are normalised first: clock and round-trip times, ICMP ids, work-file paths, and
MACs the kernel chose at random (mapped to <mac1>, <mac2>, ... in order of appearance).
Matrix cells a golden file marks unstable are not compared. Exit 1 on any difference.
The simulator behaves as the release it is compared with (where 6.1 and 6.12 differ,
docs/kernel-releases.md).

Examples:
  ipvlab verify --golden examples/*.lab.yaml              against the golden files ipvlab ships (or ./test/golden)
  ipvlab verify --golden --golden-dir my-golden my-labs/*.lab.yaml
  ipvlab verify --golden --kernel 6.12 examples/*.lab.yaml    against test/golden/6.12
  ipvlab verify examples/*.lab.yaml --engine uml --kernel 6.12
  ipvlab verify examples/macvlan-bridge.lab.yaml --engine host
  ipvlab verify my-labs/*.lab.yaml --engine uml --shard 1/4 --jobs 2 --junit reports/verify-1.xml`,
  )
  .action(exitOnError(async (files: string[], flags: VerifyFlags) => (await import("./verify.js")).verifyCommand(files, flags)));

const wholeNumber = (min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`a whole number from ${min} to ${max}`);
  return n;
};

program
  .command("fuzz")
  .description("random labs of what people build (hosts, ipvlan/macvlan slaves, VLANs, veths, bridges, namespaces, routes, sysctls, pings, arpings, listings, captures) on sim and a real kernel; every difference shrunk to a minimal lab")
  .option("-s, --seed <n>", "the seed: the same seed makes the same labs (default: a random one, printed)", wholeNumber(0, 0x7fffffff))
  .option("-n, --count <n>", "how many labs", wholeNumber(1, 1_000_000), 100)
  .addOption(realEngineOption("the real kernel to compare with"))
  .addOption(kernelOption())
  .option("-o, --out <dir>", "where each difference's minimal lab (<name>.lab.yaml, both answers as comments) and its results (<name>.json) go", "fuzz-out")
  .addOption(new Option("--shard <K/N>", "only shard K of N of the labs: lab i goes to shard (i mod N) + 1; for CI jobs in parallel").argParser(parseShard))
  .addOption(junitOption())
  .option("--json", "print the summary as JSON (the labs that did not agree, with what differed)")
  .option("--batch <n>", "labs per round of kernel boots (each of --jobs kernels boots once a round; default 40 per kernel)", wholeNumber(1, 10_000))
  .addOption(jobsOption(true))
  .option("--shrink-rounds <n>", "rounds (each a run of the kernels) the shrinker may take per difference", wholeNumber(0, 1000), 15)
  .option("-q, --quiet", "no progress on stderr")
  .addHelpText(
    "after",
    `
Lab i of seed S is always the same lab, whatever --count or --shard. Each lab runs on the
real kernel (many labs per boot) and in the simulator, compared as \`verify\` compares them.
A difference is run once more on the kernel; one the kernel does not repeat is counted as
unstable. One the simulator loses when its steps start 100-500 ms after the one before (not
its fixed 300 ms: the real driver's process starts vary that) is counted as timing, written
to --out unshrunk. Every other is shrunk (delta debugging over hosts, setup lines and steps)
to a lab that still differs, written to --out; all differences are shrunk at once, each
round's candidates of all of them in one run of the --jobs kernels.
Exit 1 when any lab differs, is refused by the simulator or could not run.

Examples:
  ipvlab fuzz --seed 1 --count 200
  ipvlab fuzz --seed 1 --count 2000 --engine uml
  ipvlab fuzz --seed 1 --count 2000 --shard 2/4 --junit reports/fuzz-2.xml -o fuzz-out
  ipvlab verify fuzz-out/fuzz-1-17.lab.yaml --engine uml`,
  )
  .action(exitOnError(async (flags: FuzzFlags) => (await import("./fuzz.js")).fuzzCommand(flags)));

program
  .command("doctor")
  .description("what this machine can run: each engine and kernel release, the AMX fix, root, the host kernel's device types, missing tools, and the commands that install them")
  .option("--json", "the same as JSON")
  .addHelpText(
    "after",
    `
Exit 0 when the default engine (sim) works and at least one real kernel does (uml with
some release, or host); otherwise 1. A missing tool that only some labs call (nc,
traceroute, ...) is listed with its package but does not make doctor fail.

Examples:
  ipvlab doctor
  ipvlab doctor --json | jq '.engines[] | select(.works | not)'`,
  )
  .action(exitOnError(async (flags: { json?: boolean }) => (await import("./doctor.js")).doctorCommand(flags)));

const kernels = program
  .command("kernels")
  .description("list the Linux releases --engine uml can boot here (--kernel picks one), installed or not")
  .option("--json", "the list as JSON")
  .addHelpText(
    "after",
    `
6.1 is the machine's own Debian package user-mode-linux (apt-get install -y user-mode-linux).
6.12 is Debian 13's, which \`ipvlab kernels install 6.12\` puts in the user's cache
($XDG_CACHE_HOME or ~/.cache, under ipvlab/kernels/6.12) with the C library it needs.

Examples:
  ipvlab kernels
  ipvlab kernels install 6.12
  ipvlab run examples/seed-ipvlan-l2.lab.yaml --engine uml --kernel 6.12`,
  )
  .action(exitOnError(async (flags: { json?: boolean }) => (await import("./kernels.js")).kernelsCommand(flags)));

kernels
  .command("install")
  .description("download a release's User-Mode Linux from Debian into the user's cache (the machine's apt sources stay as they are)")
  .addArgument(new Argument("<release>", "the release").choices([...KERNEL_RELEASES]))
  .option("--mirror <url>", "the Debian mirror to download from (default: the one this machine's apt sources name, else http://deb.debian.org/debian)")
  .option("--force", "install it again, over the copy already there")
  .option("-q, --quiet", "no progress on stderr")
  .addHelpText(
    "after",
    `
It reads the package list of the Debian suite that ships the release (6.12: trixie) with apt,
downloads its user-mode-linux and libc6 packages (about 40 MB), unpacks them, points linux.uml
at that libc with patchelf, and checks that it starts. It needs apt-get, dpkg-deb and patchelf
(apt-get install -y patchelf); no root. The machine's own apt sources and packages stay untouched.

Examples:
  ipvlab kernels install 6.12
  ipvlab kernels install 6.12 --mirror http://ftp.de.debian.org/debian`,
  )
  .action(exitOnError(async (release: KernelName, flags: { mirror?: string; force?: boolean; quiet?: boolean }) => (await import("./kernels.js")).kernelsInstallCommand(release, flags)));

addCompletion(program);

// Every command that runs a lab takes the limit flags; record runs real engines only.
const LIMITED: Record<string, "all" | "output"> = { run: "all", trace: "all", fix: "all", matrix: "all", diagram: "all", report: "all", verify: "all", record: "output" };
for (const c of program.commands) {
  const which = LIMITED[c.name()];
  if (which) withLimits(c, which).addHelpText("after", limitsHelp(which));
}
program.addHelpText("after", limitsHelp("all"));
program.option("--no-color", "plain text: no colour even on a terminal (NO_COLOR=1 says the same)");
program.hook("preAction", (_program, action) => {
  applyLimitFlags(action.opts());
  if (program.opts<{ color?: boolean }>().color === false) refuseColour();
});

// A reader that stops early (`ipvlab ... | head`) closes the pipe: end quietly, as a Unix tool does, not with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    process.exit(process.exitCode ?? 0);
  });
}

try {
  await program.parseAsync();
} catch (e) {
  const { code, message } = exitFor(e);
  if (message) process.stderr.write(message + "\n");
  process.exitCode = code;
}

/** Public shapes of the lab API. */

/** Connection info of one lab VM: everything an SSH client needs, as plain JSON. */
export interface LabVmInfo {
  /** Hostname inside the VM, e.g. "lab0-vm1". */
  name: string;
  /** Lab name and VM number: the VM's identity for vmRemove / vmExec. */
  lab: string;
  vm: number;
  /** Where to connect: the VM's lab IP, port 22. */
  host: string;
  port: number;
  users: { root: string; sudo: string };
  privateKeyPath: string;
  /** OpenSSH-format ed25519 private key text (lab-only key). */
  privateKey: string;
  /** "ssh-ed25519 AAAA..." without comment. */
  hostPublicKey: string;
  /** "SHA256:..." as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint: string;
  /** The VM's network namespace name in the root namespace. */
  netns: string;
  lanIp: string;
}

export interface LabOptions {
  /** Lab name ([a-z0-9-], <= 12 chars); default `lab<index>`. */
  name?: string;
  /** Picks subnet 10.250.<index>.0/24 and interface names; default 0. */
  index?: number;
  /**
   * Profile `hardened`: inside every VM, FORWARD policy DROP and net.bridge.bridge-nf-call-iptables=1
   * (a host with Docker, ufw or a hardened image). Default false. Fixed when the lab is created.
   */
  hardened?: boolean;
  /**
   * Routed topology: VMs spread round-robin over this many LAN subnets (10.250.<index+s>.0/24),
   * joined by a router namespace (10.250.<index+s>.254) that forwards between them. Nodes on
   * different subnets share no L2 segment. Default 1 (one subnet, no router).
   */
  subnets?: number;
}

export interface LabUpOptions extends LabOptions {
  nodes: number;
}

export interface Lab {
  name: string;
  index: number;
  stateDir: string;
  bridge: string;
  subnet: string;
  gateway: string;
  /** Every LAN subnet of the lab (one unless routed). */
  subnets: string[];
  /** The router's address on each subnet (routed labs only). */
  routerIps: string[];
  hardened: boolean;
  privateKeyPath: string;
  vms: LabVmInfo[];
}

export interface LabVmStatus {
  info: LabVmInfo;
  /** sshd pid alive (and still the VM's sshd). */
  running: boolean;
  /** The VM's sshd answered with an SSH banner. */
  sshReady: boolean;
  pid: number | null;
}

export interface LabStatus {
  name: string;
  exists: boolean;
  index: number | null;
  bridge: string | null;
  /** Bridge link present in the root namespace. */
  bridgeUp: boolean;
  vms: LabVmStatus[];
}

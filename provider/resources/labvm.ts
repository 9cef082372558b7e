import { z } from "zod";
import { compact, type DynamicProvider } from "../resource";
import { toFailures, type CheckFailure } from "../validate/errors";
import { containsUnknown } from "../validate/unknown";
import { labStatus, vmAdd, vmRemove, type LabVmInfo } from "../lab";

/**
 * LabVm: provisions one emulated VM of the local lab (a network namespace with its
 * own mount namespace and a real sshd) on the machine running Pulumi, as root.
 * It stands where a user's cloud VM resource would: its outputs feed `connection`.
 * Written out rather than through `defineResource`, deliberately: it has no `connection` (it
 * works on the local machine, not over SSH), so defineResource's connection handling, host-scoped
 * IDs and refusal parsing do not apply. It follows the same contract: check names the property,
 * unknowns pass through, every input replaces, delete is idempotent (vmRemove), read tells the truth.
 */
const schema = z.object({
  lab: z.string().regex(/^[a-z0-9][a-z0-9-]{0,11}$/, "lab must be 1-12 characters of [a-z0-9-]").default("demo"),
  index: z.number().int().min(0).max(254, "index picks the lab subnet 10.250.<index>.0/24: 0-254").default(0),
  vm: z.number().int("vm must be a whole number").min(1, "vm must be 1-200").max(200, "vm must be 1-200"),
});
type LabVmInputs = z.output<typeof schema>;

function outputsOf(info: LabVmInfo) {
  return {
    host: info.host,
    port: info.port,
    user: info.users.root,
    sudoUser: info.users.sudo,
    privateKey: info.privateKey,
    hostKey: info.hostPublicKey,
    hostKeyFingerprint: info.hostKeyFingerprint,
    hostname: info.name,
    lanIp: info.lanIp,
  };
}

export const labVmProvider: DynamicProvider = {
  async check(_olds, news) {
    if (containsUnknown(news)) return { inputs: news, failures: [] };
    const { __provider: _p, ...rest } = news;
    const r = schema.strict().safeParse(rest);
    const failures: CheckFailure[] = r.success
      ? []
      : r.error.issues.flatMap((i) =>
          i.code === "unrecognized_keys"
            ? i.keys.map((k) => ({ property: k, reason: `LabVm.${k}: unknown property; expected one of lab, index, vm` }))
            : toFailures("LabVm", [i]),
        );
    return { inputs: r.success ? compact(r.data) : news, failures };
  },
  async diff(_id, olds, news) {
    const replaces = (["lab", "index", "vm"] as const).filter((k) => olds[k] !== news[k]);
    // No update for a changed `__provider` text alone (unlike defineResource): in a preview an update
    // makes LabVm's outputs unknown, which would show every resource on the VM as replaced. A LabVm
    // keeps the text it was created with; earlier texts still find labVmProvider in the core.
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: true };
  },
  async create(inputs) {
    const i = inputs as unknown as LabVmInputs;
    const info = await vmAdd({ name: i.lab, index: i.index }, i.vm);
    return { id: `lab/${i.lab}/vm${i.vm}`, outs: { ...inputs, ...outputsOf(info) } };
  },
  async read(id, props) {
    const i = props as unknown as LabVmInputs;
    const vm = (await labStatus(i.lab)).vms.find((v) => v.info.vm === i.vm);
    if (!vm?.running) return { id: "", props: {} };
    return { id, props: { ...props, ...outputsOf(vm.info) } };
  },
  async update() {
    throw new Error("LabVm has no in-place updates"); // diff replaces on every change
  },
  async delete(_id, props) {
    const i = props as unknown as LabVmInputs;
    await vmRemove(i.lab, i.vm);
  },
};

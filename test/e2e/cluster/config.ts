import type { ClusterArgs } from "../../../sdk";

/** What the cluster test program builds (config `cluster`, a JSON string). */
export interface ClusterTestConfig {
  lab: string;
  args: Omit<ClusterArgs, "nodes">;
  nodes: Array<{ name: string; vm: number; subnet?: string; lanIp?: string; namespaces: Array<{ name: string; address: string }> }>;
}

/**
 * `pulumi-netns/lab`: VMs of the local lab, for demos and tests. LabVm provisions on the
 * machine running Pulumi and needs root there, so it is kept out of the main entry point.
 */
export * from "./labvm";

/** The loader Pulumi's dynamic provider host uses for serialized providers (a dependency of @pulumi/pulumi). */
declare module "require-from-string" {
  function requireFromString(code: string, filename?: string): any;
  export = requireFromString;
}

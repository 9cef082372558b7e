/** Bad input to `pulumi-netns graph`: the CLI prints the message as one line and exits 1. */
export class GraphInputError extends Error {
  constructor(message: string) {
    super(message.replace(/\s*\n\s*/g, " "));
    this.name = "GraphInputError";
  }
}

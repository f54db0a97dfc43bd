/** A mistake on the command line: one line on stderr, exit code 2, and a pointer to the help. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    /** The help to point at: `lethe <helpFor> --help`. */
    readonly helpFor?: string,
  ) {
    super(message);
  }
}

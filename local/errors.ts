/** A start-up failure with a message a person can act on; main.ts prints it without a stack trace. */
export class LocalStartError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'LocalStartError';
  }
}

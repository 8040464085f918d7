/** A command's failure with the exit status Docker uses for it (125 engine, 126/127 container exec…). */
export class StatusError extends Error {
  constructor(readonly exitCode: number, message = '') { super(message); }
}

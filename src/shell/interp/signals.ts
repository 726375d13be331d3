/* Control flow that unwinds through the interpreter's recursion. */

export class BreakSignal {
  constructor(public levels: number) {}
}

export class ContinueSignal {
  constructor(public levels: number) {}
}

export class ReturnSignal {
  constructor(readonly status: number) {}
}

export class ExitSignal {
  constructor(readonly status: number) {}
}

/** An error k6 raises from Go code: k6 prints it as `GoError: …` (the script sees `e.message`). */
export class GoError extends Error {}
GoError.prototype.name = 'GoError';

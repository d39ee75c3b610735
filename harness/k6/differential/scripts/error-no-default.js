// A script without a default function (and no scenario exec): exit 104 or 107.
export const options = { iterations: 1 };
export function other() {}

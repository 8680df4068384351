import { hashText } from "./random.js";

/** A seed from the command line: a whole number is used as it is; any other text is hashed, so words work too. */
export function simulationSeed(text: string): number {
  return /^\d{1,10}$/.test(text) && Number(text) <= 0xffffffff ? Number(text) : hashText(text);
}

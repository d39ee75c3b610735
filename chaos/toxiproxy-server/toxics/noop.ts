import { NoopToxic, type ToxicType } from './toxic';

/** Passes everything through unchanged (Toxiproxy's `noop`, used to test the toxic plumbing). */
export const NoopToxicType: ToxicType<Record<string, never>> = {
  type: 'noop',
  defaults: {},
  create: () => NoopToxic,
};

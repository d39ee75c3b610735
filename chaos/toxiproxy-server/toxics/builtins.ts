import { BandwidthToxic } from './bandwidth';
import { LatencyToxic } from './latency';
import { LimitDataToxic } from './limit-data';
import { NoopToxicType } from './noop';
import { ResetPeerToxic } from './reset-peer';
import { SlicerToxic } from './slicer';
import { SlowCloseToxic } from './slow-close';
import { TimeoutToxic } from './timeout';
import { ToxicRegistry } from './registry';

/** Every toxic Toxiproxy 2.x ships, registered in one place. */
export function builtinToxics(): ToxicRegistry {
  return new ToxicRegistry()
    .register(LatencyToxic)
    .register(BandwidthToxic)
    .register(SlowCloseToxic)
    .register(TimeoutToxic)
    .register(ResetPeerToxic)
    .register(SlicerToxic)
    .register(LimitDataToxic)
    .register(NoopToxicType);
}

export { Rational } from './rational';
export { ExecutionSegment, ExecutionTuple, SegmentedIndex, StripedSequence, equalSegments, fillSequence, parseExecutionSegmentSequence, sequenceToString, stripedIndices } from './execution-segment';

export * from './reconciler';
export { timeoutScheduler, animationFrameScheduler } from './batcher';

import assert from 'node:assert/strict';
import { AsyncDisposableStack } from './async-disposable-stack';

describe('AsyncDisposableStack', () => {
  it('disposes in reverse order and only once', async () => {
    const order: string[] = [];
    const stack = new AsyncDisposableStack();
    stack.defer(() => void order.push('a'));
    stack.defer(async () => void order.push('b'));
    await Promise.all([stack.disposeAsync(), stack.disposeAsync()]);
    await stack.disposeAsync();
    assert.deepEqual(order, ['b', 'a']);
  });

  it('keeps going past failures and reports all of them', async () => {
    const order: string[] = [];
    const stack = new AsyncDisposableStack();
    stack.defer(() => void order.push('first'));
    stack.defer(() => {
      throw new Error('x');
    });
    stack.defer(() => {
      throw new Error('y');
    });
    await assert.rejects(stack.disposeAsync(), (e: unknown) => e instanceof AggregateError && e.errors.length === 2);
    assert.deepEqual(order, ['first']);
  });

  it('disposes objects registered with use()', async () => {
    let closed = false;
    const stack = new AsyncDisposableStack();
    stack.use({ [Symbol.asyncDispose]: async () => void (closed = true) });
    await stack.disposeAsync();
    assert.equal(closed, true);
  });
});

import { jest } from '@jest/globals';
import { type ClusterMessage, MessageType } from 'socket.io-adapter';
import { broadcastLocallyWhenAlone } from '#src/modules/chat/realtime-adapter.js';

/** The wrapper around a fake cluster adapter, with a clock and a server count the test sets. */
function harness() {
  const state = { now: 1_000_000, servers: 1 };
  const fake = {
    serverCount: () => Promise.resolve(state.servers),
    doPublish: jest.fn((_: ClusterMessage) => Promise.resolve('published')),
    onMessage: jest.fn(),
  };
  const Adapter = broadcastLocallyWhenAlone((() => fake) as never, { aloneAfterMs: 60_000, now: () => state.now });
  const adapter = new (Adapter as unknown as new (nsp: unknown) => typeof fake)({});
  const broadcast = () => adapter.doPublish({ type: MessageType.BROADCAST } as ClusterMessage);
  const at = (seconds: number, servers = state.servers) => {
    state.now = 1_000_000 + seconds * 1000;
    state.servers = servers;
  };
  return { adapter, broadcast, at };
}

describe('broadcastLocallyWhenAlone', () => {
  it('publishes for the first 60 s after the start, then keeps broadcasts local while alone', async () => {
    const { broadcast, at } = harness();
    at(59);
    expect(await broadcast()).toBe('published');
    at(60);
    expect(await broadcast()).toBe('');
  });

  it('publishes for 60 s after another instance was last counted', async () => {
    const { broadcast, at } = harness();
    at(100, 2);
    expect(await broadcast()).toBe('published');
    at(110, 1); // the peer stalled past the heartbeat timeout and was dropped
    expect(await broadcast()).toBe('published');
    at(159);
    expect(await broadcast()).toBe('published');
    at(160);
    expect(await broadcast()).toBe('');
  });

  it('counts any message from another instance as a sighting, even between broadcasts', async () => {
    const { adapter, broadcast, at } = harness();
    at(200);
    adapter.onMessage({ type: MessageType.HEARTBEAT } as ClusterMessage);
    at(250);
    expect(await broadcast()).toBe('published');
    at(260);
    expect(await broadcast()).toBe('');
  });

  it('always publishes cluster messages that are not broadcasts', async () => {
    const { adapter, at } = harness();
    at(500);
    expect(await adapter.doPublish({ type: MessageType.DISCONNECT_SOCKETS } as ClusterMessage)).toBe('published');
  });
});

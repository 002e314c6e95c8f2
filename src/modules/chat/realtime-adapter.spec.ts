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
    broadcast: jest.fn((_packet: unknown, _opts: { rooms: Set<string> }) => Promise.resolve()),
    rooms: new Map<string, Set<string>>(),
    sids: new Map<string, Set<string>>(),
  };
  // The wrapper replaces the adapter's own broadcast: keep hold of it.
  const broadcastHere = fake.broadcast;
  const Adapter = broadcastLocallyWhenAlone((() => fake) as never, { aloneAfterMs: 60_000, now: () => state.now });
  const adapter = new (Adapter as unknown as new (nsp: unknown) => typeof fake)({});
  const broadcast = () => adapter.doPublish({ type: MessageType.BROADCAST } as ClusterMessage);
  const at = (seconds: number, servers = state.servers) => {
    state.now = 1_000_000 + seconds * 1000;
    state.servers = servers;
  };
  /** Sends a packet to rooms through the wrapper; whether it reached the adapter's own broadcast. */
  const send = async (rooms: string[]) => {
    broadcastHere.mockClear();
    await adapter.broadcast({ type: 2, data: ['ticket:created', {}] }, { rooms: new Set(rooms) });
    return broadcastHere.mock.calls.length === 1;
  };
  const join = (sid: string, room: string) => {
    fake.rooms.set(room, new Set([sid]));
    fake.sids.set(sid, new Set([room]));
  };
  return { adapter, broadcast, at, send, join };
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

  it('drops a broadcast that no one here would receive once alone, and passes on every other', async () => {
    const { send, join, at } = harness();
    at(59);
    expect(await send(['agents'])).toBe(true); // another instance may still have agents
    at(60);
    expect(await send(['agents'])).toBe(false);
    expect(await send([])).toBe(false); // everyone: no one connected here
    join('socket-1', 'agents');
    expect(await send(['agents'])).toBe(true);
    expect(await send(['user:7', 'agents'])).toBe(true);
    expect(await send(['user:7'])).toBe(false);
    expect(await send([])).toBe(true);
  });

  it('passes every broadcast on for 60 s after another instance was heard from', async () => {
    const { adapter, send, at } = harness();
    at(300);
    adapter.onMessage({ type: MessageType.HEARTBEAT } as ClusterMessage);
    at(359);
    expect(await send(['agents'])).toBe(true);
    at(360);
    expect(await send(['agents'])).toBe(false);
  });
});

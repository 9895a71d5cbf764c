import type { ServerResponse } from "node:http";
import { type StreamEvent, toFrame } from "./events";

export type Connection = { userId: string; res: ServerResponse };

/**
 * The live connections of this instance. Events are serialised once and the same frame is
 * written to every connection allowed to see it.
 */
export class Hub {
  private readonly connections = new Set<Connection>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(heartbeatMs = 15_000) {
    // Proxies and mobile networks drop idle streams; a heartbeat keeps them open and lets the
    // client notice a dead one.
    this.heartbeat = setInterval(() => this.broadcast({ type: "heartbeat", serverTime: new Date().toISOString() }), heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.connections.size;
  }

  add(connection: Connection): () => void {
    this.connections.add(connection);
    return () => this.connections.delete(connection);
  }

  broadcast(event: StreamEvent, filter: (connection: Connection) => boolean = () => true): void {
    const frame = toFrame(event);
    for (const connection of this.connections) {
      if (filter(connection)) connection.res.write(frame);
    }
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const connection of this.connections) connection.res.end();
    this.connections.clear();
  }
}

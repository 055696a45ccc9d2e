/**
 * A tiny authoritative DNS server on 127.0.0.1 (UDP, port 0) for the DNS discovery tests, built on
 * `dns-packet`: it answers from a zone the test edits while it runs, NXDOMAIN for unknown names,
 * and can be told to stay silent (a DNS outage). No real DNS traffic ever leaves the test.
 */
import { createSocket, type Socket } from "node:dgram";
import * as dnsPacket from "dns-packet";

/** A record the zone holds; `data` as dns-packet writes it. */
export type ZoneRecord =
  | { readonly type: "A" | "AAAA"; readonly data: string }
  | { readonly type: "SRV"; readonly data: { port: number; target: string; priority?: number; weight?: number } };

/** A running test DNS server. */
export class TestDnsServer {
  /** Records per lower-case name. */
  readonly zone = new Map<string, ZoneRecord[]>();
  /** While true, queries are dropped (the resolver times out). */
  silent = false;
  /** Questions received, as `TYPE name`. */
  readonly questions: string[] = [];
  readonly #socket: Socket;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("message", (message, peer) => this.#answer(message, peer.address, peer.port));
  }

  /** Starts a server on a free loopback port. */
  static async start(): Promise<TestDnsServer> {
    const socket = createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    return new TestDnsServer(socket);
  }

  /** `127.0.0.1:<port>`, for `Resolver.setServers` or `server=`. */
  get address(): string {
    return `127.0.0.1:${this.#socket.address().port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }

  #answer(message: Buffer, host: string, port: number): void {
    let query: dnsPacket.DecodedPacket;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return;
    }
    const [question] = query.questions ?? [];
    if (!question) return;
    this.questions.push(`${question.type} ${question.name}`);
    if (this.silent) return;
    const records = this.zone.get(question.name.toLowerCase());
    const answers = (records ?? [])
      .filter((record) => record.type === question.type)
      .map((record) => ({ name: question.name, type: record.type, class: "IN", ttl: 5, data: record.data }) as dnsPacket.Answer);
    const NXDOMAIN = 3;
    const response = dnsPacket.encode({
      type: "response",
      id: query.id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | (records ? 0 : NXDOMAIN),
      questions: [question],
      answers,
    });
    this.#socket.send(response, port, host);
  }
}

// Your implementation of ecommerce.order.v1.OrderService. gen-svc wrote this file once and will
// not overwrite it.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import {
  BadRequestSchema,
  Code,
  PreconditionFailureSchema,
  ServiceError,
  packDetail,
  type CallContext,
} from "gen-svc/runtime";
import {
  OrderSchema,
  PricedLineSchema,
  QuoteSchema,
  type CartLine,
  type GetOrderRequest,
  type Order,
  type PlaceOrderRequest,
  type PricedLine,
  type Quote,
  type QuoteOrderRequest,
} from "../gen/pb/ecommerce/order/v1/order_pb.js";
import type { Product } from "../gen/pb/ecommerce/product/v1/product_pb.js";
import type { OrderService } from "../gen/order/service.js";
import type { ProductClient } from "../gen/product/grpc-client.js";

/**
 * What the order service needs of the product service. The generated `ProductClient` (or
 * `ProductHttpClient`) has it, over one address or over every instance the registry knows
 * (`connect(...)` in main.ts).
 */
export type ProductCatalogue = Pick<ProductClient, "getProductById">;

/** Implements `ecommerce.order.v1.OrderService`: prices carts with the product service, keeps orders in memory. */
export class OrderHandler implements OrderService {
  readonly #products: ProductCatalogue;
  readonly #orders = new Map<string, Order>();
  readonly #byRequestId = new Map<string, Order>();

  constructor(products: ProductCatalogue) {
    this.#products = products;
  }

  /**
   * Prices a cart against the current catalogue without placing an order: every line's product
   * is looked up in the product service. Fails with NOT_FOUND for an unknown product and
   * FAILED_PRECONDITION when a line asks for more than is in stock.
   */
  async quoteOrder(request: QuoteOrderRequest, ctx: CallContext): Promise<Quote> {
    return this.#quote(request.lines, ctx);
  }

  /**
   * Places an order for a cart, priced as QuoteOrder prices it. Placing the same request_id
   * twice returns the first order instead of placing a second one.
   */
  async placeOrder(request: PlaceOrderRequest, ctx: CallContext): Promise<Order> {
    if (request.requestId === "") throw badRequest([{ field: "request_id", description: "must not be empty" }]);
    const placed = this.#byRequestId.get(request.requestId);
    if (placed) return placed;
    const quote = await this.#quote(request.lines, ctx);
    // Checked again after the awaits: a retry of the same request may have placed it meanwhile.
    const raced = this.#byRequestId.get(request.requestId);
    if (raced) return raced;
    const order = create(OrderSchema, { id: `o-${this.#orders.size + 1}`, quote, createdAt: timestampNow() });
    this.#orders.set(order.id, order);
    this.#byRequestId.set(request.requestId, order);
    return order;
  }

  /**
   * Returns one order, or NOT_FOUND.
   */
  async getOrder(request: GetOrderRequest, _ctx: CallContext): Promise<MessageInitShape<typeof OrderSchema>> {
    const order = this.#orders.get(request.id);
    if (!order) throw new ServiceError(Code.NOT_FOUND, `order "${request.id}" not found`);
    return order;
  }

  /** Looks every line's product up (in parallel, under the caller's deadline) and prices the cart. */
  async #quote(lines: readonly CartLine[], ctx: CallContext): Promise<Quote> {
    checkLines(lines);
    const products = await Promise.all(lines.map((line) => this.#products.getProductById({ id: line.productId }, { parent: ctx })));
    const priced = lines.map((line, i) => priceLine(line, products[i]!));
    const currencies = new Set(priced.map((line) => line.product?.currency ?? ""));
    if (currencies.size > 1) {
      throw new ServiceError(Code.FAILED_PRECONDITION, `the cart mixes currencies (${[...currencies].join(", ")})`);
    }
    return create(QuoteSchema, {
      lines: priced,
      totalCents: priced.reduce((sum, line) => sum + line.lineTotalCents, 0n),
      currency: [...currencies][0] ?? "",
    });
  }
}

/** A cart needs lines, each with a product id and a positive quantity; every problem is listed. */
function checkLines(lines: readonly CartLine[]): void {
  const problems: Array<{ field: string; description: string }> = [];
  if (lines.length === 0) problems.push({ field: "lines", description: "a cart needs at least one line" });
  lines.forEach((line, i) => {
    if (line.productId === "") problems.push({ field: `lines[${i}].product_id`, description: "must not be empty" });
    if (line.quantity < 1) problems.push({ field: `lines[${i}].quantity`, description: `must be at least 1, got ${line.quantity}` });
  });
  if (problems.length > 0) throw badRequest(problems);
}

function priceLine(line: CartLine, product: Product): PricedLine {
  if (line.quantity > product.stock) {
    throw new ServiceError(Code.FAILED_PRECONDITION, `only ${product.stock} of "${product.id}" in stock, ${line.quantity} asked`, {
      details: [packDetail(PreconditionFailureSchema, { violations: [{ type: "STOCK", subject: `products/${product.id}`, description: `${product.stock} in stock` }] })],
    });
  }
  return create(PricedLineSchema, { product, quantity: line.quantity, lineTotalCents: product.priceCents * BigInt(line.quantity) });
}

function badRequest(violations: Array<{ field: string; description: string }>): ServiceError {
  return new ServiceError(Code.INVALID_ARGUMENT, `invalid cart: ${violations.map((v) => `${v.field} ${v.description}`).join("; ")}`, {
    details: [packDetail(BadRequestSchema, { fieldViolations: violations })],
  });
}

// Your implementation of ecommerce.order.v1.OrderService. gen-svc wrote this file once and will
// not overwrite it.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { Code, ServiceError, type CallContext } from "gen-svc/runtime";
import { mixedCurrenciesError, outOfStockError, unknownProductError } from "../gen/errors.js";
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

  /**
   * Looks every line's product up (in parallel, under the caller's deadline) and prices the cart.
   * The lines are valid already: the contract's buf.validate rules are checked before a handler runs.
   */
  async #quote(lines: readonly CartLine[], ctx: CallContext): Promise<Quote> {
    const products = await Promise.all(lines.map((line) => this.#product(line.productId, ctx)));
    const priced = lines.map((line, i) => priceLine(line, products[i]!));
    const currencies = new Set(priced.map((line) => line.product?.currency ?? ""));
    if (currencies.size > 1) throw mixedCurrenciesError({ currencies: [...currencies].join(",") });
    return create(QuoteSchema, {
      lines: priced,
      totalCents: priced.reduce((sum, line) => sum + line.lineTotalCents, 0n),
      currency: [...currencies][0] ?? "",
    });
  }

  /** The product, or this service's own UNKNOWN_PRODUCT error for the product service's NOT_FOUND. */
  async #product(id: string, ctx: CallContext): Promise<Product> {
    try {
      return await this.#products.getProductById({ id }, { parent: ctx });
    } catch (error) {
      if (error instanceof ServiceError && error.code === Code.NOT_FOUND) throw unknownProductError({ productId: id }, { message: `product "${id}" not found` });
      throw error;
    }
  }
}

function priceLine(line: CartLine, product: Product): PricedLine {
  if (line.quantity > product.stock) {
    throw outOfStockError(
      { productId: product.id, available: String(product.stock) },
      { message: `only ${product.stock} of "${product.id}" in stock, ${line.quantity} asked` },
    );
  }
  return create(PricedLineSchema, { product, quantity: line.quantity, lineTotalCents: product.priceCents * BigInt(line.quantity) });
}

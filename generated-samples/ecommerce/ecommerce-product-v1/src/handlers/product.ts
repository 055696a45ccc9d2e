// Your implementation of ecommerce.product.v1.ProductService. gen-svc wrote this file once and will
// not overwrite it.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ResourceInfoSchema, ServiceError, packDetail, type CallContext } from "gen-svc/runtime";
import {
  ProductSchema,
  type GetAllProductsRequest,
  type GetAllProductsResponseSchema,
  type GetProductByIdRequest,
  type Product,
} from "../gen/pb/ecommerce/product/v1/product_pb.js";
import type { ProductService } from "../gen/product/service.js";

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;

/** A small catalogue so the sample answers something real. */
export function sampleCatalogue(): Product[] {
  const createdAt = timestampFromDate(new Date("2026-01-15T09:30:00Z"));
  return [
    { id: "p-1001", name: "Espresso cup", description: "Porcelain, 80 ml", priceCents: 900n, currency: "EUR", stock: 120 },
    { id: "p-1002", name: "Moka pot", description: "Aluminium, 6 cups", priceCents: 3450n, currency: "EUR", stock: 35 },
    { id: "p-1003", name: "Burr grinder", description: "Hand-cranked, ceramic burrs", priceCents: 5900n, currency: "EUR", stock: 12 },
    { id: "p-1004", name: "Coffee beans", description: "1 kg, medium roast", priceCents: 2400n, currency: "EUR", stock: 300 },
  ].map((init) => create(ProductSchema, { ...init, createdAt }));
}

/** Implements `ecommerce.product.v1.ProductService` over an in-memory catalogue. */
export class ProductHandler implements ProductService {
  readonly #products: readonly Product[];

  constructor(products: readonly Product[] = sampleCatalogue()) {
    this.#products = products;
  }

  /**
   * Lists every product, a page at a time.
   */
  async getAllProducts(
    request: GetAllProductsRequest,
    _ctx: CallContext,
  ): Promise<MessageInitShape<typeof GetAllProductsResponseSchema>> {
    if (request.pageSize < 0) {
      throw new ServiceError(Code.INVALID_ARGUMENT, "page_size must not be negative");
    }
    const size = Math.min(request.pageSize || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const start = decodePageToken(request.pageToken);
    const products = this.#products.slice(start, start + size);
    const next = start + products.length;
    return { products, nextPageToken: next < this.#products.length ? String(next) : "" };
  }

  /**
   * Returns one product, or NOT_FOUND.
   */
  async getProductById(request: GetProductByIdRequest, _ctx: CallContext): Promise<Product> {
    const product = this.#products.find((p) => p.id === request.id);
    if (!product) {
      throw new ServiceError(Code.NOT_FOUND, `product "${request.id}" not found`, {
        details: [packDetail(ResourceInfoSchema, { resourceType: "ecommerce.product.v1.Product", resourceName: request.id })],
      });
    }
    return product;
  }
}

/** Page tokens are offsets; anything else is the caller's mistake. */
function decodePageToken(token: string): number {
  if (token === "") return 0;
  const offset = Number(token);
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new ServiceError(Code.INVALID_ARGUMENT, `invalid page_token "${token}"`);
  }
  return offset;
}

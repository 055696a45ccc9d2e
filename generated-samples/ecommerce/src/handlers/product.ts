// Your implementation of ecommerce.product.v1.ProductService. gen-svc wrote this file once and will not overwrite it.
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ServiceError, type CallContext } from "gen-svc/runtime";
import type {
  GetAllProductsRequest,
  GetAllProductsResponseSchema,
  GetProductByIdRequest,
  ProductSchema,
} from "../gen/pb/ecommerce/product/v1/product_pb.js";
import type { ProductService } from "../gen/product/service.js";

/** Implements `ecommerce.product.v1.ProductService`. Methods answer UNIMPLEMENTED until you write them. */
export class ProductHandler implements ProductService {
  /**
   * Lists every product, a page at a time.
   */
  async getAllProducts(
    request: GetAllProductsRequest,
    ctx: CallContext,
  ): Promise<MessageInitShape<typeof GetAllProductsResponseSchema>> {
    throw new ServiceError(
      Code.UNIMPLEMENTED,
      "ecommerce.product.v1.ProductService.GetAllProducts is not implemented yet",
    );
  }

  /**
   * Returns one product, or NOT_FOUND.
   */
  async getProductById(
    request: GetProductByIdRequest,
    ctx: CallContext,
  ): Promise<MessageInitShape<typeof ProductSchema>> {
    throw new ServiceError(
      Code.UNIMPLEMENTED,
      "ecommerce.product.v1.ProductService.GetProductById is not implemented yet",
    );
  }
}

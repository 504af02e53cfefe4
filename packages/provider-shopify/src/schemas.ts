import { z } from 'zod';

// Light schemas for common Shopify webhook topics (REST JSON payloads). Objects are loose: Shopify
// sends far more fields than are required here, and every one is kept. Only what identifies the
// resource and what a listener usually reads is required.

// Shopify ids are 64-bit integers: Shopify's own sample payloads carry ids above 2^53
// (order 820982911946154508), which JSON.parse rounds but which are still whole numbers. zod's
// .int() refuses anything above Number.MAX_SAFE_INTEGER, so the check is Number.isInteger.
const id = z.number().refine(Number.isInteger, { message: 'expected an integer id' });
const money = z.string(); // Shopify sends decimal amounts as strings ("19.99")

/** A line item of an order (loose). */
const lineItem = z.looseObject({
  id,
  title: z.string(),
  quantity: z.number().int(),
  price: money,
  sku: z.string().nullable().optional(),
  product_id: id.nullable().optional(),
  variant_id: id.nullable().optional(),
});

/** An order, as `orders/*` topics send it. */
export const shopifyOrder = z.looseObject({
  id,
  admin_graphql_api_id: z.string().optional(),
  name: z.string(),
  email: z.string().nullable().optional(),
  created_at: z.string(),
  updated_at: z.string().optional(),
  currency: z.string(),
  total_price: money,
  subtotal_price: money.optional(),
  financial_status: z.string().nullable().optional(),
  fulfillment_status: z.string().nullable().optional(),
  cancelled_at: z.string().nullable().optional(),
  line_items: z.array(lineItem),
  customer: z.looseObject({ id, email: z.string().nullable().optional() }).nullable().optional(),
});

/** A product, as `products/create` and `products/update` send it. */
export const shopifyProduct = z.looseObject({
  id,
  admin_graphql_api_id: z.string().optional(),
  title: z.string(),
  handle: z.string().optional(),
  status: z.string().optional(),
  vendor: z.string().optional(),
  updated_at: z.string().optional(),
  variants: z.array(z.looseObject({ id, price: money, sku: z.string().nullable().optional() })).optional(),
});

/** A customer, as `customers/create` and `customers/update` send it. */
export const shopifyCustomer = z.looseObject({
  id,
  email: z.string().nullable().optional(),
  first_name: z.string().nullable().optional(),
  last_name: z.string().nullable().optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
});

const complianceCustomer = z.looseObject({ id, email: z.string().nullable().optional(), phone: z.string().nullable().optional() });

/** Topic (the `X-Shopify-Topic` value) → schema. */
export const shopifyTopics = {
  'orders/create': shopifyOrder,
  'orders/updated': shopifyOrder,
  'orders/paid': shopifyOrder,
  'orders/cancelled': shopifyOrder,
  'orders/fulfilled': shopifyOrder,
  'products/create': shopifyProduct,
  'products/update': shopifyProduct,
  'products/delete': z.looseObject({ id }),
  'customers/create': shopifyCustomer,
  'customers/update': shopifyCustomer,
  'app/uninstalled': z.looseObject({ id, name: z.string().optional(), domain: z.string().optional(), myshopify_domain: z.string().optional() }),
  // The mandatory compliance topics every public app must handle.
  'customers/data_request': z.looseObject({
    shop_id: id,
    shop_domain: z.string(),
    customer: complianceCustomer,
    orders_requested: z.array(id),
    data_request: z.looseObject({ id }).optional(),
  }),
  'customers/redact': z.looseObject({ shop_id: id, shop_domain: z.string(), customer: complianceCustomer, orders_to_redact: z.array(id) }),
  'shop/redact': z.looseObject({ shop_id: id, shop_domain: z.string() }),
} as const;

/** A topic Hookgate types (`orders/create`, …). */
export type ShopifyTopic = keyof typeof shopifyTopics;
/** An `orders/*` payload. */
export type ShopifyOrder = z.output<typeof shopifyOrder>;
/** A `products/create` / `products/update` payload. */
export type ShopifyProduct = z.output<typeof shopifyProduct>;
/** A `customers/create` / `customers/update` payload. */
export type ShopifyCustomer = z.output<typeof shopifyCustomer>;

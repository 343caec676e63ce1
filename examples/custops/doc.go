// Package custops is a customer-operations multi-agent workflow: for each
// ticket of a support queue a router classifies it, a researcher looks it
// up with a retrieval tool (search_kb) and asks the knowledge base, an
// order checker asks for the order's status, a writer drafts the reply, a
// reviewer approves it and a translator puts it into the customer's
// language — 50–100 LLM calls per run across OpenAI, Anthropic and Gemini
// through their real Go SDKs, each wired through instrumentation.
//
// VariantWasteful carries the waste real teams ship, so Kaizen has
// something to find: frontier models for classification and translation,
// the same knowledge-base question asked twice in other words, the whole
// product catalog pasted into the reviewer's request, a large static
// system prompt re-sent without cache_control, a timestamp at the head of
// the writer's system prompt (which breaks automatic prompt caching), the
// writer's full conversation history re-sent every turn, a retry after a
// reply truncated at a too-small max_tokens, and an order-status polling
// loop. VariantOptimized applies each fix. At list prices
// (pricing.Default) a wasteful run costs about $3.40 and an optimized one
// about $1.00.
package custops

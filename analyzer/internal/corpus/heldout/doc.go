// Package heldout generates the second, independent labeled corpus the
// detectors are measured on (issue 14): written apart from the rules and
// from package corpus's generator, with its own wording pools, domains and
// builder. It plants every waste shape seen in real multi-agent runs —
// context pasted into the request (CSV, JSON, XML and table dumps),
// retrieved passages of which the answer uses one, a brief pasted into
// several agents' prompts, tool results re-sent on later turns,
// near-identical requests with differently sampled answers, model overkill,
// uncached stable prefixes, truncation and error retries, polling loops,
// the same question asked again in other words over the same material by
// one agent or two (labeled semantic: only the Gemini path can see it) —
// each with its planted waste in dollars, a near-miss for each (the data
// used, another question in the same template, the same question over
// other data, cached prefixes, zero-cost rate limits, hard tasks, one
// wording asked with other values or two questions about the same things),
// clean runs, and runs whose content is shaped as the processor stores
// OpenInference and OpenLLMetry spans (system prompt as the first input
// message, one part per message, or the legacy {"role","content"} shape).
//
// Token counts are the tokenizer's (package tokencount), with non-OpenAI
// models counted 12 % higher, as their own tokenizers do on English text;
// costs come from the price table. Thresholds are chosen on the first
// corpus only: this one is reported separately (corpus TestAccuracy).
package heldout

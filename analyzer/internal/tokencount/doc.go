// Package tokencount counts the tokens of prompt text with a real BPE
// tokenizer (github.com/tiktoken-go/tokenizer, vocabularies embedded, no
// network), so the detectors' removable tokens, block sizes and prefix
// lengths match what removing or caching the text would really save.
//
// OpenAI-family models are counted with their own encoding: o200k_base
// for gpt-4o, gpt-4.1, gpt-5, o1/o3/o4 and chatgpt-4o, cl100k_base for
// gpt-4, gpt-3.5 and the ada-002/text-embedding-3 embeddings. Other
// providers (Anthropic, Gemini, …) publish no offline tokenizer: their
// text is counted with o200k_base as an approximation (a modern 200k BPE
// vocabulary; on English prose and JSON it is within about 10–20 % of
// Claude's and Gemini's counts), and callers scale every count to the
// call's reported input tokens (Scale), which removes most of the
// systematic difference.
package tokencount

// Package corpus generates the labeled corpus the detectors are measured
// against: deterministic (seeded) synthetic multi-agent runs with realistic
// OTel GenAI semconv content, token counts consistent with that content and
// costs priced with internal/domain/pricing, with planted waste of every type and
// clean near-misses (similar but different questions, large contexts the
// answer uses, expensive models on hard reasoning tasks, prefixes already
// read from the prompt cache, zero-cost rate-limit retries, conversations
// whose history is still needed).
//
// Generate builds the corpus; Encode/Decode (de)serialize it (the frozen
// copy lives in testdata/corpus.json.gz); Evaluate measures precision and
// recall per finding type of detect.Run followed by verify.Verify; Large
// builds a big run for benchmarks.
//
// # Matching findings to labels
//
// A verified finding is a true positive when a label of its type in the
// same run covers at least half of the finding's calls. A label is found
// (recall) when the findings of its type that match it cover at least
// half of its calls. Semantic labels (a question asked again in other
// words, which offline rules cannot see) are counted apart: not in recall
// or the planted dollars, yet a finding on one is a true positive.
package corpus

// Package gemini asks a Gemini model to judge one workflow run for waste the
// deterministic detectors cannot see (semantic sameness, task difficulty,
// unused context).
//
// One GenerateContent request carries a system instruction defining the
// waste taxonomy (run.Types), the run rendered as compact text (Render:
// calls numbered #1…#N, the span tree, tokens, cost, content with repeated
// blocks replaced by references and oversized bodies elided with explicit
// markers), the detectors' candidates as hints, the candidate pairs of
// calls the offline redundancy rule could not decide (detect.CandidatePairs:
// same instructions, similar context, other wording — each marked reworded,
// same template with other values, same question over other data, or
// another question) for Gemini to judge as paraphrases — optionally
// (WithEmbeddings) re-ranked and filtered by the cosine similarity of the
// questions' Gemini embeddings, one batchEmbedContents request before the
// long-context call — and a ResponseSchema so the answer is JSON findings.
// Findings come back with Source gemini and no trusted savings: the
// verifier recomputes every saving from the price table (a redundant_call
// saves the later calls' cost, budgeted once against the detectors'
// findings).
//
// The client is google.golang.org/genai: the Gemini API with GEMINI_API_KEY
// (or GOOGLE_API_KEY), or Vertex AI through the SDK's environment
// (GOOGLE_GENAI_USE_VERTEXAI, GOOGLE_CLOUD_PROJECT, GOOGLE_CLOUD_LOCATION).
// HTTP 429 and 5xx answers are retried with exponential backoff, honouring
// Retry-After, inside one overall timeout. A Client may run several
// analyses at once: each Result counts only its own HTTP requests
// (Attempts), the counter travelling in the request's context.
package gemini

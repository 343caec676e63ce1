// Package fingerprint computes deterministic fingerprints of LLM prompts so
// that redundant and near-duplicate calls can be found across traces.
//
//   - Canonical normalizes text (case, white space, volatile tokens such as
//     UUIDs, timestamps, long numbers, hex and random ids).
//   - Hash is the exact hash (XXH64) of canonical text; HashRaw hashes bytes
//     as given.
//   - SimHash is a 64-bit SimHash over word shingles of canonical text;
//     Hamming and NearDuplicate compare two of them against
//     NearDuplicateThreshold.
//   - FromAttributes reads gen_ai.system_instructions and
//     gen_ai.input.messages with genai.ParseMessages and returns every
//     fingerprint of a call in a Set: prompt hash, SimHash, system-prompt
//     hash and stable-prefix hash; Compute does the same for messages
//     already read.
//
// All algorithms are fixed (XXH64 with seed 0 for hashes; FNV-1a words and a
// fixed shingle mix for SimHash), so
// values are stable across processes, machines and versions; golden tests
// pin them. Fingerprints are written to span attributes as 16 lower-case hex
// digits (FormatHex or AppendHex / ParseHex).
package fingerprint

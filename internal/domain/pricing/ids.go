package pricing

import "strings"

// providerAliases maps provider spellings of the instrumentation dialects
// (OpenInference, OpenLLMetry, Vercel AI SDK, older semconv) to
// gen_ai.provider.name values.
var providerAliases = map[string]string{
	"openai": "openai", "azure": "azure.ai.openai", "azure_openai": "azure.ai.openai", "azure-openai": "azure.ai.openai",
	"anthropic": "anthropic", "google": "gcp.gemini", "gemini": "gcp.gemini", "google.generative-ai": "gcp.gemini",
	"google-genai": "gcp.gemini", "google_genai": "gcp.gemini", "vertex_ai": "gcp.vertex_ai", "vertexai": "gcp.vertex_ai",
	"google.vertex": "gcp.vertex_ai", "mistral": "mistral_ai", "mistralai": "mistral_ai", "xai": "x_ai", "grok": "x_ai",
	"bedrock": "aws.bedrock", "aws": "aws.bedrock", "amazon-bedrock": "aws.bedrock", "aws_bedrock": "aws.bedrock",
	"cohere": "cohere", "deepseek": "deepseek", "groq": "groq", "perplexity": "perplexity", "watsonx": "ibm.watsonx.ai",
}

// semconvProviders are gen_ai.provider.name values kept as they are.
var semconvProviders = []string{"gcp.gemini", "gcp.vertex_ai", "gcp.gen_ai", "azure.ai.openai", "azure.ai.inference",
	"aws.bedrock", "ibm.watsonx.ai", "mistral_ai", "x_ai"}

// CanonicalProvider maps a provider value as instrumentations report it
// ("OpenAI", "azure_openai", "vertexai", "mistral", Vercel's "openai.chat")
// to its OTel GenAI gen_ai.provider.name value ("openai",
// "azure.ai.openai", "gcp.vertex_ai", "mistral_ai"). Vercel-style
// "provider.api" ids are reduced to their first component; unknown values
// are returned lower-cased and trimmed. It names the provider a span
// reports, which is not always the provider whose prices apply (Azure
// OpenAI is priced as "openai"): Table.Resolve maps it to the table's
// provider through the table's provider aliases.
func CanonicalProvider(p string) string {
	l := normProvider(p)
	if v, ok := providerAliases[l]; ok {
		return v
	}
	for _, known := range semconvProviders {
		if l == known {
			return l
		}
	}
	if i := strings.IndexByte(l, '.'); i > 0 {
		if v, ok := providerAliases[l[:i]]; ok {
			if l[:i] == "google" && strings.HasPrefix(l, "google.vertex") {
				return "gcp.vertex_ai"
			}
			return v
		}
		if strings.HasPrefix(l, "azure") {
			return "azure.ai.openai"
		}
	}
	return l
}

// SameModel compares two reported model ids loosely, as the ids of one
// model call seen by two instrumentation layers: case-insensitive, without
// a provider path ("models/", "openai/"), and a dated snapshot or version
// of a model matches its base: "gpt-4o-2024-08-06" and
// "claude-sonnet-4-5-20250929" (a '-' then at least four digits),
// "claude-sonnet-4-5@20250929" or "…:0" (any '@' or ':' suffix).
// "gpt-4o-mini" is not "gpt-4o", nor "claude-sonnet-4-5" "claude-sonnet-4".
// Empty ids match nothing.
func SameModel(a, b string) bool {
	a, b = stripPath(normModel(a)), stripPath(normModel(b))
	if len(a) > len(b) {
		a, b = b, a
	}
	if a == "" || !strings.HasPrefix(b, a) {
		return false
	}
	if len(a) == len(b) {
		return true
	}
	switch rest := b[len(a)+1:]; b[len(a)] {
	case '@', ':':
		return true
	case '-':
		return len(rest) >= 4 && allDigits(rest[:4])
	}
	return false
}

// stripPath removes a resource or vendor path: everything up to the last
// '/' ("publishers/google/models/gemini-2.5-pro" → "gemini-2.5-pro").
func stripPath(m string) string {
	if i := strings.LastIndexByte(m, '/'); i >= 0 {
		return m[i+1:]
	}
	return m
}

package instrumentation

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/kaizenhq/kaizen/instrumentation/internal/anthropic"
	"github.com/kaizenhq/kaizen/instrumentation/internal/gemini"
	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"
	"github.com/kaizenhq/kaizen/instrumentation/internal/openai"
)

// endpoint is a recognized inference API call.
type endpoint struct {
	codec     llmcall.Codec
	operation string
	provider  string
	model     string // from the path (Gemini, Azure deployments)
	stream    bool   // from the path (Gemini streamGenerateContent)
}

// Provider names of the semantic conventions used by detection.
const (
	providerOpenAI    = "openai"
	providerAzure     = "azure.ai.openai"
	providerGemini    = "gcp.gemini"
	providerVertex    = "gcp.vertex_ai"
	providerAnthropic = "anthropic"
)

// hostProviders maps well-known API host name suffixes to
// gen_ai.provider.name.
var hostProviders = []struct{ host, provider string }{
	{"api.openai.com", providerOpenAI},
	{".openai.azure.com", providerAzure},
	{".cognitiveservices.azure.com", providerAzure},
	{".services.ai.azure.com", providerAzure},
	{"api.anthropic.com", providerAnthropic},
	{"generativelanguage.googleapis.com", providerGemini},
	{"aiplatform.googleapis.com", providerVertex},
	{"api.groq.com", "groq"},
	{"api.deepseek.com", "deepseek"},
	{"api.mistral.ai", "mistral_ai"},
	{"api.x.ai", "x_ai"},
	{"api.perplexity.ai", "perplexity"},
	{"api.cohere.com", "cohere"},
	{"openrouter.ai", "openrouter"},
	{"api.together.xyz", "together_ai"},
	{"api.fireworks.ai", "fireworks_ai"},
}

// detect recognizes an inference call by method, host and path.
func detect(req *http.Request, cfg *config) (endpoint, bool) {
	if req.Method != http.MethodPost || req.URL == nil {
		return endpoint{}, false
	}
	ep, ok := detectPath(req.URL.Path)
	if !ok {
		return endpoint{}, false
	}
	if p := providerForHost(req.URL.Host, cfg); p != "" {
		ep.provider = p
	}
	return ep, true
}

// detectPath recognizes the API from the URL path and sets the default
// provider of its family.
func detectPath(path string) (endpoint, bool) {
	if i := strings.LastIndex(path, "/models/"); i >= 0 {
		if model, method, ok := strings.Cut(path[i+len("/models/"):], ":"); ok && model != "" {
			ep := endpoint{codec: gemini.GenerateContent{}, model: model, provider: providerGemini}
			if strings.Contains(path, "/projects/") && strings.Contains(path, "/locations/") {
				ep.provider = providerVertex
			}
			switch method {
			case "generateContent":
				ep.operation = OperationGenerateContent
			case "streamGenerateContent":
				ep.operation, ep.stream = OperationGenerateContent, true
			case "embedContent":
				ep.operation, ep.codec = OperationEmbeddings, gemini.EmbedContent{}
			default:
				return endpoint{}, false
			}
			return ep, true
		}
	}
	path = strings.TrimSuffix(path, "/")
	if strings.HasSuffix(path, "/v1/messages") {
		return endpoint{codec: anthropic.Messages{}, operation: OperationChat, provider: providerAnthropic}, true
	}
	ep := endpoint{provider: providerOpenAI}
	switch {
	case strings.HasSuffix(path, "/chat/completions"):
		ep.codec, ep.operation = openai.Completions{Chat: true}, OperationChat
	case strings.HasSuffix(path, "/completions"):
		ep.codec, ep.operation = openai.Completions{}, OperationTextCompletion
	case strings.HasSuffix(path, "/embeddings"):
		ep.codec, ep.operation = openai.Embeddings{}, OperationEmbeddings
	case strings.HasSuffix(path, "/responses"):
		ep.codec, ep.operation = openai.Responses{}, OperationChat
	default:
		return endpoint{}, false
	}
	if _, rest, ok := strings.Cut(path, "/openai/deployments/"); ok {
		ep.provider = providerAzure
		ep.model, _, _ = strings.Cut(rest, "/")
	}
	return ep, true
}

// providerForHost returns the configured or well-known provider of host, or
// "" when the host is unknown.
func providerForHost(host string, cfg *config) string {
	host = strings.ToLower(host)
	name := hostname(host)
	if p, ok := cfg.providers[host]; ok {
		return p
	}
	if p, ok := cfg.providers[name]; ok {
		return p
	}
	for _, hp := range hostProviders {
		if strings.HasSuffix(name, hp.host) {
			return hp.provider
		}
	}
	return ""
}

// portColon returns the index of the colon before the port of host, or -1
// when host has no port (a bracketed IPv6 address alone has none).
func portColon(host string) int {
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		return i
	}
	return -1
}

// hostname strips the port from host.
func hostname(host string) string {
	if i := portColon(host); i >= 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// serverPort returns the port of the request URL, explicit or implied by
// the scheme.
func serverPort(host, scheme string) int {
	if i := portColon(host); i >= 0 {
		if p, err := strconv.Atoi(host[i+1:]); err == nil {
			return p
		}
	}
	if scheme == "http" {
		return 80
	}
	return 443
}

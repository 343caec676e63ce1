// Package dialect holds the attribute vocabularies of the GenAI
// instrumentations the kaizen processor reads (OTel GenAI semconv and its
// older versions, OpenLLMetry, OpenInference, OpenLIT, the Vercel AI SDK)
// as data: which attribute key carries which field of a call, and which
// dialect a key reveals.
package dialect

import "strings"

// Dialect is an instrumentation vocabulary (the value of kaizen.dialect).
type Dialect uint8

// The dialects, None for keys shared by several of them.
const (
	None Dialect = iota
	Semconv
	SemconvLegacy
	OpenLLMetry
	OpenInference
	OpenLIT
	Vercel
)

var names = [...]string{"", "semconv", "semconv_legacy", "openllmetry", "openinference", "openlit", "vercel_ai"}

func (d Dialect) String() string { return names[d] }

// Set is a set of dialects.
type Set uint8

// Add returns s with d in it (None adds nothing).
func (s Set) Add(d Dialect) Set {
	if d == None {
		return s
	}
	return s | 1<<d
}

// Has reports whether d is in s.
func (s Set) Has(d Dialect) bool { return s&(1<<d) != 0 }

// mostSpecific orders the dialects for Set.Main: framework dialects win
// over the semconv attributes they also emit.
var mostSpecific = [...]Dialect{OpenInference, Vercel, OpenLLMetry, OpenLIT, SemconvLegacy, Semconv}

// Main returns the most specific dialect of s, or None.
func (s Set) Main() Dialect {
	for _, d := range mostSpecific {
		if s.Has(d) {
			return d
		}
	}
	return None
}

// Field is the part of a call an attribute carries.
type Field uint8

// The fields. The token counts come first so that a token Field indexes
// an array of NumTokenFields counts.
const (
	InputTokens Field = iota
	OutputTokens
	CacheReadTokens
	CacheWriteTokens
	CacheWrite1hTokens
	ReasoningTokens
	NumTokenFields // not a field: the number of token fields

	Marker             // says only which dialect the span is in
	Operation          // operation name (first value wins, like every string field)
	OperationAlias     // a dialect's operation word, mapped by Operation
	Provider           // provider name, any spelling
	RequestModel       // requested model
	ResponseModel      // model that answered
	SystemInstructions // gen_ai.system_instructions JSON
	InputMessages      // gen_ai.input.messages JSON
	OutputMessages     // gen_ai.output.messages JSON
	FinishReasons      // finish reasons, a list or a JSON/comma list in a string
	Workflow           // workflow name
	Agent              // agent name
	Tool               // tool name
	ToolArguments      // tool call arguments
	ToolResult         // tool call result
	Batch              // bool: the call went through a batch API
	Stream             // bool (or "true"): the response was streamed
	ReportedCost       // the instrumentation's own cost of the call in USD
	OIInvocation       // OpenInference llm.invocation_parameters JSON (its "stream" says Stream)
	RawInput           // prompt in the dialect's shape (text or SDK message JSON)
	RawOutput          // completion in the dialect's shape
	EntityName         // OpenLLMetry entity: the workflow, agent or tool name of its span kind
	SpanKind           // OpenLLMetry traceloop.span.kind (workflow, agent, tool, …)
	OIKind             // OpenInference span kind (LLM, EMBEDDING, AGENT, …)
	OIInputValue       // OpenInference input.value: messages, or a tool's arguments
	OIOutputValue      // OpenInference output.value: messages, or a tool's result
	VercelOperation    // Vercel ai.operationId
	VercelOperationKey // operation.name: a Vercel operation when its value starts with "ai."
	VercelPrompt       // Vercel ai.prompt: {system, prompt, messages} JSON
	VercelMessages     // Vercel ai.prompt.messages, preferred over VercelPrompt
	VercelToolCalls    // Vercel ai.response.toolCalls JSON
	VercelFunctionID   // Vercel ai.telemetry.functionId: the agent name
)

// Attr is what one attribute key means.
type Attr struct {
	Field   Field
	Dialect Dialect
	// Alias marks a source key mapped to a canonical attribute of another
	// name: it is removed when original attributes are not kept.
	Alias bool
}

// Lookup returns what the attribute key k means in any dialect; ok is false
// for keys no dialect defines one by one (see Messages and Marks).
func Lookup(k string) (a Attr, ok bool) {
	a, ok = attrs[k]
	return a, ok
}

// Messages matches the flattened message keys (OpenLLMetry's
// gen_ai.prompt.N.…, OpenInference's llm.input_messages.N.message.…): it
// returns the rest of the key after the prefix, whether the messages are
// the call's output, and the dialect.
func Messages(k string) (rest string, output bool, d Dialect, ok bool) {
	for _, p := range messagePrefixes {
		if r, found := strings.CutPrefix(k, p.prefix); found {
			return r, p.output, p.dialect, true
		}
	}
	return "", false, None, false
}

// Marks returns the dialect revealed by a key that Lookup and Messages do
// not know, by its prefix, or None.
func Marks(k string) Dialect {
	for _, p := range markerPrefixes {
		if strings.HasPrefix(k, p.prefix) {
			return p.dialect
		}
	}
	return None
}

// CanonicalOperation maps a dialect's operation word (any case) to the
// gen_ai.operation.name value; ok is false for unknown words.
func CanonicalOperation(op string) (string, bool) {
	c, ok := operations[strings.ToLower(op)]
	return c, ok
}

// IsGenAIKey reports whether k belongs to a GenAI dialect: a span with no
// such key is not a GenAI span.
func IsGenAIKey(k string) bool {
	if k == "" {
		return false
	}
	// Every plain span runs this on each key: one prefix compare per key.
	p, ok := genAIPrefixes[k[0]]
	return ok && strings.HasPrefix(k, p)
}

// IsContent reports whether the attribute k carries prompt or completion
// text, in any dialect.
func IsContent(k string) bool {
	if contentKeys[k] {
		return true
	}
	for _, p := range flatContentPrefixes {
		if strings.HasPrefix(k, p) {
			return strings.HasSuffix(k, "content") || strings.HasSuffix(k, ".text") || strings.HasSuffix(k, "arguments")
		}
	}
	return false
}

// IsIdentifier reports whether k's values are identifiers from a small
// vocabulary (operation, provider, model, span kind), which cannot hold a
// secret.
func IsIdentifier(k string) bool { return identifierKeys[k] }

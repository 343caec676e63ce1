package instrumentation

// Fast decoders of the OpenAI-compatible bodies, the hot path of the
// transport (see jdec). Each fills the struct encoding/json would fill, with
// the same semantics (last key wins, nested objects merge, null resets
// pointers and slices and leaves other fields unchanged); each returns false
// when the body must be decoded with encoding/json instead. The field lists
// name every key of a struct, for the case-insensitive match check.

var (
	oaRequestFields  = []string{"model", "prompt", "max_tokens", "max_completion_tokens", "temperature", "top_p", "frequency_penalty", "presence_penalty", "seed", "n", "stop", "stream", "stream_options", "messages"}
	oaMessageFields  = []string{"role", "name", "content", "refusal", "reasoning_content", "tool_calls", "tool_call_id", "function_call"}
	oaToolCallFields = []string{"index", "id", "function"}
	oaFunctionFields = []string{"name", "arguments"}
	oaResponseFields = []string{"id", "model", "choices", "usage", "error"}
	oaChoiceFields   = []string{"index", "message", "delta", "text", "finish_reason"}
	oaUsageFields    = []string{"prompt_tokens", "completion_tokens", "prompt_cache_hit_tokens", "prompt_tokens_details", "completion_tokens_details"}
	eventErrorFields = []string{"type", "status", "message"}
)

// fastOARequest decodes an OpenAI chat or completions request into r; the
// messages are decoded only when withMessages is set (they are skipped, but
// validated, otherwise).
func fastOARequest(body []byte, r *oaRequestWithMessages, withMessages bool) bool {
	d := jdec{data: body}
	q := &r.oaRequest
	d.object(func(key []byte) {
		switch string(key) {
		case "model":
			d.str(&q.Model)
		case "prompt":
			q.Prompt = d.raw()
		case "max_tokens":
			d.int64Ptr(&q.MaxTokens)
		case "max_completion_tokens":
			d.int64Ptr(&q.MaxCompletionTokens)
		case "temperature":
			d.float64Ptr(&q.Temperature)
		case "top_p":
			d.float64Ptr(&q.TopP)
		case "frequency_penalty":
			d.float64Ptr(&q.FrequencyPenalty)
		case "presence_penalty":
			d.float64Ptr(&q.PresencePenalty)
		case "seed":
			d.int64Ptr(&q.Seed)
		case "n":
			d.int64Ptr(&q.N)
		case "stop":
			q.Stop = d.raw()
		case "stream":
			d.boolean(&q.Stream)
		case "stream_options":
			d.oaStreamOptions(q)
		case "messages":
			if !withMessages {
				d.skip()
				return
			}
			slice(&d, &r.Messages, nil, d.oaMessage)
		default:
			d.unknown(key, oaRequestFields)
		}
	})
	return d.end()
}

func (d *jdec) oaStreamOptions(q *oaRequest) {
	so := ptr(d, &q.StreamOptions)
	if so == nil {
		return
	}
	d.object(func(key []byte) {
		if string(key) != "include_usage" {
			d.unknown(key, []string{"include_usage"})
			return
		}
		if d.null() {
			so.IncludeUsage = nil
			return
		}
		var v bool
		if d.peek() != 't' && d.peek() != 'f' {
			d.bail()
			return
		}
		d.boolean(&v)
		so.IncludeUsage = &v
	})
}

func (d *jdec) oaMessage(m *oaMessage) {
	d.object(func(key []byte) {
		switch string(key) {
		case "role":
			d.str(&m.Role)
		case "name":
			d.str(&m.Name)
		case "content":
			if d.peek() != '"' {
				m.Content, m.plain = d.raw(), false
				return
			}
			start := d.pos
			_, special := d.stringBytes()
			m.Content, m.plain = d.data[start:d.pos:d.pos], !special
		case "refusal":
			d.str(&m.Refusal)
		case "reasoning_content":
			d.str(&m.ReasoningContent)
		case "tool_call_id":
			d.str(&m.ToolCallID)
		case "tool_calls":
			slice(d, &m.ToolCalls, nil, d.oaToolCall)
		case "function_call":
			if f := ptr(d, &m.FunctionCall); f != nil {
				d.oaFunction(f)
			}
		default:
			d.unknown(key, oaMessageFields)
		}
	})
}

func (d *jdec) oaToolCall(tc *oaToolCall) {
	d.object(func(key []byte) {
		switch string(key) {
		case "index":
			d.intVal(&tc.Index)
		case "id":
			d.str(&tc.ID)
		case "function":
			d.oaFunction(&tc.Function)
		default:
			d.unknown(key, oaToolCallFields)
		}
	})
}

func (d *jdec) oaFunction(f *oaFunction) {
	d.object(func(key []byte) {
		switch string(key) {
		case "name":
			d.str(&f.Name)
		case "arguments":
			d.str(&f.Arguments)
		default:
			d.unknown(key, oaFunctionFields)
		}
	})
}

// fastOAResponse decodes an OpenAI chat or completions response, or one
// stream chunk, into r.
func fastOAResponse(body []byte, r *oaResponse, scratch *decodeScratch) bool {
	d := jdec{data: body, scratch: scratch}
	if scratch != nil {
		scratch.used = 0
	}
	d.object(func(key []byte) {
		switch string(key) {
		case "id":
			d.str(&r.ID)
		case "model":
			d.str(&r.Model)
		case "choices":
			var reuse []oaChoice
			if d.scratch != nil {
				reuse = d.scratch.choices
			}
			slice(&d, &r.Choices, reuse, d.oaChoice)
			if d.scratch != nil && cap(r.Choices) > cap(d.scratch.choices) {
				d.scratch.choices = r.Choices
			}
		case "usage":
			if u := ptr(&d, &r.Usage); u != nil {
				d.oaUsage(u)
			}
		case "error":
			if e := ptr(&d, &r.Error); e != nil {
				d.eventError(e)
			}
		default:
			d.unknown(key, oaResponseFields)
		}
	})
	return d.end()
}

func (d *jdec) oaChoice(c *oaChoice) {
	d.object(func(key []byte) {
		switch string(key) {
		case "index":
			d.intVal(&c.Index)
		case "message":
			d.oaMessagePtr(&c.Message)
		case "delta":
			d.oaMessagePtr(&c.Delta)
		case "text":
			d.strPtr(&c.Text)
		case "finish_reason":
			d.str(&c.FinishReason)
		default:
			d.unknown(key, oaChoiceFields)
		}
	})
}

func (d *jdec) oaMessagePtr(dst **oaMessage) {
	if d.null() {
		*dst = nil
		return
	}
	if *dst == nil {
		*dst = d.newMessage()
	}
	d.oaMessage(*dst)
}

func (d *jdec) oaUsage(u *oaUsage) {
	d.object(func(key []byte) {
		switch string(key) {
		case "prompt_tokens":
			d.int64Ptr(&u.PromptTokens)
		case "completion_tokens":
			d.int64Ptr(&u.CompletionTokens)
		case "prompt_cache_hit_tokens":
			d.int64Ptr(&u.PromptCacheHit)
		case "prompt_tokens_details":
			if p := ptr(d, &u.PromptTokensDetails); p != nil {
				d.object(func(key []byte) { d.oneInt(key, "cached_tokens", &p.CachedTokens) })
			}
		case "completion_tokens_details":
			if c := ptr(d, &u.CompletionTokensDetails); c != nil {
				d.object(func(key []byte) { d.oneInt(key, "reasoning_tokens", &c.ReasoningTokens) })
			}
		default:
			d.unknown(key, oaUsageFields)
		}
	})
}

// oneInt reads the member of an object whose only field is the integer
// name.
func (d *jdec) oneInt(key []byte, name string, dst **int64) {
	if string(key) == name {
		d.int64Ptr(dst)
		return
	}
	d.unknown(key, []string{name})
}

func (d *jdec) eventError(e *eventError) {
	d.object(func(key []byte) {
		switch string(key) {
		case "type":
			d.str(&e.Type)
		case "status":
			d.str(&e.Status)
		case "message":
			d.str(&e.Message)
		default:
			d.unknown(key, eventErrorFields)
		}
	})
}

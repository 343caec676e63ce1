package anthropic

import "github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"

// messagesStream accumulates Anthropic Messages stream events: message_start
// (id, model, input usage), content_block_start/delta (content),
// message_delta (stop reason, cumulative usage), message_stop, error.
type messagesStream struct {
	events  llmcall.EventDecoder
	capture bool
	limit   int

	resp     llmcall.Response
	usage    tokenUsage
	stop     string
	blocks   map[int]*streamBlock
	finished bool
	err      error
}

type streamBlock struct {
	block contentBlock
	text  llmcall.TextBuilder
}

// NewStream returns the accumulator of Messages stream events.
func (Messages) NewStream(capture bool, limit int) llmcall.Stream {
	return &messagesStream{capture: capture, limit: limit, blocks: map[int]*streamBlock{}}
}

type streamEvent struct {
	Type    string                 `json:"type"`
	Message *messagesResponse      `json:"message"`
	Index   int                    `json:"index"`
	Block   *contentBlock          `json:"content_block"`
	Delta   *streamDelta           `json:"delta"`
	Usage   *tokenUsage            `json:"usage"`
	Error   *llmcall.ProviderError `json:"error"`
}

type streamDelta struct {
	Type        string `json:"type"`
	Text        string `json:"text"`
	Thinking    string `json:"thinking"`
	PartialJSON string `json:"partial_json"`
	StopReason  string `json:"stop_reason"`
}

func (s *messagesStream) Event(_ string, data []byte) error {
	var ev streamEvent
	if err := s.events.Decode(data, &ev, "stream event"); err != nil {
		return err
	}
	switch ev.Type {
	case "message_start":
		if m := ev.Message; m != nil {
			s.resp.ID, s.resp.Model = m.ID, m.Model
			s.usage.merge(m.Usage)
		}
	case "content_block_start":
		if ev.Block != nil && s.capture {
			b := &streamBlock{block: *ev.Block, text: llmcall.TextBuilder{Limit: s.limit}}
			if len(b.block.Input) > 0 && string(b.block.Input) != "{}" {
				b.text.Add(string(b.block.Input))
			}
			b.text.Add(b.block.Text + b.block.Thinking)
			s.blocks[ev.Index] = b
		}
	case "content_block_delta":
		if b := s.blocks[ev.Index]; b != nil && ev.Delta != nil {
			b.text.Add(ev.Delta.Text + ev.Delta.Thinking + ev.Delta.PartialJSON)
		}
	case "message_delta":
		if ev.Delta != nil && ev.Delta.StopReason != "" {
			s.stop = ev.Delta.StopReason
		}
		s.usage.merge(ev.Usage)
	case "message_stop":
		s.finished = true
	case "error":
		if ev.Error != nil {
			s.err = ev.Error
		}
	}
	return nil
}

func (s *messagesStream) Done() bool { return s.finished }

func (s *messagesStream) Failure() error { return s.err }

func (s *messagesStream) Response() *llmcall.Response {
	resp := s.resp
	resp.Usage = s.usage.callUsage()
	if s.stop != "" {
		resp.FinishReasons = []string{s.stop}
	}
	if !s.capture {
		return &resp
	}
	msg := llmcall.Message{Role: "assistant", FinishReason: llmcall.OutputFinishReason(s.stop), Parts: []llmcall.Part{}}
	for _, idx := range llmcall.SortedKeys(s.blocks) {
		b := s.blocks[idx]
		text := b.text.String()
		switch b.block.Type {
		case "text":
			b.block.Text = text
		case "thinking":
			b.block.Thinking = text
		case "tool_use", "server_tool_use", "mcp_tool_use":
			b.block.Input = []byte(text)
		}
		msg.Parts = append(msg.Parts, blockPart(&b.block))
	}
	resp.OutputMessages = []llmcall.Message{msg}
	return &resp
}

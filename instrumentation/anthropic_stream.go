package instrumentation

// anStream accumulates Anthropic Messages stream events: message_start
// (id, model, input usage), content_block_start/delta (content),
// message_delta (stop reason, cumulative usage), message_stop, error.
type anStream struct {
	capture  bool
	limit    int
	resp     Response
	usage    anUsage
	stop     string
	blocks   map[int]*anStreamBlock
	finished bool
	err      error
}

type anStreamBlock struct {
	block anBlock
	text  textBuilder
}

func (anthropicCodec) newStream(capture bool, limit int) streamAccumulator {
	return &anStream{capture: capture, limit: limit, blocks: map[int]*anStreamBlock{}}
}

type anEvent struct {
	Type    string      `json:"type"`
	Message *anResponse `json:"message"`
	Index   int         `json:"index"`
	Block   *anBlock    `json:"content_block"`
	Delta   *anDelta    `json:"delta"`
	Usage   *anUsage    `json:"usage"`
	Error   *eventError `json:"error"`
}

type anDelta struct {
	Type        string `json:"type"`
	Text        string `json:"text"`
	Thinking    string `json:"thinking"`
	PartialJSON string `json:"partial_json"`
	StopReason  string `json:"stop_reason"`
}

func (s *anStream) event(_ string, data []byte) error {
	var ev anEvent
	if err := decode(data, &ev, "stream event"); err != nil {
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
			b := &anStreamBlock{block: *ev.Block, text: textBuilder{limit: s.limit}}
			if len(b.block.Input) > 0 && string(b.block.Input) != "{}" {
				b.text.add(string(b.block.Input))
			}
			b.text.add(b.block.Text + b.block.Thinking)
			s.blocks[ev.Index] = b
		}
	case "content_block_delta":
		if b := s.blocks[ev.Index]; b != nil && ev.Delta != nil {
			b.text.add(ev.Delta.Text + ev.Delta.Thinking + ev.Delta.PartialJSON)
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

func (s *anStream) done() bool { return s.finished }

func (s *anStream) failure() error { return s.err }

func (s *anStream) response() *Response {
	resp := s.resp
	resp.Usage = s.usage.usage()
	if s.stop != "" {
		resp.FinishReasons = []string{s.stop}
	}
	if !s.capture {
		return &resp
	}
	msg := Message{Role: "assistant", FinishReason: outputFinishReason(s.stop), Parts: []Part{}}
	for _, idx := range sortedKeys(s.blocks) {
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
		msg.Parts = append(msg.Parts, anPart(&b.block))
	}
	resp.OutputMessages = []Message{msg}
	return &resp
}

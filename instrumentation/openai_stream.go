package instrumentation

import "bytes"

// oaStream accumulates OpenAI Chat Completions / Completions chunks.
type oaStream struct {
	capture  bool
	limit    int
	finished bool
	resp     Response
	choices  map[int]*oaStreamChoice
	err      error
}

type oaStreamChoice struct {
	text, reasoning, refusal textBuilder
	tools                    map[int]*oaStreamTool
	finish                   string
}

type oaStreamTool struct {
	id, name string
	args     textBuilder
}

func (c openaiCodec) newStream(capture bool, limit int) streamAccumulator {
	return &oaStream{capture: capture, limit: limit, choices: map[int]*oaStreamChoice{}}
}

var doneMarker = []byte("[DONE]")

func (s *oaStream) event(_ string, data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), doneMarker) {
		s.finished = true
		return nil
	}
	var chunk oaResponse
	if err := decode(data, &chunk, "stream chunk"); err != nil {
		return err
	}
	if s.resp.ID == "" {
		s.resp.ID = chunk.ID
	}
	if chunk.Model != "" {
		s.resp.Model = chunk.Model
	}
	if chunk.Usage != nil {
		s.resp.Usage = chunk.Usage.usage()
	}
	if chunk.Error != nil {
		s.err = chunk.Error
	}
	for i := range chunk.Choices {
		s.choice(&chunk.Choices[i])
	}
	return nil
}

func (s *oaStream) choice(ch *oaChoice) {
	st := s.choices[ch.Index]
	if st == nil {
		st = &oaStreamChoice{tools: map[int]*oaStreamTool{}}
		st.text.limit, st.reasoning.limit, st.refusal.limit = s.limit, s.limit, s.limit
		s.choices[ch.Index] = st
	}
	if ch.FinishReason != "" {
		st.finish = ch.FinishReason
	}
	if !s.capture {
		return
	}
	if ch.Text != nil {
		st.text.add(*ch.Text)
	}
	d := ch.Delta
	if d == nil {
		return
	}
	if text, ok := d.Content.(string); ok {
		st.text.add(text)
	} else {
		for _, p := range oaContent(d) {
			st.text.add(p.Content)
		}
	}
	st.reasoning.add(d.ReasoningContent)
	st.refusal.add(d.Refusal)
	for _, tc := range d.ToolCalls {
		t := st.tools[tc.Index]
		if t == nil {
			t = &oaStreamTool{args: textBuilder{limit: s.limit}}
			st.tools[tc.Index] = t
		}
		if tc.ID != "" {
			t.id = tc.ID
		}
		if tc.Function.Name != "" {
			t.name = tc.Function.Name
		}
		t.args.add(tc.Function.Arguments)
	}
}

func (s *oaStream) done() bool { return s.finished }

func (s *oaStream) failure() error { return s.err }

func (s *oaStream) response() *Response {
	resp := s.resp
	for _, idx := range sortedKeys(s.choices) {
		st := s.choices[idx]
		resp.FinishReasons = append(resp.FinishReasons, st.finish)
		if !s.capture {
			continue
		}
		msg := Message{Role: "assistant", FinishReason: outputFinishReason(st.finish), Parts: []Part{}}
		msg.Parts = appendStreamText(msg.Parts, &st.reasoning, &st.text)
		if !st.refusal.empty() {
			msg.Parts = append(msg.Parts, Part{Type: "refusal", Content: st.refusal.String()})
		}
		for _, ti := range sortedKeys(st.tools) {
			t := st.tools[ti]
			msg.Parts = append(msg.Parts, ToolCallPart(t.id, t.name, []byte(t.args.String())))
		}
		resp.OutputMessages = append(resp.OutputMessages, msg)
	}
	return &resp
}

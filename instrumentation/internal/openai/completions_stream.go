package openai

import (
	"bytes"

	"github.com/kaizenhq/kaizen/instrumentation/internal/llmcall"
)

// chatStream accumulates OpenAI Chat Completions / Completions chunks.
type chatStream struct {
	events   llmcall.EventDecoder
	capture  bool
	limit    int
	finished bool
	resp     llmcall.Response
	choices  map[int]*streamChoice
	err      error
}

type streamChoice struct {
	text, reasoning, refusal llmcall.TextBuilder
	tools                    map[int]*streamTool
	finish                   string
}

type streamTool struct {
	id, name string
	args     llmcall.TextBuilder
}

// NewStream returns the accumulator of streamed Chat Completions or
// Completions chunks.
func (c Completions) NewStream(capture bool, limit int) llmcall.Stream {
	return &chatStream{capture: capture, limit: limit, choices: map[int]*streamChoice{}}
}

var doneMarker = []byte("[DONE]")

func (s *chatStream) Event(_ string, data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), doneMarker) {
		s.finished = true
		return nil
	}
	var chunk chatResponse
	if err := s.events.Decode(data, &chunk, "stream chunk"); err != nil {
		return err
	}
	if s.resp.ID == "" {
		s.resp.ID = chunk.ID
	}
	if chunk.Model != "" {
		s.resp.Model = chunk.Model
	}
	if chunk.Usage != nil {
		s.resp.Usage = chunk.Usage.callUsage()
	}
	if chunk.Error != nil {
		s.err = chunk.Error
	}
	for i := range chunk.Choices {
		s.choice(&chunk.Choices[i])
	}
	return nil
}

func (s *chatStream) choice(ch *choice) {
	st := s.choices[ch.Index]
	if st == nil {
		st = &streamChoice{tools: map[int]*streamTool{}}
		st.text.Limit, st.reasoning.Limit, st.refusal.Limit = s.limit, s.limit, s.limit
		s.choices[ch.Index] = st
	}
	if ch.FinishReason != "" {
		st.finish = ch.FinishReason
	}
	if !s.capture {
		return
	}
	if ch.Text != nil {
		st.text.Add(*ch.Text)
	}
	d := ch.Delta
	if d == nil {
		return
	}
	if text, ok := d.Content.(string); ok {
		st.text.Add(text)
	} else {
		for _, p := range messageContent(d) {
			st.text.Add(p.Content)
		}
	}
	st.reasoning.Add(d.ReasoningContent)
	st.refusal.Add(d.Refusal)
	for _, tc := range d.ToolCalls {
		t := st.tools[tc.Index]
		if t == nil {
			t = &streamTool{args: llmcall.TextBuilder{Limit: s.limit}}
			st.tools[tc.Index] = t
		}
		if tc.ID != "" {
			t.id = tc.ID
		}
		if tc.Function.Name != "" {
			t.name = tc.Function.Name
		}
		t.args.Add(tc.Function.Arguments)
	}
}

func (s *chatStream) Done() bool { return s.finished }

func (s *chatStream) Failure() error { return s.err }

func (s *chatStream) Response() *llmcall.Response {
	resp := s.resp
	for _, idx := range llmcall.SortedKeys(s.choices) {
		st := s.choices[idx]
		resp.FinishReasons = append(resp.FinishReasons, st.finish)
		if !s.capture {
			continue
		}
		msg := llmcall.Message{Role: "assistant", FinishReason: llmcall.OutputFinishReason(st.finish), Parts: []llmcall.Part{}}
		msg.Parts = llmcall.AppendStreamText(msg.Parts, &st.reasoning, &st.text)
		if !st.refusal.Empty() {
			msg.Parts = append(msg.Parts, llmcall.Part{Type: "refusal", Content: st.refusal.String()})
		}
		for _, ti := range llmcall.SortedKeys(st.tools) {
			t := st.tools[ti]
			msg.Parts = append(msg.Parts, llmcall.ToolCallPart(t.id, t.name, []byte(t.args.String())))
		}
		resp.OutputMessages = append(resp.OutputMessages, msg)
	}
	return &resp
}
